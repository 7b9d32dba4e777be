//! Descriptive statistics for the plots: summaries with percentiles, log-spaced histograms
//! shared by several series, "nice" axis ticks and deterministic decimation of long
//! series. Pure arithmetic on `f64`, tested natively.
//!
//! **Percentile definition.** [`percentile`] interpolates linearly between the closest
//! ranks — numpy's default `method="linear"`, R's `quantile(type = 7)`, Excel's
//! `PERCENTILE.INC`. For `n` sorted samples `x[0] ≤ … ≤ x[n-1]` and `q` in `0..=1`:
//! `h = (n − 1)·q`, `i = ⌊h⌋`, and `P(q) = x[i] + (h − i)·(x[i+1] − x[i])` (just `x[i]`
//! when `i = n − 1`). So `P(0)` is the minimum, `P(1)` the maximum, `P(0.5)` the usual
//! median, and every value lies between two observed samples.
//!
//! Non-finite samples (NaN, ±∞) are ignored everywhere: a failed measurement must not
//! poison the mean or the axis range.

/// Ticks per axis above which a log axis shows only decades (1, 10, 100 …).
const LOG_TICKS_MAX: usize = 8;

/// The 1-2-5 mantissas of "nice" numbers.
const NICE: [f64; 3] = [1.0, 2.0, 5.0];

/// Relative slack for comparisons on computed values (`0.1 + 0.2` style rounding).
const EPS: f64 = 1e-9;

// The summary and its percentile are the download's own figures: one definition, in
// `protocol::report`, for the page and `duplex-load` alike.
pub use protocol::report::{Summary, percentile, sorted_finite, summarize};

/// Sorts integers ascending. The page's one sort: every sort in the wasm is an instance of
/// the standard library's (~3–4 KB each, stable and unstable apart), so floats (as
/// `protocol::report::sorted_finite` does) and indices are sorted as `i64` keys with this
/// same instance — two instances fewer, ~6.5 KB of wasm (measured 2026-11-23, issue 14).
pub fn sort_ints(v: &mut [i64]) {
    v.sort_unstable();
}

/// The upper limit of an axis that keeps the bulk of `values` readable: the p99 of the
/// finite values × 1.5. Points above it are outliers to be drawn clipped. `None` when
/// there is no finite value.
pub fn outlier_ceiling(values: &[f64]) -> Option<f64> {
    let sorted = sorted_finite(values);
    if sorted.is_empty() {
        return None;
    }
    Some(percentile(&sorted, 0.99) * 1.5)
}

/// Counts of several series over the same bins, so they can be overlaid.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// `bins + 1` increasing bin edges; bin `b` is `edges[b] ≤ v < edges[b+1]` (the last
    /// bin also holds `v == edges[bins]`).
    pub edges: Vec<f64>,
    /// `counts[s][b]`: samples of series `s` in bin `b`.
    pub counts: Vec<Vec<u32>>,
}

impl Histogram {
    /// Series `s` as percentages of its own finite samples (all zeros when it has none).
    pub fn percent(&self, s: usize) -> Vec<f64> {
        let counts = self.counts.get(s).map_or(&[][..], Vec::as_slice);
        let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
        counts
            .iter()
            .map(|&c| {
                if total == 0 {
                    0.0
                } else {
                    f64::from(c) * 100.0 / total as f64
                }
            })
            .collect()
    }
}

/// A histogram of `series` over `bins` log-spaced bins shared by all of them.
///
/// The edges run from the smallest positive sample floored to a nice 1/2/5×10^k value up
/// to the largest sample ceiled to one; when all positive samples are equal the range is
/// the decade holding them (`[10^k, 10^(k+1)]`). Samples ≤ 0 count in the first bin,
/// non-finite ones nowhere. `None` when `bins` is 0 or no series has a positive finite
/// sample.
pub fn log_histogram(series: &[&[f64]], bins: usize) -> Option<Histogram> {
    let (lo, hi) = log_range(series)?;
    if bins == 0 {
        return None;
    }
    let edges = log_edges(lo, hi, bins);
    let counts = series.iter().map(|s| count_bins(s, &edges)).collect();
    Some(Histogram { edges, counts })
}

