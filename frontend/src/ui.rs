//! View-only hooks: time and the window, never the network. Components may call them
//! (`components` must not import `hooks` or `services`; `cargo xtask test`'s tidy step
//! checks), so a component can redraw itself without redrawing its page — the
//! connections panel ticks 4×/s alone. Nothing here may import `crate::hooks` or
//! `crate::services` either (checked the same way).

pub(crate) mod use_embed_height;
pub(crate) mod use_ticker;
pub(crate) mod use_viewport_width;
