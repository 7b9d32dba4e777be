//! Checks of `thread-per-client`: samples of the server's own counts (sessions open, OS
//! threads) taken while the page opens a hundred sessions and closes them.

use super::tolerance::{MIN_SESSIONS, THREADS_PER_SESSION_MAX};
use super::{Evidence, Saw, ServerSample, StepState};

/// `thread-per-client`: `hundred`, `threads`, `closed`.
pub(super) fn thread_per_client(e: &Evidence<'_>) -> Vec<StepState> {
    let samples = e.server;
    // The first sample with the most sessions.
    let Some((peak_at, peak)) =
        samples
            .iter()
            .enumerate()
            .fold(
                None,
                |best: Option<(usize, &ServerSample)>, (i, s)| match best {
                    Some((_, b)) if b.sessions_open >= s.sessions_open => best,
                    _ => Some((i, s)),
                },
            )
    else {
        return vec![StepState::Pending; 3];
    };
    let hundred = StepState::judge(
        peak.sessions_open >= MIN_SESSIONS,
        Saw::Sessions {
            peak: peak.sessions_open,
        },
    );
    // Threads before the sessions rose: the sample with the fewest sessions up to the peak.
    let before = samples[..=peak_at]
        .iter()
        .min_by_key(|s| s.sessions_open)
        .unwrap_or(peak);
    let threads = match (before.os_threads, peak.os_threads) {
        (Some(threads_before), Some(threads)) if before.sessions_open < peak.sessions_open => {
            let added = peak.sessions_open - before.sessions_open;
            let allowed = threads_before as f64 + THREADS_PER_SESSION_MAX * added as f64;
            StepState::judge(
                threads as f64 <= allowed,
                Saw::Threads {
                    sessions: peak.sessions_open,
                    threads_before,
                    threads,
                },
            )
        }
        _ => StepState::Pending,
    }
    .after(&hundred);
    let now = samples.last().map_or(0, |s| s.sessions_open);
    let closed = if peak_at + 1 == samples.len() {
        StepState::Pending
    } else {
        StepState::judge(
            now <= before.sessions_open,
            Saw::SessionsClosed {
                peak: peak.sessions_open,
                now,
            },
        )
    }
    .after(&hundred);
    vec![hundred, threads, closed]
}
