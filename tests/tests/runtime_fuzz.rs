//! Fuzzing of run-time inputs through AltMin, ProxAltMin, `diagnose` and
//! `check_derivatives`. Every trial injects one fault into an otherwise
//! sound input of random dimensions: NaN or infinity in the data or the
//! start, entries so large that `f` overflows, mismatched dimensions, a
//! block made indefinite, or zero data. Every call must return a value or
//! an error value, never panic; a fault that makes the input invalid must
//! be reported as an error; and a failed run must hand back exactly the
//! last finite iterate its observer saw, or the start when it saw none.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use altmin_core::prelude::*;
use altmin_core::{Diagnose, Failure, Record, RunResult, Solution, check_derivatives};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use taylor::{Tally, Taylor};

mod taylor;

#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[objective]
fn factors(x: &DMatrix<f64>, y: &DMatrix<f64>, m: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[objective]
fn fixed(x: &SVector<f64, 3>, y: &Vector2<f64>, a: &DMatrix<f64>, c: f64) -> f64 {
    let r = a * y - x;
    r.norm_squared() + c * x.map(|t| t.powi(4) - t * t).sum() + y.norm_squared()
}

#[objective]
fn curved(x: f64, y: &DVector<f64>, b: &DVector<f64>) -> f64 {
    (x * y - b).map(|t| (1.0 + t * t).ln()).sum() + x * x * x * x - x * x + y.norm_squared()
}

/// What is wrong with a trial's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fault {
    /// NaN or an infinity in a data matrix or a scalar datum.
    NonFiniteData,
    /// NaN or an infinity in the starting `x` or `y`.
    NonFiniteStart,
    /// Entries near `1e300` in the data or the start: `f` overflows there.
    Overflow,
    /// Blocks whose dimensions disagree with each other or the data.
    Mismatch,
    /// A block Hessian with a negative eigenvalue at the start.
    Indefinite,
    /// All data zero, the start sometimes zero too: flat subproblems.
    ZeroData,
}

const FAULTS: [Fault; 6] = [
    Fault::NonFiniteData,
    Fault::NonFiniteStart,
    Fault::Overflow,
    Fault::Mismatch,
    Fault::Indefinite,
    Fault::ZeroData,
];

impl Fault {
    /// Whether every entry point must reject the input.
    fn invalid(self) -> bool {
        !matches!(self, Fault::Indefinite | Fault::ZeroData)
    }

    /// Whether `e` is an error this fault may cause.
    fn explains(self, e: &Error) -> bool {
        match self {
            Fault::NonFiniteData | Fault::NonFiniteStart | Fault::Overflow => {
                matches!(e, Error::NonFinite(_))
            }
            Fault::Mismatch => matches!(
                e,
                Error::DimensionMismatch { .. } | Error::IndexOutOfBounds { .. }
            ),
            Fault::Indefinite | Fault::ZeroData => true,
        }
    }
}

/// An input before it is typed: the data matrix (a vector as a column),
/// the scalar datum, and the starting blocks as matrices.
#[derive(Clone, Debug)]
struct Raw {
    data: DMatrix<f64>,
    scalar: f64,
    x: DMatrix<f64>,
    y: DMatrix<f64>,
}

/// Which parts of an input may take another shape.
#[derive(Clone, Copy, Debug)]
enum Part {
    Data,
    X,
    Y,
}

fn uniform(rng: &mut StdRng, rows: usize, cols: usize, bound: f64) -> DMatrix<f64> {
    DMatrix::from_fn(rows, cols, |_, _| rng.random_range(-bound..bound))
}

/// Replaces one to three entries of `m` by NaN or infinities.
fn poison_non_finite(m: &mut DMatrix<f64>, rng: &mut StdRng) {
    for _ in 0..rng.random_range(1..=3) {
        let i = rng.random_range(0..m.len());
        m[i] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY][rng.random_range(0..3)];
    }
}

/// Replaces one entry of `m` by a finite value whose square overflows.
fn poison_huge(m: &mut DMatrix<f64>, rng: &mut StdRng) {
    let i = rng.random_range(0..m.len());
    let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
    m[i] = sign * rng.random_range(1e200..f64::MAX);
}

/// A shape one row or one column off `(rows, cols)`, never empty.
fn off_by_one(rng: &mut StdRng, rows: usize, cols: usize, vary_cols: bool) -> (usize, usize) {
    let change = |n: usize, up: bool| if up || n == 1 { n + 1 } else { n - 1 };
    let up = rng.random::<bool>();
    if vary_cols {
        (rows, change(cols, up))
    } else {
        (change(rows, up), cols)
    }
}

