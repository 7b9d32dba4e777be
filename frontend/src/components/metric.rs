//! A labelled figure: small caption above a number in tabular digits.
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (lifecycle, props comparison and scope code monomorphised per component;
//! measured 2026-11-23, issue 14), and this one has no state to keep.

use yew::prelude::*;

/// `label` over `value`; `test` is the value's `data-test` hook for the browser tests.
pub(crate) fn metric(
    label: &'static str,
    value: impl Into<AttrValue>,
    test: &'static str,
    big: bool,
) -> Html {
    let class = classes!("metric", big.then_some("metric-big"));
    html! {
        <div {class}>
            <span class="metric-label">{ label }</span>
            <span class="metric-value num" data-test={test}>{ value.into() }</span>
        </div>
    }
}
