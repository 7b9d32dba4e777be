//! Hooks own the page's state and drive `services`, filling `model` types; pages call them,
//! components never do (view-only hooks for components live in `ui`).

pub(crate) mod use_batched;
pub(crate) mod use_chat;
pub(crate) mod use_client_key;
pub(crate) mod use_compare_form;
pub(crate) mod use_echo;
pub(crate) mod use_embed_this;
pub(crate) mod use_feed;
pub(crate) mod use_http_lab;
pub(crate) mod use_lang;
pub(crate) mod use_lesson;
pub(crate) mod use_observer;
pub(crate) mod use_race;
pub(crate) mod use_route;
pub(crate) mod use_sessions;
pub(crate) mod use_url_settings;
pub(crate) mod use_websocket;

/// A yew callback that feeds an async receiver, so a hook's task can `await` a service's
/// events in order (`while let Some(e) = rx.next().await`).
pub(crate) fn event_channel<T: 'static>() -> (
    yew::Callback<T>,
    futures::channel::mpsc::UnboundedReceiver<T>,
) {
    let (tx, rx) = futures::channel::mpsc::unbounded();
    let cb = yew::Callback::from(move |e| {
        let _ = tx.unbounded_send(e);
    });
    (cb, rx)
}
