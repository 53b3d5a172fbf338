//! Damped Newton with Armijo backtracking for non-quadratic blocks.

use nalgebra::DMatrix;

use crate::block::Block;
use crate::error::{BlockId, Error, NonFiniteSource};
use crate::solve::{SubproblemSettings, conjugate_gradient, spd_solve};

/// Armijo's sufficient-decrease constant.
const ARMIJO: f64 = 1e-4;
/// Step halvings tried before a line search gives up.
const MAX_HALVINGS: usize = 60;
/// A Newton step shorter than this many units in the last place of the
/// iterate's norm leaves the iterate where it is.
const STEP_ULPS: f64 = 8.0;

/// Minimizes `phi(v) = value(v) + beta/2 |v - v_prev|^2` (the proximal term
/// only when `prox = Some((beta, v_prev))`) by Newton steps with Armijo
/// backtracking, warm started at `start`.
///
/// Steps come from Cholesky of the dense Hessian for blocks of at most
/// `settings.dense_limit` unknowns and from conjugate gradients on `hvp`
/// above. The iteration stops when `|grad phi|` falls below
/// `settings.rel_tol * max(|grad phi(start)|, 1)`, or when no step can
/// decrease `phi` or move `v` any further and the gradient is already at
/// the level of rounding errors.
///
/// # Errors
///
/// [`Error::NotStronglyConvex`] when the Hessian at an iterate is not
/// positive definite; [`Error::SubproblemNotConverged`] after
/// `settings.max_newton_iter` steps or when the line search fails far from a
/// minimizer; [`Error::NonFinite`] when the derivatives stop being finite.
///
/// ```
/// use altmin_core::{solve::{damped_newton, SubproblemSettings}, BlockId};
/// use altmin_core::nalgebra::DMatrix;
/// // min cosh(v) - v/2, whose minimizer is asinh(1/2)
/// let v = damped_newton(
///     BlockId::X, &3.0_f64, None,
///     |v| v.cosh() - 0.5 * v, |v| v.sinh() - 0.5,
///     |v| DMatrix::from_element(1, 1, v.cosh()), |v, d| v.cosh() * d,
///     &SubproblemSettings::DEFAULT,
/// ).unwrap();
/// assert!((v - 0.5_f64.asinh()).abs() < 1e-14);
/// ```
#[allow(clippy::too_many_arguments)]
pub fn damped_newton<B: Block>(
    block: BlockId,
    start: &B,
    prox: Option<(f64, &B)>,
    value: impl Fn(&B) -> f64,
    grad: impl Fn(&B) -> B,
    hess: impl Fn(&B) -> DMatrix<f64>,
    hvp: impl Fn(&B, &B) -> B,
    settings: &SubproblemSettings,
) -> Result<B, Error> {
    let phi = |v: &B| match prox {
        Some((beta, prev)) => value(v) + 0.5 * beta * distance_squared(v, prev),
        None => value(v),
    };
    let grad_phi = |v: &B| {
        let mut g = grad(v);
        if let Some((beta, prev)) = prox {
            g.add_scaled(beta, v);
            g.add_scaled(-beta, prev);
        }
        g
    };
    let non_finite = || {
        Error::NonFinite(NonFiniteSource::Iterate {
            block,
            iteration: 0,
        })
    };

    let mut v = start.clone();
    let mut g = grad_phi(&v);
    let mut f = phi(&v);
    if !g.all_finite() || !f.is_finite() {
        return Err(non_finite());
    }
    let tol = settings.rel_tol * g.norm().max(1.0);
    // The largest gradient norm taken for rounding error when `phi` or `v`
    // can no longer change.
    let rounding_level = tol.sqrt() * 1e-2;

    for _ in 0..settings.max_newton_iter {
        let g_norm = g.norm();
        if g_norm <= tol {
            return Ok(v);
        }

        // Newton direction d solving (H + beta I) d = -g.
        let mut minus_g = g.clone();
        minus_g.scale_mut(-1.0);
        let beta = prox.map_or(0.0, |(b, _)| b);
        let d = if v.dim() <= settings.dense_limit {
            let mut h = hess(&v);
            for i in 0..h.nrows() {
                h[(i, i)] += beta;
            }
            spd_solve(block, h, &minus_g)?
        } else {
            let inexact = SubproblemSettings {
                rel_tol: (g_norm.sqrt()).min(0.5),
                ..*settings
            };
            let apply = |p: &B| {
                let mut hp = hvp(&v, p);
                hp.add_scaled(beta, p);
                hp
            };
            conjugate_gradient(block, apply, &minus_g, v.zeros_like(), &inexact)?
        };
        // A step below the resolution of `v` cannot improve it: the
        // gradient that is left is rounding error, provided it is small.
        if d.norm() <= STEP_ULPS * f64::EPSILON * v.norm() && g_norm <= rounding_level {
            return Ok(v);
        }
        let slope = g.dot(&d);

        // Backtracking until Armijo's condition holds; near the minimizer
        // the change in phi drowns in rounding, so a full step that reduces
        // the gradient norm is accepted as well.
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..MAX_HALVINGS {
            let mut trial = v.clone();
            trial.add_scaled(t, &d);
            let f_trial = phi(&trial);
            if f_trial.is_finite() && f_trial <= f + ARMIJO * t * slope {
                accepted = Some((trial, f_trial));
                break;
            }
            if t == 1.0 {
                let g_trial = grad_phi(&trial);
                if f_trial.is_finite() && g_trial.all_finite() && g_trial.norm() < 0.5 * g_norm {
                    accepted = Some((trial, f_trial));
                    break;
                }
            }
            t *= 0.5;
        }

        let Some((next, f_next)) = accepted else {
            // No decrease is representable: accept the point if its gradient
            // is at the level of rounding errors.
            if g_norm <= rounding_level {
                return Ok(v);
            }
            return Err(Error::SubproblemNotConverged {
                block,
                iterations: settings.max_newton_iter,
                gradient_norm: g_norm,
            });
        };
        v = next;
        f = f_next;
        g = grad_phi(&v);
        if !g.all_finite() {
            return Err(non_finite());
        }
    }

    let g_norm = g.norm();
    if g_norm <= tol {
        return Ok(v);
    }
    Err(Error::SubproblemNotConverged {
        block,
        iterations: settings.max_newton_iter,
        gradient_norm: g_norm,
    })
}