impl Raw {
    /// Injects a fault that does not depend on the objective.
    fn inject(&mut self, fault: Fault, rng: &mut StdRng, scalar_datum: bool) {
        match fault {
            Fault::NonFiniteData => {
                if scalar_datum && rng.random_range(0..3) == 0 {
                    self.scalar =
                        [f64::NAN, f64::INFINITY, f64::NEG_INFINITY][rng.random_range(0..3)];
                } else {
                    poison_non_finite(&mut self.data, rng);
                }
            }
            Fault::NonFiniteStart => match rng.random_range(0..3) {
                0 => poison_non_finite(&mut self.x, rng),
                1 => poison_non_finite(&mut self.y, rng),
                _ => {
                    poison_non_finite(&mut self.x, rng);
                    poison_non_finite(&mut self.y, rng);
                }
            },
            Fault::Overflow => match rng.random_range(0..3) {
                0 => poison_huge(&mut self.x, rng),
                1 => poison_huge(&mut self.y, rng),
                _ => poison_huge(&mut self.data, rng),
            },
            Fault::ZeroData => {
                self.data.fill(0.0);
                self.scalar = 0.0;
                match rng.random_range(0..3) {
                    0 => self.x.fill(0.0),
                    1 => self.y.fill(0.0),
                    _ => {}
                }
            }
            Fault::Mismatch | Fault::Indefinite => {}
        }
    }

    /// Gives `part` a shape one row or column off (columns when
    /// `vary_cols`), with fresh entries.
    fn mismatch(&mut self, part: Part, vary_cols: bool, rng: &mut StdRng) {
        let m = match part {
            Part::Data => &mut self.data,
            Part::X => &mut self.x,
            Part::Y => &mut self.y,
        };
        let (rows, cols) = off_by_one(rng, m.nrows(), m.ncols(), vary_cols);
        *m = uniform(rng, rows, cols, 2.0);
    }
}

/// A typed block from a raw matrix of the right number of entries.
fn block<B: Block>(m: &DMatrix<f64>) -> B {
    B::try_from_column_slice(Shape::new(m.nrows(), m.ncols()), m.as_slice())
        .expect("the raw input fits the block type")
}

/// The smallest eigenvalue of a symmetric matrix.
fn min_eigenvalue(h: &DMatrix<f64>) -> f64 {
    h.clone().symmetric_eigen().eigenvalues.min()
}

/// Asserts that `fault` made a block Hessian indefinite at the start, when
/// that was the fault injected.
fn assert_indefinite<F: BiObjective>(f: &F, x: &F::X, y: &F::Y, fault: Fault) {
    if fault == Fault::Indefinite {
        let least = min_eigenvalue(&f.hess_xx(x, y)).min(min_eigenvalue(&f.hess_yy(x, y)));
        assert!(least < 0.0, "an `Indefinite` trial has a convex start");
    }
}

/// Bad inputs and outcomes of one entry point.
#[derive(Default, Debug)]
struct Counts {
    bad: BTreeMap<Fault, usize>,
    values: usize,
    errors: usize,
}

impl Counts {
    fn bad_total(&self) -> usize {
        self.bad.values().sum()
    }
}

const NAMES: [&str; 4] = ["AltMin", "ProxAltMin", "diagnose", "check_derivatives"];

/// Everything the trials saw.
#[derive(Default, Debug)]
struct Fuzz {
    counts: [Counts; 4],
    /// Failed runs with at least one iterate, whose blocks were compared
    /// with the observer's last one.
    mid_run_failures: usize,
    failures: Vec<String>,
}

/// The last iterate an observer saw, and how many it saw.
struct Seen<X, Y> {
    last: Option<(Record, X, Y)>,
    count: usize,
}

/// One algorithm run from the trial's start, reporting to an observer.
type Driver<'a, X, Y> = &'a dyn Fn(&mut Seen<X, Y>) -> RunResult<X, Y>;

/// Whether two blocks hold the same bits, NaN included.
fn same<B: Block>(a: &B, b: &B) -> bool {
    a.shape_of() == b.shape_of()
        && a.as_slice()
            .iter()
            .zip(b.as_slice())
            .all(|(u, v)| u.to_bits() == v.to_bits())
}

