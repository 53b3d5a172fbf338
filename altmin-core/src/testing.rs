//! Hand-written objectives shared by the unit tests.

use std::cell::Cell;

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::bi_objective::BiObjective;
use crate::block::{Block, Shape};
use crate::error::{Error, NonFiniteSource};

/// A seeded matrix of independent standard normal entries.
pub(crate) fn random_matrix(rows: usize, cols: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    DMatrix::random(Shape::new(rows, cols), &mut rng).expect("a dynamic shape always fits")
}

/// A seeded vector of independent standard normal entries.
pub(crate) fn random_vector(len: usize, seed: u64) -> DVector<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    DVector::random(Shape::new(len, 1), &mut rng).expect("a dynamic shape always fits")
}

/// Example 1: `f(x, y) = 0.5 |A - x y^T|_F^2 + lambda/2 (|x|^2 + |y|^2)`,
/// with the closed-form block minimizers.
#[derive(Debug)]
pub(crate) struct Rank1Pca {
    pub(crate) a: DMatrix<f64>,
    pub(crate) lambda: f64,
}

impl BiObjective for Rank1Pca {
    type X = DVector<f64>;
    type Y = DVector<f64>;

    fn value(&self, x: &DVector<f64>, y: &DVector<f64>) -> f64 {
        0.5 * (&self.a - x * y.transpose()).norm_squared()
            + 0.5 * self.lambda * (x.norm_squared() + y.norm_squared())
    }

    fn grad_x(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        x * (y.norm_squared() + self.lambda) - &self.a * y
    }

    fn grad_y(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        y * (x.norm_squared() + self.lambda) - self.a.tr_mul(x)
    }

    fn hess_xx(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        DMatrix::identity(x.len(), x.len()) * (y.norm_squared() + self.lambda)
    }

    fn hess_yy(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        DMatrix::identity(y.len(), y.len()) * (x.norm_squared() + self.lambda)
    }

    fn hess_xy(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        x * y.transpose() * 2.0 - &self.a
    }

    fn hvp_xx(&self, _: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        v * (y.norm_squared() + self.lambda)
    }

    fn hvp_yy(&self, x: &DVector<f64>, _: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        v * (x.norm_squared() + self.lambda)
    }

    fn hvp_xy(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        x * (2.0 * y.dot(v)) - &self.a * v
    }

    fn hvp_yx(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        y * (2.0 * x.dot(v)) - self.a.tr_mul(v)
    }

    fn argmin_x(&self, _: &DVector<f64>, y: &DVector<f64>) -> Result<DVector<f64>, Error> {
        Ok(&self.a * y / (self.lambda + y.norm_squared()))
    }

    fn argmin_y(&self, x: &DVector<f64>, _: &DVector<f64>) -> Result<DVector<f64>, Error> {
        Ok(self.a.tr_mul(x) / (self.lambda + x.norm_squared()))
    }

    fn prox_argmin_x(
        &self,
        x_prev: &DVector<f64>,
        y: &DVector<f64>,
        beta: f64,
    ) -> Result<DVector<f64>, Error> {
        Ok((&self.a * y + x_prev * beta) / (self.lambda + y.norm_squared() + beta))
    }

    fn prox_argmin_y(
        &self,
        x: &DVector<f64>,
        y_prev: &DVector<f64>,
        beta: f64,
    ) -> Result<DVector<f64>, Error> {
        Ok((self.a.tr_mul(x) + y_prev * beta) / (self.lambda + x.norm_squared() + beta))
    }

    fn check_dims(&self, x: &DVector<f64>, y: &DVector<f64>) -> Result<(), Error> {
        if x.len() != self.a.nrows() {
            return Err(Error::DimensionMismatch {
                left: "length of `x`",
                left_dim: x.len(),
                right: "rows of `a`",
                right_dim: self.a.nrows(),
            });
        }
        if y.len() != self.a.ncols() {
            return Err(Error::DimensionMismatch {
                left: "length of `y`",
                left_dim: y.len(),
                right: "columns of `a`",
                right_dim: self.a.ncols(),
            });
        }
        Ok(())
    }

