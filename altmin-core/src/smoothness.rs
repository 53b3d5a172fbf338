//! Bi-smoothness: sampled estimates of the constant `L_f` that bounds the
//! block Hessians' norms, from which ProxAltMin takes `beta > L_f`.

use std::fmt;

use nalgebra::DMatrix;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::bi_objective::BiObjective;
use crate::block::Block;
use crate::error::{BlockId, Error, NonFiniteSource};
use crate::solve::SubproblemSettings;

/// Doublings of the trial distance along a ray before its search stops.
const MAX_DOUBLINGS: usize = 30;
/// Bisections locating where a ray leaves the sublevel set.
const BISECTIONS: usize = 8;

/// How [`estimate_lipschitz`] samples the sublevel set and measures the block
/// Hessians.
///
/// ```
/// use altmin_core::SmoothnessSettings;
/// let s = SmoothnessSettings { samples: 16, ..SmoothnessSettings::DEFAULT };
/// assert!(s.validate().is_ok());
/// assert!(SmoothnessSettings { safety_factor: 1.0, ..s }.validate().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SmoothnessSettings {
    /// Points of the sublevel set sampled besides the given point.
    pub samples: usize,
    /// The first trial distance along each sampling ray, relative to
    /// `max(1, |z|)`.
    pub radius: f64,
    /// Seed of the random directions and of the Lanczos start vectors.
    pub seed: u64,
    /// The implied `beta` is `safety_factor * L_f`; must exceed 1.
    pub safety_factor: f64,
    /// The smallest implied `beta`, for objectives whose block Hessians
    /// vanish on the samples.
    pub min_beta: f64,
    /// Largest block whose Hessian is formed densely and decomposed; above
    /// it, Lanczos on Hessian-vector products.
    pub dense_limit: usize,
    /// Lanczos steps for blocks above `dense_limit`.
    pub lanczos_steps: usize,
}

impl SmoothnessSettings {
    /// Eight samples, a first trial distance of a tenth of the point's norm,
    /// a safety factor of 1.1 and the block solvers' dense limit.
    ///
    /// ```
    /// use altmin_core::{solve::SubproblemSettings, SmoothnessSettings};
    /// let s = SmoothnessSettings::DEFAULT;
    /// assert_eq!((s.samples, s.safety_factor), (8, 1.1));
    /// assert_eq!(s.dense_limit, SubproblemSettings::DEFAULT.dense_limit);
    /// ```
    pub const DEFAULT: SmoothnessSettings = SmoothnessSettings {
        samples: 8,
        radius: 0.1,
        seed: 0x5eed,
        safety_factor: 1.1,
        min_beta: 1e-6,
        dense_limit: SubproblemSettings::DEFAULT.dense_limit,
        lanczos_steps: 40,
    };

    /// Checks every setting against its domain.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] naming the first setting out of its domain.
    ///
    /// ```
    /// use altmin_core::{Error, SmoothnessSettings};
    /// let s = SmoothnessSettings { radius: 0.0, ..SmoothnessSettings::DEFAULT };
    /// assert!(matches!(s.validate(), Err(Error::InvalidSetting { name: "radius", .. })));
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |name, value, requirement| {
            Err(Error::InvalidSetting {
                name,
                value,
                requirement,
            })
        };
        if !(self.radius.is_finite() && self.radius > 0.0) {
            return invalid("radius", self.radius, "must be positive and finite");
        }
        if !(self.safety_factor.is_finite() && self.safety_factor > 1.0) {
            return invalid(
                "safety_factor",
                self.safety_factor,
                "must exceed 1, so that beta > L_f",
            );
        }
        if !(self.min_beta.is_finite() && self.min_beta > 0.0) {
            return invalid("min_beta", self.min_beta, "must be positive and finite");
        }
        if self.lanczos_steps == 0 {
            return invalid("lanczos_steps", 0.0, "must be at least 1");
        }
        Ok(())
    }
}