/// The nice `[lo, hi]` (both > 0, `lo < hi`) spanning the positive finite samples.
fn log_range(series: &[&[f64]]) -> Option<(f64, f64)> {
    let positive = || {
        series
            .iter()
            .flat_map(|s| s.iter().copied())
            .filter(|v| v.is_finite() && *v > 0.0)
    };
    let min = positive().min_by(f64::total_cmp)?;
    let max = positive().max_by(f64::total_cmp)?;
    let (lo, hi) = (nice_floor(min), nice_ceil(max));
    if min == max || lo >= hi {
        let decade = pow10(decade_of(min));
        return Some((decade, decade * 10.0));
    }
    Some((lo, hi))
}

/// `bins + 1` edges evenly spaced in `ln` from `lo` to `hi`, the ends exact.
fn log_edges(lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let (a, b) = (lo.ln(), hi.ln());
    (0..=bins)
        .map(|i| match i {
            0 => lo,
            i if i == bins => hi,
            i => round_significant((a + (b - a) * i as f64 / bins as f64).exp()),
        })
        .collect()
}

/// `x > 0` to 12 significant digits, so an edge that is mathematically a round number
/// (`e^((ln 1 + ln 100) / 2)` = 10.000000000000002) is exactly that number and a sample
/// on it lands in the bin it starts.
fn round_significant(x: f64) -> f64 {
    let p = pow10(11 - decade_of(x));
    (x * p).round() / p
}

/// Counts of `samples` in the bins between `edges` (see [`Histogram::edges`]).
fn count_bins(samples: &[f64], edges: &[f64]) -> Vec<u32> {
    let bins = edges.len().saturating_sub(1);
    let mut counts = vec![0u32; bins];
    for &v in samples.iter().filter(|v| v.is_finite()) {
        // Edges ≤ v, minus one, is the bin whose left edge is the last one ≤ v; values
        // below the first edge go to bin 0 and the top edge itself to the last bin.
        let b = edges
            .partition_point(|&e| e <= v)
            .saturating_sub(1)
            .min(bins.saturating_sub(1));
        if let Some(c) = counts.get_mut(b) {
            *c = c.saturating_add(1);
        }
    }
    counts
}

/// `k` with `10^k ≤ x < 10^(k+1)` for `x > 0`, corrected for `log10` rounding.
fn decade_of(x: f64) -> i32 {
    let mut k = x.log10().floor() as i32;
    if pow10(k) > x * (1.0 + EPS) {
        k -= 1;
    } else if pow10(k + 1) <= x * (1.0 + EPS) {
        k += 1;
    }
    k
}

/// `10^k`, exact for the small integers and their reciprocals used here.
fn pow10(k: i32) -> f64 {
    if k >= 0 {
        10f64.powi(k)
    } else {
        1.0 / 10f64.powi(-k)
    }
}

/// The largest 1/2/5×10^k not above `x` (`x > 0`).
pub fn nice_floor(x: f64) -> f64 {
    let p = pow10(decade_of(x));
    let m = x / p;
    let c = NICE
        .iter()
        .rev()
        .find(|&&c| c <= m * (1.0 + EPS))
        .copied()
        .unwrap_or(1.0);
    c * p
}

/// The smallest 1/2/5×10^k not below `x` (`x > 0`).
pub fn nice_ceil(x: f64) -> f64 {
    let p = pow10(decade_of(x));
    let m = x / p;
    NICE.iter()
        .find(|&&c| c >= m * (1.0 - EPS))
        .map_or(10.0 * p, |c| c * p)
}

/// Ticks for a log axis over `[lo, hi]`: 1, 2, 5 in every decade, or only the decades
/// when that would make more than eight ticks. Empty for an invalid range.
pub fn nice_ticks_log(lo: f64, hi: f64) -> Vec<f64> {
    nice_ticks_log_max(lo, hi, LOG_TICKS_MAX)
}

