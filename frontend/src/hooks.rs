//! Hooks own the page's state and drive `services`; pages call them, components never do.

pub(crate) mod use_echo;
pub(crate) mod use_websocket;
