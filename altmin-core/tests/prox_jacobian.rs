//! At every strict saddle of the examples, the ProxAltMin map's Jacobian
//! `Dg_beta` with `beta > L_f` is nonsingular and has an eigenvalue of
//! modulus above 1, so the saddle repels ProxAltMin as the theory says.
//!
//! `L_f` here is a bound proved for each objective on a sublevel set that
//! holds every saddle, not an estimate: for rank-1 PCA,
//! `f >= lambda/2 (|x|^2 + |y|^2)` bounds the set and with it
//! `|Hxx| = lambda + |y|^2`; for the two-variable objective, the largest
//! second derivative over a fine grid of the set, with a margin for the
//! grid's spacing.

use altmin_core::diagnose::{Diagnose, ProxAltMinJacobian};
use altmin_core::prelude::*;
use altmin_core::{SmoothnessSettings, estimate_lipschitz};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Best rank-1 approximation of `a`, ridge-regularized (Example 1).
#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

/// A strict saddle at the origin, minima at `±(t, -t)` with `t = 8^(-1/2)`.
#[objective]
fn saddle(x: f64, y: f64) -> f64 {
    x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
}

/// Multiples of `L_f` tried as `beta`.
const MARGINS: [f64; 4] = [1.01, 2.0, 10.0, 100.0];

/// The Jacobian is defined, nonsingular (finite log-determinant of
/// positive sign), and has an eigenvalue of modulus above 1.
fn assert_repels(j: &ProxAltMinJacobian, what: &str) {
    assert_eq!(j.defined, Some(true), "{what}: {j:?}");
    assert_eq!(j.det_sign, Some(1.0), "{what}: {j:?}");
    assert!(j.log_abs_det.is_some_and(f64::is_finite), "{what}: {j:?}");
    let rho = j.spectral_radius.expect("computed at this size");
    assert!(rho > 1.0 + 1e-12, "{what}: rho(Dg_beta) = {rho}");
}

/// The census example's data (12 x 9) and the quickstart's (200 x 150).
fn pca_cases() -> [(DMatrix<f64>, f64, usize); 2] {
    let data = |rows, cols, seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        DMatrix::random(Shape::new(rows, cols), &mut rng).expect("a dynamic shape always fits")
    };
    // The last field: how many of the saddles at singular pairs to examine.
    [(data(12, 9, 2024), 1.0, 9), (data(200, 150, 2026), 1.0, 1)]
}

#[test]
fn every_saddle_of_rank1_pca_repels_prox_altmin_for_beta_above_l_f() {
    for (a, lambda, pairs) in pca_cases() {
        let f = Rank1Pca::new(&a, lambda);
        let (n, m) = a.shape();
        let svd = a.clone().svd(true, true);
        let (u, v_t) = (svd.u.unwrap(), svd.v_t.unwrap());
        let mut order: Vec<usize> = (0..svd.singular_values.len()).collect();
        order.sort_by(|&i, &j| svd.singular_values[j].total_cmp(&svd.singular_values[i]));
        assert!(svd.singular_values[order[0]] > lambda);

        // On {f <= f(0, 0)}: |x|^2 + |y|^2 <= |A|^2 / lambda, so both block
        // Hessians, `(lambda + |y|^2) I` and `(lambda + |x|^2) I`, have norm
        // at most `lambda + |A|^2 / lambda`.
        let l_f = lambda + a.norm_squared() / lambda;

        // The origin, then the pairs below the top with sigma_i > lambda.
        let mut saddles = vec![(DVector::zeros(n), DVector::zeros(m))];
        for &i in order.iter().skip(1).take(pairs) {
            let sigma = svd.singular_values[i];
            if sigma > lambda {
                let s = (sigma - lambda).sqrt();
                saddles.push((u.column(i) * s, v_t.row(i).transpose() * s));
            }
        }
        assert!(saddles.len() > 1);

        for (k, (x, y)) in saddles.iter().enumerate() {
            assert!(f.value(x, y) <= f.value(&saddles[0].0, &saddles[0].1) + 1e-9);
            // The verdict; the Jacobian's spectrum follows for each beta.
            let d = Diagnose::new(&f)
                .with_prox_spectrum_limit(0)
                .run(x, y)
                .unwrap();
            assert!(d.verdict.is_strict_saddle(), "saddle {k} of {n} x {m}: {d}");
            assert!(d.block_smoothness() <= l_f);
            for margin in MARGINS {
                let j = Diagnose::new(&f)
                    .prox_altmin_jacobian(x, y, margin * l_f)
                    .unwrap();
                assert_repels(&j, &format!("saddle {k} of {n} x {m}, beta = {margin} L_f"));
            }
        }
    }
}

#[test]
fn the_two_variable_saddle_repels_prox_altmin_for_beta_above_l_f() {
    let f = Saddle::new();
    // The saddle portrait draws its starts from [-1.2, 1.2]^2; the sublevel
    // set of the highest of them holds every iterate of a descent method.
    let level = f.value(&1.2, &1.2);
    let second = |x: f64, y: f64| {
        let (hxx, hyy) = (
            2.0 + 12.0 * x * x + 4.0 * y * y,
            2.0 + 4.0 * x * x + 12.0 * y * y,
        );
        hxx.max(hyy)
    };
    let (steps, half) = (2001, 2.0);
    let h = 2.0 * half / (steps - 1) as f64;
    let mut l_f: f64 = 0.0;
    for i in 0..steps {
        for j in 0..steps {
            let (x, y) = (-half + h * i as f64, -half + h * j as f64);
            if f.value(&x, &y) <= level {
                l_f = l_f.max(second(x, y));
            }
        }
    }
    // The set stays inside the grid's square, and between grid points the
    // second derivatives grow by at most their gradient, `24 |(x, y)| < 70`
    // on the square, times the spacing.
    assert!(f.value(&half, &0.0) > level && f.value(&0.0, &half) > level);
    let l_f = l_f + 70.0 * h;

    let d = diagnose(&f, &0.0, &0.0).unwrap();
    assert!(d.verdict.is_strict_saddle(), "{d}");
    for margin in MARGINS {
        let j = Diagnose::new(&f)
            .prox_altmin_jacobian(&0.0, &0.0, margin * l_f)
            .unwrap();
        assert_repels(&j, &format!("beta = {margin} L_f"));
    }

    // ProxAltMin's own choice of beta, estimated on the same sublevel set
    // from the highest start, also lies above L_f.
    let estimate = estimate_lipschitz(&f, &1.2, &1.2, &SmoothnessSettings::DEFAULT).unwrap();
    assert!(estimate.beta > l_f, "{estimate} against L_f = {l_f}");
}