impl Default for SmoothnessSettings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// An estimate of the bi-smoothness constant `L_f` on a sublevel set, and
/// the proximal weight it implies.
///
/// ```
/// use altmin_core::LipschitzEstimate;
/// let e = LipschitzEstimate { lipschitz: 2.0, at_start: 1.5, level: 0.3, points: 9, beta: 2.2 };
/// assert!(e.to_string().contains("9 points"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LipschitzEstimate {
    /// The largest block Hessian norm found, `max(|Hxx|_2, |Hyy|_2)` over
    /// the sampled points.
    pub lipschitz: f64,
    /// The same at the given point alone.
    pub at_start: f64,
    /// The level `f(x, y)` of the sampled sublevel set.
    pub level: f64,
    /// Points sampled, the given point included.
    pub points: usize,
    /// The implied proximal weight, `safety_factor * lipschitz` (at least
    /// `min_beta`).
    pub beta: f64,
}

impl fmt::Display for LipschitzEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "L_f >= {:.4e} on {} points of {{f <= {:.4e}}} ({:.4e} at the start), beta = {:.4e}",
            self.lipschitz, self.points, self.level, self.at_start, self.beta
        )
    }
}

/// Estimates `L_f`, the bound on the block Hessians' spectral norms, on the
/// sublevel set `{f <= f(x, y)}`, and the proximal weight `beta > L_f`.
///
/// The norms `|Hxx|_2` and `|Hyy|_2` are measured at `(x, y)` and at
/// `settings.samples` points of the sublevel set: each lies on a seeded
/// random ray from `(x, y)`, pointed downhill, where the ray leaves the set
/// (found by doubling and bisection), since that is where the Hessians of
/// coercive objectives grow. Blocks of at most `settings.dense_limit`
/// unknowns use the dense Hessian's eigenvalues; larger ones use Lanczos on
/// Hessian-vector products. A sample whose Hessians are not finite is
/// skipped.
///
/// The result is a lower bound of the supremum over the set, so
/// `safety_factor` adds a margin; ProxAltMin also raises `beta` if a
/// subproblem turns out not strongly convex.
///
/// # Errors
///
/// [`Error::InvalidSetting`] for invalid settings, the objective's
/// [`check_dims`](BiObjective::check_dims) error, and [`Error::NonFinite`]
/// when the value, the gradient or a block Hessian is not finite at
/// `(x, y)`.
///
/// ```
/// # use altmin_core::prelude::*;
/// # #[derive(Debug)]
/// # struct Scalar;
/// # impl BiObjective for Scalar {
/// #     type X = f64;
/// #     type Y = f64;
/// #     fn value(&self, x: &f64, y: &f64) -> f64 {
/// #         (x * y - 1.0).powi(2) + 0.1 * (x * x + y * y)
/// #     }
/// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { 2.0 * (x * y - 1.0) * y + 0.2 * x }
/// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { 2.0 * (x * y - 1.0) * x + 0.2 * y }
/// #     fn hess_xx(&self, _: &f64, y: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 2.0 * y * y + 0.2)
/// #     }
/// #     fn hess_yy(&self, x: &f64, _: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 2.0 * x * x + 0.2)
/// #     }
/// #     fn hess_xy(&self, x: &f64, y: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 4.0 * x * y - 2.0)
/// #     }
/// #     fn hvp_xx(&self, _: &f64, y: &f64, v: &f64) -> f64 { (2.0 * y * y + 0.2) * v }
/// #     fn hvp_yy(&self, x: &f64, _: &f64, v: &f64) -> f64 { (2.0 * x * x + 0.2) * v }
/// #     fn hvp_xy(&self, x: &f64, y: &f64, v: &f64) -> f64 { (4.0 * x * y - 2.0) * v }
/// #     fn hvp_yx(&self, x: &f64, y: &f64, v: &f64) -> f64 { (4.0 * x * y - 2.0) * v }
/// # }
/// use altmin_core::{estimate_lipschitz, SmoothnessSettings};
///
/// // f(x, y) = (xy - 1)^2 + 0.1 (x^2 + y^2): |Hxx| = 2y^2 + 0.2 = 8.2 at y = 2
/// let e = estimate_lipschitz(&Scalar, &1.0, &2.0, &SmoothnessSettings::DEFAULT)?;
/// assert!((e.at_start - 8.2).abs() < 1e-12);
/// assert!(e.lipschitz >= e.at_start);
/// assert!(e.beta > e.lipschitz);
/// # Ok::<(), altmin_core::Error>(())
/// ```
pub fn estimate_lipschitz<F: BiObjective + ?Sized>(
    f: &F,
    x: &F::X,
    y: &F::Y,
    settings: &SmoothnessSettings,
) -> Result<LipschitzEstimate, Error> {
    settings.validate()?;
    f.check_dims(x, y)?;
    let level = f.value(x, y);
    let gx = f.grad_x(x, y);
    let gy = f.grad_y(x, y);
    if !(level.is_finite() && gx.all_finite() && gy.all_finite()) {
        return Err(Error::NonFinite(NonFiniteSource::Value { iteration: 0 }));
    }
    let mut rng = StdRng::seed_from_u64(settings.seed);

    let at_start = hessian_norms(f, x, y, settings, &mut rng)?.max();
    let mut lipschitz = at_start;
    let mut points = 1;
    for _ in 0..settings.samples {
        let Some((px, py)) = sublevel_point(f, (x, y), (&gx, &gy), level, settings, &mut rng)
        else {
            continue;
        };
        match hessian_norms(f, &px, &py, settings, &mut rng) {
            Ok(norms) => {
                lipschitz = lipschitz.max(norms.max());
                points += 1;
            }
            Err(error) => log::debug!("smoothness: sample skipped: {error}"),
        }
    }

    let beta = (settings.safety_factor * lipschitz).max(settings.min_beta);
    Ok(LipschitzEstimate {
        lipschitz,
        at_start,
        level,
        points,
        beta,
    })
}