/// [`nice_ticks_log`] with at most `max_ticks` ticks: 1-2-5, else decades, else every
/// n-th decade.
pub fn nice_ticks_log_max(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi >= lo) || max_ticks == 0 {
        return Vec::new();
    }
    let all = log_candidates(lo, hi, &NICE);
    if all.len() <= max_ticks {
        return all;
    }
    let decades = log_candidates(lo, hi, &[1.0]);
    let every = decades.len().div_ceil(max_ticks).max(1);
    decades.into_iter().step_by(every).collect()
}

/// Every `m`×10^k (m from `mantissas`) within `[lo, hi]`, ascending.
fn log_candidates(lo: f64, hi: f64, mantissas: &[f64]) -> Vec<f64> {
    let (k0, k1) = (decade_of(lo), decade_of(hi));
    (k0..=k1)
        .flat_map(|k| mantissas.iter().map(move |m| m * pow10(k)))
        .filter(|&t| t >= lo * (1.0 - EPS) && t <= hi * (1.0 + EPS))
        .collect()
}

/// Ticks at a 1/2/5×10^k step inside `[lo, hi]`: the smallest such step giving at most
/// `max_ticks` ticks. Empty for an invalid range or `max_ticks == 0`; `[lo]` when
/// `lo == hi`.
pub fn nice_ticks_linear(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && hi >= lo) || max_ticks == 0 {
        return Vec::new();
    }
    if hi == lo {
        return vec![lo];
    }
    let inside = |step: f64| ((lo / step - EPS).ceil(), (hi / step + EPS).floor());
    let step = nice_step(hi - lo, max_ticks, |s| {
        let (a, b) = inside(s);
        b - a + 1.0
    });
    let (a, b) = inside(step);
    multiples(a, b, step)
}

/// Ticks at a 1/2/5×10^k step that **cover** `[lo, hi]` (first ≤ `lo`, last ≥ `hi`) in
/// at most `max_ticks` ticks (at least 2), so the axis can run from the first tick to the
/// last. A zero-width range is widened by 1 above. Empty for an invalid range.
pub fn nice_linear_axis(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && hi >= lo) {
        return Vec::new();
    }
    let hi = if hi == lo { lo + 1.0 } else { hi };
    let max_ticks = max_ticks.max(2);
    let outside = |step: f64| ((lo / step + EPS).floor(), (hi / step - EPS).ceil());
    let step = nice_step(hi - lo, max_ticks, |s| {
        let (a, b) = outside(s);
        b - a + 1.0
    });
    let (a, b) = outside(step);
    multiples(a, b, step)
}

/// `i × step` for the whole numbers `i` in `a..=b`, without float noise.
fn multiples(a: f64, b: f64, step: f64) -> Vec<f64> {
    let n = (b - a + 1.0).max(0.0) as usize;
    (0..n).map(|i| clean((a + i as f64) * step)).collect()
}

/// The smallest 1/2/5×10^k step for which `count(step) ≤ max_ticks`, searching up from
/// about `span / max_ticks / 10`; gives up (with the largest step tried) after 30
/// decades, which only a range straddling zero with `max_ticks < 3` can reach.
fn nice_step(span: f64, max_ticks: usize, count: impl Fn(f64) -> f64) -> f64 {
    let k0 = decade_of(span / max_ticks as f64) - 1;
    let mut step = span;
    for k in k0..k0 + 30 {
        for m in NICE {
            step = m * pow10(k);
            if count(step) <= max_ticks as f64 {
                return step;
            }
        }
    }
    step
}