    fn check_data(&self) -> Result<(), Error> {
        if self.a.iter().all(|v| v.is_finite()) && self.lambda.is_finite() {
            Ok(())
        } else {
            Err(Error::NonFinite(NonFiniteSource::Data("a")))
        }
    }
}

/// `f(x, y) = (|x|^2 - 1)^2/4 + (|y|^2 - 1)^2/4 + x^T C y`: bounded below,
/// with block Hessians `(|x|^2 - 1) I + 2 x x^T` that are indefinite near the
/// origin, so it is not bi-convex. The block solvers are the default damped
/// Newton ones.
#[derive(Debug)]
pub(crate) struct DoubleWell {
    pub(crate) c: DMatrix<f64>,
}

impl DoubleWell {
    fn well_hvp(z: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        v * (z.norm_squared() - 1.0) + z * (2.0 * z.dot(v))
    }

    fn well_hess(z: &DVector<f64>) -> DMatrix<f64> {
        DMatrix::identity(z.len(), z.len()) * (z.norm_squared() - 1.0) + z * z.transpose() * 2.0
    }
}

impl BiObjective for DoubleWell {
    type X = DVector<f64>;
    type Y = DVector<f64>;

    fn value(&self, x: &DVector<f64>, y: &DVector<f64>) -> f64 {
        0.25 * (x.norm_squared() - 1.0).powi(2)
            + 0.25 * (y.norm_squared() - 1.0).powi(2)
            + x.dot(&(&self.c * y))
    }

    fn grad_x(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        x * (x.norm_squared() - 1.0) + &self.c * y
    }

    fn grad_y(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        y * (y.norm_squared() - 1.0) + self.c.tr_mul(x)
    }

    fn hess_xx(&self, x: &DVector<f64>, _: &DVector<f64>) -> DMatrix<f64> {
        Self::well_hess(x)
    }

    fn hess_yy(&self, _: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        Self::well_hess(y)
    }

    fn hess_xy(&self, _: &DVector<f64>, _: &DVector<f64>) -> DMatrix<f64> {
        self.c.clone()
    }

    fn hvp_xx(&self, x: &DVector<f64>, _: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        Self::well_hvp(x, v)
    }

    fn hvp_yy(&self, _: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        Self::well_hvp(y, v)
    }

    fn hvp_xy(&self, _: &DVector<f64>, _: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        &self.c * v
    }

    fn hvp_yx(&self, _: &DVector<f64>, _: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        self.c.tr_mul(v)
    }
}

/// `f(x, y) = x^2 + y^2 + 3xy + (x^2 + y^2)^2`: a strict saddle at the
/// origin, minima at `±(t, -t)` with `t = 8^(-1/2)`, and non-quadratic,
/// strongly convex blocks solved by the default damped Newton.
#[derive(Debug)]
pub(crate) struct QuarticSaddle;

impl QuarticSaddle {
    /// The full Hessian `[fxx, fxy; fxy, fyy]`.
    pub(crate) fn hessian(x: f64, y: f64) -> nalgebra::Matrix2<f64> {
        nalgebra::Matrix2::new(
            2.0 + 12.0 * x * x + 4.0 * y * y,
            3.0 + 8.0 * x * y,
            3.0 + 8.0 * x * y,
            2.0 + 4.0 * x * x + 12.0 * y * y,
        )
    }
}

impl BiObjective for QuarticSaddle {
    type X = f64;
    type Y = f64;

    fn value(&self, x: &f64, y: &f64) -> f64 {
        let r = x * x + y * y;
        r + 3.0 * x * y + r * r
    }

    fn grad_x(&self, x: &f64, y: &f64) -> f64 {
        2.0 * x + 3.0 * y + 4.0 * x * (x * x + y * y)
    }

    fn grad_y(&self, x: &f64, y: &f64) -> f64 {
        2.0 * y + 3.0 * x + 4.0 * y * (x * x + y * y)
    }

