//! Rank-1 PCA: its stationary points are the origin and the scaled
//! singular pairs `(sigma_i - lambda)^(1/2) (u_i, v_i)` with
//! `sigma_i > lambda`, of which only the top one is a minimum.

use nalgebra::{DMatrix, DVector};

use super::fixtures::{Pca, close, cosine, normal_matrix, singular_triples};
use crate::bi_objective::BiObjective;
use crate::diagnose::{Diagnose, Verdict, diagnose};

fn data() -> DMatrix<f64> {
    normal_matrix(12, 9, 11)
}

#[test]
fn the_origin_is_a_strict_saddle_exactly_when_sigma_1_exceeds_lambda() {
    let a = data();
    let triples = singular_triples(&a);
    let (sigma_1, u_1, v_1) = &triples[0];
    let origin = (DVector::zeros(12), DVector::zeros(9));

    for lambda in [
        0.8 * sigma_1,
        0.99 * sigma_1,
        1.01 * sigma_1,
        1.25 * sigma_1,
    ] {
        let f = Pca {
            a: a.clone(),
            lambda,
        };
        let d = diagnose(&f, &origin.0, &origin.1).unwrap();
        assert!(d.stationary);
        assert!(d.is_strongly_bi_convex());

        // Dg = (Hxx^-1 Hxy)(Hyy^-1 Hyx) = A A^T / lambda^2.
        let rho = d.altmin.spectral_radius().unwrap();
        let expected = (sigma_1 / lambda).powi(2);
        assert!(
            (rho - expected).abs() <= 1e-10 * expected,
            "{rho} vs {expected}"
        );
        let dg = d.altmin.matrix().unwrap();
        assert!((dg - &a * a.transpose() / (lambda * lambda)).norm() < 1e-12 * expected);

        if *sigma_1 > lambda {
            let Verdict::StrictSaddle { escape, eigenvalue } = &d.verdict else {
                panic!("expected a strict saddle at lambda = {lambda}: {d}");
            };
            assert!(close(*eigenvalue, lambda - sigma_1, 1e-12));
            assert!(cosine(&escape.0, &escape.1, u_1, v_1).abs() > 1.0 - 1e-8);
            assert_eq!(d.altmin.is_unstable(), Some(true));
        } else {
            assert_eq!(d.verdict, Verdict::LocalMinimum, "{d}");
            assert_eq!(d.altmin.is_unstable(), Some(false));
        }
    }
}

#[test]
fn singular_pairs_below_the_top_are_saddles_that_both_maps_repel() {
    let a = data();
    let triples = singular_triples(&a);
    let sigma_1 = triples[0].0;
    let lambda = 0.5 * triples[8].0;
    let f = Pca { a, lambda };
    // beta above the block Hessians' norms sigma_i everywhere on these points.
    let beta = 2.0 * sigma_1;

    for (i, (sigma, u, v)) in triples.iter().enumerate() {
        let scale = (sigma - lambda).sqrt();
        let (x, y) = (u * scale, v * scale);
        let d = Diagnose::new(&f)
            .with_beta(beta)
            .unwrap()
            .run(&x, &y)
            .unwrap();
        assert!(d.stationary, "pair {i}: {d}");
        // Hxy = 2 (sigma_i - lambda) u_i v_i^T - A loses rank where
        // sigma_i = 2 lambda: Assumption 3 fails at the last pair.
        let full = i + 1 < triples.len();
        assert_eq!(d.cross.full_rank, Some(full), "pair {i}: {d}");
        assert_eq!(d.cross.rank, Some(if full { 9 } else { 8 }));
        if !full {
            assert!(d.to_string().contains("Assumption 3 fails"), "{d}");
        }

        // Hxx = Hyy = sigma_i I and Hxy has the singular values
        // |sigma_i - 2 lambda| and sigma_j (j != i), so |L| is their largest
        // over sigma_i.
        let top_other = triples
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, t)| t.0)
            .fold((sigma - 2.0 * lambda).abs(), f64::max);
        let expected = (top_other / sigma).powi(2);
        let rho = d.altmin.spectral_radius().unwrap();
        assert!(
            (rho - expected).abs() <= 1e-10 * expected,
            "pair {i}: {rho} vs {expected}"
        );

        let prox = &d.prox_altmin;
        assert_eq!(prox.defined, Some(true));
        assert_eq!(prox.det_sign, Some(1.0));
        assert!(prox.log_abs_det.is_some_and(f64::is_finite));
        let prox_rho = prox.spectral_radius.unwrap();
        if i == 0 {
            assert_eq!(d.verdict, Verdict::LocalMinimum, "{d}");
            assert!(rho < 1.0);
            assert!(prox_rho <= 1.0 + 1e-12, "{prox_rho}");
        } else {
            assert!(d.verdict.is_strict_saddle(), "pair {i}: {d}");
            assert!(rho > 1.0);
            assert!(prox_rho > 1.0 + 1e-9, "pair {i}: {prox_rho}");
        }
    }
}

