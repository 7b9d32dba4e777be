//! The server's clock as the page estimates it: an NTP-style offset from round trips
//! whose server side is time-stamped, and the one-way delay of anything the server
//! time-stamped when it sent it. One estimator for every page: the WebSocket lab feeds it
//! `/ws` clock probes, the chat page `/api/echo` round trips.

/// NTP-style clock offset between page and server from clock probes: for each probe,
/// offset θ = ((t1 − t0) + (t2 − t3)) / 2 and round trip δ = (t3 − t0) − (t2 − t1), with t0/t3
/// the page's send/receive and t1/t2 the server's receive/send times. The probe with the
/// smallest δ wins; the true offset lies within ±δ/2 of its θ.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClockEstimate {
    /// Server clock minus page clock, µs.
    pub offset_us: f64,
    /// Half the best probe's round trip, µs.
    pub uncertainty_us: f64,
    pub samples: u32,
}

impl ClockEstimate {
    /// Adds a probe (all times µs since the Unix epoch; t0, t3 on the page's clock).
    pub fn add(&mut self, t0: f64, t1: f64, t2: f64, t3: f64) {
        let delta = ((t3 - t0) - (t2 - t1)).max(0.0);
        let theta = ((t1 - t0) + (t2 - t3)) / 2.0;
        if self.samples == 0 || delta / 2.0 < self.uncertainty_us {
            self.offset_us = theta;
            self.uncertainty_us = delta / 2.0;
        }
        self.samples += 1;
    }

    /// How long something the server time-stamped `server_us` (its clock, µs since the
    /// epoch) took to reach the page, which saw it at `page_us` (the page's wall clock,
    /// µs): ms, within ± [`ClockEstimate::uncertainty_us`] (so it can come out a little
    /// below zero).
    pub fn one_way_ms(&self, page_us: f64, server_us: f64) -> f64 {
        (page_us + self.offset_us - server_us) / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_estimate_keeps_the_tightest_probe() {
        let mut c = ClockEstimate::default();
        // Server 1000 µs ahead; a 200 µs round trip split evenly.
        c.add(0.0, 1100.0, 1100.0, 200.0);
        assert_eq!((c.offset_us, c.uncertainty_us), (1000.0, 100.0));
        // A slower probe does not replace it.
        c.add(1000.0, 3000.0, 3000.0, 2000.0);
        assert_eq!(c.offset_us, 1000.0);
        // A tighter one does.
        c.add(5000.0, 6010.0, 6020.0, 5040.0);
        assert_eq!((c.offset_us, c.uncertainty_us), (995.0, 15.0));
        assert_eq!(c.samples, 3);
    }

    #[test]
    fn one_way_delay_corrects_for_the_offset() {
        // Server 1 s ahead of the page; stamped at server 3 s, seen at page 2.0005 s.
        let c = ClockEstimate {
            offset_us: 1_000_000.0,
            uncertainty_us: 50.0,
            samples: 1,
        };
        assert_eq!(c.one_way_ms(2_000_500.0, 3_000_000.0), 0.5);
    }
}