/// Rounds away the float noise of `i × step` (`3 × 0.1 = 0.30000000000000004`).
fn clean(v: f64) -> f64 {
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

/// Thins `points` for drawing in `columns` pixel columns: splits the x range into
/// `columns` equal columns and keeps, per column, the point with the smallest y and the
/// one with the largest y (the first of equals), in their original order. Spikes survive,
/// the result has at most `2 × columns` points, and the same input always gives the same
/// output. Non-finite points are dropped; input that already fits is returned as is.
pub fn decimate(points: &[(f64, f64)], columns: usize) -> Vec<(f64, f64)> {
    let finite: Vec<(usize, (f64, f64))> = points
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, (x, y))| x.is_finite() && y.is_finite())
        .collect();
    if columns == 0 || finite.len() <= 2 * columns {
        return finite.into_iter().map(|(_, p)| p).collect();
    }
    let xs = finite.iter().map(|(_, (x, _))| *x);
    let x0 = xs.clone().fold(f64::INFINITY, f64::min);
    let x1 = xs.fold(f64::NEG_INFINITY, f64::max);
    let width = (x1 - x0).max(f64::MIN_POSITIVE);
    let column = |x: f64| (((x - x0) / width * columns as f64) as usize).min(columns - 1);
    // Per column: the index (into `finite`) of its lowest and highest point.
    let mut keep: Vec<Option<(usize, usize)>> = vec![None; columns];
    for (j, &(_, (x, y))) in finite.iter().enumerate() {
        let slot = &mut keep[column(x)];
        *slot = Some(match *slot {
            None => (j, j),
            Some((lo, hi)) => (
                if y < finite[lo].1.1 { j } else { lo },
                if y > finite[hi].1.1 { j } else { hi },
            ),
        });
    }
    let mut kept: Vec<i64> = keep
        .into_iter()
        .flatten()
        .flat_map(|(a, b)| [a as i64, b as i64])
        .collect();
    sort_ints(&mut kept);
    kept.dedup();
    kept.into_iter().map(|j| finite[j as usize].1).collect()
}

