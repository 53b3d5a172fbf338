//! Benchmarks of altmin's generated code against hand-written nalgebra
//! code, and the measurement protocol they share.
//!
//! # Protocol
//!
//! The machine the figures come from is shared and noisy, so no benchmark
//! reports an absolute time alone. Each case names two or more contenders
//! (closures doing the same work) and [`measure`] runs them as follows.
//!
//! 1. **Calibration.** Each contender runs once to warm caches and
//!    allocators, then its number of repetitions is doubled until one batch
//!    lasts at least [`Protocol::batch`] (a few milliseconds). Each
//!    contender keeps its own repetition count.
//! 2. **Rounds.** Every round runs every contender once, one batch each,
//!    so that a slow phase of the machine hits all contenders alike. The
//!    order rotates by one every other round and is reversed on odd rounds:
//!    each contender starts as many rounds as the others and follows each
//!    of them in turn, so no one inherits the caches of the same
//!    predecessor every time. A batch is timed with [`std::time::Instant`]
//!    and divided by its repetitions.
//! 3. **Figures.** For a pair of contenders, the ratio of their times is
//!    taken within each round, and the median of these per-round ratios is
//!    reported with their interquartile range. Medians of the absolute times
//!    are printed next to it, for scale only.
//!
//! Contenders pass their inputs and results through
//! [`std::hint::black_box`] so that no work is hoisted out of the
//! repetition loop or removed.
//!
//! The number of rounds can be overridden with the environment variable
//! `ALTMIN_BENCH_ROUNDS`; a command-line argument that does not start with
//! `-` selects the cases whose name contains it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long and how often contenders are timed.
#[derive(Clone, Copy, Debug)]
pub struct Protocol {
    /// Rounds; each runs every contender once.
    pub rounds: usize,
    /// The least duration of one timed batch of repetitions.
    pub batch: Duration,
}

impl Protocol {
    /// `rounds` rounds of batches of at least `batch_ms` milliseconds; the
    /// variable `ALTMIN_BENCH_ROUNDS`, when set, overrides the rounds.
    #[must_use]
    pub fn new(rounds: usize, batch_ms: u64) -> Self {
        let rounds = std::env::var("ALTMIN_BENCH_ROUNDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|&r: &usize| r > 0)
            .unwrap_or(rounds);
        Protocol {
            rounds,
            batch: Duration::from_millis(batch_ms),
        }
    }
}

/// One piece of code under measurement.
pub struct Contender<'a> {
    name: &'static str,
    body: Box<dyn FnMut() + 'a>,
}

impl<'a> Contender<'a> {
    /// A contender running `body` once per repetition.
    pub fn new(name: &'static str, body: impl FnMut() + 'a) -> Self {
        Contender {
            name,
            body: Box::new(body),
        }
    }
}

impl fmt::Debug for Contender<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contender")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Seconds per repetition of each contender in each round.
#[derive(Clone, Debug)]
pub struct Timings {
    names: Vec<&'static str>,
    /// `seconds[c][r]`: contender `c` in round `r`.
    seconds: Vec<Vec<f64>>,
}

/// Runs the contenders under the protocol: calibration, then interleaved
/// rounds in rotating order.
///
/// # Panics
///
/// If `contenders` is empty.
#[must_use]
pub fn measure(protocol: &Protocol, contenders: &mut [Contender<'_>]) -> Timings {
    assert!(!contenders.is_empty(), "nothing to measure");
    let reps: Vec<u64> = contenders
        .iter_mut()
        .map(|c| calibrate(&mut c.body, protocol.batch))
        .collect();

    let k = contenders.len();
    let mut seconds = vec![Vec::with_capacity(protocol.rounds); k];
    for round in 0..protocol.rounds {
        for c in order(k, round) {
            let elapsed = run_batch(&mut contenders[c].body, reps[c]);
            seconds[c].push(elapsed.as_secs_f64() / reps[c] as f64);
        }
    }

    Timings {
        names: contenders.iter().map(|c| c.name).collect(),
        seconds,
    }
}

/// The order of the contenders in a round: rotated by one every other
/// round, and reversed on odd rounds, so that each contender starts rounds
/// as often as the others and follows each of them in turn.
fn order(k: usize, round: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..k).map(|i| (i + round / 2) % k).collect();
    if round % 2 == 1 {
        order.reverse();
    }
    order
}

/// The repetitions that make one batch last at least `batch`.
fn calibrate(body: &mut dyn FnMut(), batch: Duration) -> u64 {
    body();
    let mut reps = 1;
    loop {
        let elapsed = run_batch(body, reps);
        if elapsed >= batch || reps >= 1 << 40 {
            return reps;
        }
        // Aim straight at the batch length once a time is measurable.
        let scale = if elapsed.as_nanos() > 1000 {
            (batch.as_secs_f64() / elapsed.as_secs_f64() * 1.1).ceil() as u64
        } else {
            2
        };
        reps *= scale.clamp(2, 1 << 20);
    }
}

fn run_batch(body: &mut dyn FnMut(), reps: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..reps {
        body();
    }
    start.elapsed()
}

impl Timings {
    /// The index of the contender called `name`.
    ///
    /// # Panics
    ///
    /// If no contender has that name.
    #[must_use]
    pub fn index(&self, name: &str) -> usize {
        self.names
            .iter()
            .position(|&n| n == name)
            .unwrap_or_else(|| panic!("no contender named `{name}`"))
    }

    /// The median time of one repetition of `name`, in seconds.
    #[must_use]
    pub fn median(&self, name: &str) -> f64 {
        Summary::of(self.seconds[self.index(name)].clone()).median
    }

