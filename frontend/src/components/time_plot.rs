//! Feed staleness over time: per series (SSE, polling, WebSocket push, …) a thin line
//! through small dots, x in seconds since the start, y in ms on a linear axis from 0.
//! Outliers above 1.5 × the p99 of all points would flatten everything else, so the axis
//! stops there and each clipped point becomes a small "↑" at the top edge.
//!
//! Long series are thinned to the lowest and highest point per pixel column
//! ([`stats::decimate`]) so thousands of points stay cheap to draw. The dots of a series
//! are one `<path>` of zero-length round-capped segments (each a circle of radius 2), not
//! one `<circle>` per point.

use std::rc::Rc;

use yew::prelude::*;

use super::histogram_plot::{
    Chrome, Frame, axes, empty_body, figure, fmt, labelled, legend_entry, stroke_only, tick_ms,
    tick_s, x_grid, y_grid,
};
use crate::stats;

/// Above this many points a series is thinned before drawing.
const DECIMATE_ABOVE: usize = 1500;

/// One series of `(seconds since start, staleness ms)` points, in time order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TimeSeries {
    pub(crate) label: String,
    /// A CSS colour, usually a model's variable such as `"var(--c-sse)"`.
    pub(crate) color: &'static str,
    pub(crate) points: Rc<Vec<(f64, f64)>>,
}

#[derive(Properties, PartialEq)]
pub(crate) struct TimePlotProps {
    pub(crate) series: Rc<Vec<TimeSeries>>,
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
    /// Shown in the plot area when no series has a point.
    pub(crate) empty_label: AttrValue,
    /// Draw for a phone-sized screen: larger text, fewer ticks.
    #[prop_or_default]
    pub(crate) narrow: bool,
}

#[function_component(TimePlot)]
pub(crate) fn time_plot(props: &TimePlotProps) -> Html {
    let frame = Frame::new(props.narrow);
    let counts: Vec<usize> = props
        .series
        .iter()
        .map(|s| s.points.iter().filter(|p| finite(p)).count())
        .collect();
    let scales = Scales::fit(&props.series, frame);
    let body = match &scales {
        Some(sc) => time_body(sc, &props.series),
        None => empty_body(frame, &props.empty_label),
    };
    let entries = props.series.iter().zip(&counts).enumerate();
    let legend = entries.map(|(i, (s, &n))| legend_entry(&s.label, s.color, i, n, true));
    let chrome = Chrome {
        test: "feed-plot",
        title: &props.title,
        x_label: &props.x_label,
        y_label: &props.y_label,
        badge: props.emulated.then_some(&props.emulated_label),
        series: counts.iter().filter(|&&n| n > 0).count(),
        clipped: Some(scales.as_ref().map_or(0, |sc| sc.clipped)),
        frame,
    };
    figure(&chrome, body, legend.collect::<Html>())
}

/// The axes fitted to all series, and how many points lie above the y axis.
#[derive(Debug, PartialEq)]
struct Scales {
    frame: Frame,
    /// Seconds; the x axis runs from the first tick to the last.
    x_ticks: Vec<f64>,
    /// Milliseconds; the y axis runs from the first tick to the last.
    y_ticks: Vec<f64>,
    /// Points (before thinning) drawn as "↑" at the top edge.
    clipped: usize,
}

impl Scales {
    /// `None` when no series has a finite point.
    fn fit(series: &[TimeSeries], frame: Frame) -> Option<Scales> {
        let pts: Vec<(f64, f64)> = series
            .iter()
            .flat_map(|s| s.points.iter().copied())
            .filter(finite)
            .collect();
        let (x_min, x_max) = extent(pts.iter().map(|p| p.0))?;
        let (y_min, y_max) = extent(pts.iter().map(|p| p.1))?;
        let ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
        let floor = y_min.min(0.0);
        let top = y_max.min(stats::outlier_ceiling(&ys)?).max(floor);
        let y_ticks = stats::nice_linear_axis(floor, top, frame.y_ticks);
        let y_hi = *y_ticks.last()?;
        Some(Scales {
            frame,
            x_ticks: stats::nice_linear_axis(x_min.min(0.0), x_max, frame.x_ticks),
            clipped: ys.iter().filter(|&&y| y > y_hi).count(),
            y_ticks,
        })
    }

    fn x_range(&self) -> (f64, f64) {
        range(&self.x_ticks)
    }

    fn y_range(&self) -> (f64, f64) {
        range(&self.y_ticks)
    }

    /// Seconds → viewBox x.
    fn x(&self, s: f64) -> f64 {
        let (lo, hi) = self.x_range();
        self.frame.x0() + (s - lo) / (hi - lo) * self.frame.plot_w()
    }

    /// Milliseconds → viewBox y, values above the axis pinned to its top.
    fn y(&self, ms: f64) -> f64 {
        let (lo, hi) = self.y_range();
        self.frame.y1() - (ms.min(hi) - lo) / (hi - lo) * self.frame.plot_h()
    }

    fn is_clipped(&self, ms: f64) -> bool {
        ms > self.y_range().1
    }
}

/// Grid, one layer per series, axes.
fn time_body(sc: &Scales, series: &[TimeSeries]) -> Html {
    let layers = series
        .iter()
        .enumerate()
        .map(|(i, s)| series_layer(sc, s, i));
    html! {
        <>
            { y_grid(sc.frame, &labelled(&sc.y_ticks, tick_ms), &|v| sc.y(v)) }
            { x_grid(sc.frame, &labelled(&sc.x_ticks, tick_s), &|v| sc.x(v)) }
            { for layers }
            { axes(sc.frame) }
        </>
    }
}

