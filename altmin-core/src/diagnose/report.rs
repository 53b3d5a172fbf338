//! The diagnosis as a report: the verdict, the numbers behind it, and what
//! to do next.

use std::fmt;

use crate::block::Block;
use crate::error::BlockId;

use super::{
    AltMinJacobian, CrossRank, Diagnosis, EigenSolver, Extremes, ProxAltMinJacobian, Stability,
    Verdict,
};

impl<X, Y> fmt::Display for Verdict<X, Y> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::LocalMinimum => "local minimum",
            Verdict::StrictSaddle { .. } => "strict saddle",
            Verdict::Degenerate => "degenerate",
            Verdict::NotStationary => "not stationary",
        })
    }
}

impl<X: Block, Y: Block> fmt::Display for Diagnosis<X, Y> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.headline())?;
        writeln!(
            f,
            "  gradient    |grad f| = {:.3e} (x {:.3e}, y {:.3e}); stationary below {:.3e}",
            self.gradient_norm,
            self.gradient_norm_x,
            self.gradient_norm_y,
            self.stationarity_threshold,
        )?;
        writeln!(
            f,
            "  Hessian     eigenvalues in {}; {} unknowns ({} in x, {} in y)",
            Range(&self.hessian),
            self.dim_x + self.dim_y,
            self.dim_x,
            self.dim_y,
        )?;
        writeln!(
            f,
            "  blocks      Hxx in {}, Hyy in {}: {}",
            Range(&self.hess_xx),
            Range(&self.hess_yy),
            if self.is_strongly_bi_convex() {
                "strongly bi-convex"
            } else {
                "not strongly bi-convex"
            },
        )?;
        writeln!(f, "  cross       {}", CrossLine(&self.cross))?;
        writeln!(f, "  AltMin      {}", AltMinLine(&self.altmin))?;
        writeln!(f, "  ProxAltMin  {}", ProxLine(&self.prox_altmin))?;
        writeln!(f, "next:")?;
        for advice in self.advice() {
            writeln!(f, "  - {advice}")?;
        }
        Ok(())
    }
}

impl<X: Block, Y: Block> Diagnosis<X, Y> {
    fn headline(&self) -> String {
        match &self.verdict {
            Verdict::StrictSaddle { eigenvalue, .. } => {
                format!("strict saddle: the Hessian has the negative eigenvalue {eigenvalue:.3e}")
            }
            Verdict::LocalMinimum => format!(
                "local minimum: the Hessian is positive definite (smallest eigenvalue {:.3e})",
                self.hessian.min
            ),
            Verdict::Degenerate => format!(
                "degenerate stationary point: the smallest Hessian eigenvalue {:.3e} is zero \
                 within {:.3e}",
                self.hessian.min, self.curvature_threshold
            ),
            Verdict::NotStationary => format!(
                "not stationary: |grad f| = {:.3e} exceeds {:.3e}",
                self.gradient_norm, self.stationarity_threshold
            ),
        }
    }

    /// What to do, most important first.
    fn advice(&self) -> Vec<String> {
        let mut out = vec![self.verdict_advice()];
        let smoothness = self.block_smoothness();

        for (block, e) in [(BlockId::X, &self.hess_xx), (BlockId::Y, &self.hess_yy)] {
            if e.min <= 0.0 {
                out.push(format!(
                    "H{block}{block} is not positive definite (smallest eigenvalue {:.3e}): \
                     AltMin does not apply here; use ProxAltMin with beta > L_f, which is at \
                     least {smoothness:.3e} at this point",
                    e.min
                ));
            }
        }
        if self.verdict.is_strict_saddle() {
            match self.cross.full_rank {
                Some(false) => out.push(format!(
                    "the cross Hessian lacks full rank{}: Assumption 3 fails at this saddle, so \
                     AltMin's avoidance guarantee does not cover it; ProxAltMin's does",
                    self.cross.rank.map_or_else(String::new, |r| format!(
                        " (rank {r} < {})",
                        self.cross.rows.min(self.cross.cols)
                    ))
                )),
                None => out.push(
                    "whether the cross Hessian has full rank is undecided (matrix-free): \
                     Assumption 3 is unchecked at this saddle; ProxAltMin does not need it"
                        .to_string(),
                ),
                Some(true) => {}
            }
        }
        if self.prox_altmin.beta <= smoothness {
            out.push(format!(
                "beta = {:.3e} does not exceed the block Hessians' norm here ({smoothness:.3e}): \
                 ProxAltMin's guarantees need beta > L_f",
                self.prox_altmin.beta
            ));
        }
        if !self.all_converged() {
            out.push(
                "some Lanczos estimates did not converge: raise `with_krylov_steps` or loosen \
                 `with_eigen_tolerance` before trusting them"
                    .to_string(),
            );
        }
        out
    }