/// The spectral norms `(|Hxx|_2, |Hyy|_2)` of the block Hessians at
/// `(x, y)`: dense eigenvalues up to `settings.dense_limit` unknowns, Lanczos
/// on Hessian-vector products above (seeded by `settings.seed`).
///
/// # Errors
///
/// [`Error::NonFinite`] naming the block whose Hessian holds a NaN or an
/// infinity.
///
/// ```
/// # use altmin_core::prelude::*;
/// # #[derive(Debug)]
/// # struct Scalar;
/// # impl BiObjective for Scalar {
/// #     type X = f64;
/// #     type Y = f64;
/// #     fn value(&self, x: &f64, y: &f64) -> f64 { x * x * y * y - 3.0 * x * x }
/// #     fn grad_x(&self, x: &f64, y: &f64) -> f64 { 2.0 * x * y * y - 6.0 * x }
/// #     fn grad_y(&self, x: &f64, y: &f64) -> f64 { 2.0 * x * x * y }
/// #     fn hess_xx(&self, _: &f64, y: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 2.0 * y * y - 6.0)
/// #     }
/// #     fn hess_yy(&self, x: &f64, _: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 2.0 * x * x)
/// #     }
/// #     fn hess_xy(&self, x: &f64, y: &f64) -> DMatrix<f64> {
/// #         DMatrix::from_element(1, 1, 4.0 * x * y)
/// #     }
/// #     fn hvp_xx(&self, _: &f64, y: &f64, v: &f64) -> f64 { (2.0 * y * y - 6.0) * v }
/// #     fn hvp_yy(&self, x: &f64, _: &f64, v: &f64) -> f64 { 2.0 * x * x * v }
/// #     fn hvp_xy(&self, x: &f64, y: &f64, v: &f64) -> f64 { 4.0 * x * y * v }
/// #     fn hvp_yx(&self, x: &f64, y: &f64, v: &f64) -> f64 { 4.0 * x * y * v }
/// # }
/// use altmin_core::{block_hessian_norms, SmoothnessSettings};
/// // Hxx = 2y^2 - 6 = -6 and Hyy = 2x^2 = 2 at (1, 0)
/// let (hx, hy) = block_hessian_norms(&Scalar, &1.0, &0.0, &SmoothnessSettings::DEFAULT)?;
/// assert_eq!((hx, hy), (6.0, 2.0));
/// # Ok::<(), altmin_core::Error>(())
/// ```
pub fn block_hessian_norms<F: BiObjective + ?Sized>(
    f: &F,
    x: &F::X,
    y: &F::Y,
    settings: &SmoothnessSettings,
) -> Result<(f64, f64), Error> {
    let mut rng = StdRng::seed_from_u64(settings.seed);
    let norms = hessian_norms(f, x, y, settings, &mut rng)?;
    Ok((norms.x, norms.y))
}

