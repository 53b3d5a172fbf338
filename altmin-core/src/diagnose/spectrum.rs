//! Extreme eigenvalues of symmetric matrices and of symmetric operators
//! known only through their products.
//!
//! Small matrices go to nalgebra's `SymmetricEigen`. Operators too large
//! for a dense matrix go to Lanczos iteration with full
//! reorthogonalization, in two forms: the ordinary problem `A v = t v` and
//! the generalized problem `A v = t B v` with `B` positive definite, run in
//! the `B` inner product on `B^-1 A`, which is self-adjoint there.

use nalgebra::{DMatrix, DVector, SymmetricEigen};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::error::{BlockId, Error};

/// How an eigenvalue estimate was computed.
///
/// ```
/// use altmin_core::diagnose::EigenSolver;
/// let solver = EigenSolver::Lanczos { steps: 40 };
/// assert!(!solver.is_dense());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EigenSolver {
    /// A dense decomposition (nalgebra's `SymmetricEigen`, or its SVD for
    /// singular values).
    Dense,
    /// Lanczos iteration with full reorthogonalization on matrix-vector
    /// products, after this many steps.
    Lanczos {
        /// Lanczos steps taken (the dimension of the Krylov space).
        steps: usize,
    },
}

impl EigenSolver {
    /// Whether the estimate comes from a dense decomposition.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// use altmin_core::diagnose::EigenSolver;
    /// let f = Coupled::new(3.0);
    /// assert!(diagnose(&f, &0.0, &0.0)?.hessian.solver.is_dense());
    /// let solver = Diagnose::new(&f).with_dense_limit(0).run(&0.0, &0.0)?.hessian.solver;
    /// assert!(matches!(solver, EigenSolver::Lanczos { .. }) && !solver.is_dense());
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub const fn is_dense(self) -> bool {
        matches!(self, EigenSolver::Dense)
    }
}

/// The smallest and the largest eigenvalue of a symmetric matrix, with how
/// they were found and how accurate they are.
///
/// Lanczos estimates are Ritz values: `min` is never below the true
/// smallest eigenvalue and `max` never above the largest, and each lies
/// within `residual` of an eigenvalue.
///
/// ```
/// use altmin_core::diagnose::{EigenSolver, Extremes};
/// let e = Extremes::dense(-2.0, 3.0);
/// assert_eq!(e.norm(), 3.0);
/// assert_eq!(e.solver, EigenSolver::Dense);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extremes {
    /// The smallest eigenvalue.
    pub min: f64,
    /// The largest eigenvalue.
    pub max: f64,
    /// How the two were computed.
    pub solver: EigenSolver,
    /// Whether both residuals met the eigenvalue tolerance (always true for
    /// a dense decomposition).
    pub converged: bool,
    /// The larger of the two Ritz residual norms `|A s - t s|` (zero for a
    /// dense decomposition).
    pub residual: f64,
}

impl Extremes {
    /// Extremes from a dense decomposition, exact up to rounding.
    ///
    /// ```
    /// use altmin_core::diagnose::Extremes;
    /// let e = Extremes::dense(1.0, 4.0);
    /// assert_eq!((e.min, e.max), (1.0, 4.0));
    /// assert!(e.converged && e.residual == 0.0);
    /// ```
    #[must_use]
    pub const fn dense(min: f64, max: f64) -> Self {
        Extremes {
            min,
            max,
            solver: EigenSolver::Dense,
            converged: true,
            residual: 0.0,
        }
    }

    /// The spectral norm `max(|min|, |max|)`.
    ///
    /// ```
    /// # use altmin_core::prelude::*;
    /// # #[objective]
    /// # fn coupled(x: f64, y: f64, c: f64) -> f64 {
    /// #     x * x + y * y - c * x * y
    /// # }
    /// // The Hessian [2, -3; -3, 2] has eigenvalues -1 and 5.
    /// let d = diagnose(&Coupled::new(3.0), &0.0, &0.0)?;
    /// assert!((d.hessian.norm() - 5.0).abs() < 1e-12);
    /// assert!((d.hess_xx.norm() - 2.0).abs() < 1e-12);
    /// # Ok::<(), altmin_core::Error>(())
    /// ```
    #[must_use]
    pub fn norm(&self) -> f64 {
        self.min.abs().max(self.max.abs())
    }
}