    fn verdict_advice(&self) -> String {
        match &self.verdict {
            Verdict::StrictSaddle {
                escape: (dx, dy), ..
            } => format!(
                "{} from almost every start: rerun from a random start, or step from it along \
                 the escape direction or its opposite (|dx| = {:.3}, |dy| = {:.3}), along \
                 which f decreases",
                if self.is_strongly_bi_convex() && self.cross.full_rank != Some(false) {
                    "AltMin and ProxAltMin escape this saddle"
                } else {
                    "ProxAltMin escapes this saddle"
                },
                dx.norm(),
                dy.norm()
            ),
            Verdict::LocalMinimum => match self.altmin.spectral_radius() {
                Some(rho) if Stability::of(rho) == Stability::Contracting => format!(
                    "AltMin converges to it from nearby starts at the linear rate \
                     rho(Dg) = {rho:.3e}, and so does ProxAltMin; compare the values reached \
                     from several random starts if a global minimum is wanted"
                ),
                _ => "ProxAltMin converges to it from nearby starts; compare the values reached \
                      from several random starts if a global minimum is wanted"
                    .to_string(),
            },
            Verdict::Degenerate => "second-order information does not decide: perturb the \
                                    point and rerun, or examine higher-order terms; flat \
                                    directions often come from symmetries of f, such as \
                                    rescaling x against y"
                .to_string(),
            Verdict::NotStationary => "keep iterating: the algorithm has not converged here \
                                       (tighten its tolerance or raise its iteration limit)"
                .to_string(),
        }
    }

    fn all_converged(&self) -> bool {
        let altmin = match self.altmin {
            AltMinJacobian::Defined { converged, .. } => converged,
            AltMinJacobian::Undefined { .. } => true,
        };
        self.hessian.converged && self.hess_xx.converged && self.hess_yy.converged && altmin
    }
}

/// `[min, max]` with how it was computed.
struct Range<'a>(&'a Extremes);

impl fmt::Display for Range<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        write!(f, "[{:.6e}, {:.6e}]", e.min, e.max)?;
        if let EigenSolver::Lanczos { steps } = e.solver {
            let plural = if steps == 1 { "" } else { "s" };
            write!(f, " (Lanczos, {steps} step{plural}")?;
            if !e.converged {
                write!(f, ", not converged: residual {:.1e}", e.residual)?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

struct CrossLine<'a>(&'a CrossRank);

impl fmt::Display for CrossLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        write!(f, "Hxy is {}x{}", c.rows, c.cols)?;
        if let Some(rank) = c.rank {
            write!(f, " of rank {rank}")?;
        }
        write!(
            f,
            ", singular values in [{:.3e}, {:.3e}] (zero below {:.0e} of the largest)",
            c.min_singular_value, c.max_singular_value, c.tolerance
        )?;
        let side = match c.smaller_block() {
            BlockId::X => "Hxy",
            BlockId::Y => "Hyx",
        };
        match c.full_rank {
            Some(true) => write!(f, ": {side} has full row rank, Assumption 3 holds"),
            Some(false) => write!(f, ": {side} lacks full row rank"),
            None => write!(f, ": full rank undecided"),
        }
    }
}

struct AltMinLine<'a>(&'a AltMinJacobian);

impl fmt::Display for AltMinLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            AltMinJacobian::Defined {
                spectral_radius, ..
            } => write!(
                f,
                "rho(Dg) = |L|^2 = {spectral_radius:.6e}{}",
                StabilityText(Stability::of(*spectral_radius))
            ),
            AltMinJacobian::Undefined {
                block,
                min_eigenvalue,
            } => write!(
                f,
                "undefined: H{block}{block} is not positive definite (smallest eigenvalue \
                 {min_eigenvalue:.3e})"
            ),
        }
    }
}

struct ProxLine<'a>(&'a ProxAltMinJacobian);

impl fmt::Display for ProxLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let j = self.0;
        write!(f, "beta = {:.3e}: ", j.beta)?;
        match j.defined {
            Some(false) => {
                return write!(
                    f,
                    "Hxx + bI or Hyy + bI is singular, the map is not defined"
                );
            }
            None => {
                return write!(
                    f,
                    "a shifted block may be indefinite; its spectrum needs a dense diagnosis"
                );
            }
            Some(true) => {}
        }
        match j.spectral_radius {
            Some(rho) => write!(
                f,
                "rho(Dg_beta) = {rho:.6e}{}; ",
                StabilityText(Stability::of(rho))
            )?,
            None => write!(f, "spectrum not computed at this size; ")?,
        }
        let sign = if j.det_sign == Some(-1.0) {
            "< 0"
        } else {
            "> 0"
        };
        write!(f, "det Dg_beta {sign}")?;
        if let Some(log) = j.log_abs_det {
            write!(f, " (ln|det| = {log:.3e})")?;
        }
        write!(f, ", nonsingular")
    }
}

/// The stability of a fixed point, after its spectral radius.
struct StabilityText(Stability);

impl fmt::Display for StabilityText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Stability::Unstable => " > 1: unstable fixed point",
            Stability::Neutral => " = 1 to within 1e-8: neutral, first order does not decide",
            Stability::Contracting => " < 1: attracting fixed point",
        })
    }
}
