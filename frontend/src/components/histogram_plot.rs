//! Overlaid round-trip histograms: one step outline per series (HTTP, WebSocket, …) over
//! the same log-spaced bins, x in ms on a log axis, y the share of that series' round
//! trips in percent. Hand-drawn SVG scaled by its `viewBox`, no JS chart library.
//!
//! Also holds what both plots share (the series type, the frame, axes, legend, tick
//! labels), reused by `time_plot`. All text arrives translated through props.

use std::rc::Rc;

use yew::prelude::*;

use crate::stats::{self, Histogram};

/// One series of samples (ms) with its legend text and colour.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PlotSeries {
    pub(crate) label: String,
    /// A CSS colour, usually a model's variable such as `"var(--c-http)"`.
    pub(crate) color: &'static str,
    pub(crate) samples: Rc<Vec<f64>>,
}

#[derive(Properties, PartialEq)]
pub(crate) struct HistogramPlotProps {
    pub(crate) series: Rc<Vec<PlotSeries>>,
    /// Caption above the plot and the picture's accessible name (no caption when empty).
    #[prop_or_default]
    pub(crate) title: AttrValue,
    pub(crate) x_label: AttrValue,
    pub(crate) y_label: AttrValue,
    /// The numbers come from an emulated network: show `emulated_label` as a badge.
    #[prop_or_default]
    pub(crate) emulated: bool,
    #[prop_or_default]
    pub(crate) emulated_label: AttrValue,
    /// Shown in the plot area when no series has a sample.
    pub(crate) empty_label: AttrValue,
    /// Draw for a phone-sized screen: larger text, fewer ticks.
    #[prop_or_default]
    pub(crate) narrow: bool,
}

#[function_component(HistogramPlot)]
pub(crate) fn histogram_plot(props: &HistogramPlotProps) -> Html {
    let frame = Frame::new(props.narrow);
    let counts: Vec<usize> = props.series.iter().map(|s| finite(&s.samples)).collect();
    let slices: Vec<&[f64]> = props.series.iter().map(|s| s.samples.as_slice()).collect();
    let most = counts.iter().copied().max().unwrap_or(0);
    let hist = stats::log_histogram(&slices, stats::bin_count(most, frame.max_bins));
    let body = match &hist {
        Some(h) => histogram_body(h, &props.series, frame),
        None => empty_body(frame, &props.empty_label),
    };
    let entries = props.series.iter().zip(&counts).enumerate();
    let legend = entries.map(|(i, (s, &n))| legend_entry(&s.label, s.color, i, n, false));
    let chrome = Chrome {
        test: "race-plot",
        title: &props.title,
        x_label: &props.x_label,
        y_label: &props.y_label,
        badge: props.emulated.then_some(&props.emulated_label),
        series: counts.iter().filter(|&&n| n > 0).count(),
        clipped: None,
        frame,
    };
    figure(&chrome, body, legend.collect::<Html>())
}

/// Grid, one step outline per series, axes.
fn histogram_body(h: &Histogram, series: &[PlotSeries], frame: Frame) -> Html {
    let (lo, hi) = match (h.edges.first(), h.edges.last()) {
        (Some(&lo), Some(&hi)) if lo > 0.0 && hi > lo => (lo, hi),
        _ => return html! {},
    };
    let x = |v: f64| frame.x0() + (v.max(lo).ln() - lo.ln()) / (hi.ln() - lo.ln()) * frame.plot_w();
    let shares: Vec<Vec<f64>> = (0..series.len()).map(|s| h.percent(s)).collect();
    let top_share = shares.iter().flatten().copied().fold(0.0, f64::max);
    let y_ticks = stats::nice_linear_axis(0.0, top_share, frame.y_ticks);
    let top = y_ticks
        .last()
        .copied()
        .filter(|t| *t > 0.0)
        .unwrap_or(100.0);
    let y = |p: f64| frame.y1() - p / top * frame.plot_h();
    let x_ticks = stats::nice_ticks_log_max(lo, hi, frame.x_ticks);
    let outlines = series
        .iter()
        .zip(&shares)
        .enumerate()
        .filter(|(_, (_, p))| p.iter().any(|v| *v > 0.0));
    let outlines = outlines.map(|(i, (s, p))| {
        let d = step_path(&h.edges, p, &x, &y, frame.y1());
        html! {
            <path class="plot-hist" {d} style={stroke_fill(s.color, i)} data-test="plot-outline">
                <title>{ s.label.clone() }</title>
            </path>
        }
    });
    html! {
        <>
            { y_grid(frame, &labelled(&y_ticks, percent_label), &y) }
            { x_grid(frame, &labelled(&x_ticks, tick_ms), &x) }
            { for outlines }
            { axes(frame) }
        </>
    }
}

