//! Hooks own the page's state and drive `services`; pages call them, components never do.

pub(crate) mod use_batched;
pub(crate) mod use_client_key;
pub(crate) mod use_compare_form;
pub(crate) mod use_echo;
pub(crate) mod use_feed;
pub(crate) mod use_http_lab;
pub(crate) mod use_observer;
pub(crate) mod use_race;
pub(crate) mod use_route;
pub(crate) mod use_ticker;
pub(crate) mod use_viewport_width;
pub(crate) mod use_websocket;