fn distance_squared<B: Block>(a: &B, b: &B) -> f64 {
    a.as_slice()
        .iter()
        .zip(b.as_slice())
        .map(|(u, v)| (u - v) * (u - v))
        .sum()
}

#[cfg(test)]
mod tests {
    use nalgebra::DVector;

    use super::*;
    use crate::testing::{random_matrix, random_vector};

    /// `phi(v) = log sum_i exp((A v + b)_i) + mu/2 |v|^2`: smooth, strictly
    /// convex and not quadratic.
    struct LogSumExp {
        a: DMatrix<f64>,
        b: DVector<f64>,
        mu: f64,
    }

    impl LogSumExp {
        fn new() -> Self {
            LogSumExp {
                a: random_matrix(40, 10, 1),
                b: random_vector(40, 2),
                mu: 0.1,
            }
        }

        fn softmax(&self, v: &DVector<f64>) -> DVector<f64> {
            let z = &self.a * v + &self.b;
            let top = z.max();
            let e = z.map(|t| (t - top).exp());
            let total = e.sum();
            e / total
        }

        fn value(&self, v: &DVector<f64>) -> f64 {
            let z = &self.a * v + &self.b;
            let top = z.max();
            top + z.map(|t| (t - top).exp()).sum().ln() + 0.5 * self.mu * v.norm_squared()
        }

        fn grad(&self, v: &DVector<f64>) -> DVector<f64> {
            self.a.tr_mul(&self.softmax(v)) + v * self.mu
        }

        fn hess(&self, v: &DVector<f64>) -> DMatrix<f64> {
            let p = self.softmax(v);
            let curvature = DMatrix::from_diagonal(&p) - &p * p.transpose();
            self.a.tr_mul(&(curvature * &self.a)) + DMatrix::identity(10, 10) * self.mu
        }

        fn hvp(&self, v: &DVector<f64>, d: &DVector<f64>) -> DVector<f64> {
            let p = self.softmax(v);
            let ad = &self.a * d;
            let inner = p.component_mul(&ad) - &p * p.dot(&ad);
            self.a.tr_mul(&inner) + d * self.mu
        }

        fn minimize(
            &self,
            start: &DVector<f64>,
            prox: Option<(f64, &DVector<f64>)>,
            settings: &SubproblemSettings,
        ) -> Result<DVector<f64>, Error> {
            damped_newton(
                BlockId::X,
                start,
                prox,
                |v| self.value(v),
                |v| self.grad(v),
                |v| self.hess(v),
                |v, d| self.hvp(v, d),
                settings,
            )
        }
    }