/// Limits and tolerance of a Lanczos run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LanczosSettings {
    /// The largest Krylov space built (there is no restart).
    pub max_steps: usize,
    /// Stop once both extreme Ritz residuals fall below `tol` times the
    /// larger Ritz value in modulus.
    pub tol: f64,
}

/// The outcome of a Lanczos run: the extremes and a unit Ritz vector of the
/// smallest one.
#[derive(Clone, Debug)]
pub(crate) struct Ritz {
    pub extremes: Extremes,
    pub min_vector: DVector<f64>,
}

/// A product with a symmetric operator, or with the inverse of one.
pub(crate) type Product<'a> = &'a mut dyn FnMut(&DVector<f64>) -> Result<DVector<f64>, Error>;

/// The positive definite `B` of a generalized problem `A v = t B v`.
pub(crate) struct Metric<'a> {
    /// The block whose Hessian `B` is, named when `B` turns out indefinite.
    pub block: BlockId,
    /// `w -> B^-1 w`.
    pub solve: Product<'a>,
    /// `v -> B v`.
    pub product: Product<'a>,
}

/// The seed of the starting vector: runs are reproducible.
const START_SEED: u64 = 0x5EED_1A2C_205E;
/// Steps before the first convergence test.
const FIRST_CHECK: usize = 8;
/// A new direction shorter than this times the operator's norm estimate
/// means the Krylov space is invariant.
const BREAKDOWN: f64 = 1e-13;
/// Sweeps allowed per dimension in a dense eigen-decomposition.
const SWEEPS_PER_DIM: usize = 60;

/// Extremes of a symmetric matrix by nalgebra's `SymmetricEigen`, with a
/// unit eigenvector of the smallest eigenvalue; `None` when the
/// decomposition does not converge or the matrix is empty.
pub(crate) fn dense(m: &DMatrix<f64>) -> Option<Ritz> {
    let n = m.nrows();
    if n == 0 {
        return None;
    }
    let eig = SymmetricEigen::try_new(m.clone(), f64::EPSILON, SWEEPS_PER_DIM * n)?;
    let (lo, hi) = argmin_argmax(eig.eigenvalues.as_slice())?;
    Some(Ritz {
        extremes: Extremes::dense(eig.eigenvalues[lo], eig.eigenvalues[hi]),
        min_vector: eig.eigenvectors.column(lo).normalize(),
    })
}

/// Extremes of the symmetric matrix `m`: dense, or by Lanczos on products
/// with `m` when the dense decomposition fails to converge.
pub(crate) fn dense_or_lanczos(
    m: &DMatrix<f64>,
    settings: &LanczosSettings,
) -> Result<Ritz, Error> {
    if let Some(ritz) = dense(m) {
        return Ok(ritz);
    }
    lanczos(m.nrows(), &mut |v| Ok(m * v), settings)
}

/// Lanczos with full reorthogonalization for the extreme eigenvalues of a
/// symmetric operator of dimension `dim` given by `apply(v) = A v`.
///
/// Each step costs one product and one Gram-Schmidt sweep over the basis
/// (two when the first cancels most of the new direction);
/// convergence is tested on the tridiagonal matrix at growing intervals.
pub(crate) fn lanczos(
    dim: usize,
    apply: Product<'_>,
    settings: &LanczosSettings,
) -> Result<Ritz, Error> {
    run(dim, apply, None, settings)
}

