//! The "many sessions" widget (lesson 9, `thread-per-client`): the page opens up to
//! [`MAX_SESSIONS`] WebSocket sessions at once and reads the server's own counts while they
//! open and close. Its state: the sessions as the page sees them (one [`Slot`] each), the
//! [`ServerSample`]s taken (the lesson's check reads them as they are), the baseline (the
//! reading right before opening) and the peak; its reducer; and the figures drawn from
//! them.
//!
//! A run: `Start` (the baseline reading is in flight) → `Sampled` (the baseline) →
//! `Launched` (every slot connecting) → `Opened`/`Closed`/`OpenFailed` per slot and
//! `Sampled` every [`SAMPLE_EVERY_MS`] → `CloseAll` → the last slot settles, and sampling
//! goes on for [`SAMPLE_AFTER_CLOSED_MS`] so the count is seen back down.

use std::rc::Rc;

use protocol::stats::ServerStats;
use yew::Reducible;

use super::fetch::FetchError;
use super::lesson::ServerSample;

/// The most sessions one click opens. The server caps sessions per address at 800; the
/// lesson needs 100 (`tolerance::MIN_SESSIONS`), so stay well below.
pub const MAX_SESSIONS: u32 = 100;
/// How often the server's counts are read while any session is open or closing.
pub const SAMPLE_EVERY_MS: u32 = 250;
/// How long reading goes on after the last session closed (so the count is seen going
/// back down).
pub const SAMPLE_AFTER_CLOSED_MS: f64 = 2_000.0;
/// Samples kept (10 minutes at [`SAMPLE_EVERY_MS`]); past it the oldest after the
/// baseline go.
pub const MAX_SAMPLES: usize = 2_400;

/// A plot's points: (seconds since the first reading, count).
pub type Points = Vec<(f64, f64)>;

/// One session as the page sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Asked for; neither open nor closed yet.
    Connecting,
    /// Open (the server answered `101`).
    Open,
    /// Closed after opening, or given up by the page's own "close all" before it opened.
    Closed,
    /// Closed before it opened without the page asking (a refused handshake is a close
    /// with 1006 before `open`), or the browser would not even start it.
    Failed,
}

/// The widget's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionsState {
    /// Which run the slots belong to (events of older runs are ignored); 0 before the
    /// first.
    pub run: u32,
    /// Sessions asked for in this run (at most [`MAX_SESSIONS`]).
    pub target: u32,
    /// The baseline reading is in flight; no session is open yet.
    pub starting: bool,
    /// One per session of this run, in the order they were opened.
    pub slots: Vec<Slot>,
    /// Sessions of this run that reached `open`.
    pub opened: u32,
    /// Sessions of this run that never opened (see [`Slot::Failed`]).
    pub failed: u32,
    /// The close code of the last failure (1006 for a refused handshake).
    pub failure_code: Option<u16>,
    /// The page asked to close them all and some are not closed yet.
    pub closing: bool,
    /// When the last session of this run settled (closed or failed): sampling goes on
    /// [`SAMPLE_AFTER_CLOSED_MS`] after it.
    pub settled_at: Option<f64>,
    /// The server's counts over this run, oldest first (what the lesson's check reads).
    pub samples: Rc<Vec<ServerSample>>,
    /// The reading taken right before opening (`None` if it failed).
    pub baseline: Option<ServerSample>,
    /// The first reading with the most sessions open.
    pub peak: Option<ServerSample>,
    /// The last answer, whole (runtime workers, the server's own peak).
    pub latest: Option<ServerStats>,
    /// Why the last reading failed; cleared by the next answer.
    pub error: Option<FetchError>,
}

/// What happens to the widget.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The page asked for `n` sessions: a new run (capped at [`MAX_SESSIONS`]); its
    /// baseline reading follows. Ignored while a run is under way.
    Start { n: u32 },
    /// A reading of the server's counts answered (or failed) at `at`
    /// (`performance.now()`, ms). The first while starting is the baseline.
    Sampled {
        result: Result<ServerStats, FetchError>,
        at: f64,
    },
    /// The sessions are being opened, all at once: every slot connecting.
    Launched { at: f64 },
    /// Slot `index` of run `run` opened.
    Opened { run: u32, index: u32 },
    /// Slot `index` of run `run` closed with `code`.
    Closed {
        run: u32,
        index: u32,
        code: u16,
        at: f64,
    },
    /// The browser would not start slot `index` (a bad address, a refused URL).
    OpenFailed { run: u32, index: u32, at: f64 },
    /// The page closes every session.
    CloseAll,
}

