//! Hand-written objectives, their derivatives worked out on paper.

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::bi_objective::BiObjective;
use crate::block::{Block, Shape};
use crate::error::Error;

/// A seeded matrix of independent standard normal entries.
pub(super) fn normal_matrix(rows: usize, cols: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    DMatrix::random(Shape::new(rows, cols), &mut rng).unwrap()
}

/// A seeded vector of independent standard normal entries.
pub(super) fn normal_vector(len: usize, seed: u64) -> DVector<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    DVector::random(Shape::new(len, 1), &mut rng).unwrap()
}

/// The singular triples of `a`, largest first.
pub(super) fn singular_triples(a: &DMatrix<f64>) -> Vec<(f64, DVector<f64>, DVector<f64>)> {
    let svd = a.clone().svd(true, true);
    let (u, v_t) = (svd.u.unwrap(), svd.v_t.unwrap());
    let mut triples: Vec<_> = (0..svd.singular_values.len())
        .map(|k| {
            let v = v_t.row(k).transpose();
            (svd.singular_values[k], u.column(k).into_owned(), v)
        })
        .collect();
    triples.sort_by(|p, q| q.0.total_cmp(&p.0));
    triples
}

/// Rank-1 PCA, `f(x, y) = 0.5 |A - x y^T|_F^2 + lambda/2 (|x|^2 + |y|^2)`:
/// `grad_x = (lambda + |y|^2) x - A y`, `Hxx = (lambda + |y|^2) I`,
/// `Hyy = (lambda + |x|^2) I`, `Hxy = 2 x y^T - A`.
pub(super) struct Pca {
    pub a: DMatrix<f64>,
    pub lambda: f64,
}

impl BiObjective for Pca {
    type X = DVector<f64>;
    type Y = DVector<f64>;

    fn value(&self, x: &DVector<f64>, y: &DVector<f64>) -> f64 {
        0.5 * (&self.a - x * y.transpose()).norm_squared()
            + 0.5 * self.lambda * (x.norm_squared() + y.norm_squared())
    }

    fn grad_x(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        x * (self.lambda + y.norm_squared()) - &self.a * y
    }

    fn grad_y(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        y * (self.lambda + x.norm_squared()) - self.a.tr_mul(x)
    }

    fn hess_xx(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        DMatrix::from_diagonal_element(x.len(), x.len(), self.lambda + y.norm_squared())
    }

    fn hess_yy(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        DMatrix::from_diagonal_element(y.len(), y.len(), self.lambda + x.norm_squared())
    }

    fn hess_xy(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        x * y.transpose() * 2.0 - &self.a
    }

    fn hvp_xx(&self, _: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        v * (self.lambda + y.norm_squared())
    }

    fn hvp_yy(&self, x: &DVector<f64>, _: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        v * (self.lambda + x.norm_squared())
    }

    fn hvp_xy(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        x * (2.0 * y.dot(v)) - &self.a * v
    }

    fn hvp_yx(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        y * (2.0 * x.dot(v)) - self.a.tr_mul(v)
    }

    fn check_dims(&self, x: &DVector<f64>, y: &DVector<f64>) -> Result<(), Error> {
        let mismatch = |left, left_dim, right, right_dim| {
            Err(Error::DimensionMismatch {
                left,
                left_dim,
                right,
                right_dim,
            })
        };
        if x.len() != self.a.nrows() {
            return mismatch("rows of x", x.len(), "rows of `a`", self.a.nrows());
        }
        if y.len() != self.a.ncols() {
            return mismatch("rows of y", y.len(), "columns of `a`", self.a.ncols());
        }
        Ok(())
    }
}

/// Rank-1 PCA of the square `A = U diag(s) V^T + diag(d)` with orthonormal
/// `U`, `V`, never formed: products cost `O(n r)`. Its dense Hessians
/// panic, so a diagnosis that asks for them fails loudly.
pub(super) struct LowRankPca {
    pub u: DMatrix<f64>,
    pub v: DMatrix<f64>,
    pub s: DVector<f64>,
    pub d: DVector<f64>,
    pub lambda: f64,
}