/// Lanczos in the `B` inner product for the extreme eigenvalues of the
/// pencil `A v = t B v`, with `A` symmetric and `B` positive definite.
///
/// The Ritz vector is `B`-normalized. Each step costs one product with `A`,
/// one solve with `B` and a `B`-orthogonalization sweep; products with
/// `B` are needed only for the starting vector, since `B r` is carried
/// along the three-term recurrence.
pub(crate) fn lanczos_generalized(
    dim: usize,
    apply: Product<'_>,
    metric: Metric<'_>,
    settings: &LanczosSettings,
) -> Result<Ritz, Error> {
    run(dim, apply, Some(metric), settings)
}

/// The Krylov basis `q_i` and, for a generalized problem, `B q_i`.
struct Basis {
    q: Vec<DVector<f64>>,
    bq: Option<Vec<DVector<f64>>>,
}

impl Basis {
    fn len(&self) -> usize {
        self.q.len()
    }

    /// The vector whose dot product with `w` is the `i`-th coefficient.
    fn dual(&self, i: usize) -> &DVector<f64> {
        self.bq.as_ref().map_or(&self.q[i], |bq| &bq[i])
    }

    /// `w -= c q_i` and `bw -= c B q_i`.
    fn subtract(&self, i: usize, c: f64, w: &mut DVector<f64>, bw: Option<&mut DVector<f64>>) {
        w.axpy(-c, &self.q[i], 1.0);
        if let (Some(bw), Some(bq)) = (bw, &self.bq) {
            bw.axpy(-c, &bq[i], 1.0);
        }
    }

    /// Modified Gram-Schmidt against the whole basis, repeated once when
    /// the sweep removed most of `w` (the criterion of Daniel, Gragg,
    /// Kaufman and Stewart: twice is enough).
    fn orthogonalize(&self, w: &mut DVector<f64>, mut bw: Option<&mut DVector<f64>>) {
        for _ in 0..2 {
            let before = inner(w, bw.as_deref());
            for i in 0..self.len() {
                let c = self.dual(i).dot(w);
                self.subtract(i, c, w, bw.as_deref_mut());
            }
            if inner(w, bw.as_deref()) > 0.5 * before {
                return;
            }
        }
    }
}

/// `<w, w>_B`, from `B w` when the problem is generalized.
fn inner(w: &DVector<f64>, bw: Option<&DVector<f64>>) -> f64 {
    bw.map_or_else(|| w.norm_squared(), |bw| w.dot(bw))
}

fn run(
    dim: usize,
    apply: Product<'_>,
    mut metric: Option<Metric<'_>>,
    settings: &LanczosSettings,
) -> Result<Ritz, Error> {
    let cap = settings.max_steps.clamp(1, dim.max(1));
    let mut rng = StdRng::seed_from_u64(START_SEED);
    let start = DVector::from_fn(dim, |_, _| rng.random::<f64>() - 0.5);
    let b_start = match metric.as_mut() {
        Some(m) => Some((m.product)(&start)?),
        None => None,
    };
    let start_norm = inner(&start, b_start.as_ref()).sqrt();
    if let Some(m) = metric
        .as_ref()
        .filter(|_| start_norm.is_nan() || start_norm <= 0.0)
    {
        return Err(Error::NotStronglyConvex {
            block: m.block,
            min_eigenvalue: inner(&start, b_start.as_ref()) / start.norm_squared(),
        });
    }
    let mut v = start / start_norm;
    let mut bv = b_start.map(|b| b / start_norm);

    let mut basis = Basis {
        q: Vec::new(),
        bq: metric.as_ref().map(|_| Vec::new()),
    };
    let mut alphas: Vec<f64> = Vec::new();
    let mut betas: Vec<f64> = Vec::new();
    let mut scale = 0.0_f64;
    let mut next_check = FIRST_CHECK;

    loop {
        basis.q.push(v);
        if let (Some(bq), Some(b)) = (basis.bq.as_mut(), bv) {
            bq.push(b);
        }
        let j = basis.len() - 1;

        // One step of the three-term recurrence, then full reorthogonalization.
        let av = apply(&basis.q[j])?;
        let alpha = basis.q[j].dot(&av);
        let (mut w, mut bw) = match metric.as_mut() {
            Some(m) => ((m.solve)(&av)?, Some(av)),
            None => (av, None),
        };
        basis.subtract(j, alpha, &mut w, bw.as_mut());
        if j > 0 {
            basis.subtract(j - 1, betas[j - 1], &mut w, bw.as_mut());
        }
        basis.orthogonalize(&mut w, bw.as_mut());
        let beta = inner(&w, bw.as_ref()).max(0.0).sqrt();
        alphas.push(alpha);
        scale = scale.max(alpha.abs()).max(beta);

        let steps = alphas.len();
        let invariant = beta.is_nan() || beta <= BREAKDOWN * scale;
        let last = invariant || steps >= cap;
        if last || steps >= next_check {
            let pairs = extreme_ritz_pairs(&alphas, &betas, beta);
            if last || pairs.as_ref().is_some_and(|p| p.converged(settings.tol)) {
                return Ok(finish(pairs, &alphas, &basis, settings.tol));
            }
            next_check = steps + (steps / 4).max(FIRST_CHECK);
        }

        betas.push(beta);
        v = w / beta;
        bv = bw.map(|b| b / beta);
    }
}