/// One series: the thin line (pinned at the top edge where clipped), the dots inside the
/// axis, and a "↑" per pixel column holding clipped points.
fn series_layer(sc: &Scales, s: &TimeSeries, index: usize) -> Html {
    let pts = thin(&s.points, sc.frame.plot_w());
    if pts.is_empty() {
        return html! {};
    }
    let line = pts
        .iter()
        .map(|&(x, y)| format!("{},{}", fmt(sc.x(x)), fmt(sc.y(y))))
        .collect::<Vec<_>>()
        .join(" ");
    let dots: String = pts
        .iter()
        .filter(|p| !sc.is_clipped(p.1))
        .map(|&(x, y)| format!("M{} {}h0.01", fmt(sc.x(x)), fmt(sc.y(y))))
        .collect();
    let arrow_y = fmt(sc.frame.y0() + sc.frame.font * 0.8);
    let arrows = clip_columns(sc, &pts).into_iter().map(|x| {
        html! { <text class="plot-clip" x={fmt(x)} y={arrow_y.clone()} text-anchor="middle">{ "↑" }</text> }
    });
    let color = s.color;
    html! {
        <g class="plot-series" data-test="plot-series" style={format!("color:{color}")}>
            <title>{ s.label.clone() }</title>
            <polyline class="plot-line" points={line} style={stroke_only(color, index)} />
            <path class="plot-dots" d={dots} />
            { for arrows }
        </g>
    }
}

/// The finite points of a series, thinned to min and max per column when long.
fn thin(points: &[(f64, f64)], width: f64) -> Vec<(f64, f64)> {
    if points.len() > DECIMATE_ABOVE {
        stats::decimate(points, width.max(1.0) as usize)
    } else {
        points.iter().copied().filter(finite).collect()
    }
}

/// The x (viewBox) of one "↑" per column of arrow width that holds clipped points.
fn clip_columns(sc: &Scales, pts: &[(f64, f64)]) -> Vec<f64> {
    let w = sc.frame.font * 0.7;
    let mut cols: Vec<i64> = pts
        .iter()
        .filter(|p| sc.is_clipped(p.1))
        .map(|p| (sc.x(p.0) / w).round() as i64)
        .collect();
    stats::sort_ints(&mut cols);
    cols.dedup();
    cols.into_iter().map(|c| c as f64 * w).collect()
}

fn finite(p: &(f64, f64)) -> bool {
    p.0.is_finite() && p.1.is_finite()
}

/// Smallest and largest of `values`; `None` when empty.
fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// First and last tick, never a zero-width range.
fn range(ticks: &[f64]) -> (f64, f64) {
    let lo = ticks.first().copied().unwrap_or(0.0);
    let hi = ticks.last().copied().unwrap_or(1.0);
    if hi > lo { (lo, hi) } else { (lo, lo + 1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: Vec<(f64, f64)>) -> TimeSeries {
        TimeSeries {
            label: "s".to_owned(),
            color: "red",
            points: Rc::new(points),
        }
    }

    #[test]
    fn an_outlier_is_clipped_and_the_rest_fills_the_axis() {
        // 199 points at 10 ms and one at 1000 ms, x = 1..=200 s.
        // p99 of 200: h = 199·0.99 = 197.01 → x[197] + 0.01·(x[198] − x[197]) = 10,
        // × 1.5 = 15 ms ceiling; axis 0..15 in ≤ 6 ticks: step 5 → 0 5 10 15.
        let mut pts: Vec<(f64, f64)> = (1..200).map(|i| (f64::from(i), 10.0)).collect();
        pts.push((200.0, 1000.0));
        let sc = Scales::fit(&[series(pts.clone())], Frame::new(false)).expect("points");
        assert_eq!(sc.y_ticks, vec![0.0, 5.0, 10.0, 15.0]);
        assert_eq!(sc.clipped, 1);
        assert_eq!(sc.x_ticks.first(), Some(&0.0));
        assert!(sc.x_ticks.last().is_some_and(|&t| t >= 200.0));
        assert_eq!(clip_columns(&sc, &pts).len(), 1);
        // The clipped point is pinned to the top edge.
        assert!((sc.y(1000.0) - sc.frame.y0()).abs() < 1e-9);
    }

    #[test]
    fn nothing_to_fit_without_finite_points() {
        assert_eq!(Scales::fit(&[], Frame::new(true)), None);
        assert_eq!(
            Scales::fit(&[series(vec![(f64::NAN, 1.0)])], Frame::new(true)),
            None
        );
    }

    #[test]
    fn flat_zero_series_gets_a_unit_axis() {
        let sc = Scales::fit(&[series(vec![(0.0, 0.0), (1.0, 0.0)])], Frame::new(false))
            .expect("points");
        assert_eq!(sc.y_range(), (0.0, 1.0));
        assert_eq!(sc.clipped, 0);
    }

    #[test]
    fn long_series_are_thinned() {
        let pts: Vec<(f64, f64)> = (0..5000)
            .map(|i| (f64::from(i), f64::from(i % 10)))
            .collect();
        assert!(thin(&pts, 300.0).len() <= 600);
        assert_eq!(thin(&pts[..100], 300.0).len(), 100);
    }
}
