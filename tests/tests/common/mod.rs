//! Checks of generated objectives against an independent reference: the
//! same formula evaluated on hyper-dual numbers.
//!
//! A twin of an objective takes its blocks as column-major slices of a dual
//! scalar and returns the objective's value. Seeding the two infinitesimal
//! parts of the hyper-dual numbers with unit directions `e_i` and `e_j` of
//! the stacked unknowns `z = (vec x, vec y)` gives the value, `df/dz_i` and
//! `d2f/dz_i dz_j` in one evaluation, so the full gradient and Hessian need
//! `N (N + 1) / 2` evaluations for `N` unknowns.

use altmin_core::nalgebra::{
    DMatrix, DVector, DefaultAllocator, Dim, OMatrix, RealField, SMatrix, allocator::Allocator,
};
use altmin_core::{BiObjective, Block, Shape};
use num_dual::{DualNum, HyperDual64};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::taylor::{Taylor, assert_taylor};

/// The dual scalar twins are evaluated with.
pub type H = HyperDual64;

/// What a twin needs from its scalar: num-dual's functions and nalgebra's
/// field operations.
pub trait Dual: DualNum<Primitive = f64> + RealField + Copy {}

impl<T: DualNum<Primitive = f64> + RealField + Copy> Dual for T {}

/// Tolerance of the derivative comparisons, relative to the reference.
pub const TOL: f64 = 1e-10;

/// Tolerance of the block solvers' stationarity, relative to the
/// subproblem's scale.
pub const SOLVE_TOL: f64 = 1e-9;

/// A seeded generator, so that every run sees the same points.
pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// A block of the given shape with entries uniform in `(-1, 1)`.
pub fn uniform<B: Block>(rows: usize, cols: usize, rng: &mut StdRng) -> B {
    let mut b = B::try_zeros(Shape::new(rows, cols)).expect("shape fits the block type");
    for e in b.as_mut_slice() {
        *e = rng.random_range(-1.0..1.0);
    }
    b
}

/// A data matrix with entries uniform in `(-1, 1)`.
pub fn data(rows: usize, cols: usize, rng: &mut StdRng) -> DMatrix<f64> {
    uniform(rows, cols, rng)
}

/// A data vector with entries uniform in `(-1, 1)`.
pub fn data_vec(len: usize, rng: &mut StdRng) -> DVector<f64> {
    uniform(len, 1, rng)
}

/// `count` points drawn by `draw`.
pub fn points<X, Y>(
    count: usize,
    rng: &mut StdRng,
    mut draw: impl FnMut(&mut StdRng) -> (X, Y),
) -> Vec<(X, Y)> {
    (0..count).map(|_| draw(rng)).collect()
}

/// Data lifted to the dual scalar.
pub fn lift<D: Dual, R: Dim, C: Dim>(m: &OMatrix<f64, R, C>) -> OMatrix<D, R, C>
where
    DefaultAllocator: Allocator<R, C>,
{
    m.map(D::from)
}

/// A dynamic vector block from its entries.
pub fn dvec<D: Dual>(z: &[D]) -> DVector<D> {
    DVector::from_column_slice(z)
}

/// A dynamic matrix block from its column-major entries.
pub fn dmat<D: Dual>(rows: usize, z: &[D]) -> DMatrix<D> {
    DMatrix::from_column_slice(rows, z.len() / rows, z)
}

/// A static matrix (or vector) block from its column-major entries.
pub fn smat<D: Dual, const R: usize, const C: usize>(z: &[D]) -> SMatrix<D, R, C> {
    SMatrix::from_column_slice(z)
}

/// Value, gradient and Hessian in the stacked unknowns `z = (vec x, vec y)`.
#[derive(Debug)]
pub struct Reference {
    pub value: f64,
    pub grad: DVector<f64>,
    pub hess: DMatrix<f64>,
    /// Number of entries of `x`; the first `nx` entries of `z`.
    pub nx: usize,
}