impl SessionsState {
    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Start { n } => {
                if !self.can_open() || n == 0 {
                    return;
                }
                *self = SessionsState {
                    run: self.run + 1,
                    target: n.min(MAX_SESSIONS),
                    starting: true,
                    latest: self.latest.take(),
                    ..SessionsState::default()
                };
            }
            Action::Sampled { result, at } => self.sampled(result, at),
            Action::Launched { at } => {
                if !self.starting {
                    return;
                }
                self.starting = false;
                self.slots = vec![Slot::Connecting; self.target as usize];
                self.settle(at);
            }
            Action::Opened { run, index } => {
                if let Some(slot) = self.slot(run, index)
                    && *slot == Slot::Connecting
                {
                    *slot = Slot::Open;
                    self.opened += 1;
                }
            }
            Action::Closed {
                run,
                index,
                code,
                at,
            } => {
                let closing = self.closing;
                let Some(slot) = self.slot(run, index) else {
                    return;
                };
                match *slot {
                    Slot::Open => *slot = Slot::Closed,
                    Slot::Connecting if closing => *slot = Slot::Closed,
                    Slot::Connecting => {
                        *slot = Slot::Failed;
                        self.failed += 1;
                        self.failure_code = Some(code);
                    }
                    Slot::Closed | Slot::Failed => return,
                }
                self.settle(at);
            }
            Action::OpenFailed { run, index, at } => {
                if let Some(slot) = self.slot(run, index)
                    && *slot == Slot::Connecting
                {
                    *slot = Slot::Failed;
                    self.failed += 1;
                    self.settle(at);
                }
            }
            Action::CloseAll => {
                if self.live() > 0 {
                    self.closing = true;
                }
            }
        }
    }

    fn slot(&mut self, run: u32, index: u32) -> Option<&mut Slot> {
        if run != self.run {
            return None;
        }
        self.slots.get_mut(index as usize)
    }

    /// After a slot settled: when none is left connecting or open, the run is over.
    fn settle(&mut self, at: f64) {
        if self.live() == 0 && self.settled_at.is_none() {
            self.settled_at = Some(at);
            self.closing = false;
        }
    }

    fn sampled(&mut self, result: Result<ServerStats, FetchError>, at: f64) {
        let stats = match result {
            Ok(stats) => stats,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let sample = ServerSample {
            sessions_open: u32::try_from(stats.sessions_open).unwrap_or(u32::MAX),
            os_threads: stats.os_threads,
            at_ms: at,
        };
        self.error = None;
        self.latest = Some(stats);
        if self.starting && self.baseline.is_none() {
            self.baseline = Some(sample);
        }
        if self
            .peak
            .is_none_or(|p| sample.sessions_open > p.sessions_open)
        {
            self.peak = Some(sample);
        }
        let samples = Rc::make_mut(&mut self.samples);
        samples.push(sample);
        if samples.len() > MAX_SAMPLES {
            // Keep the first (the baseline, or the oldest there is).
            samples.remove(1);
        }
    }

    /// Sessions connecting or open.
    pub fn live(&self) -> u32 {
        self.count(|s| matches!(s, Slot::Connecting | Slot::Open))
    }

    /// Sessions open now, as the page sees them.
    pub fn open_now(&self) -> u32 {
        self.count(|s| s == Slot::Open)
    }

    /// Sessions asked for and not yet open or closed.
    pub fn connecting(&self) -> u32 {
        self.count(|s| s == Slot::Connecting)
    }

    fn count(&self, f: impl Fn(Slot) -> bool) -> u32 {
        self.slots.iter().filter(|&&s| f(s)).count() as u32
    }

    /// Whether a new run may start: nothing starting, open or closing.
    pub fn can_open(&self) -> bool {
        !self.starting && self.live() == 0 && !self.closing
    }

    /// Whether "close all" has anything to do.
    pub fn can_close(&self) -> bool {
        self.live() > 0 && !self.closing
    }

    /// Whether the server's counts should be read at `now` (`performance.now()`, ms):
    /// while any session is connecting, open or closing, and until
    /// [`SAMPLE_AFTER_CLOSED_MS`] after the last one settled.
    pub fn wants_sample(&self, now: f64) -> bool {
        if self.starting || self.live() > 0 || self.closing {
            return true;
        }
        self.settled_at
            .is_some_and(|t| now - t <= SAMPLE_AFTER_CLOSED_MS)
    }

    /// The server's OS threads right before opening.
    pub fn threads_before(&self) -> Option<u32> {
        self.baseline?.os_threads
    }

    /// The server's OS threads when the most sessions were open.
    pub fn threads_at_peak(&self) -> Option<u32> {
        self.peak?.os_threads
    }

    /// The most sessions the server had open at once in this run's readings.
    pub fn sessions_at_peak(&self) -> Option<u32> {
        self.peak.map(|p| p.sessions_open)
    }

    /// The readings as two series over one time axis, x in seconds since the first
    /// reading: (sessions open, OS threads). A reading without a thread count has no
    /// point in the second.
    pub fn timeline(&self) -> (Points, Points) {
        let Some(first) = self.samples.first() else {
            return (Vec::new(), Vec::new());
        };
        let x = |s: &ServerSample| (s.at_ms - first.at_ms) / 1000.0;
        let sessions = self
            .samples
            .iter()
            .map(|s| (x(s), f64::from(s.sessions_open)))
            .collect();
        let threads = self
            .samples
            .iter()
            .filter_map(|s| Some((x(s), f64::from(s.os_threads?))))
            .collect();
        (sessions, threads)
    }
}

