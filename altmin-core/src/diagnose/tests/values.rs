//! Errors as values, and the report a person reads.

use nalgebra::{DMatrix, DVector};

use super::fixtures::{Pca, Quartic, Scalar, normal_matrix};
use crate::bi_objective::BiObjective;
use crate::diagnose::{AltMinJacobian, Diagnose, diagnose};
use crate::error::{BlockId, Error, NonFiniteSource};

/// A scalar objective whose second derivatives misbehave on purpose.
struct Broken {
    wrong_size: bool,
}

impl BiObjective for Broken {
    type X = DVector<f64>;
    type Y = f64;

    fn value(&self, x: &DVector<f64>, y: &f64) -> f64 {
        x.norm_squared() + y * y
    }

    fn grad_x(&self, x: &DVector<f64>, _: &f64) -> DVector<f64> {
        x * 2.0
    }

    fn grad_y(&self, _: &DVector<f64>, y: &f64) -> f64 {
        2.0 * y
    }

    fn hess_xx(&self, x: &DVector<f64>, _: &f64) -> DMatrix<f64> {
        let n = if self.wrong_size {
            x.len() + 1
        } else {
            x.len()
        };
        DMatrix::from_diagonal_element(n, n, 2.0)
    }

    fn hess_yy(&self, _: &DVector<f64>, _: &f64) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, 2.0)
    }

    fn hess_xy(&self, x: &DVector<f64>, _: &f64) -> DMatrix<f64> {
        DMatrix::from_element(x.len(), 1, f64::NAN)
    }

    fn hvp_xx(&self, x: &DVector<f64>, _: &f64, v: &DVector<f64>) -> DVector<f64> {
        if self.wrong_size {
            DVector::zeros(x.len() + 1)
        } else {
            v * 2.0
        }
    }

    fn hvp_yy(&self, _: &DVector<f64>, _: &f64, v: &f64) -> f64 {
        2.0 * v
    }

    fn hvp_xy(&self, x: &DVector<f64>, _: &f64, _: &f64) -> DVector<f64> {
        DVector::from_element(x.len(), f64::NAN)
    }

    fn hvp_yx(&self, _: &DVector<f64>, _: &f64, _: &DVector<f64>) -> f64 {
        f64::NAN
    }
}

#[test]
fn bad_points_are_errors() {
    let f = Pca {
        a: normal_matrix(4, 3, 1),
        lambda: 0.1,
    };
    let (x, y) = (DVector::zeros(4), DVector::zeros(3));
    assert!(matches!(
        diagnose(&f, &DVector::zeros(5), &y),
        Err(Error::DimensionMismatch {
            left: "rows of x",
            ..
        })
    ));
    let mut nan = y.clone();
    nan[2] = f64::NAN;
    assert_eq!(
        diagnose(&f, &x, &nan).unwrap_err(),
        Error::NonFinite(NonFiniteSource::Start(BlockId::Y))
    );
}

#[test]
fn misbehaving_hessians_are_errors() {
    let x = DVector::from_element(3, 1.0);
    let sized = Broken { wrong_size: true };
    for limit in [1500, 0] {
        let err = Diagnose::new(&sized).with_dense_limit(limit).run(&x, &0.5);
        assert!(
            matches!(err, Err(Error::DimensionMismatch { .. })),
            "{err:?}"
        );
    }
    let nan = Broken { wrong_size: false };
    assert_eq!(
        diagnose(&nan, &x, &0.5).unwrap_err(),
        Error::NonFinite(NonFiniteSource::Hessian { block: BlockId::X })
    );
    let err = Diagnose::new(&nan)
        .with_dense_limit(0)
        .run(&x, &0.5)
        .unwrap_err();
    assert!(
        matches!(err, Error::NonFinite(NonFiniteSource::Hessian { .. })),
        "{err:?}"
    );
}

#[test]
fn settings_outside_their_domain_are_errors() {
    let f = Scalar { a: 1.0, c: 0.5 };
    let d = Diagnose::new(&f);
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            d.clone().with_beta(bad),
            Err(Error::InvalidSetting { name: "beta", .. })
        ));
        assert!(d.clone().with_tolerance(bad).is_err());
        assert!(d.clone().prox_altmin_jacobian(&0.0, &0.0, bad).is_err());
    }
    assert!(d.clone().with_rank_tolerance(1.0).is_err());
    assert!(d.clone().with_curvature_tolerance(0.0).is_err());
    assert!(d.clone().with_eigen_tolerance(2.0).is_err());
    assert!(d.clone().with_solve_tolerance(-1e-3).is_err());
    assert!(d.clone().with_krylov_steps(0).is_err());
    assert!(d.with_krylov_steps(1).is_ok());
}

#[test]
fn an_indefinite_block_leaves_the_altmin_map_undefined() {
    // Hxx = -1: the saddle at the origin is one AltMin cannot even run at.
    let f = Scalar { a: -1.0, c: 0.5 };
    for limit in [1500, 0] {
        let d = Diagnose::new(&f)
            .with_dense_limit(limit)
            .run(&0.0, &0.0)
            .unwrap();
        assert!(d.verdict.is_strict_saddle());
        assert!(!d.is_strongly_bi_convex());
        assert!(matches!(
            d.altmin,
            AltMinJacobian::Undefined {
                block: BlockId::X,
                ..
            }
        ));
        let report = d.to_string();
        assert!(report.contains("AltMin does not apply here"), "{report}");
        assert!(
            report.contains("use ProxAltMin with beta > L_f"),
            "{report}"
        );
    }
    // beta below |Hxx| = 1 makes Hxx + bI singular or indefinite.
    let j = Diagnose::new(&f)
        .prox_altmin_jacobian(&0.0, &0.0, 1.0)
        .unwrap();
    assert_eq!(j.defined, Some(false));
    let j = Diagnose::new(&f)
        .prox_altmin_jacobian(&0.0, &0.0, 0.5)
        .unwrap();
    assert_eq!(j.det_sign, Some(-1.0));
}

#[test]
fn the_report_leads_with_the_verdict_and_ends_with_advice() {
    let f = Quartic::random(4, 3, 1.5, 3);
    let d = diagnose(&f, &DVector::zeros(4), &DVector::zeros(3)).unwrap();
    let report = d.to_string();
    eprintln!("{report}");
    assert!(report.starts_with("strict saddle: the Hessian has the negative eigenvalue"));
    for part in [
        "strongly bi-convex",
        "Assumption 3 holds",
        "rho(Dg) = |L|^2 = ",
        "> 1: unstable fixed point",
        "escape this saddle from almost every start",
        "det Dg_beta > 0",
    ] {
        assert!(report.contains(part), "missing {part:?} in\n{report}");
    }
    assert!(report.find("next:") > report.find("ProxAltMin  beta"));
}