impl Reference {
    /// Evaluates `twin` on hyper-dual numbers seeded with every pair of unit
    /// directions.
    pub fn new(twin: impl Fn(&[H], &[H]) -> H, x: &[f64], y: &[f64]) -> Self {
        let nx = x.len();
        let z: Vec<f64> = x.iter().chain(y).copied().collect();
        let n = z.len();
        let mut grad = DVector::zeros(n);
        let mut hess = DMatrix::zeros(n, n);
        let mut value = f64::NAN;
        for i in 0..n {
            for j in i..n {
                let seeded: Vec<H> = z
                    .iter()
                    .enumerate()
                    .map(|(k, &zk)| H::new(zk, unit(k == i), unit(k == j), 0.0))
                    .collect();
                let out = twin(&seeded[..nx], &seeded[nx..]);
                if i == j {
                    grad[i] = out.eps1;
                    value = out.re;
                }
                hess[(i, j)] = out.eps1eps2;
                hess[(j, i)] = out.eps1eps2;
            }
        }
        Reference {
            value,
            grad,
            hess,
            nx,
        }
    }

    fn grad_x(&self) -> DVector<f64> {
        self.grad.rows(0, self.nx).into_owned()
    }

    fn grad_y(&self) -> DVector<f64> {
        self.grad
            .rows(self.nx, self.grad.len() - self.nx)
            .into_owned()
    }

    fn hess_block(&self, rows_x: bool, cols_x: bool) -> DMatrix<f64> {
        let n = self.grad.len();
        let (r0, nr) = if rows_x {
            (0, self.nx)
        } else {
            (self.nx, n - self.nx)
        };
        let (c0, nc) = if cols_x {
            (0, self.nx)
        } else {
            (self.nx, n - self.nx)
        };
        self.hess.view((r0, c0), (nr, nc)).into_owned()
    }
}

fn unit(on: bool) -> f64 {
    if on { 1.0 } else { 0.0 }
}

/// The largest absolute entry.
fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, e| m.max(e.abs()))
}

/// Asserts `got` and `want` agree entry by entry within `tol` times `scale`
/// (itself at least 1, so that entries near zero compare absolutely).
pub fn assert_close(what: &str, got: &[f64], want: &[f64], scale: f64, tol: f64) {
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: {} entries, expected {}",
        got.len(),
        want.len()
    );
    let err = got
        .iter()
        .zip(want)
        .map(|(g, w)| (g - w).abs())
        .fold(0.0, f64::max);
    let bound = tol * scale.max(1.0);
    assert!(
        err <= bound && err.is_finite(),
        "{what}: max error {err:e} exceeds {bound:e}\n  got:      {got:?}\n  expected: {want:?}"
    );
}

/// Compares a matrix with a reference, relative to the reference's size.
fn assert_matrix(what: &str, got: &DMatrix<f64>, want: &DMatrix<f64>) {
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    assert_close(
        what,
        got.as_slice(),
        want.as_slice(),
        max_abs(want.as_slice()),
        TOL,
    );
}

/// Compares a Hessian-vector product with `h v`, relative to the sizes of
/// `h` and `v` (the product itself may cancel).
fn assert_product<B: Block>(what: &str, got: &B, h: &DMatrix<f64>, v: &[f64]) {
    let want = h * DVector::from_column_slice(v);
    let scale = max_abs(want.as_slice()).max(max_abs(h.as_slice()) * max_abs(v));
    assert_close(what, got.as_slice(), want.as_slice(), scale, TOL);
}

/// Compares every derivative `f` generates with the reference computed from
/// `twin`, at each of `points`, with Hessian-vector products along
/// directions drawn from `rng`; at every point the Taylor test reports
/// slopes within the tolerance of 2 and 3.
pub fn check_derivatives<F: BiObjective>(
    f: &F,
    points: &[(F::X, F::Y)],
    twin: impl Fn(&[H], &[H]) -> H,
    rng: &mut StdRng,
) {
    check_derivatives_with(f, points, twin, rng, |_| Taylor::Generic);
}