/// A histogram bin count for `n` samples: Rice's rule `⌈2·∛n⌉`, between 5 and
/// `max_bins` (`max_bins` wins when it is below 5).
pub fn bin_count(n: usize, max_bins: usize) -> usize {
    let rice = (2.0 * (n as f64).cbrt()).ceil() as usize;
    rice.max(5).min(max_bins.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr) => {
            let (a, b) = ($a, $b);
            assert!(close(a, b), "{a} != {b}");
        };
    }

    #[test]
    fn percentiles_of_one_to_ten() {
        let s: Vec<f64> = (1..=10).map(f64::from).collect();
        // n = 10, so h = 9q.
        // p50: h = 4.5 → x[4] + 0.5·(x[5] − x[4]) = 5 + 0.5·1 = 5.5
        assert_close!(percentile(&s, 0.5), 5.5);
        // p95: h = 8.55 → x[8] + 0.55·(x[9] − x[8]) = 9 + 0.55 = 9.55
        assert_close!(percentile(&s, 0.95), 9.55);
        // p99: h = 8.91 → 9 + 0.91 = 9.91
        assert_close!(percentile(&s, 0.99), 9.91);
        // p0 = x[0], p100 = x[9]; q outside 0..=1 is clamped.
        assert_close!(percentile(&s, 0.0), 1.0);
        assert_close!(percentile(&s, 1.0), 10.0);
        assert_close!(percentile(&s, 7.0), 10.0);
        // p25: h = 2.25 → 3 + 0.25 = 3.25 (numpy: np.percentile(range(1,11), 25) = 3.25)
        assert_close!(percentile(&s, 0.25), 3.25);
        assert!(percentile(&[], 0.5).is_nan());
        assert!(percentile(&s, f64::NAN).is_nan());
    }

    #[test]
    fn summary_of_one_to_ten_in_any_order() {
        let s = [7.0, 3.0, 10.0, 1.0, 5.0, 2.0, 9.0, 4.0, 8.0, 6.0];
        let sum = summarize(&s).expect("ten samples");
        assert_eq!(sum.n, 10);
        assert_close!(sum.min, 1.0);
        assert_close!(sum.max, 10.0);
        // mean = 55 / 10
        assert_close!(sum.mean, 5.5);
        assert_close!(sum.p50, 5.5);
        assert_close!(sum.p95, 9.55);
        assert_close!(sum.p99, 9.91);
    }

    #[test]
    fn summary_of_one_sample_is_that_sample() {
        let sum = summarize(&[3.5]).expect("one sample");
        assert_eq!(sum.n, 1);
        for v in [sum.min, sum.p50, sum.p95, sum.p99, sum.max, sum.mean] {
            assert_close!(v, 3.5);
        }
    }

    #[test]
    fn summary_of_two_samples_interpolates() {
        let sum = summarize(&[4.0, 2.0]).expect("two samples");
        // sorted [2, 4], h = q: p50 = 2 + 0.5·2 = 3, p95 = 2 + 0.95·2 = 3.9,
        // p99 = 2 + 0.99·2 = 3.98, mean = 6 / 2 = 3.
        assert_close!(sum.p50, 3.0);
        assert_close!(sum.p95, 3.9);
        assert_close!(sum.p99, 3.98);
        assert_close!(sum.mean, 3.0);
        assert_close!(sum.min, 2.0);
        assert_close!(sum.max, 4.0);
    }

    #[test]
    fn non_finite_samples_are_ignored() {
        let sum = summarize(&[f64::NAN, 1.0, f64::INFINITY, 3.0, f64::NAN]).expect("two left");
        // [1, 3]: n = 2, mean 2, p50 = 1 + 0.5·2 = 2
        assert_eq!(sum.n, 2);
        assert_close!(sum.mean, 2.0);
        assert_close!(sum.p50, 2.0);
        assert_close!(sum.max, 3.0);
        assert_eq!(summarize(&[]), None);
        assert_eq!(summarize(&[f64::NAN]), None);
    }

    #[test]
    fn outlier_ceiling_is_p99_times_one_and_a_half() {
        let s: Vec<f64> = (1..=10).map(f64::from).collect();
        // p99 = 9.91 (above) × 1.5 = 14.865
        assert_close!(outlier_ceiling(&s).expect("finite"), 14.865);
        assert_eq!(outlier_ceiling(&[f64::NAN]), None);
    }

    #[test]
    fn nice_floor_and_ceil() {
        assert_close!(nice_floor(0.37), 0.2);
        assert_close!(nice_floor(1.0), 1.0);
        assert_close!(nice_floor(9.99), 5.0);
        assert_close!(nice_floor(1000.0), 1000.0);
        assert_close!(nice_floor(0.3), 0.2);
        assert_close!(nice_ceil(0.37), 0.5);
        assert_close!(nice_ceil(5.0), 5.0);
        assert_close!(nice_ceil(5.01), 10.0);
        assert_close!(nice_ceil(0.001), 0.001);
        assert_close!(nice_ceil(123.0), 200.0);
    }

    #[test]
    fn histogram_bins_known_values() {
        // min 1 → floor 1, max 100 → ceil 100; 2 bins of one decade each:
        // edges [1, 10, 100].
        let a = [1.0, 5.0, 9.99, 10.0, 100.0];
        let b = [0.0, -3.0, 50.0, f64::NAN];
        let h = log_histogram(&[&a, &b], 2).expect("positive samples");
        assert_eq!(h.edges.len(), 3);
        assert_close!(h.edges[0], 1.0);
        assert_close!(h.edges[1], 10.0);
        assert_close!(h.edges[2], 100.0);
        // a: 1, 5, 9.99 in [1, 10); 10 in [10, 100]; 100 = last edge → last bin.
        assert_eq!(h.counts[0], vec![3, 2]);
        // b: 0 and −3 (≤ 0) → first bin; 50 → second; NaN nowhere.
        assert_eq!(h.counts[1], vec![2, 1]);
        // Shares of a: 3/5 = 60 %, 2/5 = 40 %.
        let pa = h.percent(0);
        assert_close!(pa[0], 60.0);
        assert_close!(pa[1], 40.0);
        assert!(h.percent(9).is_empty());
    }

    #[test]
    fn histogram_edges_are_nice_monotone_and_cover_the_data() {
        // min 0.37 → floor 0.2; max 730 → ceil 1000.
        let s = [0.37, 1.2, 3.3, 42.0, 730.0];
        let h = log_histogram(&[&s], 17).expect("positive samples");
        assert_eq!(h.edges.len(), 18);
        assert_close!(h.edges[0], 0.2);
        assert_close!(h.edges[17], 1000.0);
        assert!(h.edges.windows(2).all(|w| w[0] < w[1]), "{:?}", h.edges);
        assert!(h.edges[0] <= 0.37 && h.edges[17] >= 730.0);
        // Log spacing: every bin has the same ratio (1000 / 0.2)^(1/17).
        let ratio = (1000.0f64 / 0.2).powf(1.0 / 17.0);
        for w in h.edges.windows(2) {
            assert!((w[1] / w[0] - ratio).abs() < 1e-9);
        }
        assert_eq!(h.counts[0].iter().sum::<u32>(), 5);
    }

    #[test]
    fn histogram_of_equal_samples_spans_their_decade() {
        // 3, 3, 3 → the decade [1, 10]; 2 bins → edges [1, √10, 10]; 3 ≤ √10 ≈ 3.162.
        let s = [3.0, 3.0, 3.0];
        let h = log_histogram(&[&s], 2).expect("positive samples");
        assert_close!(h.edges[0], 1.0);
        assert_close!(h.edges[1], 10f64.sqrt());
        assert_close!(h.edges[2], 10.0);
        assert_eq!(h.counts[0], vec![3, 0]);
        // Exactly a power of ten: 100 → [100, 1000], in the first bin.
        let h = log_histogram(&[&[100.0]], 4).expect("positive sample");
        assert_close!(h.edges[0], 100.0);
        assert_close!(h.edges[4], 1000.0);
        assert_eq!(h.counts[0], vec![1, 0, 0, 0]);
    }

    #[test]
    fn histogram_needs_a_positive_sample_and_a_bin() {
        assert_eq!(log_histogram(&[], 10), None);
        assert_eq!(log_histogram(&[&[0.0, -1.0, f64::NAN]], 10), None);
        assert_eq!(log_histogram(&[&[1.0]], 0), None);
        // An empty series beside a full one keeps its (zero) row.
        let h = log_histogram(&[&[], &[2.0, 20.0]], 3).expect("one series has data");
        assert_eq!(h.counts[0], vec![0, 0, 0]);
        assert_eq!(h.counts[1].iter().sum::<u32>(), 2);
    }

    #[test]
    fn log_ticks_are_one_two_five_or_decades() {
        let t = nice_ticks_log(0.1, 10.0);
        // 0.1 0.2 0.5 1 2 5 10 = 7 ticks ≤ 8
        let want = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0];
        assert_eq!(t.len(), want.len(), "{t:?}");
        t.iter().zip(want).for_each(|(a, b)| assert!(close(*a, b)));
        // 0.1..1000: 13 candidates > 8 → decades 0.1 1 10 100 1000
        let t = nice_ticks_log(0.1, 1000.0);
        let want = [0.1, 1.0, 10.0, 100.0, 1000.0];
        assert_eq!(t.len(), want.len(), "{t:?}");
        t.iter().zip(want).for_each(|(a, b)| assert!(close(*a, b)));
        // 2..20 → 2 5 10 20
        assert_eq!(nice_ticks_log(2.0, 20.0).len(), 4);
        // At most 3: 1e-3..1e3 has 7 decades → every ⌈7/3⌉ = 3rd: 1e-3, 1, 1e3
        let t = nice_ticks_log_max(0.001, 1000.0, 3);
        assert_eq!(t.len(), 3, "{t:?}");
        assert!(close(t[1], 1.0) && close(t[2], 1000.0));
        assert!(nice_ticks_log(0.0, 10.0).is_empty());
        assert!(nice_ticks_log(10.0, 1.0).is_empty());
    }

    #[test]
    fn linear_ticks_use_round_steps() {
        // span 10, ≤ 6 ticks: step 1 → 11, step 2 → 0 2 4 6 8 10 (6)
        assert_eq!(
            nice_ticks_linear(0.0, 10.0, 6),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        // 0..1, ≤ 5: step 0.2 → 6 ticks too many, 0.5 → 0 0.5 1
        assert_eq!(nice_ticks_linear(0.0, 1.0, 5), vec![0.0, 0.5, 1.0]);
        // 0..0.3, ≤ 4: step 0.1 → 0 0.1 0.2 0.3 (no 0.30000000000000004)
        assert_eq!(nice_ticks_linear(0.0, 0.3, 4), vec![0.0, 0.1, 0.2, 0.3]);
        // Inside only: 3..17 at step 5 → 5 10 15
        assert_eq!(nice_ticks_linear(3.0, 17.0, 3), vec![5.0, 10.0, 15.0]);
        assert_eq!(nice_ticks_linear(2.0, 2.0, 5), vec![2.0]);
        assert!(nice_ticks_linear(0.0, 1.0, 0).is_empty());
        assert!(nice_ticks_linear(1.0, 0.0, 5).is_empty());
    }

    #[test]
    fn linear_axis_covers_the_range() {
        // 0..37, ≤ 5: step 10 → 0..40 = 5 ticks
        assert_eq!(
            nice_linear_axis(0.0, 37.0, 5),
            vec![0.0, 10.0, 20.0, 30.0, 40.0]
        );
        // 0..7.3, ≤ 6: step 1 → 9 ticks, step 2 → 0 2 4 6 8
        assert_eq!(nice_linear_axis(0.0, 7.3, 6), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        // Zero width widens to [0, 1]: ≤ 4 → step 0.5 → 0 0.5 1
        assert_eq!(nice_linear_axis(0.0, 0.0, 4), vec![0.0, 0.5, 1.0]);
        assert!(nice_linear_axis(f64::NAN, 1.0, 4).is_empty());
    }

    #[test]
    fn decimation_keeps_each_columns_extremes_in_order() {
        // 12 points over x 0..11 in 3 columns of width 11/3: x 0–3, 4–7, 8–11.
        let ys = [5.0, 1.0, 9.0, 5.0, 5.0, 5.0, 0.0, 7.0, 2.0, 2.0, 2.0, 2.0];
        let pts: Vec<(f64, f64)> = ys.iter().enumerate().map(|(i, &y)| (i as f64, y)).collect();
        let d = decimate(&pts, 3);
        // column 0: min 1 @1, max 9 @2; column 1: min 0 @6, max 7 @7;
        // column 2: all equal → the first one, @8, kept once.
        assert_eq!(
            d,
            vec![(1.0, 1.0), (2.0, 9.0), (6.0, 0.0), (7.0, 7.0), (8.0, 2.0)]
        );
        assert_eq!(decimate(&pts, 3), d, "deterministic");
    }

    #[test]
    fn decimation_leaves_short_series_alone() {
        let pts = [(0.0, 1.0), (1.0, f64::NAN), (2.0, 3.0)];
        assert_eq!(decimate(&pts, 2), vec![(0.0, 1.0), (2.0, 3.0)]);
        assert_eq!(decimate(&pts, 0), vec![(0.0, 1.0), (2.0, 3.0)]);
        let many: Vec<(f64, f64)> = (0..10_000)
            .map(|i| (f64::from(i), f64::from(i % 7)))
            .collect();
        let d = decimate(&many, 500);
        assert!(d.len() <= 1000 && d.len() >= 500, "{}", d.len());
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn bin_counts_follow_rice_within_bounds() {
        // 2·∛1000 = 20
        assert_eq!(bin_count(1000, 48), 20);
        // 2·∛10 ≈ 4.31 → 5, the floor
        assert_eq!(bin_count(10, 48), 5);
        // 2·∛1e6 = 200 → capped at 48
        assert_eq!(bin_count(1_000_000, 48), 48);
        assert_eq!(bin_count(0, 48), 5);
    }

    #[test]
    fn sorting_by_integer_keys_is_total_cmp() {
        let xs = [3.5, -0.0, 0.0, -2.25, 1e-300, -1e300, 7.0, 0.5, -0.5];
        let mut want = xs.to_vec();
        want.sort_by(f64::total_cmp);
        let got = sorted_finite(&xs);
        assert_eq!(
            got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            want.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
        assert!(sorted_finite(&[f64::NAN, f64::INFINITY, 1.0]) == [1.0]);
    }
}