    fn hess_xx(&self, x: &f64, y: &f64) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, Self::hessian(*x, *y)[(0, 0)])
    }

    fn hess_yy(&self, x: &f64, y: &f64) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, Self::hessian(*x, *y)[(1, 1)])
    }

    fn hess_xy(&self, x: &f64, y: &f64) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, Self::hessian(*x, *y)[(0, 1)])
    }

    fn hvp_xx(&self, x: &f64, y: &f64, v: &f64) -> f64 {
        Self::hessian(*x, *y)[(0, 0)] * v
    }

    fn hvp_yy(&self, x: &f64, y: &f64, v: &f64) -> f64 {
        Self::hessian(*x, *y)[(1, 1)] * v
    }

    fn hvp_xy(&self, x: &f64, y: &f64, v: &f64) -> f64 {
        Self::hessian(*x, *y)[(0, 1)] * v
    }

    fn hvp_yx(&self, x: &f64, y: &f64, v: &f64) -> f64 {
        Self::hessian(*x, *y)[(0, 1)] * v
    }
}

/// What [`Faulty`] does on the chosen call of `argmin_x`.
#[derive(Clone, Debug)]
pub(crate) enum Fault {
    /// Returns a block holding a NaN.
    NanBlock,
    /// Returns this error.
    Fail(Error),
    /// Returns a finite block, after which the value is NaN.
    NanValue,
}

/// [`Rank1Pca`] whose `argmin_x` (and `prox_argmin_x`) misbehaves on its
/// `fail_at`-th call.
#[derive(Debug)]
pub(crate) struct Faulty<'a> {
    pub(crate) inner: &'a Rank1Pca,
    pub(crate) fail_at: usize,
    pub(crate) fault: Fault,
    pub(crate) calls: Cell<usize>,
    pub(crate) poisoned: Cell<bool>,
}

impl<'a> Faulty<'a> {
    pub(crate) fn new(inner: &'a Rank1Pca, fail_at: usize, fault: Fault) -> Self {
        Faulty {
            inner,
            fail_at,
            fault,
            calls: Cell::new(0),
            poisoned: Cell::new(false),
        }
    }

    fn inject(&self, good: DVector<f64>) -> Result<DVector<f64>, Error> {
        self.calls.set(self.calls.get() + 1);
        if self.calls.get() != self.fail_at {
            return Ok(good);
        }
        match &self.fault {
            Fault::NanBlock => {
                let mut bad = good;
                bad[0] = f64::NAN;
                Ok(bad)
            }
            Fault::Fail(error) => Err(error.clone()),
            Fault::NanValue => {
                self.poisoned.set(true);
                Ok(good)
            }
        }
    }
}

impl BiObjective for Faulty<'_> {
    type X = DVector<f64>;
    type Y = DVector<f64>;

    fn value(&self, x: &DVector<f64>, y: &DVector<f64>) -> f64 {
        if self.poisoned.get() {
            f64::NAN
        } else {
            self.inner.value(x, y)
        }
    }

    fn grad_x(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        self.inner.grad_x(x, y)
    }

    fn grad_y(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        self.inner.grad_y(x, y)
    }

    fn hess_xx(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        self.inner.hess_xx(x, y)
    }

    fn hess_yy(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        self.inner.hess_yy(x, y)
    }

    fn hess_xy(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        self.inner.hess_xy(x, y)
    }

    fn hvp_xx(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        self.inner.hvp_xx(x, y, v)
    }

    fn hvp_yy(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        self.inner.hvp_yy(x, y, v)
    }

    fn hvp_xy(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        self.inner.hvp_xy(x, y, v)
    }

    fn hvp_yx(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        self.inner.hvp_yx(x, y, v)
    }

    fn argmin_x(&self, x: &DVector<f64>, y: &DVector<f64>) -> Result<DVector<f64>, Error> {
        self.inject(self.inner.argmin_x(x, y)?)
    }

    fn argmin_y(&self, x: &DVector<f64>, y: &DVector<f64>) -> Result<DVector<f64>, Error> {
        self.inner.argmin_y(x, y)
    }

    fn prox_argmin_x(
        &self,
        x: &DVector<f64>,
        y: &DVector<f64>,
        beta: f64,
    ) -> Result<DVector<f64>, Error> {
        self.inject(self.inner.prox_argmin_x(x, y, beta)?)
    }

    fn prox_argmin_y(
        &self,
        x: &DVector<f64>,
        y: &DVector<f64>,
        beta: f64,
    ) -> Result<DVector<f64>, Error> {
        self.inner.prox_argmin_y(x, y, beta)
    }
}
