//! A textbook figure beside the learner's own measurement, drawn: one row per
//! [`Formula`] — the law's name, a scale from 0 with the band the check accepts shaded,
//! the textbook's value as a line and the measurement as a diamond (shape, not only
//! colour), and below, the three figures as text with their units. A plain function (no
//! component of its own: the step redraws it anyway, and a `#[function_component]` costs
//! ~1 KB of wasm each, ARCHITECTURE "Sizes").

use yew::prelude::*;

use crate::i18n::{Key, Lang};
use crate::model::lesson::formula::{Formula, Law};

/// A figure with its unit: bytes whole, times with one decimal.
fn figure(law: Law, v: f64) -> String {
    if law.in_bytes() {
        format!("{v:.0} B")
    } else {
        format!("{v:.1} ms")
    }
}

fn label(law: Law) -> Key {
    match law {
        Law::HalfPeriod => Key::formula_half_period,
        Law::PollDelay => Key::formula_poll_delay,
        Law::NewConnection => Key::formula_new_connection,
        Law::KeepAlive => Key::formula_keep_alive,
        Law::Handshake => Key::formula_handshake,
        Law::WebSocket => Key::formula_websocket,
        Law::PollHeaders => Key::formula_poll_headers,
        Law::FrameHeader => Key::formula_frame_header,
    }
}

/// A position on the row's scale, in % of its width.
fn at(v: f64, max: f64) -> String {
    format!("{:.2}%", (v / max * 100.0).clamp(0.0, 100.0))
}

/// The gauges of one step (nothing when it has no textbook figure).
pub(crate) fn gauges(lang: Lang, formulas: &[Formula]) -> Html {
    if formulas.is_empty() {
        return Html::default();
    }
    html! {
        <div class="formulas" data-test="formulas">
            <p class="formulas-title">{ lang.t(Key::formula_title) }</p>
            { for formulas.iter().map(|f| gauge(lang, f)) }
        </div>
    }
}

fn gauge(lang: Lang, f: &Formula) -> Html {
    let (law, band) = (f.law, f.band);
    let max = band.hi.max(f.measured) * 1.12;
    let expected = figure(law, band.expected);
    let measured = figure(law, f.measured);
    let accepted = lang.tf(
        Key::formula_accepted,
        &[("lo", &figure(law, band.lo)), ("hi", &figure(law, band.hi))],
    );
    let textbook = lang.tf(Key::formula_textbook, &[("value", &expected)]);
    let you = lang.tf(Key::formula_measured, &[("value", &measured)]);
    let verdict = if f.agrees() {
        Key::formula_agrees
    } else {
        Key::formula_differs
    };
    let summary = format!("{textbook}, {accepted}; {you}: {}", lang.t(verdict));
    let class = if f.agrees() {
        "formula formula-agrees"
    } else {
        "formula formula-differs"
    };
    let band_style = format!(
        "left:{};width:{}",
        at(band.lo, max),
        at(band.hi - band.lo, max)
    );
    html! {
        <figure {class} data-test={format!("formula-{}", law.slug())} data-agrees={f.agrees().to_string()}>
            <figcaption class="formula-label">{ lang.t(label(law)) }</figcaption>
            <div class="gauge" role="img" aria-label={summary}>
                <span class="gauge-band" style={band_style}></span>
                <span class="gauge-expected" style={format!("left:{}", at(band.expected, max))}></span>
                <span class="gauge-you" style={format!("left:{}", at(f.measured, max))}></span>
            </div>
            <p class="formula-legend" aria-hidden="true">
                <span class="legend-expected">{ textbook }</span>
                <span class="legend-band">{ accepted }</span>
                <span class="legend-you">{ you }{ " · " }{ lang.t(verdict) }</span>
            </p>
        </figure>
    }
}