/// The step outline of one series: up and across each bin, back down at the end. Left
/// open: SVG fills an open path as if closed along the baseline, and the stroke then
/// does not retrace the axis.
fn step_path(
    edges: &[f64],
    shares: &[f64],
    x: &impl Fn(f64) -> f64,
    y: &impl Fn(f64) -> f64,
    base: f64,
) -> String {
    let Some(&first) = edges.first() else {
        return String::new();
    };
    let mut d = format!("M{} {}", fmt(x(first)), fmt(base));
    for (share, right) in shares.iter().zip(edges.iter().skip(1)) {
        d.push_str(&format!("V{}H{}", fmt(y(*share)), fmt(x(*right))));
    }
    d.push_str(&format!("V{}", fmt(base)));
    d
}

fn finite(samples: &[f64]) -> usize {
    samples.iter().filter(|v| v.is_finite()).count()
}

// ---- Shared by both plots ----------------------------------------------------------

/// The drawing area in `viewBox` units. A phone gets a narrower box (so 1 unit is about
/// 1 px there too), larger text and fewer ticks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Frame {
    pub(crate) width: f64,
    pub(crate) height: f64,
    /// Font size of the tick labels, in viewBox units.
    pub(crate) font: f64,
    pub(crate) left: f64,
    pub(crate) right: f64,
    pub(crate) top: f64,
    pub(crate) bottom: f64,
    pub(crate) x_ticks: usize,
    pub(crate) y_ticks: usize,
    pub(crate) max_bins: usize,
}

impl Frame {
    pub(crate) fn new(narrow: bool) -> Self {
        let (width, height, font) = if narrow {
            (360.0, 260.0, 14.0)
        } else {
            (720.0, 300.0, 12.0)
        };
        Frame {
            width,
            height,
            font,
            // Room for "1000 ms" at the left, half a tick label at the right.
            left: font * 4.6,
            right: font * 2.2,
            top: font * 0.8,
            bottom: font * 2.0,
            x_ticks: if narrow { 5 } else { 8 },
            y_ticks: if narrow { 4 } else { 6 },
            max_bins: if narrow { 30 } else { 48 },
        }
    }
    pub(crate) fn x0(&self) -> f64 {
        self.left
    }
    pub(crate) fn x1(&self) -> f64 {
        self.width - self.right
    }
    pub(crate) fn y0(&self) -> f64 {
        self.top
    }
    pub(crate) fn y1(&self) -> f64 {
        self.height - self.bottom
    }
    pub(crate) fn plot_w(&self) -> f64 {
        self.x1() - self.x0()
    }
    pub(crate) fn plot_h(&self) -> f64 {
        self.y1() - self.y0()
    }
}

/// Everything around the picture: caption, axis labels, badge, legend, test hooks.
pub(crate) struct Chrome<'a> {
    /// `data-test` of the root.
    pub(crate) test: &'static str,
    pub(crate) title: &'a AttrValue,
    pub(crate) x_label: &'a AttrValue,
    pub(crate) y_label: &'a AttrValue,
    /// The "emulated" badge text, when the data is emulated.
    pub(crate) badge: Option<&'a AttrValue>,
    /// Series with at least one point (`data-series`).
    pub(crate) series: usize,
    /// Points drawn clipped at the top edge (`data-clipped`), for plots that clip.
    pub(crate) clipped: Option<usize>,
    pub(crate) frame: Frame,
}

