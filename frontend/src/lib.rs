//! The Duplex page: a yew app that measures HTTP request–response against a WebSocket
//! session, live, in the reader's browser.
//!
//! Map: [`app`] picks the language and mounts the page; `pages` call `hooks`, which own
//! state and talk to the network through `services`; `components` only draw. [`i18n`]
//! and [`format`] are pure and tested natively.

mod app;
mod clock;
pub mod compare;
mod components;
pub mod format;
mod hooks;
pub mod i18n;
pub mod observed;
mod pages;
pub mod route;
mod services;
pub mod stats;
pub mod ws_session;

/// Mounts the app on `<body>`.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
