//! The race's results, one row per contender: round-trip statistics, wall time, round trips
//! per second, and what the server counted on the wire (connections opened, bytes each
//! way, overhead per round trip).
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state;
//! it also spares the page a copy of the results per redraw.

use yew::prelude::*;

use super::race_controls::{contender_color, contender_key};
use crate::format;
use crate::i18n::{Key, Lang, error_key};
use crate::model::compare::{ContenderResult, Failure};

/// A stop reason in words.
pub(crate) fn failure_text(lang: Lang, f: &Failure) -> String {
    match f {
        Failure::Refused(body) => lang.t(error_key(body.code)).to_owned(),
        Failure::Network => lang.t(Key::cmp_err_network).to_owned(),
        Failure::Closed { code, reason } => lang.tf(
            Key::cmp_err_closed,
            &[("code", &code.to_string()), ("reason", reason)],
        ),
    }
}

/// One row per contender; `size` is the payload in bytes (for the overhead column).
pub(crate) fn race_table(lang: Lang, results: &[ContenderResult], size: u64) -> Html {
    let ms = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), format::duration_ms);
    let row = |r: &ContenderResult| {
        let s = r.summary();
        let pick = |f: fn(&crate::stats::Summary) -> f64| ms(s.as_ref().map(f));
        let t = r.tally;
        let count = |f: fn(&protocol::compare::Tally) -> u64| {
            t.map_or_else(|| "—".to_owned(), |t| f(&t).to_string())
        };
        let bytes = |f: fn(&protocol::compare::Tally) -> u64| {
            t.map_or_else(|| "—".to_owned(), |t| format::bytes(f(&t)))
        };
        let p50 = s
            .as_ref()
            .map_or(String::new(), |s| format!("{:.4}", s.p50));
        html! {
            <>
            <tr data-test="race-row" data-contender={r.contender.slug()} data-p50={p50}
                data-n={r.samples.len().to_string()} data-done={r.done.to_string()}>
                <th scope="row">
                    <span class="swatch" style={format!("background: {}", contender_color(r.contender))} aria-hidden="true" />
                    { lang.t(contender_key(r.contender)) }
                </th>
                <td class="num strong">{ pick(|s| s.p50) }</td>
                <td class="num">{ pick(|s| s.p95) }</td>
                <td class="num" data-test="race-conns">{ count(|t| t.connections_opened) }</td>
                <td class="num" data-test="race-overhead">{ r.overhead_per_round_trip(size).map_or_else(|| "—".to_owned(), |v| format!("{v:.0} B")) }</td>
                <td class="num">{ r.samples.len() }</td>
                <td class="num">{ pick(|s| s.min) }</td>
                <td class="num">{ pick(|s| s.p99) }</td>
                <td class="num">{ pick(|s| s.max) }</td>
                <td class="num">{ pick(|s| s.mean) }</td>
                <td class="num">{ if r.done { format::duration_ms(r.wall_ms) } else { "—".to_owned() } }</td>
                <td class="num">{ r.per_second().filter(|_| r.done).map_or_else(|| "—".to_owned(), |v| format!("{v:.0}")) }</td>
                <td class="num">{ bytes(|t| t.bytes_in) }</td>
                <td class="num">{ bytes(|t| t.bytes_out) }</td>
            </tr>
            if let Some(f) = &r.error {
                <tr class="row-error"><td colspan="14" role="alert" data-test="race-error">{ failure_text(lang, f) }</td></tr>
            }
            </>
        }
    };
    html! {
        <div class="table-wrap" tabindex="0">
            <table class="lab-table compare-table" data-test="race-table">
                <thead><tr>
                    <th scope="col">{ lang.t(Key::cmp_col_contender) }</th>
                    <th scope="col">{ "p50" }</th>
                    <th scope="col">{ "p95" }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_conns) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_overhead) }</th>
                    <th scope="col">{ "n" }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_min) }</th>
                    <th scope="col">{ "p99" }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_max) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_mean) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_wall) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_rps) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_in) }</th>
                    <th scope="col">{ lang.t(Key::cmp_col_out) }</th>
                </tr></thead>
                <tbody>{ for results.iter().map(row) }</tbody>
            </table>
        </div>
    }
}