    /// The per-round ratios `numerator / denominator`, summarized.
    #[must_use]
    pub fn ratio(&self, numerator: &str, denominator: &str) -> Summary {
        let (n, d) = (self.index(numerator), self.index(denominator));
        let ratios = self.seconds[n]
            .iter()
            .zip(&self.seconds[d])
            .map(|(a, b)| a / b)
            .collect();
        Summary::of(ratios)
    }

    /// The per-round rates `work / time` of `name`, for a quantity `work`
    /// done by one repetition (bytes, say), summarized.
    #[must_use]
    pub fn throughput(&self, name: &str, work: f64) -> Summary {
        let rates = self.seconds[self.index(name)]
            .iter()
            .map(|t| work / t)
            .collect();
        Summary::of(rates)
    }
}

/// The median and quartiles of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// The median.
    pub median: f64,
    /// The first quartile.
    pub q1: f64,
    /// The third quartile.
    pub q3: f64,
}

impl Summary {
    /// The summary of `values` (linearly interpolated quantiles).
    ///
    /// # Panics
    ///
    /// If `values` is empty.
    #[must_use]
    pub fn of(mut values: Vec<f64>) -> Self {
        assert!(!values.is_empty(), "an empty sample has no median");
        values.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let pos = p * (values.len() - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            let w = pos - lo as f64;
            values[lo] * (1.0 - w) + values[hi] * w
        };
        Summary {
            median: q(0.5),
            q1: q(0.25),
            q3: q(0.75),
        }
    }
}

/// Whether a case is selected by the command line: every argument that does
/// not start with `-` is a filter, and a case runs when its name contains
/// one of them (or when there is none).
#[must_use]
pub fn selected(case: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty() || filters.iter().any(|f| case.contains(f.as_str()))
}

/// Prints the line of one case: its name, the median ratio with its
/// interquartile range, the target, PASS or MISS, and `detail` (absolute
/// medians, for scale). Without a target the ratio is informative only.
/// Returns whether the target is met.
pub fn report(case: &str, ratio: Summary, target: Option<f64>, detail: &str) -> bool {
    let pass = target.is_none_or(|t| ratio.median <= t);
    let (target, verdict) = match target {
        Some(t) => (format!("target <= {t}"), if pass { "PASS" } else { "MISS" }),
        None => ("no target".to_string(), "INFO"),
    };
    println!(
        "{case:<34} ratio {:>9} (IQR {} .. {})  {target:<14} {verdict}  {detail}",
        number(ratio.median),
        number(ratio.q1),
        number(ratio.q3),
    );
    pass
}

/// A ratio with four significant digits, in scientific notation when large.
#[must_use]
pub fn number(v: f64) -> String {
    if v.abs() >= 1e4 {
        format!("{v:.3e}")
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// A duration in seconds, written with a unit that keeps it readable.
#[must_use]
pub fn time(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.3} s")
    } else if seconds >= 1e-3 {
        format!("{:.3} ms", seconds * 1e3)
    } else if seconds >= 1e-6 {
        format!("{:.3} us", seconds * 1e6)
    } else {
        format!("{:.1} ns", seconds * 1e9)
    }
}

/// A global allocator that counts allocations, so that a benchmark can
/// check that a step allocates nothing on the heap. Install it with
/// `#[global_allocator] static ALLOC: CountingAlloc = CountingAlloc;`; the
/// count costs one relaxed atomic increment per allocation.
#[derive(Debug)]
pub struct CountingAlloc;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

impl CountingAlloc {
    /// Heap allocations (including reallocations) made since the start, by
    /// every thread.
    #[must_use]
    pub fn count() -> usize {
        ALLOCATIONS.load(Ordering::Relaxed)
    }

    /// The allocations made while running `body` once (meaningful when the
    /// allocator is installed and no other thread allocates meanwhile).
    pub fn during(body: impl FnOnce()) -> usize {
        let before = Self::count();
        body();
        Self::count() - before
    }
}

// The allocator forwards every call to the system allocator unchanged; the
// only addition is the counter.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which
        // is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ptr` and `layout` come from this allocator, that is from
        // `System`, as the caller guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `realloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate() {
        let s = Summary::of(vec![4.0, 1.0, 3.0, 2.0, 5.0]);
        assert_eq!((s.q1, s.median, s.q3), (2.0, 3.0, 4.0));
        let s = Summary::of(vec![1.0, 2.0]);
        assert_eq!(s.median, 1.5);
    }

    #[test]
    fn orders_are_permutations_that_vary() {
        for k in 1..5 {
            for round in 0..8 {
                let mut o = order(k, round);
                o.sort_unstable();
                assert_eq!(o, (0..k).collect::<Vec<_>>());
            }
        }
        assert_eq!(order(3, 0), [0, 1, 2]);
        assert_eq!(order(3, 1), [2, 1, 0]);
        assert_eq!(order(3, 2), [1, 2, 0]);
    }

    #[test]
    fn every_contender_runs_every_round() {
        let (mut a, mut b) = (0u64, 0u64);
        let protocol = Protocol {
            rounds: 3,
            batch: Duration::from_micros(50),
        };
        let t = {
            let mut contenders = [
                Contender::new("a", || a += 1),
                Contender::new("b", || b += 1),
            ];
            measure(&protocol, &mut contenders)
        };
        assert!(a > 3 && b > 3);
        assert_eq!(t.seconds[0].len(), 3);
        assert!(t.ratio("a", "b").median > 0.0);
    }
}
