//! Support for the code `#[objective]` generates: dense Hessian assembly
//! from the structured terms the macro derives, and small checks. Not a
//! public interface; its items may change without notice.

use nalgebra::storage::{IsContiguous, RawStorage};
use nalgebra::{DMatrix, Dim, Matrix};

use crate::block::Block;
use crate::error::{BlockId, Error, NonFiniteSource};
use crate::solve::min_eigenvalue;

/// A column-major view of a scalar or a contiguous matrix.
#[derive(Clone, Copy, Debug)]
pub struct Dense<'a> {
    /// Entries, column-major.
    pub data: &'a [f64],
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
}

impl Dense<'_> {
    fn at(&self, i: usize, j: usize) -> f64 {
        self.data[i + self.rows * j]
    }
}

/// Values that can be viewed as [`Dense`].
pub trait AsDense {
    /// The column-major view.
    fn dense(&self) -> Dense<'_>;
}

impl AsDense for f64 {
    fn dense(&self) -> Dense<'_> {
        Dense {
            data: std::slice::from_ref(self),
            rows: 1,
            cols: 1,
        }
    }
}

impl<R: Dim, C: Dim, S: RawStorage<f64, R, C> + IsContiguous> AsDense for Matrix<f64, R, C, S> {
    fn dense(&self) -> Dense<'_> {
        let (rows, cols) = self.shape();
        Dense {
            data: self.as_slice(),
            rows,
            cols,
        }
    }
}

impl<T: AsDense + ?Sized> AsDense for &T {
    fn dense(&self) -> Dense<'_> {
        (**self).dense()
    }
}

/// `h += c I`.
pub fn add_scaled_identity(h: &mut DMatrix<f64>, c: f64) {
    let n = h.nrows().min(h.ncols());
    for i in 0..n {
        h[(i, i)] += c;
    }
}

/// `h += vec(u) vec(g)^T`.
pub fn add_outer(h: &mut DMatrix<f64>, u: Dense<'_>, g: Dense<'_>) {
    for (j, &gj) in g.data.iter().enumerate() {
        if gj == 0.0 {
            continue;
        }
        let mut col = h.column_mut(j);
        for (i, &ui) in u.data.iter().enumerate() {
            col[i] += ui * gj;
        }
    }
}

/// The parts of a sandwich term `c L op(D o V) R` of a linear map from
/// `input`-shaped `V` to `output`-shaped values.
#[derive(Clone, Copy, Debug)]
pub struct Sandwich<'a> {
    /// The scalar factor.
    pub scale: f64,
    /// `L`, or the identity.
    pub left: Option<Dense<'a>>,
    /// `R`, or the identity.
    pub right: Option<Dense<'a>>,
    /// Whether `op` transposes.
    pub transposed: bool,
    /// `D`, or all ones.
    pub hadamard: Option<Dense<'a>>,
    /// Rows and columns of `V`.
    pub input: (usize, usize),
    /// Rows and columns of the result.
    pub output: (usize, usize),
}

/// `h += ` the matrix of a sandwich term in column-major `vec` form:
/// `vec(c L op(D o V) R) = c (R^T (x) L) [K] diag(vec D) vec(V)`.
pub fn add_sandwich(h: &mut DMatrix<f64>, t: Sandwich<'_>) {
    let (p, q) = t.input;
    let (a, b) = t.output;
    let d = |k: usize, l: usize| t.hadamard.map_or(1.0, |d| d.at(k, l));
    // Entry (k, l) of V reaches entry (i, j) of the result through
    // L[i, m] R[n, j] with (m, n) = (k, l), or (l, k) when transposed.
    let (inner_rows, inner_cols) = if t.transposed { (q, p) } else { (p, q) };
    for l in 0..q {
        for k in 0..p {
            let dkl = t.scale * d(k, l);
            if dkl == 0.0 {
                continue;
            }
            let (m, n) = if t.transposed { (l, k) } else { (k, l) };
            debug_assert!(m < inner_rows && n < inner_cols);
            let col = k + p * l;
            let (i0, i1) = if t.left.is_some() { (0, a) } else { (m, m + 1) };
            let (j0, j1) = if t.right.is_some() {
                (0, b)
            } else {
                (n, n + 1)
            };
            for j in j0..j1 {
                let rj = t.right.map_or(1.0, |r| r.at(n, j));
                if rj == 0.0 {
                    continue;
                }
                let mut column = h.column_mut(col);
                for i in i0..i1 {
                    let li = t.left.map_or(1.0, |left| left.at(i, m));
                    column[i + a * j] += dkl * li * rj;
                }
            }
        }
    }
}

/// The dense matrix of a linear map given only by its products, built
/// column by column: `f(e_j)` for each unit block `e_j` shaped like
/// `template`.
pub fn dense_columns<B: Block, O: Block>(
    template: &B,
    rows: usize,
    mut f: impl FnMut(&B) -> O,
) -> DMatrix<f64> {
    let n = template.dim();
    let mut h = DMatrix::zeros(rows, n);
    let mut e = template.zeros_like();
    for j in 0..n {
        e.as_mut_slice()[j] = 1.0;
        let col = f(&e);
        h.column_mut(j).copy_from_slice(col.as_slice());
        e.as_mut_slice()[j] = 0.0;
    }
    h
}