impl Reducible for SessionsState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use protocol::stats::ServerStats;
    use yew::Reducible;

    use super::*;
    use crate::model::lesson::{Evidence, LessonId, StepState, check};

    fn stats(sessions: u64, threads: Option<u32>) -> ServerStats {
        ServerStats {
            sessions_open: sessions,
            sessions_peak: sessions,
            connections_open: sessions + 1,
            os_threads: threads,
            runtime_workers: 2,
            uptime_ms: 1_000,
        }
    }

    fn sampled(sessions: u64, threads: Option<u32>, at: f64) -> Action {
        Action::Sampled {
            result: Ok(stats(sessions, threads)),
            at,
        }
    }

    fn run(actions: impl IntoIterator<Item = Action>) -> Rc<SessionsState> {
        actions
            .into_iter()
            .fold(Rc::new(SessionsState::default()), |s, a| s.reduce(a))
    }

    /// Start, baseline, launch: `n` slots connecting in run 1.
    fn launched(n: u32) -> Vec<Action> {
        vec![
            Action::Start { n },
            sampled(0, Some(9), 0.0),
            Action::Launched { at: 10.0 },
        ]
    }

    #[test]
    fn a_click_asks_for_at_most_a_hundred_and_takes_the_baseline_first() {
        let s = run([Action::Start { n: 500 }]);
        assert_eq!((s.run, s.target, s.starting), (1, MAX_SESSIONS, true));
        assert!(s.slots.is_empty(), "nothing opens before the baseline");
        assert!(!s.can_open() && !s.can_close());
        assert!(s.wants_sample(0.0));
        let s = s.reduce(sampled(3, Some(9), 5.0));
        assert_eq!(s.baseline.map(|b| b.sessions_open), Some(3));
        assert_eq!(s.threads_before(), Some(9));
        let s = s.reduce(Action::Launched { at: 6.0 });
        assert!(!s.starting);
        assert_eq!((s.connecting(), s.live(), s.open_now()), (100, 100, 0));
        assert!(s.can_close() && !s.can_open());
        // A second click while the run is under way changes nothing.
        assert_eq!(s.clone().reduce(Action::Start { n: 5 }), s);
        // Zero sessions is no run at all.
        assert_eq!(run([Action::Start { n: 0 }]).run, 0);
    }

    #[test]
    fn counts_opened_open_and_failed_as_the_page_sees_them() {
        let mut actions = launched(4);
        actions.extend([
            Action::Opened { run: 1, index: 0 },
            Action::Opened { run: 1, index: 1 },
            Action::Opened { run: 1, index: 1 }, // twice: counted once
            // Refused before the `101`: a close before open.
            Action::Closed {
                run: 1,
                index: 2,
                code: 1006,
                at: 20.0,
            },
            Action::OpenFailed {
                run: 1,
                index: 3,
                at: 21.0,
            },
            // Another run's slot, and one out of range: ignored.
            Action::Opened { run: 7, index: 3 },
            Action::Opened { run: 1, index: 99 },
        ]);
        let s = run(actions);
        assert_eq!((s.opened, s.open_now(), s.failed), (2, 2, 2));
        assert_eq!(s.failure_code, Some(1006));
        assert_eq!(s.live(), 2);
        assert_eq!(s.settled_at, None);
    }

    #[test]
    fn closing_all_settles_and_sampling_goes_on_two_seconds_after() {
        let mut actions = launched(2);
        actions.extend([Action::Opened { run: 1, index: 0 }, Action::CloseAll]);
        let s = run(actions);
        assert!(s.closing && !s.can_close() && !s.can_open());
        // The page gave up on a session still connecting: closed, not failed.
        let s = s.reduce(Action::Closed {
            run: 1,
            index: 1,
            code: 1006,
            at: 100.0,
        });
        assert_eq!((s.failed, s.settled_at), (0, None));
        assert!(s.wants_sample(10_000.0), "one still open");
        let s = s.reduce(Action::Closed {
            run: 1,
            index: 0,
            code: 1000,
            at: 200.0,
        });
        assert_eq!(s.settled_at, Some(200.0));
        assert!(!s.closing && s.can_open());
        assert!(s.wants_sample(200.0 + SAMPLE_AFTER_CLOSED_MS));
        assert!(!s.wants_sample(200.1 + SAMPLE_AFTER_CLOSED_MS));
        // Nothing to sample before the first click.
        assert!(!SessionsState::default().wants_sample(0.0));
    }

    #[test]
    fn every_session_failing_ends_the_run() {
        let mut actions = launched(2);
        actions.extend((0..2).map(|index| Action::Closed {
            run: 1,
            index,
            code: 1006,
            at: 50.0,
        }));
        let s = run(actions);
        assert_eq!((s.failed, s.opened, s.settled_at), (2, 0, Some(50.0)));
        assert!(s.can_open());
    }

    #[test]
    fn baseline_peak_and_the_derived_figures() {
        let mut actions = launched(100);
        actions.extend([
            sampled(40, Some(9), 250.0),
            sampled(100, Some(10), 500.0),
            sampled(100, Some(11), 750.0), // same count later: the first stays the peak
            Action::Sampled {
                result: Err(FetchError::Network),
                at: 1000.0,
            },
            sampled(0, None, 1250.0),
        ]);
        let s = run(actions);
        assert_eq!(s.samples.len(), 5, "a failed reading adds no sample");
        assert_eq!(s.error, None, "the next answer clears the error");
        assert_eq!(s.threads_before(), Some(9));
        assert_eq!(s.sessions_at_peak(), Some(100));
        assert_eq!(s.threads_at_peak(), Some(10));
        assert_eq!(s.peak.map(|p| p.at_ms), Some(500.0));
        assert_eq!(s.latest.as_ref().map(|l| l.runtime_workers), Some(2));
        let (sessions, threads) = s.timeline();
        assert_eq!(
            sessions,
            vec![
                (0.0, 0.0),
                (0.25, 40.0),
                (0.5, 100.0),
                (0.75, 100.0),
                (1.25, 0.0)
            ]
        );
        assert_eq!(threads.len(), 4, "no point where the server cannot tell");
        assert_eq!(threads[2], (0.5, 10.0));
    }

    #[test]
    fn a_failed_reading_is_kept_as_the_error() {
        let s = run([
            Action::Start { n: 1 },
            Action::Sampled {
                result: Err(FetchError::Network),
                at: 0.0,
            },
        ]);
        assert_eq!(s.error, Some(FetchError::Network));
        assert_eq!(s.baseline, None);
        assert!(s.samples.is_empty());
    }

    #[test]
    fn a_new_run_starts_from_fresh_readings() {
        let mut actions = launched(1);
        actions.extend([
            Action::Opened { run: 1, index: 0 },
            sampled(1, Some(9), 300.0),
            Action::CloseAll,
            Action::Closed {
                run: 1,
                index: 0,
                code: 1000,
                at: 400.0,
            },
            Action::Start { n: 3 },
        ]);
        let s = run(actions);
        assert_eq!((s.run, s.target, s.opened), (2, 3, 0));
        assert!(s.samples.is_empty() && s.baseline.is_none() && s.peak.is_none());
        assert!(s.latest.is_some(), "the live figures keep the last answer");
        // A late event of run 1 does not touch run 2.
        let s = s
            .reduce(Action::Launched { at: 500.0 })
            .reduce(Action::Closed {
                run: 1,
                index: 0,
                code: 1000,
                at: 600.0,
            });
        assert_eq!(s.connecting(), 3);
    }

    #[test]
    fn samples_are_capped_keeping_the_baseline() {
        let mut s = run(launched(1));
        let s_mut = Rc::make_mut(&mut s);
        for i in 1..=MAX_SAMPLES {
            s_mut.apply(sampled(1, Some(9), i as f64));
        }
        assert_eq!(s.samples.len(), MAX_SAMPLES);
        assert_eq!(s.samples[0].at_ms, 0.0);
        assert_eq!(s.samples[1].at_ms, 2.0);
    }

    /// What the widget records is what the lesson's check wants: a hundred sessions, the
    /// threads flat, back down after.
    #[test]
    fn its_samples_pass_the_thread_per_client_check() {
        let mut actions = launched(100);
        actions.extend((0..100).map(|index| Action::Opened { run: 1, index }));
        actions.extend([sampled(100, Some(9), 250.0), Action::CloseAll]);
        actions.extend((0..100).map(|index| Action::Closed {
            run: 1,
            index,
            code: 1000,
            at: 300.0,
        }));
        actions.push(sampled(0, Some(9), 500.0));
        let s = run(actions);
        let evidence = Evidence {
            server: &s.samples,
            ..Evidence::default()
        };
        let steps = check(LessonId::ThreadPerClient, &evidence);
        assert!(steps.iter().all(StepState::passed), "{steps:?}");
    }
}
