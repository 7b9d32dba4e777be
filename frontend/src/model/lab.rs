//! The HTTP lab: what a run asks for, one row per request (in flight, then answered or
//! failed, with what the page measured), and the reducer that keeps the rows.

use std::rc::Rc;

use protocol::lab::{LabParam, LabReply};
use protocol::{ErrorCode, HttpMethod};
use yew::Reducible;

use super::fetch::{FetchError, FetchState};

/// What one lab request asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct LabSpec {
    pub method: HttpMethod,
    pub request_bytes: u64,
    pub response_bytes: u64,
    pub delay_ms: u64,
    pub close: bool,
}

/// One run's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct LabRun {
    pub spec: LabSpec,
    pub count: u32,
    pub parallel: bool,
}

impl LabRun {
    /// The lab's settings when nothing says otherwise: 3 GETs of 1 KiB, keep-alive, one
    /// after another.
    pub const DEFAULT: LabRun = LabRun {
        spec: LabSpec {
            method: HttpMethod::Get,
            request_bytes: 0,
            response_bytes: 1024,
            delay_ms: 0,
            close: false,
        },
        count: 3,
        parallel: false,
    };

    /// The settings a page address names (`?method=post&req=…&resp=…&delay=…&count=…&
    /// close=1&order=parallel`), each over [`LabRun::DEFAULT`]; a value out of bounds or
    /// not a number is left at the default (the form then shows the default, not an error).
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> LabRun {
        let mut run = LabRun::DEFAULT;
        for (name, value) in pairs {
            let num = |p: LabParam| p.parse(value).ok();
            match name {
                "method" => match value {
                    "get" => run.spec.method = HttpMethod::Get,
                    "post" => run.spec.method = HttpMethod::Post,
                    _ => {}
                },
                "req" => run.spec.request_bytes = num(LabParam::RequestBytes).unwrap_or(0),
                "resp" => {
                    if let Some(n) = num(LabParam::ResponseBytes) {
                        run.spec.response_bytes = n;
                    }
                }
                "delay" => {
                    if let Some(n) = num(LabParam::DelayMs) {
                        run.spec.delay_ms = n;
                    }
                }
                "count" => {
                    if let Some(n) = num(LabParam::Count) {
                        run.count = n as u32;
                    }
                }
                "close" => run.spec.close = num(LabParam::Close) == Some(1),
                "order" => run.parallel = value == "parallel",
                _ => {}
            }
        }
        if run.spec.method == HttpMethod::Get {
            run.spec.request_bytes = 0;
        }
        run
    }

    /// The settings as the page's address carries them (every one, so a link reproduces
    /// the setup whatever the defaults become).
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![(
            "method",
            match self.spec.method {
                HttpMethod::Get => "get",
                HttpMethod::Post => "post",
            }
            .to_owned(),
        )];
        if self.spec.method == HttpMethod::Post {
            q.push(("req", self.spec.request_bytes.to_string()));
        }
        q.extend([
            ("resp", self.spec.response_bytes.to_string()),
            ("delay", self.spec.delay_ms.to_string()),
            ("count", self.count.to_string()),
            ("close", u8::from(self.spec.close).to_string()),
            (
                "order",
                if self.parallel {
                    "parallel"
                } else {
                    "sequential"
                }
                .to_owned(),
            ),
        ]);
        q
    }
}

/// The query names [`LabRun::to_query`] writes (a page clears them before writing).
pub const LAB_QUERY_NAMES: [&str; 7] =
    ["method", "req", "resp", "delay", "count", "close", "order"];

/// Phases of one request as the browser timed them (Resource Timing), in ms.
#[derive(Debug, Clone, PartialEq)]
pub struct Phases {
    /// Waiting for a connection to become free (or for the browser to start).
    pub queueing_ms: f64,
    /// TCP connect; 0 when an open connection was reused.
    pub connect_ms: f64,
    /// Request sent → first byte of the response.
    pub first_byte_ms: f64,
    /// First byte → last byte of the response.
    pub download_ms: f64,
    /// `http/1.1`, `h2`, … (empty if the browser does not say).
    pub protocol: String,
    /// The browser's own verdict: no connect phase, so it reused a connection.
    pub reused: bool,
}

/// What the page measured of one finished request, whether it was answered or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub status: Option<u16>,
    /// `fetch` called → whole body read, in ms.
    pub total_ms: f64,
    /// The server's own processing time from `Server-Timing: app;dur=…`.
    pub server_ms: Option<f64>,
    pub phases: Option<Phases>,
    pub response_headers: Vec<(String, String)>,
}

/// One finished lab request, as the service hands it back.
#[derive(Debug, Clone, PartialEq)]
pub struct LabResult {
    pub measured: Measured,
    pub answer: Result<Box<LabReply>, FetchError>,
}

impl LabResult {
    /// Whether the server refused for its quota (so the run stops instead of hammering on).
    pub fn rate_limited(&self) -> bool {
        matches!(&self.answer, Err(e) if e.is(ErrorCode::RateLimited))
    }
}

/// One request of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct LabRow {
    pub run: u32,
    pub n: u32,
    pub spec: LabSpec,
    /// Whether its run sent every request at once (the lessons tell a parallel run apart).
    pub parallel: bool,
    /// `Fetching` until the whole answer is read; then the reply, or why there is none.
    pub fetch: FetchState<Box<LabReply>>,
    /// Set together with `fetch` when the request finishes (either way).
    pub measured: Option<Measured>,
}

