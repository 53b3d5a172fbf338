//! The objective's second derivatives at one point: as dense blocks for
//! small problems, as checked products on flattened vectors for large ones.

use nalgebra::{DMatrix, DVector};

use crate::bi_objective::BiObjective;
use crate::block::Block;
use crate::error::{BlockId, Error, NonFiniteSource};
use crate::solve::{SubproblemSettings, conjugate_gradient};

/// A point `(x, y)` of an objective, checked for shape and finiteness.
pub(crate) struct Point<'a, F: BiObjective + ?Sized> {
    pub f: &'a F,
    pub x: &'a F::X,
    pub y: &'a F::Y,
}

/// The error for a NaN or an infinity in the Hessian of `block`.
fn non_finite_hessian(block: BlockId) -> Error {
    Error::NonFinite(NonFiniteSource::Hessian { block })
}

impl<'a, F: BiObjective + ?Sized> Point<'a, F> {
    /// Checks the blocks against each other and the data, and that they
    /// are finite and not empty.
    pub(crate) fn new(f: &'a F, x: &'a F::X, y: &'a F::Y) -> Result<Self, Error> {
        f.check_dims(x, y)?;
        for (block, dim, finite) in [
            (BlockId::X, x.dim(), x.all_finite()),
            (BlockId::Y, y.dim(), y.all_finite()),
        ] {
            if dim == 0 {
                return Err(Error::DimensionMismatch {
                    left: if block == BlockId::X {
                        "entries of x"
                    } else {
                        "entries of y"
                    },
                    left_dim: 0,
                    right: "entries a diagnosis needs at least",
                    right_dim: 1,
                });
            }
            if !finite {
                return Err(Error::NonFinite(NonFiniteSource::Start(block)));
            }
        }
        Ok(Point { f, x, y })
    }

    /// Number of unknowns in `block`.
    pub(crate) fn dim(&self, block: BlockId) -> usize {
        match block {
            BlockId::X => self.x.dim(),
            BlockId::Y => self.y.dim(),
        }
    }

    /// The diagonal block's product `H_bb v`.
    pub(crate) fn diag(&self, block: BlockId, v: &DVector<f64>) -> Result<DVector<f64>, Error> {
        let (f, x, y) = (self.f, self.x, self.y);
        match block {
            BlockId::X => {
                let product = f.hvp_xx(x, y, &x.with_entries(v.as_slice()));
                flat(&product, "hvp_xx", x, block)
            }
            BlockId::Y => {
                let product = f.hvp_yy(x, y, &y.with_entries(v.as_slice()));
                flat(&product, "hvp_yy", y, block)
            }
        }
    }

    /// The cross product into block `to`: `Hxy v` for `X`, `Hyx v` for `Y`.
    pub(crate) fn cross(&self, to: BlockId, v: &DVector<f64>) -> Result<DVector<f64>, Error> {
        let (f, x, y) = (self.f, self.x, self.y);
        match to {
            BlockId::X => {
                let product = f.hvp_xy(x, y, &y.with_entries(v.as_slice()));
                flat(&product, "hvp_xy", x, to)
            }
            BlockId::Y => {
                let product = f.hvp_yx(x, y, &x.with_entries(v.as_slice()));
                flat(&product, "hvp_yx", y, to)
            }
        }
    }

    /// The full Hessian's product `[Hxx Hxy; Hyx Hyy] (vx; vy)`.
    pub(crate) fn full(&self, v: &DVector<f64>) -> Result<DVector<f64>, Error> {
        let n = self.x.dim();
        let vx = v.rows(0, n).into_owned();
        let vy = v.rows(n, v.len() - n).into_owned();
        let top = self.diag(BlockId::X, &vx)? + self.cross(BlockId::X, &vy)?;
        let bottom = self.cross(BlockId::Y, &vx)? + self.diag(BlockId::Y, &vy)?;
        Ok(DVector::from_iterator(
            v.len(),
            top.iter().chain(bottom.iter()).copied(),
        ))
    }