/// The two block Hessian norms at one point.
#[derive(Clone, Copy, Debug)]
struct Norms {
    x: f64,
    y: f64,
}

impl Norms {
    fn max(self) -> f64 {
        self.x.max(self.y)
    }
}

fn hessian_norms<F: BiObjective + ?Sized>(
    f: &F,
    x: &F::X,
    y: &F::Y,
    settings: &SmoothnessSettings,
    rng: &mut StdRng,
) -> Result<Norms, Error> {
    let non_finite = |block| Error::NonFinite(NonFiniteSource::Hessian { block });
    let nx = spectral_norm(x, || f.hess_xx(x, y), |v| f.hvp_xx(x, y, v), settings, rng)
        .ok_or(non_finite(BlockId::X))?;
    let ny = spectral_norm(y, || f.hess_yy(x, y), |v| f.hvp_yy(x, y, v), settings, rng)
        .ok_or(non_finite(BlockId::Y))?;
    Ok(Norms { x: nx, y: ny })
}

/// The spectral norm of a block's symmetric Hessian, or `None` if it is not
/// finite.
fn spectral_norm<B: Block, R: Rng + ?Sized>(
    block: &B,
    hess: impl FnOnce() -> DMatrix<f64>,
    hvp: impl Fn(&B) -> B,
    settings: &SmoothnessSettings,
    rng: &mut R,
) -> Option<f64> {
    let dim = block.dim();
    if dim == 0 {
        return Some(0.0);
    }
    if dim <= settings.dense_limit {
        let h = hess();
        if !h.iter().all(|v| v.is_finite()) {
            return None;
        }
        return Some(h.symmetric_eigenvalues().amax());
    }
    let start = B::random(block.shape_of(), rng).unwrap_or_else(|| {
        let mut ones = block.zeros_like();
        ones.as_mut_slice().fill(1.0);
        ones
    });
    let (low, high) = lanczos_extremes(hvp, start, settings.lanczos_steps)?;
    Some(low.abs().max(high.abs()))
}

/// The extreme Ritz values `(min, max)` of a symmetric operator after at
/// most `steps` Lanczos steps from `start`, or `None` if a product is not
/// finite.
///
/// The plain three-term recurrence is kept without reorthogonalization: the
/// lost orthogonality duplicates converged Ritz values but leaves the
/// extreme ones accurate, and the memory stays at three blocks.
fn lanczos_extremes<B: Block>(
    apply: impl Fn(&B) -> B,
    start: B,
    steps: usize,
) -> Option<(f64, f64)> {
    let norm = start.norm();
    if !(norm.is_finite() && norm > 0.0) {
        return None;
    }
    let mut q = start;
    q.scale_mut(1.0 / norm);
    let mut q_prev = q.zeros_like();
    let mut beta_prev = 0.0;
    let mut alphas = Vec::with_capacity(steps);
    let mut betas = Vec::with_capacity(steps);

    for _ in 0..steps.min(q.dim()) {
        // w = A q_j - alpha_j q_j - beta_{j-1} q_{j-1}
        let mut w = apply(&q);
        let alpha = q.dot(&w);
        w.add_scaled(-alpha, &q);
        w.add_scaled(-beta_prev, &q_prev);
        let beta = w.norm();
        if !(alpha.is_finite() && beta.is_finite()) {
            return None;
        }
        alphas.push(alpha);
        if beta <= f64::EPSILON * alpha.abs().max(beta_prev) {
            break;
        }
        betas.push(beta);
        w.scale_mut(1.0 / beta);
        q_prev = std::mem::replace(&mut q, w);
        beta_prev = beta;
    }

    // The extreme eigenvalues of the tridiagonal matrix of the recurrence.
    let k = alphas.len();
    let tridiagonal = DMatrix::from_fn(k, k, |i, j| match i.abs_diff(j) {
        0 => alphas[i],
        1 => betas[i.min(j)],
        _ => 0.0,
    });
    let ritz = tridiagonal.symmetric_eigenvalues();
    Some((ritz.min(), ritz.max()))
}

