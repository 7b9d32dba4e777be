//! The emulated network: a profile (none, LAN, 4G, intercontinental, satellite, custom),
//! custom round-trip time and jitter, and what the chosen model adds — and does not.
//!
//! A plain function taking its settings as a struct, not a component: every
//! `#[function_component]` costs ~1 KB of wasm of its own (measured 2026-11-23, issue 14;
//! see `metric.rs`), and this one keeps no state; the form is borrowed, not copied per
//! redraw.

use protocol::emulate::{NetModel, Profile};
use protocol::lab::LabParam;
use yew::prelude::*;

use super::number_field::{Refused, form_field};
use crate::i18n::{Key, Lang};
use crate::model::compare::{Edit, Form};

/// What [`net_controls`] draws and whom it tells.
pub(crate) struct NetControlsProps<'a> {
    pub(crate) form: &'a Form,
    pub(crate) on_edit: Callback<Edit>,
    /// A server refusal naming one of these fields, shown beside it.
    pub(crate) refused: Refused,
    pub(crate) disabled: bool,
}

/// A profile's name.
pub(crate) fn profile_key(p: Profile) -> Key {
    match p {
        Profile::None => Key::cmp_p_none,
        Profile::Lan => Key::cmp_p_lan,
        Profile::FourG => Key::cmp_p_4g,
        Profile::Intercontinental => Key::cmp_p_inter,
        Profile::Satellite => Key::cmp_p_sat,
        Profile::Custom => Key::cmp_p_custom,
    }
}

/// What a model adds, in words.
pub(crate) fn describe(lang: Lang, net: Option<NetModel>) -> String {
    match net {
        Some(m) if !m.is_none() => lang.tf(
            if m.jitter_ms == 0 {
                Key::cmp_net_model_steady
            } else {
                Key::cmp_net_model
            },
            &[
                ("rtt", &m.rtt_ms.to_string()),
                ("half", &format!("{}", f64::from(m.rtt_ms) / 2.0)),
                ("jitter", &m.jitter_ms.to_string()),
            ],
        ),
        Some(_) => lang.t(Key::cmp_net_off).to_owned(),
        None => String::new(),
    }
}

pub(crate) fn net_controls(lang: Lang, props: &NetControlsProps<'_>) -> Html {
    let f = props.form;
    let on_profile = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(p) = Profile::from_slug(&select.value()) {
                on_edit.emit(Edit::Profile(p));
            }
        })
    };
    let field = |p: LabParam, label: Key, test: &'static str| {
        form_field(
            lang,
            f,
            &props.on_edit,
            (p, label, test),
            props.disabled,
            &props.refused,
        )
    };
    html! {
        <div class="net-controls">
            <label class="field">
                <span>{ lang.t(Key::cmp_profile) }</span>
                <select data-test="net-profile" onchange={on_profile} disabled={props.disabled}>
                    { for Profile::ALL.iter().map(|p| html! {
                        <option value={p.slug()} selected={*p == f.profile}>
                            { lang.t(profile_key(*p)) }
                            { p.model().filter(|m| !m.is_none()).map(|m| format!(" — {} ms", m.rtt_ms)).unwrap_or_default() }
                        </option>
                    }) }
                </select>
            </label>
            if f.profile == Profile::Custom {
                { field(LabParam::RttMs, Key::cmp_rtt, "net-rtt") }
                { field(LabParam::JitterMs, Key::cmp_jitter, "net-jitter") }
            }
            <p class="net-model" data-test="net-model">{ describe(lang, f.net()) }</p>
        </div>
    }
}
