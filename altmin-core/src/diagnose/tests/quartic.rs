//! Random bi-convex quadratics plus quartics, coupled strongly enough for
//! the origin to be a strict saddle; their minima are found by descent.

use nalgebra::{DMatrix, DVector};

use super::fixtures::{Quartic, normal_vector};
use crate::bi_objective::BiObjective;
use crate::diagnose::{Diagnose, Verdict, diagnose};

/// Dimensions of the family: both orders of `dim x` and `dim y`.
fn family() -> impl Iterator<Item = (usize, usize, u64)> {
    (0..8_u64).map(|seed| {
        (
            2 + (seed as usize) % 5,
            2 + (3 * seed as usize) % 5,
            100 + 7 * seed,
        )
    })
}

/// Backtracking gradient descent from a seeded start, then Newton steps on
/// the dense Hessian: a local minimum to rounding accuracy.
fn local_minimum(f: &Quartic, n: usize, m: usize, seed: u64) -> (DVector<f64>, DVector<f64>) {
    let mut x = normal_vector(n, seed);
    let mut y = normal_vector(m, seed + 1);
    for _ in 0..5000 {
        let (gx, gy) = (f.grad_x(&x, &y), f.grad_y(&x, &y));
        let g2 = gx.norm_squared() + gy.norm_squared();
        if g2 < 1e-16 {
            break;
        }
        let f0 = f.value(&x, &y);
        let mut t = 1.0;
        while f.value(&(&x - &gx * t), &(&y - &gy * t)) > f0 - 0.5 * t * g2 && t > 1e-12 {
            t *= 0.5;
        }
        x -= gx * t;
        y -= gy * t;
    }
    for _ in 0..8 {
        let h = hessian(f, &x, &y);
        let g = DVector::from_iterator(
            n + m,
            f.grad_x(&x, &y)
                .iter()
                .chain(f.grad_y(&x, &y).iter())
                .copied(),
        );
        let step = h.cholesky().unwrap().solve(&g);
        x -= step.rows(0, n);
        y -= step.rows(n, m);
    }
    (x, y)
}

fn hessian(f: &Quartic, x: &DVector<f64>, y: &DVector<f64>) -> DMatrix<f64> {
    let (n, m) = (x.len(), y.len());
    let mut h = DMatrix::zeros(n + m, n + m);
    h.view_mut((0, 0), (n, n)).copy_from(&f.hess_xx(x, y));
    h.view_mut((n, n), (m, m)).copy_from(&f.hess_yy(x, y));
    h.view_mut((0, n), (n, m)).copy_from(&f.hess_xy(x, y));
    h.view_mut((n, 0), (m, n))
        .copy_from(&f.hess_xy(x, y).transpose());
    h
}

#[test]
fn the_origin_repels_both_maps_and_the_minima_attract_them() {
    for (n, m, seed) in family() {
        let f = Quartic::random(n, m, 1.5, seed);

        let d = diagnose(&f, &DVector::zeros(n), &DVector::zeros(m)).unwrap();
        assert!(d.verdict.is_strict_saddle(), "({n}, {m}, {seed}): {d}");
        assert!(d.is_strongly_bi_convex());
        assert_eq!(d.altmin.is_unstable(), Some(true));
        let prox = &d.prox_altmin;
        assert!(prox.beta > d.block_smoothness());
        assert_eq!(prox.defined, Some(true));
        assert_eq!(prox.det_sign, Some(1.0));
        assert!(prox.spectral_radius.unwrap() > 1.0 + 1e-9, "{d}");

        // A larger beta slows the escape but keeps it.
        let strong = Diagnose::new(&f)
            .prox_altmin_jacobian(&DVector::zeros(n), &DVector::zeros(m), 50.0 * prox.beta)
            .unwrap();
        assert!(strong.spectral_radius.unwrap() > 1.0, "{strong:?}");

        let (x, y) = local_minimum(&f, n, m, seed);
        let d = diagnose(&f, &x, &y).unwrap();
        assert_eq!(d.verdict, Verdict::LocalMinimum, "({n}, {m}, {seed}): {d}");
        assert_eq!(d.altmin.is_unstable(), Some(false));
        let prox = &d.prox_altmin;
        assert_eq!(prox.defined, Some(true));
        assert!(prox.spectral_radius.unwrap() <= 1.0 + 1e-12, "{d}");
    }
}
