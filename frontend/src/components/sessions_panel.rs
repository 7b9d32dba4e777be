//! The "many sessions" widget: two buttons (open a hundred WebSocket sessions, close them
//! all), the server's own counts now (sessions open, OS threads, runtime workers), the
//! page's own count of its sessions, and a plot of the readings over time — sessions open
//! against OS threads on one axis — with the same numbers in words beside it. Draws a
//! [`SessionsState`]; `use_sessions` fills it.

use std::rc::Rc;

use yew::prelude::*;

use super::histogram_plot::{
    Chrome, Frame, axes, empty_body, figure, fmt, labelled, legend_entry, stroke_only, tick_s,
    x_grid, y_grid,
};
use super::metric::metric;
use super::use_lang;
use crate::i18n::{Key, Lang, error_key};
use crate::model::fetch::FetchError;
use crate::model::sessions::{MAX_SESSIONS, SessionsState};
use crate::stats;

/// Sessions: the WebSocket colour; threads: the HTTP one (the server's own machinery).
const SESSIONS_COLOR: &str = "var(--c-ws)";
const THREADS_COLOR: &str = "var(--c-http)";
/// The count axis never tops out below this, so a flat line of 9 threads looks flat.
const MIN_TOP: f64 = 10.0;

#[derive(Properties, PartialEq)]
pub(crate) struct SessionsPanelProps {
    pub(crate) state: Rc<SessionsState>,
    /// "Open 100 sessions": emits [`MAX_SESSIONS`].
    pub(crate) on_open: Callback<u32>,
    /// "Close all".
    pub(crate) on_close: Callback<()>,
    /// Draw the plot for a phone-sized screen.
    #[prop_or_default]
    pub(crate) narrow: bool,
}

#[function_component(SessionsPanel)]
pub(crate) fn sessions_panel(props: &SessionsPanelProps) -> Html {
    let lang = use_lang();
    let s = &*props.state;
    let dash = || "—".to_owned();
    let latest = s.latest.as_ref();
    let threads_text = |t: Option<u32>| {
        t.map_or_else(
            || lang.t(Key::sessions_unknown).to_owned(),
            |t| t.to_string(),
        )
    };
    let server_sessions = latest.map_or_else(dash, |l| l.sessions_open.to_string());
    let threads = latest.map_or_else(dash, |l| threads_text(l.os_threads));
    let workers = latest.map_or_else(dash, |l| l.runtime_workers.to_string());
    let on_open = {
        let cb = props.on_open.clone();
        Callback::from(move |_: MouseEvent| cb.emit(MAX_SESSIONS))
    };
    let on_close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let status = if s.starting || (s.connecting() > 0 && !s.closing) {
        Some(lang.t(Key::sessions_opening))
    } else if s.closing {
        Some(lang.t(Key::sessions_closing))
    } else {
        None
    };
    let page_counts = (s.run > 0).then(|| {
        lang.tf(
            Key::sessions_page_counts,
            &[
                ("opened", &s.opened.to_string()),
                ("target", &s.target.to_string()),
                ("open", &s.open_now().to_string()),
                ("failed", &s.failed.to_string()),
            ],
        )
    });
    html! {
        <div class="sessions" data-test="sessions-panel">
            <div class="controls">
                <button class="btn btn-primary" data-test="sessions-open" onclick={on_open}
                        disabled={!s.can_open()}>
                    { lang.plural(Key::sessions_open_button, u64::from(MAX_SESSIONS), &[]) }
                </button>
                <button class="btn" data-test="sessions-close" onclick={on_close}
                        disabled={!s.can_close()}>
                    { lang.t(Key::sessions_close_button) }
                </button>
                if let Some(status) = status {
                    <span class="muted" role="status" data-test="sessions-status">{ status }</span>
                }
            </div>
            <div class="metrics" aria-live="polite">
                { metric(lang.t(Key::sessions_server_open), server_sessions, "sessions-count", true) }
                { metric(lang.t(Key::sessions_os_threads), threads, "threads-count", true) }
                { metric(lang.t(Key::sessions_runtime_workers), workers, "workers-count", false) }
            </div>
            if let Some(text) = page_counts {
                <p class="muted" data-test="sessions-page">{ text }</p>
            }
            if let Some(e) = &s.error {
                <p class="error" role="alert" data-test="sessions-stats-error">{ stats_error(lang, e) }</p>
            }
            if s.failed > 0 {
                <p class="error" role="alert" data-test="sessions-refused">
                    { lang.plural(Key::sessions_err_refused, u64::from(s.failed), &[]) }
                </p>
            }
            { plot(lang, s, props.narrow) }
            <p data-test="sessions-summary">{ summary(lang, s) }</p>
        </div>
    }
}

