//! `use_compare_form`: the Compare page's form, read from the page's URL on load and
//! written back (`history.replaceState`, keeping `?lang=` and anything else) on every
//! change, so the address bar always reproduces the setup.

use yew::prelude::*;

use crate::dom;
use crate::model::compare::{Edit, Form};

/// The form and a way to change it.
#[derive(Clone, PartialEq)]
pub(crate) struct CompareForm {
    pub(crate) form: Form,
    pub(crate) edit: Callback<Edit>,
}

/// The form from `defaults` (query pairs), then the page's URL over them.
fn read(defaults: &[(&str, &str)]) -> Form {
    let Some(url) = dom::current_url() else {
        return Form::from_query(defaults.iter().copied());
    };
    let params = url.search_params();
    let names = [
        "net", "rtt", "jitter", "n", "size", "k", "c", "rate", "secs", "poll", "s",
    ];
    let pairs: Vec<(&str, String)> = names
        .iter()
        .filter_map(|n| params.get(n).map(|v| (*n, v)))
        .collect();
    Form::from_query(
        defaults
            .iter()
            .copied()
            .chain(pairs.iter().map(|(n, v)| (*n, v.as_str()))),
    )
}

fn write(form: &Form) {
    let Some(url) = dom::current_url() else {
        return;
    };
    let params = url.search_params();
    // A custom network's values leave the URL when another profile is chosen.
    params.delete("rtt");
    params.delete("jitter");
    for (name, value) in form.to_query() {
        params.set(name, &value);
    }
    dom::replace_url(&url);
}

/// `defaults`: query pairs the form starts from before the URL's (a lesson's settings,
/// e.g. `&[("net", "4g")]`; the Compare page passes none).
#[hook]
pub(crate) fn use_compare_form(defaults: &'static [(&'static str, &'static str)]) -> CompareForm {
    let form = use_state(|| read(defaults));
    {
        let form = (*form).clone();
        use_effect_with(form, write);
    }
    let edit = {
        let form = form.clone();
        Callback::from(move |e: Edit| {
            let mut next = (*form).clone();
            next.apply(e);
            form.set(next);
        })
    };
    CompareForm {
        form: (*form).clone(),
        edit,
    }
}
