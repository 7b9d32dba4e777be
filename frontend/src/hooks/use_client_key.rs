//! `use_client_key`: the page's client key (see `services::client_key`), made once by the
//! app (`use_new_client_key`) and shared through context so every request of this page
//! load carries the same one.

use yew::prelude::*;

use crate::services::client_key;

/// The context value the app provides.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClientKey(pub(crate) AttrValue);

/// A fresh key, made once for the component that calls it (the app).
#[hook]
pub(crate) fn use_new_client_key() -> ClientKey {
    let key = use_memo((), |_| ClientKey(AttrValue::from(client_key::generate())));
    (*key).clone()
}

/// The key from context (a fresh one if a component is mounted without the app).
#[hook]
pub(crate) fn use_client_key() -> AttrValue {
    let from_app = use_context::<ClientKey>().map(|k| k.0);
    let fallback = use_new_client_key();
    from_app.unwrap_or(fallback.0)
}
