//! The reader's progress, kept in localStorage: which steps of which lessons have passed.
//! A step once passed stays passed, even when the live evidence is cleared later.
//!
//! The stored text is small, versioned and forgiving: `v1;` then one
//! `<lesson>=<step>,<step>` per lesson, `;`-separated (`v1;one-request=answered,echoed`).
//! Unknown lessons and steps are passed over (a later version may add some); anything
//! else that does not read decodes as no progress.

use super::{LessonId, StepId, StepState};

/// The localStorage key the page keeps [`Progress::encode`] under.
pub const PROGRESS_STORAGE_KEY: &str = "duplex.learn";

/// The format's version prefix.
const VERSION: &str = "v1";

/// Where a reader is in one lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonStatus {
    NotStarted,
    /// `done` of `total` steps passed (0 < done < total).
    Steps {
        done: usize,
        total: usize,
    },
    Done,
}

/// Steps passed, per lesson: bit `i` of `done[lesson]` is the lesson's `i`-th step. A
/// bitmask rather than `BTreeMap<LessonId, BTreeSet<StepId>>`: the maps' generic code
/// cost every lesson-hosting wasm ~3 KB gzip (measured 2026-11-23, issue 14).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Progress {
    done: [u8; LessonId::ALL.len()],
}

impl Progress {
    /// The bit of `step` in `lesson`, if the lesson has that step.
    fn bit(lesson: LessonId, step: StepId) -> Option<u8> {
        let i = lesson.steps().iter().position(|s| *s == step)?;
        Some(1 << i)
    }

    /// Whether `step` of `lesson` has passed.
    pub fn is_done(&self, lesson: LessonId, step: StepId) -> bool {
        Self::bit(lesson, step).is_some_and(|b| self.done[lesson.number() - 1] & b != 0)
    }

    /// Marks `step` of `lesson` passed (a step not in the lesson is ignored). Returns
    /// whether that changed anything (so the page saves only then).
    pub fn mark(&mut self, lesson: LessonId, step: StepId) -> bool {
        let Some(b) = Self::bit(lesson, step) else {
            return false;
        };
        let slot = &mut self.done[lesson.number() - 1];
        let changed = *slot & b == 0;
        *slot |= b;
        changed
    }

    /// Records every passed step of `states` (as [`super::check`] answers them, in the
    /// lesson's step order); never forgets one. Returns whether anything changed.
    pub fn record(&mut self, lesson: LessonId, states: &[StepState]) -> bool {
        let mut changed = false;
        for (step, state) in lesson.steps().iter().zip(states) {
            if state.passed() {
                changed |= self.mark(lesson, *step);
            }
        }
        changed
    }

    /// Forgets one lesson's progress.
    pub fn reset(&mut self, lesson: LessonId) {
        self.done[lesson.number() - 1] = 0;
    }

    /// Steps of `lesson` passed.
    pub fn steps_done(&self, lesson: LessonId) -> usize {
        self.done[lesson.number() - 1].count_ones() as usize
    }

    pub fn status(&self, lesson: LessonId) -> LessonStatus {
        let (done, total) = (self.steps_done(lesson), lesson.steps().len());
        if done == 0 {
            LessonStatus::NotStarted
        } else if done >= total {
            LessonStatus::Done
        } else {
            LessonStatus::Steps { done, total }
        }
    }

    /// The text to keep in localStorage.
    pub fn encode(&self) -> String {
        let mut out = String::from(VERSION);
        for lesson in LessonId::ALL {
            if self.steps_done(lesson) == 0 {
                continue;
            }
            out.push(';');
            out.push_str(lesson.slug());
            out.push('=');
            // In the lesson's own step order, so the text is stable.
            let names: Vec<&str> = lesson
                .steps()
                .iter()
                .filter(|s| self.is_done(lesson, **s))
                .map(|s| s.slug())
                .collect();
            out.push_str(&names.join(","));
        }
        out
    }

    /// Reads [`Progress::encode`]'s text; forgiving (see the module doc).
    pub fn decode(text: &str) -> Progress {
        let mut progress = Progress::default();
        let mut parts = text.trim().split(';');
        if parts.next() != Some(VERSION) {
            return progress;
        }
        for part in parts {
            let Some((lesson, steps)) = part.split_once('=') else {
                continue;
            };
            let Some(lesson) = LessonId::from_slug(lesson.trim()) else {
                continue;
            };
            for step in steps.split(',') {
                if let Some(step) = lesson.step(step.trim()) {
                    progress.mark(lesson, step);
                }
            }
        }
        progress
    }
}
