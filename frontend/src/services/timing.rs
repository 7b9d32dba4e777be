//! The browser's own view of one request: its Resource Timing entry, found by the
//! request's unique URL, turned into phases.
//!
//! The entry buffer holds 250 entries by default and then silently drops new ones, so a
//! lab run first empties it ([`prepare_run`]) and raises its size.

use wasm_bindgen::JsCast;
use web_sys::PerformanceResourceTiming;

use crate::model::lab::Phases;

/// Most entries a run can leave behind: the largest run plus the page's own files.
const BUFFER: u32 = protocol::lab::LAB_MAX_COUNT as u32 + 150;

/// Empties the resource-timing buffer and makes room for a whole run.
pub(crate) fn prepare_run() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        p.clear_resource_timings();
        p.set_resource_timing_buffer_size(BUFFER);
    }
}

/// The phases of the request to `url` (absolute), if the browser has its entry yet.
pub(crate) fn phases_of(url: &str) -> Option<Phases> {
    let performance = web_sys::window()?.performance()?;
    let entries = performance.get_entries_by_name(url);
    let entry: PerformanceResourceTiming = entries
        .get(entries.length().checked_sub(1)?)
        .dyn_into()
        .ok()?;
    Some(phases(&entry))
}

fn phases(e: &PerformanceResourceTiming) -> Phases {
    let connect_ms = (e.connect_end() - e.connect_start()).max(0.0);
    let dns_ms = (e.domain_lookup_end() - e.domain_lookup_start()).max(0.0);
    // requestStart is 0 when the browser withholds detail; then only the total is known.
    let request_start = if e.request_start() > 0.0 {
        e.request_start()
    } else {
        e.fetch_start()
    };
    Phases {
        queueing_ms: (request_start - e.fetch_start() - connect_ms - dns_ms).max(0.0),
        connect_ms,
        first_byte_ms: (e.response_start() - request_start).max(0.0),
        download_ms: (e.response_end() - e.response_start()).max(0.0),
        protocol: e.next_hop_protocol(),
        reused: e.connect_start() == e.connect_end(),
    }
}