/// A point of `{f <= level}` where a seeded random downhill ray from `z`
/// leaves it, or `None` when the ray leaves at once.
fn sublevel_point<F: BiObjective + ?Sized>(
    f: &F,
    (x, y): (&F::X, &F::Y),
    (gx, gy): (&F::X, &F::Y),
    level: f64,
    settings: &SmoothnessSettings,
    rng: &mut StdRng,
) -> Option<(F::X, F::Y)> {
    let mut dx = F::X::random(x.shape_of(), rng)?;
    let mut dy = F::Y::random(y.shape_of(), rng)?;
    let norm = (dx.norm_squared() + dy.norm_squared()).sqrt();
    if !(norm.is_finite() && norm > 0.0) {
        return None;
    }
    let downhill = if gx.dot(&dx) + gy.dot(&dy) > 0.0 {
        -1.0
    } else {
        1.0
    };
    dx.scale_mut(downhill / norm);
    dy.scale_mut(downhill / norm);
    let at = |t: f64| {
        let mut px = x.clone();
        px.add_scaled(t, &dx);
        let mut py = y.clone();
        py.add_scaled(t, &dy);
        (px, py)
    };
    let inside = |t: f64| {
        let (px, py) = at(t);
        f.value(&px, &py) <= level
    };

    // Double the distance until the ray leaves the set, then bisect.
    let scale = (x.norm_squared() + y.norm_squared()).sqrt().max(1.0);
    let mut inner = 0.0;
    let mut outer = None;
    let mut t = settings.radius * scale;
    for _ in 0..MAX_DOUBLINGS {
        if inside(t) {
            inner = t;
            t *= 2.0;
        } else {
            outer = Some(t);
            break;
        }
    }
    if let Some(mut outer) = outer {
        for _ in 0..BISECTIONS {
            let mid = 0.5 * (inner + outer);
            if inside(mid) {
                inner = mid;
            } else {
                outer = mid;
            }
        }
    }
    (inner > 0.0).then(|| at(inner))
}

#[cfg(test)]
mod tests {
    use nalgebra::DVector;

    use super::*;
    use crate::testing::{DoubleWell, QuarticSaddle, Rank1Pca, random_matrix, random_vector};

    fn pca() -> Rank1Pca {
        Rank1Pca {
            a: random_matrix(30, 20, 1),
            lambda: 0.5,
        }
    }

    #[test]
    fn rank1_pca_start_norms_are_the_closed_forms() {
        let f = pca();
        let x = random_vector(30, 2);
        let y = random_vector(20, 3);
        let settings = SmoothnessSettings::DEFAULT;
        let e = estimate_lipschitz(&f, &x, &y, &settings).unwrap();

        // Hxx = (|y|^2 + lambda) I and Hyy = (|x|^2 + lambda) I
        let (hx, hy) = block_hessian_norms(&f, &x, &y, &settings).unwrap();
        assert!((hx - (y.norm_squared() + 0.5)).abs() < 1e-12 * hx);
        assert!((hy - (x.norm_squared() + 0.5)).abs() < 1e-12 * hy);
        assert_eq!(e.at_start, hx.max(hy));
        assert!(e.lipschitz >= e.at_start);
        assert_eq!(e.points, settings.samples + 1);
        assert_eq!(e.beta, 1.1 * e.lipschitz);
        assert_eq!(e.level, f.value(&x, &y));
        assert_eq!(e, estimate_lipschitz(&f, &x, &y, &settings).unwrap());
    }

    #[test]
    fn lanczos_agrees_with_the_dense_eigenvalues() {
        let f = DoubleWell {
            c: random_matrix(40, 30, 4),
        };
        let x = random_vector(40, 5);
        let y = random_vector(30, 6) * 0.1;
        let dense = block_hessian_norms(&f, &x, &y, &SmoothnessSettings::DEFAULT).unwrap();
        let matrix_free = SmoothnessSettings {
            dense_limit: 0,
            ..SmoothnessSettings::DEFAULT
        };
        let lanczos = block_hessian_norms(&f, &x, &y, &matrix_free).unwrap();
        assert!((dense.0 - lanczos.0).abs() < 1e-10 * dense.0);
        assert!((dense.1 - lanczos.1).abs() < 1e-10 * dense.1);
        // Hyy = (|y|^2 - 1) I + 2 y y^T has eigenvalues |y|^2 - 1 and 3|y|^2 - 1
        let r = y.norm_squared();
        assert!((dense.1 - (r - 1.0).abs().max((3.0 * r - 1.0).abs())).abs() < 1e-12);
    }

