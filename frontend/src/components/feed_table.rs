//! The feed's results, one row per strategy: events delivered, staleness p50/p95, the
//! page's requests and empty answers, and what the server counted (bytes each way,
//! requests and streams it held open).
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state;
//! it also spares the page a copy of the results per redraw.

use yew::prelude::*;

use super::feed_controls::{strategy_color, strategy_key};
use super::race_table::failure_text;
use crate::format;
use crate::i18n::{Key, Lang};
use crate::model::compare::StrategyResult;

/// One row per strategy; `total` is the events the feed emits in all.
pub(crate) fn feed_table(lang: Lang, results: &[StrategyResult], total: u64) -> Html {
    let ms = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), format::duration_ms);
    let row = |r: &StrategyResult| {
        let s = r.staleness();
        let t = r.tally;
        let p50 = s
            .as_ref()
            .map_or(String::new(), |s| format!("{:.3}", s.p50));
        html! {
            <>
            <tr data-test="feed-row" data-strategy={r.strategy.slug()} data-p50={p50}
                data-delivered={r.points.len().to_string()} data-requests={r.requests.to_string()}
                data-done={r.done.to_string()}>
                <th scope="row">
                    <span class="swatch" style={format!("background: {}", strategy_color(r.strategy))} aria-hidden="true" />
                    { lang.t(strategy_key(r.strategy)) }
                </th>
                <td class="num strong">{ ms(s.as_ref().map(|s| s.p50)) }</td>
                <td class="num">{ ms(s.as_ref().map(|s| s.p95)) }</td>
                <td class="num">{ r.requests }</td>
                <td class="num">{ r.empty }</td>
                <td class="num">{ t.map_or_else(|| "—".to_owned(), |t| format!("{} / {}", t.held_now, t.held_peak)) }</td>
                <td class="num">{ format!("{} / {}", r.points.len(), total) }</td>
                <td class="num">{ t.map_or_else(|| "—".to_owned(), |t| format::bytes(t.bytes_in)) }</td>
                <td class="num">{ t.map_or_else(|| "—".to_owned(), |t| format::bytes(t.bytes_out)) }</td>
            </tr>
            if let Some(f) = &r.error {
                <tr class="row-error"><td colspan="9" role="alert" data-test="feed-error">{ failure_text(lang, f) }</td></tr>
            }
            </>
        }
    };
    html! {
        <div class="table-wrap" tabindex="0">
            <table class="lab-table compare-table" data-test="feed-table">
                <thead><tr>
                    <th scope="col">{ lang.t(Key::cmp_col_strategy) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_stale50) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_stale95) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_requests) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_empty) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_held) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_delivered) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_in) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_out) }</th>
                </tr></thead>
                <tbody>{ for results.iter().map(row) }</tbody>
            </table>
        </div>
    }
}
