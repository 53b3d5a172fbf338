//! Matrix-free diagnoses: Lanczos against the dense decompositions, and a
//! problem far too large for dense Hessians.

use std::time::Instant;

use nalgebra::DVector;

use super::fixtures::{LowRankPca, Pca, Quartic, close, cosine, normal_matrix, normal_vector};
use crate::bi_objective::BiObjective;
use crate::diagnose::{Diagnose, EigenSolver, Verdict, diagnose};

/// Diagnoses `(x, y)` densely and matrix-free and compares the spectra.
fn compare<F>(f: &F, x: &DVector<f64>, y: &DVector<f64>)
where
    F: BiObjective<X = DVector<f64>, Y = DVector<f64>>,
{
    let dense = Diagnose::new(f).run(x, y).unwrap();
    let free = Diagnose::new(f).with_dense_limit(0).run(x, y).unwrap();
    assert!(dense.is_dense());
    assert!(matches!(free.hessian.solver, EigenSolver::Lanczos { .. }));

    for (name, d, l) in [
        ("H", dense.hessian, free.hessian),
        ("Hxx", dense.hess_xx, free.hess_xx),
        ("Hyy", dense.hess_yy, free.hess_yy),
    ] {
        assert!(l.converged, "{name}: {l:?}");
        assert!(close(l.min, d.min, 1e-8), "{name}: {} vs {}", l.min, d.min);
        assert!(close(l.max, d.max, 1e-8), "{name}: {} vs {}", l.max, d.max);
    }
    let (rho_dense, rho_free) = (
        dense.altmin.spectral_radius().unwrap(),
        free.altmin.spectral_radius().unwrap(),
    );
    assert!(
        close(rho_free, rho_dense, 1e-8),
        "{rho_free} vs {rho_dense}"
    );
    assert_eq!(free.cross.full_rank, dense.cross.full_rank);
    assert!(close(
        free.cross.max_singular_value,
        dense.cross.max_singular_value,
        1e-8
    ));
    assert_eq!(
        free.verdict.is_strict_saddle(),
        dense.verdict.is_strict_saddle()
    );
    if let (Some((dx, dy)), Some((lx, ly))) = (dense.escape_direction(), free.escape_direction()) {
        assert!(cosine(dx, dy, lx, ly).abs() > 1.0 - 1e-8);
    }
}

#[test]
fn lanczos_agrees_with_the_dense_decompositions() {
    let pca = Pca {
        a: normal_matrix(150, 110, 5),
        lambda: 0.3,
    };
    compare(
        &pca,
        &(normal_vector(150, 6) * 0.2),
        &(normal_vector(110, 7) * 0.2),
    );
    compare(&pca, &DVector::zeros(150), &DVector::zeros(110));

    let quartic = Quartic::random(90, 130, 1.5, 9);
    compare(
        &quartic,
        &(normal_vector(90, 10) * 0.3),
        &(normal_vector(130, 11) * 0.3),
    );
    compare(&quartic, &DVector::zeros(90), &DVector::zeros(130));
}

/// The top singular triple of `A` by power iteration on `A^T A`.
fn top_triple(f: &LowRankPca) -> (f64, DVector<f64>, DVector<f64>) {
    let mut v = normal_vector(f.d.len(), 99).normalize();
    for _ in 0..200 {
        v = f.apply_transpose(&f.apply(&v)).normalize();
    }
    let av = f.apply(&v);
    let sigma = av.norm();
    (sigma, av / sigma, v)
}

#[test]
fn twenty_thousand_unknowns_are_diagnosed_from_products_alone() {
    let n = 10_000;
    let lambda = 4.0;
    let f = LowRankPca::new(n, &[40.0, 20.0, 10.0, 5.0], lambda, 21);
    let (sigma, u, v) = top_triple(&f);
    let origin = DVector::zeros(n);

    let started = Instant::now();
    let d = diagnose(&f, &origin, &origin).unwrap();
    eprintln!("diagnosis at n = m = {n}: {:?}\n{d}", started.elapsed());

    let Verdict::StrictSaddle { escape, eigenvalue } = &d.verdict else {
        panic!("expected a strict saddle: {d}");
    };
    assert!(
        close(*eigenvalue, lambda - sigma, 1e-9),
        "{eigenvalue} vs {}",
        lambda - sigma
    );
    assert!(cosine(&escape.0, &escape.1, &u, &v).abs() > 1.0 - 1e-8);
    let rho = d.altmin.spectral_radius().unwrap();
    let expected = (sigma / lambda).powi(2);
    assert!(close(rho, expected, 1e-9), "{rho} vs {expected}");
    assert_eq!(d.prox_altmin.defined, Some(true));
    assert_eq!(d.prox_altmin.spectral_radius, None);
    assert_eq!(d.cross.rank, None);
}
