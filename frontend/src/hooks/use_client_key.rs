//! `use_client_key`: the page's client key (see `services::client_key`), made once by the
//! app and shared through context so every request of this page load carries the same one.

use yew::prelude::*;

/// The context value the app provides.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClientKey(pub(crate) AttrValue);

/// The key from context (a fresh one if a component is mounted without the app).
#[hook]
pub(crate) fn use_client_key() -> AttrValue {
    let from_app = use_context::<ClientKey>().map(|k| k.0);
    let fallback = use_memo((), |_| {
        AttrValue::from(crate::services::client_key::generate())
    });
    from_app.unwrap_or_else(|| (*fallback).clone())
}
