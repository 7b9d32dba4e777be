//! The connection timeline: one bar per TCP connection from accept to close, the requests
//! it carried as numbered marks, and how it ended (who closed it) drawn at its end.
//! Keep-alive shows one long bar with many marks; close-after-response, one short bar per
//! request, each ended by the server.

use std::rc::Rc;

use protocol::observe::ClosedBy;
use yew::prelude::*;

use super::use_lang;
use crate::format;
use crate::i18n::{Key, Lang};
use crate::model::observed::{ConnView, Observed};

/// Bars drawn at most; older connections are summarised in a note.
const MAX_BARS: usize = 40;
const ROW: f64 = 30.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
/// Drawing width in SVG units: the picture is drawn at about 1:1 so its text stays
/// readable, narrower on phones.
const WIDTH_WIDE: f64 = 760.0;
const WIDTH_NARROW: f64 = 340.0;
const AXIS: f64 = 30.0;

#[derive(Properties, PartialEq)]
pub(crate) struct ConnTimelineProps {
    pub(crate) observed: Rc<Observed>,
    /// The server's clock now (open bars reach up to it).
    pub(crate) now_us: Option<u64>,
    /// Draw for a phone-sized screen.
    #[prop_or_default]
    pub(crate) narrow: bool,
}

#[function_component(ConnTimeline)]
pub(crate) fn conn_timeline(props: &ConnTimelineProps) -> Html {
    let lang = use_lang();
    let all: Vec<&ConnView> = props
        .observed
        .conns
        .values()
        .filter(|c| !c.observer)
        .collect();
    let observer = props.observed.conns.values().find(|c| c.observer);
    if all.is_empty() {
        return html! { <p class="empty" data-test="timeline-empty">{ lang.t(Key::tl_empty) }</p> };
    }
    let hidden = all.len().saturating_sub(MAX_BARS);
    let shown = &all[hidden..];

    // The axis starts with this page's first request on any shown connection (a
    // connection opened earlier for the page's own files is drawn cut at the left), so a
    // page open for minutes does not squeeze the lab into a sliver.
    let start = shown
        .iter()
        .map(|c| c.marks.first().map_or(c.accepted_us, |m| m.at_us))
        .min()
        .unwrap_or(0);
    let last_event = shown
        .iter()
        .map(|c| {
            c.closed
                .map(|(at, _)| at)
                .or_else(|| c.marks.last().map(|m| m.at_us))
                .unwrap_or(c.accepted_us)
        })
        .max()
        .unwrap_or(start);
    let any_open = shown.iter().any(|c| c.closed.is_none());
    let end = if any_open {
        props.now_us.unwrap_or(last_event).max(last_event)
    } else {
        last_event
    };
    let span = (end.saturating_sub(start)).max(1_000) as f64; // at least 1 ms
    let width = if props.narrow {
        WIDTH_NARROW
    } else {
        WIDTH_WIDE
    };
    let plot = width - LEFT - RIGHT;
    let x = move |us: u64| LEFT + (us.saturating_sub(start) as f64 / span) * plot;

    let rows = shown.len() + usize::from(observer.is_some());
    let height = rows as f64 * ROW + AXIS;
    let bars = shown
        .iter()
        .enumerate()
        .map(|(i, c)| bar(lang, c, i as f64 * ROW, &x, end));
    let observer_row = observer.map(|c| {
        let y = shown.len() as f64 * ROW + ROW / 2.0;
        html! {
            <g class="tl-observer" data-test="tl-observer">
                <text x="4" y={fmt(y + 4.0)} class="tl-id">{ format!("#{}", c.id) }</text>
                <line x1={fmt(LEFT)} x2={fmt(width - RIGHT)} y1={fmt(y)} y2={fmt(y)} class="tl-observer-line" />
                <text x={fmt(LEFT + 6.0)} y={fmt(y - 6.0)} class="tl-note">{ lang.t(Key::tl_observer_short) }</text>
            </g>
        }
    });
    let max_ticks = if props.narrow { 4.0 } else { 8.0 };
    let ticks = ticks(span / 1000.0, max_ticks).into_iter().map(|ms| {
        let tx = LEFT + (ms * 1000.0 / span) * plot;
        html! {
            <g class="tl-tick">
                <line x1={fmt(tx)} x2={fmt(tx)} y1="0" y2={fmt(height - AXIS + 4.0)} />
                <text x={fmt(tx)} y={fmt(height - AXIS + 18.0)} text-anchor="middle">{ format::tick_ms(ms) }</text>
            </g>
        }
    });
    let label = lang.plural(Key::tl_aria, shown.len() as u64, &[]);
    html! {
        <figure class="timeline" data-test="timeline">
            <div class="timeline-scroll">
            <svg viewBox={format!("0 0 {width} {}", fmt(height))} role="img" aria-label={label}
                 preserveAspectRatio="xMinYMin meet">
                { for ticks }
                { for bars }
                { for observer_row }
            </svg>
            </div>
            <figcaption class="tl-legend">
                <span class="tl-key"><span class="tl-swatch tl-swatch-keep" />{ lang.t(Key::tl_legend_keep) }</span>
                <span class="tl-key"><span class="tl-swatch tl-swatch-new" />{ lang.t(Key::tl_legend_new) }</span>
                <span class="tl-key"><span class="tl-swatch tl-swatch-idle" />{ lang.t(Key::tl_legend_idle) }</span>
                <span class="tl-key"><span class="tl-glyph">{ "┃" }</span>{ lang.t(Key::tl_legend_request) }</span>
                <span class="tl-key"><span class="tl-glyph">{ "■" }</span>{ lang.t(Key::tl_by_server) }</span>
                <span class="tl-key"><span class="tl-glyph">{ "▲" }</span>{ lang.t(Key::tl_by_client) }</span>
                <span class="tl-key"><span class="tl-glyph">{ "▶" }</span>{ lang.t(Key::tl_open) }</span>
                if shown.iter().any(|c| c.upgraded_us.is_some()) {
                    <span class="tl-key"><span class="tl-swatch tl-swatch-ws" />{ lang.t(Key::tl_legend_ws) }</span>
                    <span class="tl-key"><span class="tl-glyph">{ "◆" }</span>{ lang.t(Key::tl_upgraded) }</span>
                }
                if observer.is_some() {
                    <span class="tl-key"><span class="tl-swatch tl-swatch-observer" />{ lang.t(Key::tl_observer) }</span>
                }
                if hidden > 0 {
                    <span class="tl-key">{ lang.plural(Key::tl_hidden, hidden as u64, &[]) }</span>
                }
            </figcaption>
        </figure>
    }
}