/// The extreme eigenpairs of the tridiagonal matrix of a Lanczos run.
struct RitzPairs {
    min: f64,
    max: f64,
    min_coefficients: DVector<f64>,
    min_residual: f64,
    max_residual: f64,
}

impl RitzPairs {
    fn converged(&self, tol: f64) -> bool {
        let bound = tol * self.min.abs().max(self.max.abs());
        self.min_residual <= bound && self.max_residual <= bound
    }
}

/// Decomposes the tridiagonal matrix with diagonal `alphas` and
/// off-diagonal `betas`; the residual of a Ritz pair is `beta` times the
/// last entry of its eigenvector.
fn extreme_ritz_pairs(alphas: &[f64], betas: &[f64], beta: f64) -> Option<RitzPairs> {
    let k = alphas.len();
    let mut t = DMatrix::from_diagonal(&DVector::from_column_slice(alphas));
    for (i, b) in betas.iter().enumerate() {
        t[(i, i + 1)] = *b;
        t[(i + 1, i)] = *b;
    }
    let eig = SymmetricEigen::try_new(t, f64::EPSILON, SWEEPS_PER_DIM * k)?;
    let (lo, hi) = argmin_argmax(eig.eigenvalues.as_slice())?;
    Some(RitzPairs {
        min: eig.eigenvalues[lo],
        max: eig.eigenvalues[hi],
        min_coefficients: eig.eigenvectors.column(lo).into_owned(),
        min_residual: beta * eig.eigenvectors[(k - 1, lo)].abs(),
        max_residual: beta * eig.eigenvectors[(k - 1, hi)].abs(),
    })
}

/// Builds the result: the Ritz vector of the smallest Ritz value, or, if
/// the tridiagonal matrix could not be decomposed, the Rayleigh quotients
/// of the basis vectors (bounds, reported as not converged).
fn finish(pairs: Option<RitzPairs>, alphas: &[f64], basis: &Basis, tol: f64) -> Ritz {
    let steps = alphas.len();
    let solver = EigenSolver::Lanczos { steps };
    match pairs {
        Some(p) => {
            let mut vector = DVector::zeros(basis.q[0].len());
            for (i, c) in p.min_coefficients.iter().enumerate() {
                vector.axpy(*c, &basis.q[i], 1.0);
            }
            Ritz {
                extremes: Extremes {
                    min: p.min,
                    max: p.max,
                    solver,
                    converged: p.converged(tol),
                    residual: p.min_residual.max(p.max_residual),
                },
                min_vector: vector,
            }
        }
        None => {
            let (lo, hi) = argmin_argmax(alphas).unwrap_or((0, 0));
            Ritz {
                extremes: Extremes {
                    min: alphas[lo],
                    max: alphas[hi],
                    solver,
                    converged: false,
                    residual: f64::INFINITY,
                },
                min_vector: basis.q[lo].clone(),
            }
        }
    }
}

