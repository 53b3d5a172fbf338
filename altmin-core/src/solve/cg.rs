//! Conjugate gradients on Hessian-vector products.

use crate::block::Block;
use crate::error::{BlockId, Error, NonFiniteSource};
use crate::solve::SubproblemSettings;

/// Solves `A v = rhs` for a symmetric positive definite operator given only
/// by its products `apply(v) = A v`, starting from `start`, to a residual of
/// `settings.rel_tol` relative to `|rhs|`.
///
/// # Errors
///
/// [`Error::NotStronglyConvex`] when a direction of non-positive curvature
/// appears (its Rayleigh quotient, an upper bound of the smallest eigenvalue,
/// is reported); [`Error::SubproblemNotConverged`] when the iteration limit
/// is reached first; [`Error::NonFinite`] when a product is not finite.
///
/// ```
/// use altmin_core::nalgebra::{DMatrix, DVector};
/// use altmin_core::{solve::{conjugate_gradient, SubproblemSettings}, BlockId};
/// let a = DMatrix::from_row_slice(2, 2, &[4.0, 1.0, 1.0, 3.0]);
/// let b = DVector::from_vec(vec![1.0, 2.0]);
/// let v = conjugate_gradient(
///     BlockId::X, |v: &DVector<f64>| &a * v, &b, DVector::zeros(2), &SubproblemSettings::DEFAULT,
/// ).unwrap();
/// assert!((&a * &v - &b).norm() < 1e-12);
/// ```
pub fn conjugate_gradient<B: Block>(
    block: BlockId,
    mut apply: impl FnMut(&B) -> B,
    rhs: &B,
    start: B,
    settings: &SubproblemSettings,
) -> Result<B, Error> {
    let target = settings.rel_tol * rhs.norm();
    let max_iter = settings.cg_max_iter(rhs.dim());
    if rhs.norm_squared() == 0.0 {
        // The unique solution of a definite system with zero right-hand side.
        return Ok(rhs.zeros_like());
    }

    let mut v = start;
    let mut r = rhs.clone();
    r.add_scaled(-1.0, &apply(&v));
    let mut p = r.clone();
    let mut rr = r.norm_squared();

    for _ in 0..max_iter {
        if rr.sqrt() <= target {
            return Ok(v);
        }
        let ap = apply(&p);
        let curvature = p.dot(&ap);
        if !curvature.is_finite() {
            return Err(Error::NonFinite(NonFiniteSource::Iterate {
                block,
                iteration: 0,
            }));
        }
        if curvature <= 0.0 {
            return Err(Error::NotStronglyConvex {
                block,
                min_eigenvalue: curvature / p.norm_squared(),
            });
        }
        let alpha = rr / curvature;
        v.add_scaled(alpha, &p);
        r.add_scaled(-alpha, &ap);
        let rr_next = r.norm_squared();
        p.scale_mut(rr_next / rr);
        p.add_scaled(1.0, &r);
        rr = rr_next;
    }

    if rr.sqrt() <= target {
        return Ok(v);
    }
    Err(Error::SubproblemNotConverged {
        block,
        iterations: max_iter,
        gradient_norm: rr.sqrt(),
    })
}

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, DVector};

    use super::*;
    use crate::testing::{random_matrix, random_vector};

    #[test]
    fn agrees_with_a_dense_solve() {
        let b = random_matrix(80, 80, 3);
        let a = b.tr_mul(&b) + DMatrix::identity(80, 80) * 10.0;
        let rhs = random_vector(80, 4);
        let reference = a.clone().cholesky().unwrap().solve(&rhs);
        let settings = SubproblemSettings::DEFAULT;
        for start in [DVector::zeros(80), random_vector(80, 5)] {
            let v = conjugate_gradient(BlockId::X, |p| &a * p, &rhs, start, &settings).unwrap();
            assert!((&v - &reference).norm() < 1e-10 * reference.norm());
        }
    }

    #[test]
    fn zero_right_hand_side_gives_zero() {
        let v = conjugate_gradient(
            BlockId::X,
            |p: &DVector<f64>| p * 2.0,
            &DVector::zeros(3),
            DVector::from_element(3, 1.0),
            &SubproblemSettings::DEFAULT,
        );
        assert_eq!(v, Ok(DVector::zeros(3)));
    }

    #[test]
    fn negative_curvature_and_stalls_are_errors() {
        let a = DMatrix::from_diagonal(&DVector::from_vec(vec![1.0, -3.0, 2.0]));
        let err = conjugate_gradient(
            BlockId::Y,
            |p| &a * p,
            &DVector::from_element(3, 1.0),
            DVector::zeros(3),
            &SubproblemSettings::DEFAULT,
        )
        .unwrap_err();
        let Error::NotStronglyConvex { min_eigenvalue, .. } = err else {
            panic!("unexpected {err}");
        };
        assert!((-3.0..=0.0).contains(&min_eigenvalue));

        // A spread-out spectrum and a 50-iteration budget.
        let diagonal = DVector::from_fn(2000, |i, _| 10f64.powf(8.0 * i as f64 / 1999.0));
        let settings = SubproblemSettings {
            rel_tol: 1e-14,
            cg_iter_per_unknown: 0,
            ..SubproblemSettings::DEFAULT
        };
        let err = conjugate_gradient(
            BlockId::X,
            |p: &DVector<f64>| p.component_mul(&diagonal),
            &DVector::from_element(2000, 1.0),
            DVector::zeros(2000),
            &settings,
        )
        .unwrap_err();
        assert!(matches!(
            err,
            Error::SubproblemNotConverged { iterations: 50, .. }
        ));
    }

    #[test]
    fn reaches_the_relative_residual_it_is_set_to() {
        let settings = SubproblemSettings::DEFAULT;
        assert_eq!(settings.rel_tol, 1e-12);
        let check = |apply: &dyn Fn(&DVector<f64>) -> DVector<f64>, b: &DVector<f64>, what| {
            let v = conjugate_gradient(BlockId::Y, apply, b, b.zeros_like(), &settings).unwrap();
            let residual = (apply(&v) - b).norm() / b.norm();
            // The recursive residual stops the iteration; the true one
            // agrees with it to rounding.
            assert!(residual <= 2e-12, "{what}: relative residual {residual:e}");
        };
        // Eigenvalues spread evenly in log scale over `decades` decades.
        let spectrum = |n: usize, decades: f64| {
            DVector::from_fn(n, |i, _| 10f64.powf(decades * i as f64 / (n - 1) as f64))
        };

        // A dense SPD matrix in a random basis, condition number 1e2.
        let n = 120;
        let q = random_matrix(n, n, 31).qr().q();
        let a = &q * DMatrix::from_diagonal(&spectrum(n, 2.0)) * q.transpose();
        check(&|v| &a * v, &random_vector(n, 32), "dense, 1e2");

        // Operators the size of the blocks CG is used for, up to 1e4.
        let n = 3000;
        for decades in [2.0, 4.0] {
            let d = spectrum(n, decades);
            check(&|v| d.component_mul(v), &random_vector(n, 33), "diagonal");
        }
    }
}