    /// Solves `H_bb v = rhs` by conjugate gradients on products, to a
    /// residual of `rel_tol |rhs|`.
    ///
    /// Fails with [`Error::NotStronglyConvex`] when a direction of
    /// non-positive curvature shows up.
    pub(crate) fn solve_diag(
        &self,
        block: BlockId,
        rhs: &DVector<f64>,
        rel_tol: f64,
    ) -> Result<DVector<f64>, Error> {
        let mut fault = None;
        let apply = |v: &DVector<f64>| match self.diag(block, v) {
            Ok(hv) => hv,
            Err(e) => {
                fault.get_or_insert(e);
                DVector::zeros(v.len())
            }
        };
        let settings = SubproblemSettings {
            rel_tol,
            ..SubproblemSettings::DEFAULT
        };
        let start = DVector::zeros(rhs.len());
        let out = conjugate_gradient(block, apply, rhs, start, &settings);
        match fault {
            Some(e) => Err(e),
            None => out,
        }
    }

    /// The three Hessian blocks as dense matrices, checked for shape and
    /// finiteness; the diagonal blocks are symmetrized.
    pub(crate) fn dense(&self) -> Result<DenseHessian, Error> {
        let (f, x, y) = (self.f, self.x, self.y);
        let (n, m) = (x.dim(), y.dim());
        let xx = checked(
            f.hess_xx(x, y),
            ["rows of hess_xx", "columns of hess_xx"],
            (n, n),
        )?;
        let yy = checked(
            f.hess_yy(x, y),
            ["rows of hess_yy", "columns of hess_yy"],
            (m, m),
        )?;
        let xy = checked(
            f.hess_xy(x, y),
            ["rows of hess_xy", "columns of hess_xy"],
            (n, m),
        )?;
        let finite = |m: &DMatrix<f64>| m.iter().all(|v| f64::is_finite(*v));
        if !finite(&xx) || !finite(&xy) {
            return Err(non_finite_hessian(BlockId::X));
        }
        if !finite(&yy) {
            return Err(non_finite_hessian(BlockId::Y));
        }
        Ok(DenseHessian {
            xx: symmetrized(&xx),
            yy: symmetrized(&yy),
            xy,
        })
    }
}

/// The Hessian's blocks at a point, as dense matrices.
#[derive(Clone, Debug)]
pub(crate) struct DenseHessian {
    pub xx: DMatrix<f64>,
    pub yy: DMatrix<f64>,
    pub xy: DMatrix<f64>,
}

impl DenseHessian {
    /// The diagonal block of `block`.
    pub(crate) fn diag(&self, block: BlockId) -> &DMatrix<f64> {
        match block {
            BlockId::X => &self.xx,
            BlockId::Y => &self.yy,
        }
    }

    /// The full Hessian `[Hxx Hxy; Hyx Hyy]`.
    pub(crate) fn full(&self) -> DMatrix<f64> {
        let (n, m) = (self.xx.nrows(), self.yy.nrows());
        let mut h = DMatrix::zeros(n + m, n + m);
        h.view_mut((0, 0), (n, n)).copy_from(&self.xx);
        h.view_mut((n, n), (m, m)).copy_from(&self.yy);
        h.view_mut((0, n), (n, m)).copy_from(&self.xy);
        h.view_mut((n, 0), (m, n)).copy_from(&self.xy.transpose());
        h
    }
}

/// The entries of a product into `block`, checked to have `like`'s size
/// and to be finite.
fn flat<B: Block>(
    out: &B,
    name: &'static str,
    like: &B,
    block: BlockId,
) -> Result<DVector<f64>, Error> {
    if out.dim() != like.dim() {
        return Err(Error::DimensionMismatch {
            left: name,
            left_dim: out.dim(),
            right: "entries of its block",
            right_dim: like.dim(),
        });
    }
    if !out.all_finite() {
        return Err(non_finite_hessian(block));
    }
    Ok(out.to_dvector())
}

/// `m`, checked to be `shape`; `names` describe its rows and columns.
fn checked(
    m: DMatrix<f64>,
    names: [&'static str; 2],
    shape: (usize, usize),
) -> Result<DMatrix<f64>, Error> {
    let mismatch = |left, left_dim, right_dim| Error::DimensionMismatch {
        left,
        left_dim,
        right: "entries of its block",
        right_dim,
    };
    if m.nrows() != shape.0 {
        return Err(mismatch(names[0], m.nrows(), shape.0));
    }
    if m.ncols() != shape.1 {
        return Err(mismatch(names[1], m.ncols(), shape.1));
    }
    Ok(m)
}

fn symmetrized(m: &DMatrix<f64>) -> DMatrix<f64> {
    (m + m.transpose()) * 0.5
}