impl LabRow {
    /// What the page measured and how the request ended; `None` while it is in flight.
    pub fn finished(&self) -> Option<(&Measured, Result<&LabReply, &FetchError>)> {
        let answer = self.fetch.finished()?.map(|reply| &**reply);
        Some((self.measured.as_ref()?, answer))
    }
}

/// The lab's rows, oldest first, at most [`MAX_ROWS`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabState {
    pub rows: Rc<Vec<LabRow>>,
    pub running: bool,
    /// The run stopped early because the server refused (its quota).
    pub stopped_by_server: bool,
}

/// Rows kept across runs.
const MAX_ROWS: usize = 300;

pub enum Action {
    Start(u32, LabRun),
    Done { run: u32, n: u32, result: LabResult },
    Finished { run: u32, stopped: bool },
    Clear,
}

impl LabState {
    fn current_run(&self) -> Option<u32> {
        self.rows.last().map(|r| r.run)
    }
}

impl Reducible for LabState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Start(run, cfg) => {
                let rows = Rc::make_mut(&mut next.rows);
                rows.extend((1..=cfg.count).map(|n| LabRow {
                    run,
                    n,
                    spec: cfg.spec.clone(),
                    parallel: cfg.parallel,
                    fetch: FetchState::Fetching,
                    measured: None,
                }));
                let excess = rows.len().saturating_sub(MAX_ROWS);
                rows.drain(..excess);
                next.running = true;
                next.stopped_by_server = false;
            }
            Action::Done { run, n, result } => {
                let rows = Rc::make_mut(&mut next.rows);
                match rows.iter_mut().find(|r| r.run == run && r.n == n) {
                    Some(row) => {
                        row.fetch = result.answer.into();
                        row.measured = Some(result.measured);
                    }
                    None => return self,
                }
            }
            Action::Finished { run, stopped } => {
                if next.current_run() != Some(run) {
                    return self;
                }
                next.running = false;
                next.stopped_by_server = stopped;
                // Requests never sent (stopped early) leave no empty rows behind.
                Rc::make_mut(&mut next.rows).retain(|r| r.run != run || !r.fetch.is_fetching());
            }
            Action::Clear => next = LabState::default(),
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use protocol::{ErrorBody, ErrorCode, HttpMethod};
    use yew::Reducible;

    use super::{Action, LAB_QUERY_NAMES, LabResult, LabRun, LabSpec, LabState, Measured};
    use crate::model::fetch::{FetchError, FetchState};

    fn refused(code: ErrorCode) -> LabResult {
        LabResult {
            measured: Measured {
                status: Some(429),
                total_ms: 2.0,
                server_ms: None,
                phases: None,
                response_headers: Vec::new(),
            },
            answer: Err(FetchError::Refused(ErrorBody {
                code,
                message: String::new(),
                param: None,
            })),
        }
    }

    #[test]
    fn rows_go_from_fetching_to_failed_and_unsent_ones_leave() {
        let spec = LabSpec {
            method: HttpMethod::Get,
            request_bytes: 0,
            response_bytes: 0,
            delay_ms: 0,
            close: false,
        };
        let run = LabRun {
            spec,
            count: 3,
            parallel: false,
        };
        let mut s = Rc::new(LabState::default()).reduce(Action::Start(1, run));
        assert!(
            s.rows
                .iter()
                .all(|r| r.fetch.is_fetching() && r.measured.is_none())
        );
        let result = refused(ErrorCode::RateLimited);
        assert!(result.rate_limited());
        assert!(!refused(ErrorCode::NotFound).rate_limited());
        s = s.reduce(Action::Done {
            run: 1,
            n: 1,
            result,
        });
        assert!(matches!(s.rows[0].fetch, FetchState::Failed(_)));
        let (measured, answer) = s.rows[0].finished().unwrap();
        assert_eq!(measured.status, Some(429));
        assert!(answer.is_err());
        assert!(s.rows[1].finished().is_none());
        s = s.reduce(Action::Finished {
            run: 1,
            stopped: true,
        });
        assert_eq!(s.rows.len(), 1);
        assert!(s.stopped_by_server && !s.running);
    }

    #[test]
    fn settings_round_trip_through_the_address() {
        let run = LabRun {
            spec: LabSpec {
                method: HttpMethod::Post,
                request_bytes: 2048,
                response_bytes: 10,
                delay_ms: 250,
                close: true,
            },
            count: 8,
            parallel: true,
        };
        let q = run.to_query();
        assert_eq!(
            LabRun::from_query(q.iter().map(|(n, v)| (*n, v.as_str()))),
            run
        );
        for (name, _) in &q {
            assert!(LAB_QUERY_NAMES.contains(name), "{name}");
        }
        assert_eq!(LabRun::from_query([]), LabRun::DEFAULT);
        // Bad values keep the defaults; GET carries no body.
        let odd = LabRun::from_query([
            ("count", "-3"),
            ("resp", "lots"),
            ("method", "PATCH"),
            ("req", "100"),
            ("close", "maybe"),
            ("lang", "ja"),
        ]);
        assert_eq!(odd, LabRun::DEFAULT);
    }
}
