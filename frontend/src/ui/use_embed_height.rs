//! `use_embed_height(on)`: while `on` and the page is in a frame, the frame's parent is
//! told the page's height on every change (`dom::report_height`), so a blog's iframe
//! grows and shrinks with the widget instead of scrolling inside it.

use yew::prelude::*;

use crate::dom;

#[hook]
pub(crate) fn use_embed_height(on: bool) {
    use_effect_with(on, |on| {
        let report = on.then(dom::report_height).flatten();
        move || drop(report)
    });
}
