//! A labelled figure: small caption above a number in tabular digits.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct MetricProps {
    pub(crate) label: AttrValue,
    pub(crate) value: AttrValue,
    /// `data-test` hook for the browser tests.
    #[prop_or_default]
    pub(crate) test: AttrValue,
    #[prop_or_default]
    pub(crate) big: bool,
}

#[function_component(Metric)]
pub(crate) fn metric(props: &MetricProps) -> Html {
    let class = classes!("metric", props.big.then_some("metric-big"));
    html! {
        <div {class}>
            <span class="metric-label">{ &props.label }</span>
            <span class="metric-value num" data-test={props.test.clone()}>{ &props.value }</span>
        </div>
    }
}
