//! Support for the code `#[objective]` generates: dense Hessian assembly
//! from the structured terms the macro derives, and small checks. Not a
//! public interface; its items may change without notice.

use nalgebra::allocator::Allocator;
use nalgebra::constraint::{AreMultipliable, SameNumberOfRows, ShapeConstraint};
use nalgebra::storage::{IsContiguous, RawStorage, Storage};
use nalgebra::{
    Cholesky, Const, DMatrix, DVector, DVectorView, DefaultAllocator, Dim, Dyn, Matrix, MatrixView,
    OMatrix,
};

use crate::block::{Block, Shape};
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

/// `a^T b`, with the cost of a matrix product.
///
/// nalgebra's `tr_mul` takes one dot product per entry of the result,
/// which is right for a matrix-vector product but several times slower
/// than a blocked product once `b` has more than a few columns. There, `a`
/// is read through a transposed view (a stride swap, no copy) and
/// multiplied by `gemm`.
#[must_use]
pub fn tr_mul<R1, C1, S1, R2, C2, S2>(
    a: &Matrix<f64, R1, C1, S1>,
    b: &Matrix<f64, R2, C2, S2>,
) -> OMatrix<f64, C1, C2>
where
    R1: Dim,
    C1: Dim,
    R2: Dim,
    C2: Dim,
    S1: Storage<f64, R1, C1> + IsContiguous,
    S2: Storage<f64, R2, C2>,
    DefaultAllocator: Allocator<C1, C2>,
    ShapeConstraint: SameNumberOfRows<R1, R2> + AreMultipliable<C1, R1, R2, C2>,
{
    // The size below which nalgebra's gemm does not call a blocked kernel.
    const SMALL: usize = 5;
    let (rows, cols) = a.shape();
    if rows <= SMALL || cols <= SMALL || b.ncols() <= SMALL {
        return a.tr_mul(b);
    }
    let (r1, c1) = a.shape_generic();
    let at: MatrixView<'_, f64, C1, R1, Dyn, Const<1>> =
        MatrixView::from_slice_with_strides_generic(a.as_slice(), c1, r1, Dyn(rows), Const::<1>);
    let mut out = OMatrix::<f64, C1, C2>::zeros_generic(c1, b.shape_generic().1);
    out.gemm(1.0, &at, b, 0.0);
    out
}

/// One structured term of a Hessian block, as the macro derives it.
#[derive(Clone, Copy, Debug)]
pub enum HessianTerm<'a> {
    /// `c I`.
    Identity(f64),
    /// `c vec(u) vec(g)^T`.
    Outer(f64, Dense<'a>, Dense<'a>),
    /// The matrix of `V -> c L op(D o V) R`.
    Sandwich(Sandwich<'a>),
}

/// The `rows` by `cols` sum of `terms`.
///
/// One term writes the matrix and the others add to it, so a block made of
/// a data matrix and a rank-1 term costs one scaled copy and one rank-1
/// update, as written by hand.
#[must_use]
pub fn assemble(rows: usize, cols: usize, terms: &[HessianTerm<'_>]) -> DMatrix<f64> {
    if terms.is_empty() {
        return DMatrix::zeros(rows, cols);
    }
    // A data matrix is written first: copying it is one pass, and adding it
    // to another term would be a second one.
    let first = terms
        .iter()
        .position(|t| matches!(t, HessianTerm::Sandwich(s) if s.is_left_matrix(rows, cols)))
        .unwrap_or(0);
    let mut h = terms[first].matrix(rows, cols);
    for (i, t) in terms.iter().enumerate() {
        if i != first {
            t.add_to(&mut h);
        }
    }
    h
}

impl HessianTerm<'_> {
    /// The term as a `rows` by `cols` matrix.
    fn matrix(&self, rows: usize, cols: usize) -> DMatrix<f64> {
        match *self {
            HessianTerm::Identity(c) => DMatrix::from_diagonal_element(rows, cols, c),
            HessianTerm::Outer(c, u, g) if u.data.len() == rows && g.data.len() == cols => {
                let mut data = Vec::with_capacity(rows * cols);
                for &gj in g.data {
                    let cg = c * gj;
                    data.extend(u.data.iter().map(|&ui| ui * cg));
                }
                DMatrix::from_vec(rows, cols, data)
            }
            HessianTerm::Sandwich(t) if t.is_left_matrix(rows, cols) => {
                let left = t.left.map_or(&[][..], |l| l.data);
                let data = left.iter().map(|&e| t.scale * e).collect();
                DMatrix::from_vec(rows, cols, data)
            }
            _ => {
                let mut h = DMatrix::zeros(rows, cols);
                self.add_to(&mut h);
                h
            }
        }
    }

    /// `h += ` the term.
    fn add_to(&self, h: &mut DMatrix<f64>) {
        match *self {
            HessianTerm::Identity(c) => add_scaled_identity(h, c),
            HessianTerm::Outer(c, u, g) => add_outer(h, c, u, g),
            HessianTerm::Sandwich(t) => add_sandwich(h, t),
        }
    }
}