/// [`check_derivatives`], with `taylor(k)` saying what the Taylor
/// remainders do at the `k`-th point.
pub fn check_derivatives_with<F: BiObjective>(
    f: &F,
    points: &[(F::X, F::Y)],
    twin: impl Fn(&[H], &[H]) -> H,
    rng: &mut StdRng,
    taylor: impl Fn(usize) -> Taylor,
) {
    assert!(!points.is_empty());
    for (k, (x, y)) in points.iter().enumerate() {
        let at = format!("{} at point {k}", std::any::type_name::<F>());
        f.check_dims(x, y)
            .unwrap_or_else(|e| panic!("{at}: check_dims: {e}"));
        let r = Reference::new(&twin, x.as_slice(), y.as_slice());

        let value = f.value(x, y);
        assert_close(
            &format!("{at}: value"),
            &[value],
            &[r.value],
            r.value.abs(),
            TOL,
        );
        let (gx, gy) = (r.grad_x(), r.grad_y());
        let gscale = max_abs(r.grad.as_slice());
        let what = format!("{at}: grad_x");
        assert_close(&what, f.grad_x(x, y).as_slice(), gx.as_slice(), gscale, TOL);
        let what = format!("{at}: grad_y");
        assert_close(&what, f.grad_y(x, y).as_slice(), gy.as_slice(), gscale, TOL);

        let (hxx, hyy, hxy) = (
            r.hess_block(true, true),
            r.hess_block(false, false),
            r.hess_block(true, false),
        );
        assert_matrix(&format!("{at}: hess_xx"), &f.hess_xx(x, y), &hxx);
        assert_matrix(&format!("{at}: hess_yy"), &f.hess_yy(x, y), &hyy);
        assert_matrix(&format!("{at}: hess_xy"), &f.hess_xy(x, y), &hxy);

        // The user-facing Taylor test agrees: slopes 2 and 3.
        assert_taylor(f, x, y, taylor(k), &format!("point {k}"));

        for _ in 0..2 {
            let vx: F::X = uniform_like(x, rng);
            let vy: F::Y = uniform_like(y, rng);
            let hyx = hxy.transpose();
            let got = f.hvp_xx(x, y, &vx);
            assert_product(&format!("{at}: hvp_xx"), &got, &hxx, vx.as_slice());
            let got = f.hvp_yy(x, y, &vy);
            assert_product(&format!("{at}: hvp_yy"), &got, &hyy, vy.as_slice());
            let got = f.hvp_xy(x, y, &vy);
            assert_product(&format!("{at}: hvp_xy"), &got, &hxy, vy.as_slice());
            let got = f.hvp_yx(x, y, &vx);
            assert_product(&format!("{at}: hvp_yx"), &got, &hyx, vx.as_slice());
        }
    }
}

/// A block shaped like `b` with entries uniform in `(-1, 1)`.
pub fn uniform_like<B: Block>(b: &B, rng: &mut StdRng) -> B {
    let s = b.shape_of();
    uniform(s.rows, s.cols, rng)
}

/// The smallest eigenvalue of a symmetric matrix.
pub fn min_eigenvalue(h: &DMatrix<f64>) -> f64 {
    h.clone().symmetric_eigen().eigenvalues.min()
}

/// Asserts that `r`, the gradient of a block subproblem at its computed
/// minimizer, vanishes relative to `scale`.
fn assert_stationary(what: &str, r: &[f64], scale: f64) {
    let norm = r.iter().map(|e| e * e).sum::<f64>().sqrt();
    let bound = SOLVE_TOL * scale.max(1.0);
    assert!(
        norm <= bound,
        "{what}: gradient norm {norm:e} exceeds {bound:e}"
    );
}

fn norm<B: Block>(b: &B) -> f64 {
    Block::norm(b)
}

/// Blocks up to this size also get their Hessian's spectrum checked.
const DENSE_CHECK: usize = 100;