impl LowRankPca {
    /// `n` by `n`, with the given low-rank singular values and a diagonal
    /// spread evenly over `[0.5, 1.5]` in a seeded order.
    pub(super) fn new(n: usize, s: &[f64], lambda: f64, seed: u64) -> Self {
        let r = s.len();
        let u = normal_matrix(n, r, seed).qr().q();
        let v = normal_matrix(n, r, seed + 1).qr().q();
        let shuffle = normal_vector(n, seed + 2);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|i, j| shuffle[*i].total_cmp(&shuffle[*j]));
        let mut d = DVector::zeros(n);
        for (rank, i) in order.into_iter().enumerate() {
            d[i] = 0.5 + rank as f64 / (n - 1) as f64;
        }
        LowRankPca {
            u,
            v,
            s: DVector::from_column_slice(s),
            d,
            lambda,
        }
    }

    /// `A w`.
    pub(super) fn apply(&self, w: &DVector<f64>) -> DVector<f64> {
        &self.u * self.s.component_mul(&self.v.tr_mul(w)) + self.d.component_mul(w)
    }

    /// `A^T w`.
    pub(super) fn apply_transpose(&self, w: &DVector<f64>) -> DVector<f64> {
        &self.v * self.s.component_mul(&self.u.tr_mul(w)) + self.d.component_mul(w)
    }

    /// `|A|_F^2 = sum s_k^2 + 2 sum_i d_i (U S V^T)_ii + sum d_i^2`.
    fn norm_squared(&self) -> f64 {
        let cross: f64 = (0..self.d.len())
            .map(|i| {
                let diag: f64 = (0..self.s.len())
                    .map(|k| self.u[(i, k)] * self.s[k] * self.v[(i, k)])
                    .sum();
                self.d[i] * diag
            })
            .sum();
        self.s.norm_squared() + 2.0 * cross + self.d.norm_squared()
    }
}

impl BiObjective for LowRankPca {
    type X = DVector<f64>;
    type Y = DVector<f64>;

    fn value(&self, x: &DVector<f64>, y: &DVector<f64>) -> f64 {
        let fit =
            self.norm_squared() - 2.0 * x.dot(&self.apply(y)) + x.norm_squared() * y.norm_squared();
        0.5 * fit + 0.5 * self.lambda * (x.norm_squared() + y.norm_squared())
    }

    fn grad_x(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        x * (self.lambda + y.norm_squared()) - self.apply(y)
    }

    fn grad_y(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        y * (self.lambda + x.norm_squared()) - self.apply_transpose(x)
    }

    fn hess_xx(&self, x: &DVector<f64>, _: &DVector<f64>) -> DMatrix<f64> {
        panic!("dense Hxx requested at {} unknowns", x.len())
    }

    fn hess_yy(&self, _: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        panic!("dense Hyy requested at {} unknowns", y.len())
    }

    fn hess_xy(&self, x: &DVector<f64>, _: &DVector<f64>) -> DMatrix<f64> {
        panic!("dense Hxy requested at {} unknowns", x.len())
    }

    fn hvp_xx(&self, _: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        v * (self.lambda + y.norm_squared())
    }

    fn hvp_yy(&self, x: &DVector<f64>, _: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        v * (self.lambda + x.norm_squared())
    }

    fn hvp_xy(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        x * (2.0 * y.dot(v)) - self.apply(v)
    }

    fn hvp_yx(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        y * (2.0 * x.dot(v)) - self.apply_transpose(v)
    }
}

/// A bi-convex quadratic plus quartic,
/// `f = x^T P x / 2 + y^T Q y / 2 + x^T C y + gamma/4 (|x|^4 + |y|^4)
///      + delta/2 |x|^2 |y|^2`, with
/// `Hxx = P + gamma (|x|^2 I + 2 x x^T) + delta |y|^2 I`,
/// `Hyy = Q + gamma (|y|^2 I + 2 y y^T) + delta |x|^2 I`,
/// `Hxy = C + 2 delta x y^T`.
pub(super) struct Quartic {
    pub p: DMatrix<f64>,
    pub q: DMatrix<f64>,
    pub c: DMatrix<f64>,
    pub gamma: f64,
    pub delta: f64,
}

impl Quartic {
    /// Random `P`, `Q` positive definite and `C` with
    /// `sigma_max(C) = coupling * (lambda_max(P) lambda_max(Q))^(1/2)`: the
    /// origin is a strict saddle once `coupling > 1`.
    pub(super) fn random(n: usize, m: usize, coupling: f64, seed: u64) -> Self {
        let spd = |k: usize, seed: u64| {
            let g = normal_matrix(k, k, seed);
            g.tr_mul(&g) / k as f64 + DMatrix::from_diagonal_element(k, k, 0.5)
        };
        let (p, q) = (spd(n, seed), spd(m, seed + 1));
        let c = normal_matrix(n, m, seed + 2);
        let top = |h: &DMatrix<f64>| h.symmetric_eigenvalues().max();
        let scale = coupling * (top(&p) * top(&q)).sqrt() / c.singular_values().max();
        Quartic {
            p,
            q,
            c: c * scale,
            gamma: 1.0,
            delta: 0.5,
        }
    }
}

