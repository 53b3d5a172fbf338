//! The Taylor-remainder test on generated objectives and on deliberately
//! wrong derivatives.

use altmin_core::prelude::*;
use altmin_core::{BlockStructure, CheckDerivatives, DerivativeVerdict, check_derivatives};

#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[objective]
fn logistic(x: &DVector<f64>, y: &Matrix2<f64>, a: &DMatrix<f64>) -> f64 {
    let z = a * x;
    z.map(|t| (1.0 + (-t).exp()).ln()).sum() + (y * y.transpose()).trace() * x.norm()
}

/// Rank-1 PCA written by hand with an error in `grad_x` or in `Hxx`.
struct Wrong {
    a: DMatrix<f64>,
    gradient_error: f64,
    hessian_error: f64,
}

impl BiObjective for Wrong {
    type X = DVector<f64>;
    type Y = DVector<f64>;

    fn value(&self, x: &DVector<f64>, y: &DVector<f64>) -> f64 {
        0.5 * (&self.a - x * y.transpose()).norm_squared()
    }

    fn grad_x(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        let mut g = x * y.norm_squared() - &self.a * y;
        g[0] += self.gradient_error;
        g
    }

    fn grad_y(&self, x: &DVector<f64>, y: &DVector<f64>) -> DVector<f64> {
        y * x.norm_squared() - self.a.tr_mul(x)
    }

    fn hess_xx(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        let n = x.len();
        DMatrix::from_diagonal_element(n, n, y.norm_squared() + self.hessian_error)
    }

    fn hess_yy(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        DMatrix::from_diagonal_element(y.len(), y.len(), x.norm_squared())
    }

    fn hess_xy(&self, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
        2.0 * x * y.transpose() - &self.a
    }

    fn hvp_xx(&self, _: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        v * (y.norm_squared() + self.hessian_error)
    }

    fn hvp_yy(&self, x: &DVector<f64>, _: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        v * x.norm_squared()
    }

    fn hvp_xy(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        x * (2.0 * y.dot(v)) - &self.a * v
    }

    fn hvp_yx(&self, x: &DVector<f64>, y: &DVector<f64>, v: &DVector<f64>) -> DVector<f64> {
        y * (2.0 * x.dot(v)) - self.a.tr_mul(v)
    }
}

fn data() -> (DMatrix<f64>, DVector<f64>, DVector<f64>) {
    let a = DMatrix::from_fn(5, 4, |i, j| ((3 * i + 5 * j) as f64 * 0.37).sin());
    let x = DVector::from_fn(5, |i, _| (i as f64 * 0.7).cos());
    let y = DVector::from_fn(4, |i, _| (i as f64 * 1.3).sin() + 0.2);
    (a, x, y)
}

#[test]
fn generated_derivatives_pass_with_the_expected_slopes() {
    let (a, x, y) = data();
    let f = Rank1Pca::new(&a, 0.3);
    let check = CheckDerivatives::new(&f)
        .with_directions(5)
        .unwrap()
        .run(&x, &y)
        .unwrap();
    assert_eq!(check.verdict, DerivativeVerdict::Consistent, "{check}");
    let slope = check
        .gradient
        .slope
        .expect("a quartic objective has a first-order remainder");
    assert!((slope - 2.0).abs() < 0.1, "{check}");
    let slope = check.hessian.slope.expect("and a second-order remainder");
    assert!((slope - 3.0).abs() < 0.1, "{check}");

    let a = DMatrix::from_fn(6, 3, |i, j| ((i + 2 * j) as f64 * 0.41).cos());
    let f = Logistic::new(&a);
    assert_eq!(f.structure().x, BlockStructure::NonQuadratic);
    let x = DVector::from_vec(vec![0.3, -0.4, 0.8]);
    let y = Matrix2::new(0.5, -0.1, 0.2, 0.9);
    let check = check_derivatives(&f, &x, &y).unwrap();
    assert_eq!(check.verdict, DerivativeVerdict::Consistent, "{check}");
}

#[test]
fn a_wrong_gradient_or_hessian_is_detected() {
    let (a, x, y) = data();
    let right = Wrong {
        a: a.clone(),
        gradient_error: 0.0,
        hessian_error: 0.0,
    };
    assert_eq!(
        check_derivatives(&right, &x, &y).unwrap().verdict,
        DerivativeVerdict::Consistent
    );

    let wrong_gradient = Wrong {
        a: a.clone(),
        gradient_error: 1e-3,
        hessian_error: 0.0,
    };
    let check = check_derivatives(&wrong_gradient, &x, &y).unwrap();
    assert_eq!(check.verdict, DerivativeVerdict::WrongGradient, "{check}");
    let slope = check.gradient.slope.unwrap();
    assert!((slope - 1.0).abs() < 0.2, "{check}");

    let wrong_hessian = Wrong {
        a,
        gradient_error: 0.0,
        hessian_error: 1e-2,
    };
    let check = check_derivatives(&wrong_hessian, &x, &y).unwrap();
    assert_eq!(check.verdict, DerivativeVerdict::WrongHessian, "{check}");
    assert!((check.hessian.slope.unwrap() - 2.0).abs() < 0.2, "{check}");
}

#[test]
fn bad_points_are_errors() {
    let (a, x, y) = data();
    let f = Rank1Pca::new(&a, 0.3);
    let mut bad = x.clone();
    bad[1] = f64::NAN;
    assert!(matches!(
        check_derivatives(&f, &bad, &y),
        Err(Error::NonFinite(_))
    ));
    let short = DVector::zeros(3);
    assert!(matches!(
        check_derivatives(&f, &short, &y),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(CheckDerivatives::new(&f).with_directions(0).is_err());
}