/// The `<figure>`: caption, y label and badge above the picture, x label and legend
/// below. Axis labels are HTML so long (or CJK) text wraps instead of overflowing the
/// `viewBox`.
pub(crate) fn figure(chrome: &Chrome<'_>, body: Html, legend: Html) -> Html {
    let f = chrome.frame;
    let name = if chrome.title.is_empty() {
        chrome.y_label.clone()
    } else {
        chrome.title.clone()
    };
    let class = classes!("plot", (f.width < 500.0).then_some("plot-narrow"));
    html! {
        <figure {class} data-test={chrome.test} data-series={chrome.series.to_string()}
                data-emulated={chrome.badge.is_some().to_string()}
                data-clipped={chrome.clipped.map(|n| n.to_string())}>
            if !chrome.title.is_empty() {
                <figcaption class="plot-title">{ chrome.title.clone() }</figcaption>
            }
            <div class="plot-head">
                <span class="plot-ylabel">{ chrome.y_label.clone() }</span>
                if let Some(badge) = chrome.badge {
                    <span class="plot-badge" data-test="plot-emulated">{ badge.clone() }</span>
                }
            </div>
            <svg viewBox={format!("0 0 {} {}", fmt(f.width), fmt(f.height))} role="img" aria-label={name}
                 preserveAspectRatio="xMidYMid meet" font-size={fmt(f.font)}>
                { body }
            </svg>
            <div class="plot-xlabel">{ chrome.x_label.clone() }</div>
            <div class="plot-legend">{ legend }</div>
        </figure>
    }
}

/// A legend entry: a swatch drawn like the series (colour and dash, a dot for point
/// series) so colour is never the only cue, the label, and how many samples it has.
pub(crate) fn legend_entry(
    label: &str,
    color: &'static str,
    index: usize,
    n: usize,
    dot: bool,
) -> Html {
    html! {
        <span class="plot-key" data-test="plot-key">
            <svg class="plot-swatch" viewBox="0 0 24 12" aria-hidden="true">
                <line x1="1" y1="6" x2="23" y2="6" class="plot-swatch-line" style={stroke_only(color, index)} />
                if dot {
                    <circle cx="12" cy="6" r="3" style={format!("fill:{color}")} />
                }
            </svg>
            <span class="plot-key-label">{ label.to_owned() }</span>
            <span class="plot-key-n num">{ format!("n = {n}") }</span>
        </span>
    }
}

/// The dash pattern of series `index` (solid, dashed, dotted, dash-dot, repeating), so
/// overlaid series differ by more than colour.
pub(crate) fn dash(index: usize) -> &'static str {
    ["none", "7 3", "2 3", "9 3 2 3"][index % 4]
}

/// Inline style for an outlined, lightly filled shape of series `index`. A `style` (not
/// the `stroke` attribute) so CSS variables such as `var(--c-ws)` resolve.
pub(crate) fn stroke_fill(color: &str, index: usize) -> String {
    format!(
        "stroke:{color};fill:{color};stroke-dasharray:{}",
        dash(index)
    )
}

/// Inline style for a line of series `index`.
pub(crate) fn stroke_only(color: &str, index: usize) -> String {
    format!("stroke:{color};stroke-dasharray:{}", dash(index))
}

/// Pairs tick values with their labels.
pub(crate) fn labelled(ticks: &[f64], label: impl Fn(f64) -> String) -> Vec<(f64, String)> {
    ticks.iter().map(|&t| (t, label(t))).collect()
}

/// Horizontal grid lines with their labels right-aligned left of the plot.
pub(crate) fn y_grid(frame: Frame, ticks: &[(f64, String)], y: &impl Fn(f64) -> f64) -> Html {
    let lines = ticks.iter().map(|(v, label)| {
        let ty = y(*v);
        html! {
            <g class="plot-tick">
                <line x1={fmt(frame.x0())} x2={fmt(frame.x1())} y1={fmt(ty)} y2={fmt(ty)} />
                <text x={fmt(frame.x0() - frame.font * 0.4)} y={fmt(ty + frame.font * 0.35)} text-anchor="end">{ label.clone() }</text>
            </g>
        }
    });
    lines.collect::<Html>()
}

