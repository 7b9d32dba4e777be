//! `use_url_settings::<S>()`: a widget's settings from the page's address and a callback
//! that writes them back (`history.replaceState`, keeping `?lang=` and the rest) whenever
//! its form holds them — so a link, and an embed, reproduce the setup, as Compare's address
//! does (`use_compare_form`). The labs' (`model::lab::LabRun`, `model::ws_settings::
//! WsSettings`) and the basics' panels' (`model::basics`) settings use it.

use yew::prelude::*;

use crate::dom;
use crate::model::basics::{HTTP_PANEL_NAMES, HttpPanelSettings, WS_PANEL_NAMES, WsPanelSettings};
use crate::model::lab::{LAB_QUERY_NAMES, LabRun};
use crate::model::ws_settings::{WS_QUERY_NAMES, WsSettings};

/// Settings that live in the page's address.
pub(crate) trait UrlSettings: Clone + PartialEq + 'static {
    /// Every query name it reads and writes.
    const NAMES: &'static [&'static str];
    fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self;
    fn to_query(&self) -> Vec<(&'static str, String)>;
}

impl UrlSettings for LabRun {
    const NAMES: &'static [&'static str] = &LAB_QUERY_NAMES;
    fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        LabRun::from_query(pairs)
    }
    fn to_query(&self) -> Vec<(&'static str, String)> {
        LabRun::to_query(self)
    }
}

impl UrlSettings for WsSettings {
    const NAMES: &'static [&'static str] = &WS_QUERY_NAMES;
    fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        WsSettings::from_query(pairs)
    }
    fn to_query(&self) -> Vec<(&'static str, String)> {
        WsSettings::to_query(self)
    }
}

impl UrlSettings for HttpPanelSettings {
    const NAMES: &'static [&'static str] = &HTTP_PANEL_NAMES;
    fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        HttpPanelSettings::from_query(pairs)
    }
    fn to_query(&self) -> Vec<(&'static str, String)> {
        HttpPanelSettings::to_query(self)
    }
}

impl UrlSettings for WsPanelSettings {
    const NAMES: &'static [&'static str] = &WS_PANEL_NAMES;
    fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        WsPanelSettings::from_query(pairs)
    }
    fn to_query(&self) -> Vec<(&'static str, String)> {
        WsPanelSettings::to_query(self)
    }
}

fn read<S: UrlSettings>() -> S {
    let pairs: Vec<(&str, String)> = dom::current_url()
        .map(|url| {
            let params = url.search_params();
            S::NAMES
                .iter()
                .filter_map(|n| params.get(n).map(|v| (*n, v)))
                .collect()
        })
        .unwrap_or_default();
    S::from_query(pairs.iter().map(|(n, v)| (*n, v.as_str())))
}

fn write<S: UrlSettings>(settings: &S) {
    let Some(url) = dom::current_url() else {
        return;
    };
    let params = url.search_params();
    for name in S::NAMES {
        params.delete(name);
    }
    for (name, value) in settings.to_query() {
        params.set(name, &value);
    }
    dom::replace_url(&url);
}

/// The settings the address names (read once), and where the form reports its own.
#[hook]
pub(crate) fn use_url_settings<S: UrlSettings>() -> (S, Callback<S>) {
    let initial = use_memo((), |_| read::<S>());
    ((*initial).clone(), Callback::from(|s: S| write(&s)))
}