/// The error for a block whose (small, dense) Hessian `k` is not positive
/// definite, with its smallest eigenvalue.
#[must_use]
pub fn not_strongly_convex(block: BlockId, k: Dense<'_>) -> Error {
    let m = DMatrix::from_column_slice(k.rows, k.cols, k.data);
    Error::NotStronglyConvex {
        block,
        min_eigenvalue: min_eigenvalue(&m),
    }
}

/// The error for a non-finite solution of a block subproblem.
#[must_use]
pub fn non_finite(block: BlockId) -> Error {
    Error::NonFinite(NonFiniteSource::Iterate {
        block,
        iteration: 0,
    })
}

/// Whether every entry is finite.
pub fn all_finite<T: AsDense + ?Sized>(v: &T) -> bool {
    v.dense().data.iter().all(|e| f64::is_finite(*e))
}

/// `Ok` when two sizes that must agree do.
///
/// # Errors
///
/// [`Error::DimensionMismatch`] otherwise.
pub fn same_dim(
    left: &'static str,
    left_dim: usize,
    right: &'static str,
    right_dim: usize,
) -> Result<(), Error> {
    if left_dim == right_dim {
        Ok(())
    } else {
        Err(Error::DimensionMismatch {
            left,
            left_dim,
            right,
            right_dim,
        })
    }
}

/// `Ok` when a constant index fits in a size.
///
/// # Errors
///
/// [`Error::IndexOutOfBounds`] otherwise.
pub fn index_fits(what: &'static str, len: usize, index: usize) -> Result<(), Error> {
    if index < len {
        Ok(())
    } else {
        Err(Error::IndexOutOfBounds { what, len, index })
    }
}

/// `Ok` when a data field is finite.
///
/// # Errors
///
/// [`Error::NonFinite`] naming the field otherwise.
pub fn finite_data<T: AsDense + ?Sized>(name: &'static str, v: &T) -> Result<(), Error> {
    if all_finite(v) {
        Ok(())
    } else {
        Err(Error::NonFinite(NonFiniteSource::Data(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    /// The matrix of `V -> f(V)` built by applying it to unit matrices.
    fn by_columns(
        input: (usize, usize),
        output: (usize, usize),
        f: impl Fn(&DMatrix<f64>) -> DMatrix<f64>,
    ) -> DMatrix<f64> {
        let n = input.0 * input.1;
        let mut h = DMatrix::zeros(output.0 * output.1, n);
        for j in 0..n {
            let mut e = DMatrix::zeros(input.0, input.1);
            e[j] = 1.0;
            let col = f(&e);
            h.column_mut(j).copy_from_slice(col.as_slice());
        }
        h
    }

    fn m(rows: usize, cols: usize, seed: f64) -> DMatrix<f64> {
        DMatrix::from_fn(rows, cols, |i, j| ((i * 7 + j * 3) as f64 * seed).sin())
    }

    #[test]
    fn sandwich_matches_its_definition_in_every_form() {
        let (p, q) = (3, 2);
        let d = m(p, q, 0.9);
        for transposed in [false, true] {
            let (ir, ic) = if transposed { (q, p) } else { (p, q) };
            for (with_l, with_r) in [(false, false), (true, false), (false, true), (true, true)] {
                for with_d in [false, true] {
                    let a = if with_l { 4 } else { ir };
                    let b = if with_r { 5 } else { ic };
                    let l = m(a, ir, 0.7);
                    let r = m(ic, b, 0.3);
                    let f = |v: &DMatrix<f64>| {
                        let v = if with_d {
                            v.component_mul(&d)
                        } else {
                            v.clone()
                        };
                        let v = if transposed { v.transpose() } else { v };
                        let v = if with_l { &l * v } else { v };
                        let v = if with_r { v * &r } else { v };
                        v * 1.5
                    };
                    let expected = by_columns((p, q), (a, b), f);
                    let mut h = DMatrix::zeros(a * b, p * q);
                    add_sandwich(
                        &mut h,
                        Sandwich {
                            scale: 1.5,
                            left: with_l.then(|| l.dense()),
                            right: with_r.then(|| r.dense()),
                            transposed,
                            hadamard: with_d.then(|| d.dense()),
                            input: (p, q),
                            output: (a, b),
                        },
                    );
                    assert!(
                        (&h - &expected).amax() < 1e-15,
                        "transposed {transposed}, L {with_l}, R {with_r}, D {with_d}"
                    );
                }
            }
        }
    }

    #[test]
    fn outer_and_identity() {
        let u = m(3, 2, 0.4);
        let g = m(2, 2, 0.8);
        let mut h = DMatrix::zeros(6, 4);
        add_outer(&mut h, u.dense(), g.dense());
        add_scaled_identity(&mut h, 2.0);
        let expected = by_columns((2, 2), (3, 2), |v| &u * v.dot(&g))
            + DMatrix::from_fn(6, 4, |i, j| if i == j { 2.0 } else { 0.0 });
        assert!((&h - &expected).amax() < 1e-15);
    }
}