impl Fuzz {
    /// Runs every entry point on `f` from `(x0, y0)` and checks the
    /// outcomes against `fault`.
    fn exercise<F: BiObjective>(
        &mut self,
        f: &F,
        x0: &F::X,
        y0: &F::Y,
        fault: Fault,
        rng: &mut StdRng,
    ) {
        let max_iters = rng.random_range(1..=40);
        let beta = match rng.random_range(0..3) {
            0 => Beta::Fixed(rng.random_range(0.01..10.0)),
            _ => Beta::default(),
        };
        let runs: [Driver<'_, F::X, F::Y>; 2] = [
            &|seen| {
                AltMin::new(f)
                    .with_max_iters(max_iters)
                    .expect("a valid limit")
                    .with_iterate_observer(|r, x, y| seen.observe(r, x, y))
                    .run(x0, y0)
            },
            &|seen| {
                ProxAltMin::new(f)
                    .with_max_iters(max_iters)
                    .expect("a valid limit")
                    .with_beta(beta)
                    .expect("a valid beta")
                    .with_iterate_observer(|r, x, y| seen.observe(r, x, y))
                    .run(x0, y0)
            },
        ];
        for (i, run) in runs.iter().enumerate() {
            *self.counts[i].bad.entry(fault).or_default() += 1;
            let mut seen = Seen {
                last: None,
                count: 0,
            };
            match catch_unwind(AssertUnwindSafe(|| run(&mut seen))) {
                Err(_) => self
                    .failures
                    .push(format!("{} panicked on {fault:?}", NAMES[i])),
                Ok(Ok(solution)) => {
                    self.counts[i].values += 1;
                    self.check_solution(NAMES[i], fault, &solution, &seen);
                }
                Ok(Err(failure)) => {
                    self.counts[i].errors += 1;
                    self.check_failure(NAMES[i], fault, &failure, &seen, (x0, y0));
                }
            }
        }

        let outcomes = [
            catch_unwind(AssertUnwindSafe(|| {
                Diagnose::new(f)
                    .with_krylov_steps(40)
                    .and_then(|d| d.run(x0, y0))
                    .map(|_| ())
            })),
            catch_unwind(AssertUnwindSafe(|| {
                check_derivatives(f, x0, y0).map(|_| ())
            })),
        ];
        for (i, outcome) in outcomes.into_iter().enumerate() {
            let (i, name) = (i + 2, NAMES[i + 2]);
            *self.counts[i].bad.entry(fault).or_default() += 1;
            match outcome {
                Err(_) => self.failures.push(format!("{name} panicked on {fault:?}")),
                Ok(Ok(())) => {
                    self.counts[i].values += 1;
                    if fault.invalid() {
                        self.failures.push(format!("{name} accepted {fault:?}"));
                    }
                }
                Ok(Err(e)) => {
                    self.counts[i].errors += 1;
                    if !fault.explains(&e) {
                        self.failures
                            .push(format!("{name}: {fault:?} reported as {e}"));
                    }
                }
            }
        }
    }

    fn check_solution<X: Block, Y: Block>(
        &mut self,
        name: &str,
        fault: Fault,
        s: &Solution<X, Y>,
        seen: &Seen<X, Y>,
    ) {
        if fault.invalid() {
            self.failures.push(format!("{name} accepted {fault:?}"));
        }
        let kept = seen
            .last
            .as_ref()
            .is_some_and(|(r, x, y)| same(x, &s.x) && same(y, &s.y) && r.iteration == s.iterations);
        if !kept {
            self.failures.push(format!(
                "{name}: the solution is not the last iterate observed"
            ));
        }
    }

    fn check_failure<X: Block, Y: Block>(
        &mut self,
        name: &str,
        fault: Fault,
        failure: &Failure<X, Y>,
        seen: &Seen<X, Y>,
        (x0, y0): (&X, &Y),
    ) {
        let e = &failure.error;
        if !fault.explains(e) {
            self.failures
                .push(format!("{name}: {fault:?} reported as {e}"));
        }
        match &seen.last {
            // Rejected before the first iterate: the start as given.
            None => {
                let kept = same(&failure.x, x0)
                    && same(&failure.y, y0)
                    && failure.iterations == 0
                    && failure.history.is_empty();
                if !kept {
                    self.failures.push(format!(
                        "{name}: {e} before any iterate, but not the start back"
                    ));
                }
            }
            Some((record, x, y)) => {
                if fault.invalid() {
                    self.failures
                        .push(format!("{name}: {fault:?} got past the start checks"));
                }
                let finite = x.all_finite() && y.all_finite() && record.value.is_finite();
                let kept = same(&failure.x, x)
                    && same(&failure.y, y)
                    && failure.iterations == record.iteration
                    && failure.history.len() == seen.count
                    && failure.history.last() == Some(record);
                if !(finite && kept) {
                    self.failures.push(format!(
                        "{name}: {e} after {} iterates, but not the last finite one back",
                        seen.count
                    ));
                }
                self.mid_run_failures += usize::from(failure.iterations > 0);
            }
        }
    }
}