impl BiObjective for Quartic {
    type X = DVector<f64>;
    type Y = DVector<f64>;

    fn value(&self, x: &DVector<f64>, y: &DVector<f64>) -> f64 {
        let (xx, yy) = (x.norm_squared(), y.norm_squared());
        0.5 * x.dot(&(&self.p * x))
            + 0.5 * y.dot(&(&self.q * y))
            + x.dot(&(&self.c * y))
            + 0.25 * self.gamma * (xx * xx + yy * yy)
            + 0.5 * self.delta * xx * yy
    }

    fn grad_x(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        let scale = self.gamma * x.norm_squared() + self.delta * y.norm_squared();
        &self.p * x + &self.c * y + x * scale
    }

    fn grad_y(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        let scale = self.gamma * y.norm_squared() + self.delta * x.norm_squared();
        &self.q * y + self.c.tr_mul(x) + y * scale
    }

    fn hess_xx(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        let n = x.len();
        let shift = self.gamma * x.norm_squared() + self.delta * y.norm_squared();
        &self.p
            + DMatrix::from_diagonal_element(n, n, shift)
            + x * x.transpose() * (2.0 * self.gamma)
    }

    fn hess_yy(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        let m = y.len();
        let shift = self.gamma * y.norm_squared() + self.delta * x.norm_squared();
        &self.q
            + DMatrix::from_diagonal_element(m, m, shift)
            + y * y.transpose() * (2.0 * self.gamma)
    }

    fn hess_xy(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        &self.c + x * y.transpose() * (2.0 * self.delta)
    }

    fn hvp_xx(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        let shift = self.gamma * x.norm_squared() + self.delta * y.norm_squared();
        &self.p * v + v * shift + x * (2.0 * self.gamma * x.dot(v))
    }

    fn hvp_yy(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        let shift = self.gamma * y.norm_squared() + self.delta * x.norm_squared();
        &self.q * v + v * shift + y * (2.0 * self.gamma * y.dot(v))
    }

    fn hvp_xy(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        &self.c * v + x * (2.0 * self.delta * y.dot(v))
    }

    fn hvp_yx(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        self.c.tr_mul(v) + y * (2.0 * self.delta * x.dot(v))
    }
}

/// `f(x, y) = a x^2 / 2 + y^2 / 2 + c x y` on scalars: `Hxx = a`, which is
/// negative for `a < 0`, so AltMin does not apply.
pub(super) struct Scalar {
    pub a: f64,
    pub c: f64,
}

impl BiObjective for Scalar {
    type X = f64;
    type Y = f64;

    fn value(&self, x: &f64, y: &f64) -> f64 {
        0.5 * self.a * x * x + 0.5 * y * y + self.c * x * y
    }

    fn grad_x(&self, x: &f64, y: &f64) -> f64 {
        self.a * x + self.c * y
    }

    fn grad_y(&self, x: &f64, y: &f64) -> f64 {
        y + self.c * x
    }

    fn hess_xx(&self, _: &f64, _: &f64) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, self.a)
    }

    fn hess_yy(&self, _: &f64, _: &f64) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, 1.0)
    }

    fn hess_xy(&self, _: &f64, _: &f64) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, self.c)
    }

    fn hvp_xx(&self, _: &f64, _: &f64, v: &f64) -> f64 {
        self.a * v
    }

    fn hvp_yy(&self, _: &f64, _: &f64, v: &f64) -> f64 {
        *v
    }

    fn hvp_xy(&self, _: &f64, _: &f64, v: &f64) -> f64 {
        self.c * v
    }

    fn hvp_yx(&self, _: &f64, _: &f64, v: &f64) -> f64 {
        self.c * v
    }
}

/// The cosine of the angle between `(dx, dy)` and `(u, v)`.
pub(super) fn cosine(
    dx: &DVector<f64>,
    dy: &DVector<f64>,
    u: &DVector<f64>,
    v: &DVector<f64>,
) -> f64 {
    let dot = dx.dot(u) + dy.dot(v);
    let norms = (dx.norm_squared() + dy.norm_squared()).sqrt()
        * (u.norm_squared() + v.norm_squared()).sqrt();
    dot / norms
}

/// Whether `|a - b| <= tol max(1, |b|)`.
pub(super) fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}
