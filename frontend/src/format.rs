//! Number formatting for the page: durations and byte counts, always with units.

/// A duration given in milliseconds: µs below 1 ms, ms below 1 s, then s.
pub fn duration_ms(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "—".to_owned();
    }
    if ms < 1.0 {
        format!("{:.0} µs", ms * 1000.0)
    } else if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// An axis label in ms: whole numbers without a decimal, `0` as `0 ms`.
pub fn tick_ms(ms: f64) -> String {
    if ms == 0.0 {
        "0 ms".to_owned()
    } else if ms >= 1.0 && ms.fract().abs() < 1e-9 && ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1000.0 && (ms / 1000.0).fract().abs() < 1e-9 {
        format!("{:.0} s", ms / 1000.0)
    } else {
        duration_ms(ms)
    }
}

/// A byte count: B below 1 KiB, then KiB and MiB with one decimal.
pub fn bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let f = n as f64;
    if n < 1024 {
        format!("{n} B")
    } else if f < KIB * KIB {
        format!("{:.1} KiB", f / KIB)
    } else {
        format!("{:.1} MiB", f / KIB / KIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration_ms(0.1234), "123 µs");
        assert_eq!(duration_ms(0.0), "0 µs");
        assert_eq!(duration_ms(3.25), "3.25 ms");
        assert_eq!(duration_ms(42.04), "42.0 ms");
        assert_eq!(duration_ms(1500.0), "1.50 s");
        assert_eq!(duration_ms(f64::NAN), "—");
        assert_eq!(duration_ms(-1.0), "—");
    }

    #[test]
    fn ticks_drop_needless_decimals() {
        assert_eq!(tick_ms(0.0), "0 ms");
        assert_eq!(tick_ms(500.0), "500 ms");
        assert_eq!(tick_ms(2000.0), "2 s");
        assert_eq!(tick_ms(2500.0), "2.50 s");
        assert_eq!(tick_ms(0.2), "200 µs");
    }

    #[test]
    fn bytes_pick_a_readable_unit() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024), "3.0 MiB");
    }
}