/// Vertical grid lines with their labels centred under the plot.
pub(crate) fn x_grid(frame: Frame, ticks: &[(f64, String)], x: &impl Fn(f64) -> f64) -> Html {
    let lines = ticks.iter().map(|(v, label)| {
        let tx = x(*v);
        html! {
            <g class="plot-tick">
                <line x1={fmt(tx)} x2={fmt(tx)} y1={fmt(frame.y0())} y2={fmt(frame.y1() + 4.0)} />
                <text x={fmt(tx)} y={fmt(frame.y1() + frame.font * 1.4)} text-anchor="middle">{ label.clone() }</text>
            </g>
        }
    });
    lines.collect::<Html>()
}

/// The left and bottom axis lines.
pub(crate) fn axes(frame: Frame) -> Html {
    let d = format!(
        "M{} {}V{}H{}",
        fmt(frame.x0()),
        fmt(frame.y0()),
        fmt(frame.y1()),
        fmt(frame.x1())
    );
    html! { <path class="plot-axis" {d} /> }
}

/// Axes only, with `label` ("no data") in the middle.
pub(crate) fn empty_body(frame: Frame, label: &AttrValue) -> Html {
    let (cx, cy) = (
        frame.x0() + frame.plot_w() / 2.0,
        frame.y0() + frame.plot_h() / 2.0,
    );
    html! {
        <>
            { axes(frame) }
            <text class="plot-empty" data-test="plot-empty" x={fmt(cx)} y={fmt(cy)} text-anchor="middle">
                { label.clone() }
            </text>
        </>
    }
}

/// A compact tick label for a duration in ms: `0.5 ms`, `20 ms`, `1.2 s`. Trailing zeros
/// go; an axis never needs more than a few significant digits.
pub(crate) fn tick_ms(ms: f64) -> String {
    if ms.abs() >= 1000.0 {
        format!("{} s", trim(ms / 1000.0, 3))
    } else {
        format!("{} ms", trim(ms, 4))
    }
}

/// A tick label in seconds: `0 s`, `2.5 s`, `120 s`.
pub(crate) fn tick_s(s: f64) -> String {
    format!("{} s", trim(s, 3))
}

/// A tick label in percent: `0%`, `12.5%`.
pub(crate) fn percent_label(p: f64) -> String {
    format!("{}%", trim(p, 2))
}

/// `v` with at most `decimals` decimals and no trailing zeros (`-0` is `0`).
fn trim(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// An SVG coordinate with one decimal (sub-unit precision is invisible and costs bytes).
pub(crate) fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_compact_with_units() {
        assert_eq!(tick_ms(0.0), "0 ms");
        assert_eq!(tick_ms(0.1), "0.1 ms");
        assert_eq!(tick_ms(0.5), "0.5 ms");
        assert_eq!(tick_ms(0.30000000000000004), "0.3 ms");
        assert_eq!(tick_ms(20.0), "20 ms");
        assert_eq!(tick_ms(1000.0), "1 s");
        assert_eq!(tick_ms(1200.0), "1.2 s");
        assert_eq!(tick_s(0.0), "0 s");
        assert_eq!(tick_s(2.5), "2.5 s");
        assert_eq!(percent_label(12.5), "12.5%");
        assert_eq!(percent_label(20.0), "20%");
        assert_eq!(trim(-0.0001, 2), "0");
    }

    #[test]
    fn step_path_walks_each_bin() {
        // Identity x, y = 100 − share, baseline 100: bins [0,1) 50 %, [1,2) 25 %.
        let d = step_path(
            &[0.0, 1.0, 2.0],
            &[50.0, 25.0],
            &|v| v,
            &|p| 100.0 - p,
            100.0,
        );
        assert_eq!(d, "M0.0 100.0V50.0H1.0V75.0H2.0V100.0");
        assert_eq!(step_path(&[], &[], &|v| v, &|p| p, 0.0), "");
    }

    #[test]
    fn frames_leave_a_positive_plot_area() {
        for narrow in [false, true] {
            let f = Frame::new(narrow);
            assert!(f.plot_w() > 200.0 && f.plot_h() > 150.0, "{f:?}");
        }
        assert!(Frame::new(true).font > Frame::new(false).font);
    }
}