/// Why the server's counts could not be read, in words.
fn stats_error(lang: Lang, e: &FetchError) -> String {
    let detail = match e {
        FetchError::Refused(body) => lang.t(error_key(body.code)),
        FetchError::Network => lang.t(Key::err_network),
        FetchError::Unexpected => lang.t(Key::sessions_err_stats_unexpected),
    };
    lang.tf(Key::sessions_err_stats, &[("detail", detail)])
}

/// The plot's numbers in words: before, at the peak, now.
fn summary(lang: Lang, s: &SessionsState) -> String {
    let sentence = |key: Key, sample: Option<crate::model::lesson::ServerSample>| {
        sample.map(|x| {
            let threads = x.os_threads.map_or_else(
                || lang.t(Key::sessions_unknown).to_owned(),
                |t| t.to_string(),
            );
            lang.tf(
                key,
                &[
                    ("sessions", &x.sessions_open.to_string()),
                    ("threads", &threads),
                ],
            )
        })
    };
    let parts: Vec<String> = [
        sentence(Key::sessions_summary_before, s.baseline),
        sentence(Key::sessions_summary_peak, s.peak),
        sentence(Key::sessions_summary_now, s.samples.last().copied()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        lang.t(Key::sessions_summary_none).to_owned()
    } else {
        parts.join(" ")
    }
}

/// Sessions open and OS threads over time, one count axis.
fn plot(lang: Lang, s: &SessionsState, narrow: bool) -> Html {
    let frame = Frame::new(narrow);
    let (sessions, threads) = s.timeline();
    let series = [
        (
            lang.t(Key::sessions_plot_sessions),
            SESSIONS_COLOR,
            &sessions,
        ),
        (lang.t(Key::sessions_plot_threads), THREADS_COLOR, &threads),
    ];
    let body = match Scales::fit(&sessions, &threads, frame) {
        Some(sc) => {
            let layers = series
                .iter()
                .enumerate()
                .map(|(i, (label, color, pts))| layer(&sc, label, color, pts, i));
            html! {
                <>
                    { y_grid(frame, &labelled(&sc.y_ticks, count_label), &|v| sc.y(v)) }
                    { x_grid(frame, &labelled(&sc.x_ticks, tick_s), &|v| sc.x(v)) }
                    { for layers }
                    { axes(frame) }
                </>
            }
        }
        None => empty_body(frame, &AttrValue::from(lang.t(Key::sessions_plot_empty))),
    };
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, (label, color, pts))| legend_entry(label, color, i, pts.len(), true));
    let (title, x_label, y_label) = (
        AttrValue::from(lang.t(Key::sessions_plot_title)),
        AttrValue::from(lang.t(Key::sessions_plot_x)),
        AttrValue::from(lang.t(Key::sessions_plot_y)),
    );
    let chrome = Chrome {
        test: "sessions-plot",
        title: &title,
        x_label: &x_label,
        y_label: &y_label,
        badge: None,
        series: series.iter().filter(|(_, _, p)| !p.is_empty()).count(),
        clipped: None,
        frame,
    };
    figure(&chrome, body, legend.collect::<Html>())
}

/// Both axes from 0: seconds since the first reading, and counts up to at least
/// [`MIN_TOP`].
struct Scales {
    frame: Frame,
    x_ticks: Vec<f64>,
    y_ticks: Vec<f64>,
}

impl Scales {
    /// `None` before the first reading.
    fn fit(sessions: &[(f64, f64)], threads: &[(f64, f64)], frame: Frame) -> Option<Scales> {
        let all = || {
            sessions
                .iter()
                .chain(threads)
                .filter(|p| p.0.is_finite() && p.1.is_finite())
        };
        all().next()?;
        let x_max = all().map(|p| p.0).fold(1.0, f64::max);
        let y_max = all().map(|p| p.1).fold(MIN_TOP, f64::max);
        Some(Scales {
            frame,
            x_ticks: stats::nice_linear_axis(0.0, x_max, frame.x_ticks),
            y_ticks: stats::nice_linear_axis(0.0, y_max, frame.y_ticks),
        })
    }