/// `h += c I`.
pub fn add_scaled_identity(h: &mut DMatrix<f64>, c: f64) {
    let n = h.nrows().min(h.ncols());
    for i in 0..n {
        h[(i, i)] += c;
    }
}

/// `h += c vec(u) vec(g)^T`, a rank-1 update.
pub fn add_outer(h: &mut DMatrix<f64>, c: f64, u: Dense<'_>, g: Dense<'_>) {
    let u = DVectorView::from_slice(u.data, u.data.len());
    let g = DVectorView::from_slice(g.data, g.data.len());
    h.ger(c, &u, &g, 1.0);
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

impl Sandwich<'_> {
    /// Whether the term's matrix is `c L` itself: `V -> c L V` on vectors.
    fn is_left_matrix(&self, rows: usize, cols: usize) -> bool {
        let Some(left) = self.left else {
            return false;
        };
        self.right.is_none()
            && self.hadamard.is_none()
            && !self.transposed
            && self.input.1 == 1
            && (left.rows, left.cols) == (rows, cols)
    }
}

/// `h += ` the matrix of a sandwich term in column-major `vec` form:
/// `vec(c L op(D o V) R) = c (R^T (x) L) [K] diag(vec D) vec(V)`.
///
/// Entry `(k, l)` of `V` reaches entry `(i, j)` of the result through
/// `L[i, m] R[n, j]`, with `(m, n) = (k, l)`, or `(l, k)` when transposed;
/// its column of `h` is `c D[k, l] vec(L[:, m] R[n, :])`.
pub fn add_sandwich(h: &mut DMatrix<f64>, t: Sandwich<'_>) {
    let (p, q) = t.input;
    let a = t.output.0;
    let rows = h.nrows();
    if rows == 0 {
        return;
    }
    let data = h.as_mut_slice();
    for l in 0..q {
        for k in 0..p {
            let dkl = t.scale * t.hadamard.map_or(1.0, |d| d.at(k, l));
            if dkl == 0.0 {
                continue;
            }
            let (m, n) = if t.transposed { (l, k) } else { (k, l) };
            let col = &mut data[(k + p * l) * rows..][..rows];
            let left = t.left.map(|left| &left.data[m * left.rows..][..left.rows]);
            match (left, t.right) {
                (Some(left), Some(right)) => {
                    for (j, out) in col.chunks_exact_mut(a).enumerate() {
                        axpy(out, dkl * right.at(n, j), left);
                    }
                }
                (Some(left), None) => axpy(&mut col[a * n..][..a], dkl, left),
                (None, Some(right)) => {
                    for (j, out) in col.chunks_exact_mut(a).enumerate() {
                        out[m] += dkl * right.at(n, j);
                    }
                }
                (None, None) => col[m + a * n] += dkl,
            }
        }
    }
}