    #[test]
    fn log_sum_exp_ridge_to_a_tiny_gradient() {
        let phi = LogSumExp::new();
        let matrix_free = SubproblemSettings {
            dense_limit: 0,
            ..SubproblemSettings::DEFAULT
        };
        for settings in [SubproblemSettings::DEFAULT, matrix_free] {
            for start in [DVector::zeros(10), random_vector(10, 3) * 3.0] {
                let v = phi.minimize(&start, None, &settings).unwrap();
                let bound = 1e-12 * phi.grad(&start).norm().max(1.0);
                assert!(phi.grad(&v).norm() <= bound, "{}", phi.grad(&v).norm());
            }
        }
    }

    #[test]
    fn the_proximal_term_is_minimized_too() {
        let phi = LogSumExp::new();
        let prev = random_vector(10, 4);
        let beta = 2.5;
        let v = phi
            .minimize(&prev, Some((beta, &prev)), &SubproblemSettings::DEFAULT)
            .unwrap();
        let g = phi.grad(&v) + (&v - &prev) * beta;
        let g0 = phi.grad(&prev).norm().max(1.0);
        assert!(g.norm() <= 1e-12 * g0, "{}", g.norm());
        assert!(phi.value(&v) + 0.5 * beta * (&v - &prev).norm_squared() <= phi.value(&prev));
    }

    #[test]
    fn a_gradient_left_at_rounding_level_is_convergence() {
        // Rosenbrock's x-subproblem where ProxAltMin meets it, with
        // beta = 4281: one unit in the last place of x moves the proximal
        // term's gradient by about 1e-12, so the gradient cannot be brought
        // below the 1e-12 asked for, and Newton's steps shrink below the
        // resolution of x instead.
        let (prev, y_prev, beta) = (-1.0334032378593316, 1.0758841525788774, 4280.910002474269);
        let y = (200.0 * prev * prev + beta * y_prev) / (200.0 + beta);
        let gradient = |x: f64| 2.0 * (x - 1.0) - 400.0 * x * (y - x * x);
        let curvature = |x: f64| 2.0 - 400.0 * y + 1200.0 * x * x;
        let x = damped_newton(
            BlockId::X,
            &prev,
            Some((beta, &prev)),
            |x| (x - 1.0).powi(2) + 100.0 * (y - x * x).powi(2),
            |x| gradient(*x),
            |x| DMatrix::from_element(1, 1, curvature(*x)),
            |x, d| curvature(*x) * d,
            &SubproblemSettings::DEFAULT,
        )
        .unwrap();
        let g = gradient(x) + beta * (x - prev);
        assert!(g.abs() < 1e-11, "gradient {g:e} left at {x}");
        assert!(x != prev);
    }

    #[test]
    fn negative_curvature_is_an_error() {
        let start = DVector::from_element(3, 0.1);
        let err = damped_newton(
            BlockId::Y,
            &start,
            None,
            |v: &DVector<f64>| v.map(f64::cos).sum(),
            |v| -v.map(f64::sin),
            |v| DMatrix::from_diagonal(&-v.map(f64::cos)),
            |v, d| -v.map(f64::cos).component_mul(d),
            &SubproblemSettings::DEFAULT,
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::NotStronglyConvex {
                block: BlockId::Y,
                min_eigenvalue: -0.1_f64.cos()
            }
        );
    }

    #[test]
    fn the_iteration_cap_is_an_error_with_the_gradient_reached() {
        // min cosh(v) - v/2 from far away needs several Newton steps.
        let settings = SubproblemSettings {
            max_newton_iter: 2,
            ..SubproblemSettings::DEFAULT
        };
        let result = damped_newton(
            BlockId::Y,
            &8.0_f64,
            None,
            |v| v.cosh() - 0.5 * v,
            |v| v.sinh() - 0.5,
            |v| DMatrix::from_element(1, 1, v.cosh()),
            |v, d| v.cosh() * d,
            &settings,
        );
        let Err(Error::SubproblemNotConverged {
            block,
            iterations,
            gradient_norm,
        }) = result
        else {
            panic!("expected the cap to stop Newton: {result:?}");
        };
        assert_eq!((block, iterations), (BlockId::Y, 2));
        // Two Newton steps from 8 leave v near 6, where |sinh(v) - 1/2| > 100.
        assert!(gradient_norm > 100.0, "{gradient_norm}");
    }
}