impl<X: Clone, Y: Clone> Seen<X, Y> {
    fn observe(&mut self, r: &Record, x: &X, y: &Y) {
        self.last = Some((*r, x.clone(), y.clone()));
        self.count += 1;
    }
}

/// A sound input of rank-1 PCA, `n` by `m`, with `fault` injected.
fn rank1_trial(rng: &mut StdRng, fault: Fault, fuzz: &mut Fuzz) {
    let (n, m) = (rng.random_range(1..=5), rng.random_range(1..=5));
    let mut raw = Raw {
        data: uniform(rng, n, m, 2.0),
        scalar: rng.random_range(0.01..1.0),
        x: uniform(rng, n, 1, 2.0),
        y: uniform(rng, m, 1, 2.0),
    };
    raw.inject(fault, rng, true);
    match fault {
        Fault::Mismatch => {
            let part = [Part::Data, Part::X, Part::Y][rng.random_range(0..3)];
            raw.mismatch(part, false, rng);
        }
        // Hxx = (lambda + |y|^2) I.
        Fault::Indefinite => raw.scalar = -raw.y.norm_squared() - rng.random_range(0.1..1.0),
        _ => {}
    }
    let f = Rank1Pca::new(&raw.data, raw.scalar);
    let (x0, y0): (DVector<f64>, DVector<f64>) = (block(&raw.x), block(&raw.y));
    assert_indefinite(&f, &x0, &y0, fault);
    fuzz.exercise(&f, &x0, &y0, fault, rng);
}

/// A sound input of the rank-`r` factorization with `fault` injected.
fn factors_trial(rng: &mut StdRng, fault: Fault, fuzz: &mut Fuzz) {
    let (n, m, r) = (
        rng.random_range(1..=4),
        rng.random_range(1..=4),
        rng.random_range(1..=2),
    );
    let mut raw = Raw {
        data: uniform(rng, n, m, 2.0),
        scalar: rng.random_range(0.01..1.0),
        x: uniform(rng, n, r, 2.0),
        y: uniform(rng, m, r, 2.0),
    };
    raw.inject(fault, rng, true);
    match fault {
        Fault::Mismatch => match rng.random_range(0..4) {
            0 => raw.mismatch(Part::Data, rng.random::<bool>(), rng),
            1 => raw.mismatch(Part::X, false, rng),
            2 => raw.mismatch(Part::Y, false, rng),
            _ => raw.mismatch(Part::Y, true, rng),
        },
        // Hxx = (y^T y + lambda I) (x) I, and |y|_F^2 bounds y^T y.
        Fault::Indefinite => raw.scalar = -raw.y.norm_squared() - rng.random_range(0.1..1.0),
        _ => {}
    }
    let f = Factors::new(&raw.data, raw.scalar);
    let (x0, y0): (DMatrix<f64>, DMatrix<f64>) = (raw.x.clone(), raw.y.clone());
    assert_indefinite(&f, &x0, &y0, fault);
    fuzz.exercise(&f, &x0, &y0, fault, rng);
}

/// A sound input of the objective with static blocks, `fault` injected.
fn fixed_trial(rng: &mut StdRng, fault: Fault, fuzz: &mut Fuzz) {
    let mut raw = Raw {
        data: uniform(rng, 3, 2, 2.0),
        scalar: rng.random_range(0.0..0.5),
        x: uniform(rng, 3, 1, 2.0),
        y: uniform(rng, 2, 1, 2.0),
    };
    raw.inject(fault, rng, true);
    match fault {
        // The blocks' shapes are fixed by their types; the data's may not
        // fit them.
        Fault::Mismatch => raw.mismatch(Part::Data, rng.random::<bool>(), rng),
        // Hxx = 2 I + c diag(12 t^2 - 2) < 0 for |t| < 0.2 and c > 2.
        Fault::Indefinite => {
            raw.scalar = rng.random_range(2.0..10.0);
            raw.x = uniform(rng, 3, 1, 0.2);
        }
        _ => {}
    }
    let f = Fixed::new(&raw.data, raw.scalar);
    let (x0, y0): (SVector<f64, 3>, Vector2<f64>) = (block(&raw.x), block(&raw.y));
    assert_indefinite(&f, &x0, &y0, fault);
    fuzz.exercise(&f, &x0, &y0, fault, rng);
}