/// `out += s v`.
fn axpy(out: &mut [f64], s: f64, v: &[f64]) {
    if s == 0.0 {
        return;
    }
    for (o, &e) in out.iter_mut().zip(v) {
        *o += s * e;
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

/// One term of a block Hessian that acts on each row of a matrix block on
/// its own: `scale (D o (V B^T)) C`, with `D`, `B` and `C` independent of
/// `V` and each absent one an identity (no element-wise product, no
/// factor). Row `i` of the term is `v_i G_i` with
/// `G_i = scale B^T diag(d_i) C`, `d_i` the `i`-th row of `D`.
#[derive(Clone, Copy, Debug)]
pub struct RowTerm<'a> {
    /// The scalar factor.
    pub scale: f64,
    /// `D`, as many rows as the block, or its transpose.
    pub weights: Option<Dense<'a>>,
    /// Whether `weights` holds `D^T`, read in place.
    pub weights_transposed: bool,
    /// `B`, whose transpose multiplies `V` from the right first.
    pub inner: Option<Dense<'a>>,
    /// `C`, multiplying from the right last.
    pub outer: Option<Dense<'a>>,
}

/// The minimizer of a quadratic block subproblem whose Hessian is a sum of
/// [`RowTerm`]s plus `beta I`: each row `v_i` solves
/// `v_i (sum of G_i + beta I) = rhs_i` by an `r` by `r` Cholesky, `r` the
/// block's columns. `rhs` is the right-hand side, with the proximal term
/// already in it.
///
/// # Errors
///
/// [`Error::NotStronglyConvex`] when a row's matrix is not positive
/// definite, with its smallest eigenvalue; a non-finite error when one
/// holds NaN or an infinity.
pub fn solve_rows<B: Block>(
    block: BlockId,
    rhs: &B,
    beta: f64,
    terms: &[RowTerm<'_>],
) -> Result<B, Error> {
    let Shape { rows: n, cols: r } = rhs.shape_of();
    let terms: Vec<Gram> = terms.iter().map(|t| Gram::new(t, r)).collect();
    let entries = rhs.as_slice();
    let mut out = vec![0.0; n * r];
    let mut g = DMatrix::zeros(r, r);
    // The factor's storage, handed back after each row: no allocation a row.
    let mut work = DMatrix::zeros(r, r);
    let mut row = DVector::zeros(r);

    for i in 0..n {
        row_gram(&terms, i, beta, &mut g);
        if !g.iter().all(|v| v.is_finite()) {
            return Err(non_finite(block));
        }
        work.copy_from(&g);
        let Some(chol) = Cholesky::new(work) else {
            return Err(Error::NotStronglyConvex {
                block,
                min_eigenvalue: min_eigenvalue(&g),
            });
        };
        for k in 0..r {
            row[k] = entries[i + n * k];
        }
        chol.solve_mut(&mut row);
        for k in 0..r {
            out[i + n * k] = row[k];
        }
        work = chol.unpack_dirty();
    }
    Ok(rhs.with_entries(&out))
}

/// `g = G_i + shift I`, the matrix of row `i`.
fn row_gram(terms: &[Gram<'_>], i: usize, shift: f64, g: &mut DMatrix<f64>) {
    g.fill(0.0);
    g.fill_diagonal(shift);
    for t in terms {
        t.add_row(g, i);
    }
}

/// The dense Hessian, in column-major `vec` order, of a block of `shape`
/// whose Hessian is a sum of [`RowTerm`]s: entry `(i + n l, i + n k)` is
/// `G_i[k, l]`, every entry between different rows zero.
#[must_use]
pub fn assemble_rows(shape: Shape, terms: &[RowTerm<'_>]) -> DMatrix<f64> {
    let Shape { rows: n, cols: r } = shape;
    let terms: Vec<Gram> = terms.iter().map(|t| Gram::new(t, r)).collect();
    let mut h = DMatrix::zeros(n * r, n * r);
    let mut g = DMatrix::zeros(r, r);
    for i in 0..n {
        row_gram(&terms, i, 0.0, &mut g);
        for k in 0..r {
            for l in 0..r {
                h[(i + n * l, i + n * k)] = g[(k, l)];
            }
        }
    }
    h
}

/// A [`RowTerm`] ready for assembling `G_i`: `B^T` and `C` as `r` by `m`
/// matrices (columns `b_j` and `c_j`), or the shared `G` when there are no
/// weights.
struct Gram<'a> {
    scale: f64,
    weights: Option<Dense<'a>>,
    weights_transposed: bool,
    bt: DMatrix<f64>,
    ct: DMatrix<f64>,
    shared: Option<DMatrix<f64>>,
}

impl<'a> Gram<'a> {
    fn new(t: &RowTerm<'a>, r: usize) -> Self {
        // Without a factor the identity stands in: as many columns as the
        // weights have, or `r`.
        let m = t
            .inner
            .map(|b| b.rows)
            .or(t.outer.map(|c| c.rows))
            .or(t
                .weights
                .map(|d| if t.weights_transposed { d.rows } else { d.cols }))
            .unwrap_or(r);
        let transposed = |f: Option<Dense<'_>>| match f {
            Some(f) => DMatrix::from_column_slice(f.rows, f.cols, f.data).transpose(),
            None => DMatrix::identity(r, m),
        };
        let (bt, ct) = (transposed(t.inner), transposed(t.outer));
        let shared = t.weights.is_none().then(|| &bt * ct.transpose() * t.scale);
        Gram {
            scale: t.scale,
            weights: t.weights,
            weights_transposed: t.weights_transposed,
            bt,
            ct,
            shared,
        }
    }

    /// `g += G_i`.
    fn add_row(&self, g: &mut DMatrix<f64>, i: usize) {
        if let Some(shared) = &self.shared {
            *g += shared;
            return;
        }
        let Some(d) = self.weights else { return };
        for j in 0..self.bt.ncols() {
            let d_ij = if self.weights_transposed {
                d.at(j, i)
            } else {
                d.at(i, j)
            };
            let w = self.scale * d_ij;
            if w != 0.0 {
                g.ger(w, &self.bt.column(j), &self.ct.column(j), 1.0);
            }
        }
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
        add_outer(&mut h, 1.0, u.dense(), g.dense());
        add_scaled_identity(&mut h, 2.0);
        let expected = by_columns((2, 2), (3, 2), |v| &u * v.dot(&g))
            + DMatrix::from_fn(6, 4, |i, j| if i == j { 2.0 } else { 0.0 });
        assert!((&h - &expected).amax() < 1e-15);
    }

    #[test]
    fn assembly_writes_any_term_first_and_adds_the_rest() {
        let (n, p) = (4, 3);
        let l = m(n, p, 0.6);
        let u = m(n, 1, 0.4);
        let g = m(p, 1, 0.8);
        let left = Sandwich {
            scale: -1.5,
            left: Some(l.dense()),
            right: None,
            transposed: false,
            hadamard: None,
            input: (p, 1),
            output: (n, 1),
        };
        let expected = &u * g.transpose() * 2.0 - &l * 1.5
            + DMatrix::from_fn(n, p, |i, j| if i == j { 0.5 } else { 0.0 });
        let terms = [
            HessianTerm::Outer(2.0, u.dense(), g.dense()),
            HessianTerm::Sandwich(left),
            HessianTerm::Identity(0.5),
        ];
        // Every order, so that each kind of term is the one written first.
        for order in [[0, 1, 2], [2, 0, 1], [2, 1, 0], [1, 2, 0]] {
            let h = assemble(n, p, &order.map(|i| terms[i]));
            assert!((&h - &expected).amax() < 1e-15, "order {order:?}");
        }
        // Without a data matrix the first term is written, not added.
        let h = assemble(n, p, &[terms[0], terms[2]]);
        let expected = &u * g.transpose() * 2.0
            + DMatrix::from_fn(n, p, |i, j| if i == j { 0.5 } else { 0.0 });
        assert!((&h - &expected).amax() < 1e-15);
        assert_eq!(assemble(n, p, &[]), DMatrix::zeros(n, p));
    }

    #[test]
    fn tr_mul_agrees_with_nalgebra_below_and_above_the_blocked_size() {
        for (rows, cols, k) in [(3, 2, 4), (40, 9, 1), (40, 9, 12), (7, 30, 8)] {
            let a = m(rows, cols, 0.35);
            let b = m(rows, k, 0.55);
            let gap = (tr_mul(&a, &b) - a.tr_mul(&b)).amax();
            assert!(gap < 1e-12, "{rows} x {cols} by {k}: {gap}");
        }
        let a = nalgebra::Matrix3::new(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0);
        let b = nalgebra::Vector3::new(1.0, -1.0, 2.0);
        assert_eq!(tr_mul(&a, &b), a.tr_mul(&b));
    }
}