fn bar(lang: Lang, c: &ConnView, top: f64, x: &impl Fn(u64) -> f64, now: u64) -> Html {
    let y = top + ROW / 2.0;
    // `x` clamps times before the axis start to its left edge.
    let x0 = x(c.accepted_us);
    let x1 = x(c.closed.map_or(now, |(at, _)| at)).max(x0 + 3.0);
    // One request and closed by the server: the "new connection per request" pattern.
    let one_shot = c.marks.len() <= 1 && matches!(c.closed, Some((_, ClosedBy::Server)));
    let class = classes!(
        "tl-bar",
        if one_shot {
            "tl-bar-new"
        } else {
            "tl-bar-keep"
        }
    );
    let (glyph, by, end_name) = match c.closed {
        Some((_, ClosedBy::Server)) => ("■", Key::tl_by_server, "server"),
        Some((_, ClosedBy::Client)) => ("▲", Key::tl_by_client, "client"),
        Some((_, ClosedBy::Error)) => ("✕", Key::tl_by_error, "error"),
        None => ("▶", Key::tl_open, "open"),
    };
    // Before this page's first request the connection was idle or carried the page's own
    // files: drawn faint, so the solid part is what the lab did.
    let first = c.marks.first().map_or(x1, |m| x(m.at_us).clamp(x0, x1));
    let idle_title = lang.tf(Key::tl_idle_title, &[("n", &c.requests_before.to_string())]);
    let marks = c.marks.iter().map(|m| {
        let mx = x(m.at_us);
        let title = format!("#{} {} {}", m.request, m.method, m.path);
        html! {
            <g class="tl-mark">
                <title>{ title }</title>
                <line x1={fmt(mx)} x2={fmt(mx)} y1={fmt(y - 9.0)} y2={fmt(y + 9.0)} />
            </g>
        }
    });
    let end_title = lang.t(by);
    html! {
        <g class="tl-row" data-test="tl-bar" data-conn={c.id.to_string()} data-end={end_name}
           data-requests={c.marks.len().to_string()}>
            <text x="4" y={fmt(y + 4.0)} class="tl-id">{ format!("#{}", c.id) }</text>
            if first > x0 {
                <rect x={fmt(x0)} y={fmt(y - 3.0)} width={fmt(first - x0)} height="6" rx="2" class="tl-bar-idle">
                    <title>{ idle_title }</title>
                </rect>
            }
            <rect x={fmt(first)} y={fmt(y - 6.0)} width={fmt((x1 - first).max(3.0))} height="12" rx="3" {class} />
            if let Some(up) = c.upgraded_us {
                <rect x={fmt(x(up).clamp(first, x1))} y={fmt(y - 6.0)} width={fmt((x1 - x(up).clamp(first, x1)).max(3.0))} height="12" rx="3" class="tl-bar-ws" />
                <g class="tl-upgrade" data-test="tl-upgrade">
                    <title>{ lang.t(Key::tl_upgraded) }</title>
                    <path d={format!("M{0:.1} {1:.1} l6 8 l-6 8 l-6 -8 z", x(up).clamp(first, x1), y - 8.0)} />
                </g>
            }
            { for marks }
            <text x={fmt(x1 + 2.0)} y={fmt(y + 5.0)} class={classes!("tl-end", format!("tl-end-{end_name}"))}>
                <title>{ end_title }</title>
                { glyph }
            </text>
        </g>
    }
}

/// Tick positions (ms) at a round step giving at most `max` ticks over `span_ms`.
fn ticks(span_ms: f64, max: f64) -> Vec<f64> {
    let raw = span_ms / 5.0;
    let pow = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * pow)
        .find(|s| span_ms / s <= max)
        .unwrap_or(10.0 * pow);
    (0..)
        .map(|i| i as f64 * step)
        .take_while(|t| *t <= span_ms + 1e-9)
        .collect()
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::ticks;

    #[test]
    fn ticks_are_round_and_few() {
        assert_eq!(ticks(10.0, 8.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let t = ticks(1234.0, 8.0);
        assert!(t.len() >= 4 && t.len() <= 9, "{t:?}");
        assert_eq!(t[1], 200.0);
        assert_eq!(ticks(1.0, 8.0)[1], 0.2);
        assert!(ticks(1234.0, 4.0).len() <= 5);
    }
}