/// Indices of the smallest and the largest entry; `None` for an empty
/// slice or one holding a NaN.
fn argmin_argmax(values: &[f64]) -> Option<(usize, usize)> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut lo = 0;
    let mut hi = 0;
    for (i, v) in values.iter().enumerate() {
        if *v < values[lo] {
            lo = i;
        }
        if *v > values[hi] {
            hi = i;
        }
    }
    Some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: LanczosSettings = LanczosSettings {
        max_steps: 300,
        tol: 1e-12,
    };

    /// A symmetric matrix with `n` eigenvalues evenly spaced over `[-3, 7]`,
    /// rotated by a fixed orthogonal matrix.
    fn spread(n: usize) -> DMatrix<f64> {
        let mut rng = StdRng::seed_from_u64(3);
        let g = DMatrix::from_fn(n, n, |_, _| rng.random::<f64>() - 0.5);
        let q = g.qr().q();
        let d = DVector::from_fn(n, |i, _| -3.0 + 10.0 * (i as f64) / ((n - 1) as f64));
        &q * DMatrix::from_diagonal(&d) * q.transpose()
    }

    #[test]
    fn lanczos_finds_both_ends_and_the_bottom_vector() {
        let a = spread(120);
        let ritz = lanczos(120, &mut |v| Ok(&a * v), &SETTINGS).unwrap();
        assert!(
            (ritz.extremes.min + 3.0).abs() < 1e-9,
            "{:?}",
            ritz.extremes
        );
        assert!(
            (ritz.extremes.max - 7.0).abs() < 1e-9,
            "{:?}",
            ritz.extremes
        );
        assert!(ritz.extremes.converged);
        let v = &ritz.min_vector;
        assert!((v.norm() - 1.0).abs() < 1e-12);
        assert!((&a * v + 3.0 * v).norm() < 1e-8);
    }

    #[test]
    fn an_invariant_start_stops_at_once() {
        let ritz = lanczos(50, &mut |v| Ok(2.5 * v), &SETTINGS).unwrap();
        assert_eq!(ritz.extremes.solver, EigenSolver::Lanczos { steps: 1 });
        assert!((ritz.extremes.min - 2.5).abs() < 1e-14);
        assert!((ritz.extremes.max - 2.5).abs() < 1e-14);
        assert!(ritz.extremes.converged);
    }

    #[test]
    fn generalized_lanczos_matches_the_dense_pencil() {
        let n = 80;
        let a = spread(n);
        let b = DMatrix::from_fn(n, n, |i, j| {
            let d = i.abs_diff(j) as f64;
            if i == j { 4.0 } else { 1.0 / (1.0 + d * d) }
        });
        let chol = b.clone().cholesky().unwrap();
        let l_inv = chol.l().try_inverse().unwrap();
        let reduced = &l_inv * &a * l_inv.transpose();
        let expected = dense(&reduced).unwrap().extremes;

        let metric = Metric {
            block: BlockId::X,
            solve: &mut |w| Ok(chol.solve(w)),
            product: &mut |v| Ok(&b * v),
        };
        let ritz = lanczos_generalized(n, &mut |v| Ok(&a * v), metric, &SETTINGS).unwrap();
        assert!((ritz.extremes.min - expected.min).abs() < 1e-9);
        assert!((ritz.extremes.max - expected.max).abs() < 1e-9);
        let v = &ritz.min_vector;
        assert!((v.dot(&(&b * v)) - 1.0).abs() < 1e-10);
    }

    #[test]
    fn dense_returns_the_bottom_eigenvector() {
        let a = DMatrix::from_row_slice(2, 2, &[2.0, 1.0, 1.0, 2.0]);
        let ritz = dense(&a).unwrap();
        assert!((ritz.extremes.min - 1.0).abs() < 1e-14);
        assert!((ritz.extremes.max - 3.0).abs() < 1e-14);
        let v = &ritz.min_vector;
        assert!((v[0] + v[1]).abs() < 1e-14);
        assert!(dense(&DMatrix::zeros(0, 0)).is_none());
    }
}
