//! The comparisons of `check_derivatives` are live: an objective with one
//! wrong entry in any one method fails them, and so does a Taylor
//! expectation that does not hold.

use std::panic::{AssertUnwindSafe, catch_unwind};

use altmin_core::prelude::*;

use crate::common::{Dual, check_derivatives, dvec, points, rng, uniform};
use crate::taylor::{Taylor, assert_taylor};

#[objective]
fn coupled(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    x.dot(y).sin() + x.norm_squared() * y.norm_squared() + y.map(|t| t.exp()).sum()
}

fn coupled_twin<D: Dual>(x: &[D], y: &[D]) -> D {
    let (x, y) = (dvec(x), dvec(y));
    x.dot(&y).sin() + x.norm_squared() * y.norm_squared() + y.map(|t| t.exp()).sum()
}

const METHODS: [&str; 11] = [
    "value", "grad_x", "grad_y", "hess_xx", "hess_yy", "hess_xy", "hvp_xx", "hvp_yy", "hvp_xy",
    "hvp_yx", "none",
];

/// `Coupled` with one method off by `1e-7` in its first entry.
struct OneWrong {
    inner: Coupled,
    wrong: &'static str,
}

impl OneWrong {
    fn bump<B: Block>(&self, method: &str, mut b: B) -> B {
        if method == self.wrong {
            b.as_mut_slice()[0] += 1e-7;
        }
        b
    }
}

impl BiObjective for OneWrong {
    type X = DVector<f64>;
    type Y = DVector<f64>;

    fn value(&self, x: &Self::X, y: &Self::Y) -> f64 {
        self.bump("value", self.inner.value(x, y))
    }
    fn grad_x(&self, x: &Self::X, y: &Self::Y) -> Self::X {
        self.bump("grad_x", self.inner.grad_x(x, y))
    }
    fn grad_y(&self, x: &Self::X, y: &Self::Y) -> Self::Y {
        self.bump("grad_y", self.inner.grad_y(x, y))
    }
    fn hess_xx(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64> {
        self.bump("hess_xx", self.inner.hess_xx(x, y))
    }
    fn hess_yy(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64> {
        self.bump("hess_yy", self.inner.hess_yy(x, y))
    }
    fn hess_xy(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64> {
        self.bump("hess_xy", self.inner.hess_xy(x, y))
    }
    fn hvp_xx(&self, x: &Self::X, y: &Self::Y, v: &Self::X) -> Self::X {
        self.bump("hvp_xx", self.inner.hvp_xx(x, y, v))
    }
    fn hvp_yy(&self, x: &Self::X, y: &Self::Y, v: &Self::Y) -> Self::Y {
        self.bump("hvp_yy", self.inner.hvp_yy(x, y, v))
    }
    fn hvp_xy(&self, x: &Self::X, y: &Self::Y, v: &Self::Y) -> Self::X {
        self.bump("hvp_xy", self.inner.hvp_xy(x, y, v))
    }
    fn hvp_yx(&self, x: &Self::X, y: &Self::Y, v: &Self::X) -> Self::Y {
        self.bump("hvp_yx", self.inner.hvp_yx(x, y, v))
    }
}

#[test]
fn each_wrong_method_is_caught() {
    let mut rng = rng(401);
    let pts = points(2, &mut rng, |r| (uniform(3, 1, r), uniform(3, 1, r)));
    for wrong in METHODS {
        let f = OneWrong {
            inner: Coupled::new(),
            wrong,
        };
        let mut rng = crate::common::rng(402);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            check_derivatives(&f, &pts, coupled_twin, &mut rng);
        }));
        assert_eq!(
            outcome.is_err(),
            wrong != "none",
            "a wrong `{wrong}` went unnoticed"
        );
    }
}

#[test]
fn a_transposed_cross_hessian_is_caught() {
    struct Transposed(Coupled);
    impl BiObjective for Transposed {
        type X = DVector<f64>;
        type Y = DVector<f64>;
        fn value(&self, x: &Self::X, y: &Self::Y) -> f64 {
            self.0.value(x, y)
        }
        fn grad_x(&self, x: &Self::X, y: &Self::Y) -> Self::X {
            self.0.grad_x(x, y)
        }
        fn grad_y(&self, x: &Self::X, y: &Self::Y) -> Self::Y {
            self.0.grad_y(x, y)
        }
        fn hess_xx(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64> {
            self.0.hess_xx(x, y)
        }
        fn hess_yy(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64> {
            self.0.hess_yy(x, y)
        }
        fn hess_xy(&self, x: &Self::X, y: &Self::Y) -> DMatrix<f64> {
            // Square blocks, so only the values can tell.
            self.0.hess_xy(x, y).transpose()
        }
        fn hvp_xx(&self, x: &Self::X, y: &Self::Y, v: &Self::X) -> Self::X {
            self.0.hvp_xx(x, y, v)
        }
        fn hvp_yy(&self, x: &Self::X, y: &Self::Y, v: &Self::Y) -> Self::Y {
            self.0.hvp_yy(x, y, v)
        }
        fn hvp_xy(&self, x: &Self::X, y: &Self::Y, v: &Self::Y) -> Self::X {
            self.0.hvp_xy(x, y, v)
        }
        fn hvp_yx(&self, x: &Self::X, y: &Self::Y, v: &Self::X) -> Self::Y {
            self.0.hvp_yx(x, y, v)
        }
    }

    let mut rng = rng(403);
    let pts = points(1, &mut rng, |r| (uniform(3, 1, r), uniform(3, 1, r)));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        check_derivatives(&Transposed(Coupled::new()), &pts, coupled_twin, &mut rng);
    }));
    assert!(outcome.is_err());
}

#[objective]
fn bowl(x: f64, y: f64) -> f64 {
    x * x + x * y + 2.0 * y * y - x
}

/// Whether `assert_taylor` rejects `expect` for `f` at `(x, y)`.
fn rejects<F: BiObjective>(f: &F, x: &F::X, y: &F::Y, expect: Taylor) -> bool {
    catch_unwind(AssertUnwindSafe(|| assert_taylor(f, x, y, expect, "here"))).is_err()
}

#[test]
fn a_wrong_taylor_expectation_is_caught() {
    // A quadratic: no second-order slope, so only `Quadratic` holds.
    let f = Bowl::new();
    assert_taylor(&f, &0.3, &-0.7, Taylor::Quadratic, "(0.3, -0.7)");
    assert!(rejects(&f, &0.3, &-0.7, Taylor::Generic));
    assert!(rejects(&f, &0.0, &0.0, Taylor::Even));
    assert!(rejects(&f, &0.3, &-0.7, Taylor::LateAsymptote));

    // A generic objective at random points: only `Generic` holds.
    let f = Coupled::new();
    let mut rng = rng(404);
    for (x, y) in points(2, &mut rng, |r| (uniform(3, 1, r), uniform(3, 1, r))) {
        assert_taylor(&f, &x, &y, Taylor::Generic, "a random point");
        for wrong in [Taylor::Quadratic, Taylor::Even, Taylor::LateAsymptote] {
            assert!(rejects(&f, &x, &y, wrong), "{wrong:?} was accepted");
        }
    }
}