#[test]
fn the_prox_jacobian_matches_its_definition() {
    let a = data();
    let triples = singular_triples(&a);
    let lambda = 0.5 * triples[8].0;
    let f = Pca { a, lambda };
    let (sigma, u, v) = &triples[2];
    let (x, y) = (u * (sigma - lambda).sqrt(), v * (sigma - lambda).sqrt());
    let beta = 3.0 * triples[0].0;
    let j = Diagnose::new(&f)
        .prox_altmin_jacobian(&x, &y, beta)
        .unwrap();

    // [Hxx + bI, Hxy; 0, Hyy + bI] Dg_beta = [bI, 0; -Hyx, bI].
    let (n, m) = (12, 9);
    let hxy = x.clone() * y.transpose() * 2.0 - &f.a;
    let mut p = DMatrix::zeros(n + m, n + m);
    let mut q = DMatrix::zeros(n + m, n + m);
    p.view_mut((0, 0), (n, n))
        .fill_diagonal(lambda + y.norm_squared() + beta);
    p.view_mut((n, n), (m, m))
        .fill_diagonal(lambda + x.norm_squared() + beta);
    p.view_mut((0, n), (n, m)).copy_from(&hxy);
    q.fill_diagonal(beta);
    q.view_mut((n, 0), (m, n)).copy_from(&(-hxy.transpose()));
    let dg = j.matrix.as_ref().unwrap();
    assert!((&p * dg - &q).norm() < 1e-12 * q.norm());

    // det = b^(n+m) / (det(Hxx + bI) det(Hyy + bI)).
    let expected = (n + m) as f64 * beta.ln()
        - n as f64 * (lambda + y.norm_squared() + beta).ln()
        - m as f64 * (lambda + x.norm_squared() + beta).ln();
    assert!((j.log_abs_det.unwrap() - expected).abs() < 1e-12 * expected.abs());
    let moduli = dg.complex_eigenvalues().map(|z| z.norm());
    assert!((moduli.max() - j.spectral_radius.unwrap()).abs() < 1e-10);
}

#[test]
fn without_regularization_the_top_pair_is_degenerate() {
    let a = data();
    let (sigma, u, v) = singular_triples(&a).swap_remove(0);
    let f = Pca { a, lambda: 0.0 };
    // (x, y) -> (t x, y / t) leaves f unchanged: a zero Hessian eigenvalue.
    let d = diagnose(&f, &(u * sigma.sqrt()), &(v * sigma.sqrt())).unwrap();
    assert_eq!(d.verdict, Verdict::Degenerate, "{d}");
    assert!(d.hessian.min.abs() <= d.curvature_threshold);
}

#[test]
fn away_from_stationary_points_the_verdict_says_so() {
    let f = Pca {
        a: data(),
        lambda: 0.1,
    };
    let x = DVector::from_element(12, 0.3);
    let y = DVector::from_element(9, -0.2);
    let d = diagnose(&f, &x, &y).unwrap();
    assert_eq!(d.verdict, Verdict::NotStationary);
    assert!(d.gradient_norm > d.stationarity_threshold);
    assert!(close(
        d.gradient_norm,
        f.grad_x(&x, &y).norm().hypot(f.grad_y(&x, &y).norm()),
        1e-15
    ));
}

#[test]
fn a_stalled_schur_iteration_falls_back_to_repeated_squaring() {
    // At the last pair with sigma_9 = 2 lambda and beta = 1, nalgebra's real
    // Schur iteration stalls on Dg_beta; its spectral radius still comes
    // back, and agrees with the power method.
    let a = data();
    let triples = singular_triples(&a);
    let lambda = 0.5 * triples[8].0;
    let f = Pca { a, lambda };
    let (sigma, u, v) = &triples[8];
    let scale = (sigma - lambda).sqrt();
    let j = Diagnose::new(&f)
        .prox_altmin_jacobian(&(u * scale), &(v * scale), 1.0)
        .unwrap();
    let dg = j.matrix.as_ref().unwrap();
    let mut power = dg.clone();
    for _ in 0..2000 {
        power = dg * &power;
        power /= power.norm();
    }
    let expected = (dg * &power).norm();
    let rho = j.spectral_radius.unwrap();
    assert!(
        (rho - expected).abs() < 1e-10 * expected,
        "{rho} vs {expected}"
    );
    assert_eq!(j.is_unstable(), Some(true));
}