/// A sound input of the objective with a scalar block, `fault` injected.
fn curved_trial(rng: &mut StdRng, fault: Fault, fuzz: &mut Fuzz) {
    let m = rng.random_range(1..=5);
    let mut raw = Raw {
        data: uniform(rng, m, 1, 2.0),
        scalar: 0.0,
        x: uniform(rng, 1, 1, 2.0),
        y: uniform(rng, m, 1, 2.0),
    };
    raw.inject(fault, rng, false);
    match fault {
        Fault::Mismatch => {
            let part = [Part::Data, Part::Y][rng.random_range(0..2)];
            raw.mismatch(part, false, rng);
        }
        // Hxx = 12 x^2 - 2 + sum 2 y_i^2 (1 - t_i^2) / (1 + t_i^2)^2 < 0
        // for |x| < 0.2 and |y_i| < 0.3.
        Fault::Indefinite => {
            raw.x = uniform(rng, 1, 1, 0.2);
            raw.y = uniform(rng, m, 1, 0.3);
        }
        _ => {}
    }
    let f = Curved::new(&raw.data.column(0).into_owned());
    let (x0, y0): (f64, DVector<f64>) = (raw.x[0], block(&raw.y));
    assert_indefinite(&f, &x0, &y0, fault);
    fuzz.exercise(&f, &x0, &y0, fault, rng);
}

#[test]
fn bad_inputs_give_errors_never_panics_and_keep_the_last_iterate() {
    const TRIALS: usize = 1_200;
    let mut rng = StdRng::seed_from_u64(2718);
    let mut fuzz = Fuzz::default();

    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for trial in 0..TRIALS {
        // Every objective meets every fault equally often.
        let fault = FAULTS[(trial / 4) % FAULTS.len()];
        match trial % 4 {
            0 => rank1_trial(&mut rng, fault, &mut fuzz),
            1 => factors_trial(&mut rng, fault, &mut fuzz),
            2 => fixed_trial(&mut rng, fault, &mut fuzz),
            _ => curved_trial(&mut rng, fault, &mut fuzz),
        }
    }
    std::panic::set_hook(hook);

    for (name, c) in NAMES.iter().zip(&fuzz.counts) {
        println!(
            "{name}: {} bad inputs {:?}; {} values, {} errors",
            c.bad_total(),
            c.bad,
            c.values,
            c.errors
        );
        assert!(c.bad_total() >= 1_000, "{name}: too few bad inputs");
        for fault in FAULTS {
            assert!(c.bad[&fault] >= 150, "{name}: too few {fault:?}");
        }
        assert!(
            c.errors > 0 && c.values > 0,
            "{name} saw only one kind of outcome"
        );
    }
    println!(
        "failed runs compared with the last observed iterate after at least one \
         iteration: {}",
        fuzz.mid_run_failures
    );
    assert!(fuzz.mid_run_failures >= 100);
    assert!(fuzz.failures.is_empty(), "{}", fuzz.failures.join("\n"));
}

/// The Taylor test reports slopes 2 and 3 for every objective above, at
/// seeded random sound inputs.
#[test]
fn taylor_slopes_of_every_objective() {
    let mut t = Tally::default();
    let mut rng = StdRng::seed_from_u64(31);
    let g = Taylor::Generic;
    for k in 0..3 {
        let at = format!("random point {k}");
        let (n, m) = (rng.random_range(1..=5), rng.random_range(1..=5));
        let f = Rank1Pca::new(&uniform(&mut rng, n, m, 2.0), rng.random_range(0.01..1.0));
        let (x, y) = (uniform(&mut rng, n, 1, 2.0), uniform(&mut rng, m, 1, 2.0));
        t.check(&f, &block(&x), &block(&y), g, &at);

        let f = Factors::new(&uniform(&mut rng, n, m, 2.0), rng.random_range(0.01..1.0));
        let (x, y) = (uniform(&mut rng, n, 2, 2.0), uniform(&mut rng, m, 2, 2.0));
        t.check(&f, &x, &y, g, &at);

        let f = Fixed::new(&uniform(&mut rng, 3, 2, 2.0), rng.random_range(0.0..0.5));
        let (x, y) = (uniform(&mut rng, 3, 1, 2.0), uniform(&mut rng, 2, 1, 2.0));
        t.check(&f, &block(&x), &block(&y), g, &at);

        let f = Curved::new(&block(&uniform(&mut rng, m, 1, 2.0)));
        let y = uniform(&mut rng, m, 1, 2.0);
        t.check(&f, &rng.random_range(-2.0..2.0), &block(&y), g, &at);
    }
    t.assert_covers(include_str!("runtime_fuzz.rs"), "runtime_fuzz.rs");
}