    #[test]
    fn lanczos_extremes_match_a_dense_spectrum() {
        let b = random_matrix(60, 60, 7);
        let a = &b + b.transpose();
        let eigen = a.symmetric_eigenvalues();
        let start = random_vector(60, 8);
        let (low, high) = lanczos_extremes(|v: &DVector<f64>| &a * v, start, 60).unwrap();
        assert!((low - eigen.min()).abs() < 1e-8 * eigen.amax());
        assert!((high - eigen.max()).abs() < 1e-8 * eigen.amax());
    }

    #[test]
    fn non_finite_hessians_are_reported() {
        let mut rng = StdRng::seed_from_u64(1);
        let nan = || DMatrix::from_element(1, 1, f64::NAN);
        let settings = SmoothnessSettings::DEFAULT;
        assert_eq!(spectral_norm(&1.0, nan, |v| *v, &settings, &mut rng), None);
        let matrix_free = SmoothnessSettings {
            dense_limit: 0,
            ..settings
        };
        let nan_hvp = |_: &f64| f64::NAN;
        assert_eq!(
            spectral_norm(&1.0, nan, nan_hvp, &matrix_free, &mut rng),
            None
        );
    }

    #[test]
    fn samples_stay_in_the_sublevel_set() {
        let f = QuarticSaddle;
        let (x, y) = (0.9, -0.2);
        let level = f.value(&x, &y);
        let (gx, gy) = (f.grad_x(&x, &y), f.grad_y(&x, &y));
        let settings = SmoothnessSettings::DEFAULT;
        let mut rng = StdRng::seed_from_u64(2);
        let mut found = 0;
        for _ in 0..50 {
            if let Some((px, py)) =
                sublevel_point(&f, (&x, &y), (&gx, &gy), level, &settings, &mut rng)
            {
                assert!(f.value(&px, &py) <= level);
                found += 1;
            }
        }
        assert!(found >= 45, "only {found} samples");
    }

    #[test]
    fn quartic_saddle_estimate_is_near_the_supremum_on_the_set() {
        let f = QuarticSaddle;
        let (x, y) = (0.9, -0.2);
        let level = f.value(&x, &y);
        let settings = SmoothnessSettings {
            samples: 32,
            ..SmoothnessSettings::DEFAULT
        };
        let e = estimate_lipschitz(&f, &x, &y, &settings).unwrap();

        // The supremum of max(fxx, fyy) over a fine grid of the sublevel set.
        let mut supremum: f64 = 0.0;
        for i in 0..=800 {
            for j in 0..=800 {
                let (u, v) = (-2.0 + 0.005 * f64::from(i), -2.0 + 0.005 * f64::from(j));
                if f.value(&u, &v) <= level {
                    let h = QuarticSaddle::hessian(u, v);
                    supremum = supremum.max(h[(0, 0)]).max(h[(1, 1)]);
                }
            }
        }
        assert!(e.lipschitz <= supremum * 1.02, "{e} above {supremum}");
        assert!(e.lipschitz >= supremum * 0.8, "{e} far below {supremum}");
    }

    #[test]
    fn invalid_settings_are_rejected() {
        let f = QuarticSaddle;
        let cases = [
            (
                "radius",
                SmoothnessSettings {
                    radius: -1.0,
                    ..Default::default()
                },
            ),
            (
                "safety_factor",
                SmoothnessSettings {
                    safety_factor: 0.5,
                    ..Default::default()
                },
            ),
            (
                "min_beta",
                SmoothnessSettings {
                    min_beta: 0.0,
                    ..Default::default()
                },
            ),
            (
                "lanczos_steps",
                SmoothnessSettings {
                    lanczos_steps: 0,
                    ..Default::default()
                },
            ),
        ];
        for (expected, settings) in cases {
            let Err(Error::InvalidSetting { name, .. }) =
                estimate_lipschitz(&f, &1.0, &1.0, &settings)
            else {
                panic!("accepted {settings:?}");
            };
            assert_eq!(name, expected);
        }
        let e = estimate_lipschitz(&f, &f64::INFINITY, &1.0, &SmoothnessSettings::DEFAULT);
        assert_eq!(
            e,
            Err(Error::NonFinite(NonFiniteSource::Value { iteration: 0 }))
        );
    }
}
