//! `use_viewport_width`: the window's inner width in CSS pixels, read at render time, for
//! pictures that draw differently on phones (pair it with `use_ticker` or another source
//! of re-renders to follow a resize). View-only: no network.

use yew::prelude::*;

/// `None` outside a browser window.
#[hook]
pub(crate) fn use_viewport_width() -> Option<f64> {
    crate::dom::inner_width()
}
