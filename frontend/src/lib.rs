//! The Duplex page: a yew app that measures HTTP request–response against a WebSocket
//! session, live, in the reader's browser.
//!
//! Map: [`app`] picks the language and mounts the page; `pages` call `hooks`, which fill
//! the [`model`] (view state: pure types and reducers) and talk to the network through
//! `services`; `components` draw the model, with view-only hooks from `ui`; `dom` holds
//! the browser page's own APIs (address bar, downloads). `cargo xtask test` checks that
//! components import neither hooks nor services, pages no services, the leaves (`dom`,
//! `clock`, `route`, `i18n`, `format`, `stats`) no layer, and that only hooks and
//! services reach the network (ARCHITECTURE.md). [`model`],
//! [`route`], [`i18n`], [`stats`] and [`format`] are pure and tested natively.

/// The allocator in the browser: talc (`WasmDynamicTalc`, growing the wasm memory as
/// dlmalloc does) instead of Rust's default dlmalloc — its code is ~1.3 KB to dlmalloc's
/// 7–8 KB, 2.7–3.0 KB of gzip per bundle (ARCHITECTURE.md, "Sizes").
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod app;
pub mod bundles;
mod clock;
mod components;
mod dom;
pub mod format;
mod hooks;
pub mod i18n;
pub mod model;
mod pages;
pub mod route;
mod services;
pub mod stats;
mod ui;
mod wire;

/// Mounts the app with bundle `P`'s pages on `<body>`, once the page's language is at
/// hand (`services::locale`; until then the static shell shows, already in that
/// language). Each binary in `src/bin/` calls it with its own [`bundles::Pages`].
pub fn start<P: bundles::Pages>() {
    services::locale::load_then(app::initial_lang(), || {
        yew::Renderer::<app::App<P>>::new().render();
    });
}