/// Checks `argmin_x(x0, y)`: stationary, a minimum for small blocks, and no
/// worse than the start.
pub fn check_argmin_x<F: BiObjective>(f: &F, x0: &F::X, y: &F::Y) -> F::X {
    let name = std::any::type_name::<F>();
    let xs = f
        .argmin_x(x0, y)
        .unwrap_or_else(|e| panic!("{name}: argmin_x: {e}"));
    // The subproblem's scale: the gradient at the start and the size of
    // the Hessian's term at the solution.
    let scale = norm(&f.grad_x(x0, y)) + norm(&f.hvp_xx(&xs, y, &xs));
    assert_stationary(
        &format!("{name}: argmin_x"),
        f.grad_x(&xs, y).as_slice(),
        scale,
    );
    if xs.dim() <= DENSE_CHECK {
        let min = min_eigenvalue(&f.hess_xx(&xs, y));
        assert!(
            min > 0.0,
            "{name}: argmin_x is not a minimum, eigenvalue {min:e}"
        );
    }
    let (before, after) = (f.value(x0, y), f.value(&xs, y));
    assert!(
        after <= before + 1e-12 * before.abs(),
        "{name}: argmin_x increased f"
    );
    xs
}

/// Checks `argmin_y(x, y0)` as [`check_argmin_x`] does.
pub fn check_argmin_y<F: BiObjective>(f: &F, x: &F::X, y0: &F::Y) -> F::Y {
    let name = std::any::type_name::<F>();
    let ys = f
        .argmin_y(x, y0)
        .unwrap_or_else(|e| panic!("{name}: argmin_y: {e}"));
    let scale = norm(&f.grad_y(x, y0)) + norm(&f.hvp_yy(x, &ys, &ys));
    assert_stationary(
        &format!("{name}: argmin_y"),
        f.grad_y(x, &ys).as_slice(),
        scale,
    );
    if ys.dim() <= DENSE_CHECK {
        let min = min_eigenvalue(&f.hess_yy(x, &ys));
        assert!(
            min > 0.0,
            "{name}: argmin_y is not a minimum, eigenvalue {min:e}"
        );
    }
    let (before, after) = (f.value(x, y0), f.value(x, &ys));
    assert!(
        after <= before + 1e-12 * before.abs(),
        "{name}: argmin_y increased f"
    );
    ys
}

/// Checks `prox_argmin_x(x_prev, y, beta)`: `grad_x + beta (x - x_prev)`
/// vanishes there.
pub fn check_prox_x<F: BiObjective>(f: &F, x_prev: &F::X, y: &F::Y, beta: f64) -> F::X {
    let name = std::any::type_name::<F>();
    let xp = f
        .prox_argmin_x(x_prev, y, beta)
        .unwrap_or_else(|e| panic!("{name}: prox_argmin_x: {e}"));
    let mut r = f.grad_x(&xp, y);
    r.add_scaled(beta, &xp);
    r.add_scaled(-beta, x_prev);
    let scale = norm(&f.grad_x(x_prev, y)) + norm(&f.hvp_xx(&xp, y, &xp)) + beta * norm(&xp);
    assert_stationary(&format!("{name}: prox_argmin_x"), r.as_slice(), scale);
    xp
}

/// Checks `prox_argmin_y(x, y_prev, beta)` as [`check_prox_x`] does.
pub fn check_prox_y<F: BiObjective>(f: &F, x: &F::X, y_prev: &F::Y, beta: f64) -> F::Y {
    let name = std::any::type_name::<F>();
    let yp = f
        .prox_argmin_y(x, y_prev, beta)
        .unwrap_or_else(|e| panic!("{name}: prox_argmin_y: {e}"));
    let mut r = f.grad_y(x, &yp);
    r.add_scaled(beta, &yp);
    r.add_scaled(-beta, y_prev);
    let scale = norm(&f.grad_y(x, y_prev)) + norm(&f.hvp_yy(x, &yp, &yp)) + beta * norm(&yp);
    assert_stationary(&format!("{name}: prox_argmin_y"), r.as_slice(), scale);
    yp
}

/// Runs all four block solvers from the point `(x, y)`.
pub fn check_solvers<F: BiObjective>(f: &F, x: &F::X, y: &F::Y, beta: f64) {
    check_argmin_x(f, x, y);
    check_argmin_y(f, x, y);
    check_prox_x(f, x, y, beta);
    check_prox_y(f, x, y, beta);
}