    fn range(ticks: &[f64]) -> (f64, f64) {
        let lo = ticks.first().copied().unwrap_or(0.0);
        let hi = ticks.last().copied().unwrap_or(1.0);
        if hi > lo { (lo, hi) } else { (lo, lo + 1.0) }
    }

    fn x(&self, v: f64) -> f64 {
        let (lo, hi) = Self::range(&self.x_ticks);
        self.frame.x0() + (v - lo) / (hi - lo) * self.frame.plot_w()
    }

    fn y(&self, v: f64) -> f64 {
        let (lo, hi) = Self::range(&self.y_ticks);
        self.frame.y1() - (v - lo) / (hi - lo) * self.frame.plot_h()
    }
}

/// One series: a thin line through small dots.
fn layer(sc: &Scales, label: &str, color: &'static str, pts: &[(f64, f64)], index: usize) -> Html {
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
        .map(|&(x, y)| format!("M{} {}h0.01", fmt(sc.x(x)), fmt(sc.y(y))))
        .collect();
    html! {
        <g class="plot-series" data-test="plot-series" style={format!("color:{color}")}>
            <title>{ label.to_owned() }</title>
            <polyline class="plot-line" points={line} style={stroke_only(color, index)} />
            <path class="plot-dots" d={dots} />
        </g>
    }
}

/// A count tick: whole numbers as such.
fn count_label(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use protocol::{ErrorBody, ErrorCode};

    use super::*;
    use crate::model::lesson::ServerSample;

    fn sample(sessions: u32, threads: Option<u32>, at_ms: f64) -> ServerSample {
        ServerSample {
            sessions_open: sessions,
            os_threads: threads,
            at_ms,
        }
    }

    #[test]
    fn the_summary_says_before_peak_and_now_in_words() {
        let mut s = SessionsState::default();
        assert_eq!(summary(Lang::En, &s), lang_none());
        s.baseline = Some(sample(0, Some(9), 0.0));
        s.peak = Some(sample(100, Some(9), 500.0));
        s.samples = Rc::new(vec![
            sample(0, Some(9), 0.0),
            sample(100, Some(9), 500.0),
            sample(0, None, 900.0),
        ]);
        assert_eq!(
            summary(Lang::En, &s),
            "Before: 0 sessions, 9 OS threads. At the peak: 100 sessions, 9 OS threads. \
             Now: 0 sessions, unknown OS threads."
        );
        assert!(summary(Lang::Ja, &s).contains("100"));
    }

    fn lang_none() -> String {
        Lang::En.t(Key::sessions_summary_none).to_owned()
    }

    #[test]
    fn a_failed_reading_is_told_by_its_cause() {
        assert_eq!(
            stats_error(Lang::En, &FetchError::Network),
            format!(
                "Could not read the server’s counts. {}",
                Lang::En.t(Key::err_network)
            )
        );
        let refused = FetchError::Refused(ErrorBody {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
            param: None,
        });
        assert!(stats_error(Lang::Ko, &refused).contains(Lang::Ko.t(Key::err_rate_limited)));
    }

    #[test]
    fn the_count_axis_starts_at_zero_and_fits_the_peak() {
        let frame = Frame::new(false);
        assert!(Scales::fit(&[], &[], frame).is_none());
        let sessions = [(0.0, 0.0), (0.5, 100.0), (3.0, 0.0)];
        let threads = [(0.0, 9.0), (0.5, 9.0), (3.0, 9.0)];
        let sc = Scales::fit(&sessions, &threads, frame).expect("points");
        assert_eq!(sc.y_ticks.first(), Some(&0.0));
        assert!(sc.y_ticks.last().is_some_and(|&t| t >= 100.0));
        assert!(sc.x_ticks.last().is_some_and(|&t| t >= 3.0));
        // 100 sessions sit at the top of the plot at most, 0 on its floor.
        assert!(sc.y(100.0) >= frame.y0() && (sc.y(0.0) - frame.y1()).abs() < 1e-9);
        // A flat handful of threads alone still gets a readable axis.
        let sc = Scales::fit(&[], &[(0.0, 3.0)], frame).expect("points");
        assert!(sc.y_ticks.last().is_some_and(|&t| t >= MIN_TOP));
        assert_eq!(count_label(20.0), "20");
        assert_eq!(count_label(2.5), "2.5");
    }
}
