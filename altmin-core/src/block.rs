//! The values an objective's two blocks can take.
//!
//! A block is a scalar or a dense nalgebra matrix whose entries are stored
//! contiguously in column-major order. Everything the algorithms need from a
//! block (inner products, updates, flattening for Hessians) is expressed on
//! that storage, so one implementation covers `f64`, `DVector<f64>`,
//! `DMatrix<f64>`, `SVector<f64, N>` and `SMatrix<f64, R, C>` alike.

use std::fmt;

use nalgebra::allocator::Allocator;
use nalgebra::{DVector, DefaultAllocator, Dim, OMatrix};
use rand::{Rng, RngExt};

/// The number of rows and columns of a block; a scalar is 1 by 1 and a
/// column vector of length `n` is `n` by 1.
///
/// ```
/// use altmin_core::Shape;
/// let s = Shape::new(3, 2);
/// assert_eq!(s.len(), 6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shape {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
}

impl Shape {
    /// A shape of `rows` by `cols`.
    ///
    /// ```
    /// use altmin_core::Shape;
    /// let s = Shape::new(4, 1);
    /// assert_eq!((s.rows, s.cols), (4, 1));
    /// assert_eq!(s.to_string(), "4x1");
    /// ```
    #[must_use]
    pub const fn new(rows: usize, cols: usize) -> Self {
        Shape { rows, cols }
    }

    /// Number of entries, `rows * cols`.
    ///
    /// ```
    /// use altmin_core::Shape;
    /// assert_eq!(Shape::new(3, 5).len(), 15);
    /// assert_eq!(Shape::new(1, 1).len(), 1);
    /// ```
    #[must_use]
    pub const fn len(self) -> usize {
        self.rows * self.cols
    }

    /// Whether the shape holds no entry.
    ///
    /// ```
    /// use altmin_core::Shape;
    /// assert!(Shape::new(0, 3).is_empty());
    /// assert!(!Shape::new(2, 3).is_empty());
    /// ```
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.rows, self.cols)
    }
}

/// A block of unknowns: a scalar or a dense column-major nalgebra matrix.
///
/// Matrix blocks are flattened column-major (nalgebra's storage order, the
/// `vec` of linear algebra) wherever one index per unknown is needed, for
/// instance in the rows and columns of a block Hessian.
///
/// ```
/// use altmin_core::{Block, Shape};
/// use altmin_core::nalgebra::DMatrix;
///
/// let m = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
/// assert_eq!(m.shape_of(), Shape::new(2, 2));
/// assert_eq!(m.as_slice(), &[1.0, 3.0, 2.0, 4.0]);
/// assert_eq!(m.dot(&m), 30.0);
/// ```
pub trait Block: Clone + fmt::Debug + PartialEq + Send + Sync + 'static {
    /// The shape every value of this type has, if the type fixes it.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// assert_eq!(<f64 as Block>::fixed_shape(), Some(Shape::new(1, 1)));
    /// assert_eq!(Matrix2::<f64>::fixed_shape(), Some(Shape::new(2, 2)));
    /// assert_eq!(DVector::<f64>::fixed_shape(), None);
    /// ```
    fn fixed_shape() -> Option<Shape>;

    /// The shape of this value.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// assert_eq!(DMatrix::<f64>::zeros(3, 2).shape_of(), Shape::new(3, 2));
    /// assert_eq!(Block::shape_of(&DVector::<f64>::zeros(4)), Shape::new(4, 1));
    /// ```
    fn shape_of(&self) -> Shape;

    /// The entries in column-major order.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// assert_eq!(Block::as_slice(&2.5), &[2.5]);
    /// let m = Matrix2::new(1.0, 2.0, 3.0, 4.0); // given row by row
    /// assert_eq!(Block::as_slice(&m), &[1.0, 3.0, 2.0, 4.0]);
    /// ```
    fn as_slice(&self) -> &[f64];

    /// The entries in column-major order, mutably.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// let mut m = DMatrix::<f64>::zeros(2, 2);
    /// Block::as_mut_slice(&mut m)[1] = 7.0; // the second entry of the first column
    /// assert_eq!(m[(1, 0)], 7.0);
    /// ```
    fn as_mut_slice(&mut self) -> &mut [f64];

    /// A block of the given shape filled with zeros, or `None` when the type
    /// fixes a different shape.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// let z = DMatrix::<f64>::try_zeros(Shape::new(2, 3)).unwrap();
    /// assert_eq!(z.norm_squared(), 0.0);
    /// assert_eq!(z.shape(), (2, 3));
    /// assert!(Vector3::<f64>::try_zeros(Shape::new(2, 1)).is_none());
    /// ```
    fn try_zeros(shape: Shape) -> Option<Self>;

    /// Number of scalar unknowns in the block.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// assert_eq!(1.5.dim(), 1);
    /// assert_eq!(DMatrix::<f64>::zeros(3, 4).dim(), 12);
    /// ```
    fn dim(&self) -> usize {
        self.as_slice().len()
    }

    /// A block of the given shape with entries taken column-major from
    /// `data`, or `None` when the shape is not this type's or `data` has the
    /// wrong length.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// let m = DMatrix::try_from_column_slice(Shape::new(2, 2), &[1.0, 2.0, 3.0, 4.0]).unwrap();
    /// assert_eq!(m[(0, 1)], 3.0);
    /// assert!(DMatrix::<f64>::try_from_column_slice(Shape::new(2, 2), &[1.0]).is_none());
    /// ```
    fn try_from_column_slice(shape: Shape, data: &[f64]) -> Option<Self> {
        if data.len() != shape.len() {
            return None;
        }
        let mut out = Self::try_zeros(shape)?;
        out.as_mut_slice().copy_from_slice(data);
        Some(out)
    }

    /// A block of the given shape with independent standard normal entries
    /// drawn from `rng`, or `None` when the shape is not this type's.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// use rand::SeedableRng;
    /// use rand::rngs::StdRng;
    ///
    /// let shape = Shape::new(10_000, 1);
    /// let v = DVector::<f64>::random(shape, &mut StdRng::seed_from_u64(3)).unwrap();
    /// // The mean square of standard normal entries is close to 1.
    /// assert!((Block::norm_squared(&v) / 10_000.0 - 1.0).abs() < 0.05);
    /// let again = DVector::<f64>::random(shape, &mut StdRng::seed_from_u64(3));
    /// assert_eq!(again, Some(v));
    /// assert!(Vector2::<f64>::random(shape, &mut StdRng::seed_from_u64(3)).is_none());
    /// ```
    fn random<R: Rng + ?Sized>(shape: Shape, rng: &mut R) -> Option<Self> {
        let mut out = Self::try_zeros(shape)?;
        fill_standard_normal(out.as_mut_slice(), rng);
        Some(out)
    }

    /// A block of the same shape filled with zeros.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// let v = Vector3::new(1.0, -2.0, 3.0);
    /// assert_eq!(v.zeros_like(), Vector3::zeros());
    /// assert_eq!(4.0.zeros_like(), 0.0);
    /// ```
    #[must_use]
    fn zeros_like(&self) -> Self {
        let mut out = self.clone();
        out.as_mut_slice().fill(0.0);
        out
    }

    /// A block of the same shape with entries taken column-major from `data`.
    ///
    /// # Panics
    ///
    /// Panics if `data.len()` differs from [`Block::dim`].
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// let m = DMatrix::<f64>::zeros(2, 2).with_entries(&[1.0, 2.0, 3.0, 4.0]);
    /// assert_eq!(m, DMatrix::from_row_slice(2, 2, &[1.0, 3.0, 2.0, 4.0]));
    /// ```
    #[must_use]
    fn with_entries(&self, data: &[f64]) -> Self {
        let mut out = self.clone();
        out.as_mut_slice().copy_from_slice(data);
        out
    }

    /// The entries as one column-major vector.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// let m = Matrix2::new(1.0, 2.0, 3.0, 4.0);
    /// assert_eq!(m.to_dvector(), DVector::from_vec(vec![1.0, 3.0, 2.0, 4.0]));
    /// assert_eq!(5.0.to_dvector().len(), 1);
    /// ```
    #[must_use]
    fn to_dvector(&self) -> DVector<f64> {
        DVector::from_column_slice(self.as_slice())
    }

    /// The inner product `<self, other>` of the flattened entries.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// assert_eq!(Block::dot(&2.0, &3.0), 6.0);
    /// let a = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
    /// let b = DMatrix::identity(2, 2);
    /// assert_eq!(Block::dot(&a, &b), 5.0); // the trace of a
    /// ```
    fn dot(&self, other: &Self) -> f64 {
        dot(self.as_slice(), other.as_slice())
    }

    /// The squared Euclidean (Frobenius) norm.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// assert_eq!(Block::norm_squared(&-3.0), 9.0);
    /// assert_eq!(Block::norm_squared(&Vector2::new(3.0, 4.0)), 25.0);
    /// ```
    fn norm_squared(&self) -> f64 {
        self.dot(self)
    }

    /// The Euclidean (Frobenius) norm.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// assert_eq!(Block::norm(&Vector2::new(3.0, 4.0)), 5.0);
    /// assert_eq!(Block::norm(&DMatrix::<f64>::identity(4, 4)), 2.0);
    /// ```
    fn norm(&self) -> f64 {
        self.norm_squared().sqrt()
    }

    /// `self += a * x` (nalgebra's `axpy` with `b = 1`).
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// let mut v = Vector2::new(1.0, 1.0);
    /// v.add_scaled(-0.5, &Vector2::new(2.0, 4.0));
    /// assert_eq!(v, Vector2::new(0.0, -1.0));
    /// ```
    fn add_scaled(&mut self, a: f64, x: &Self) {
        for (s, v) in self.as_mut_slice().iter_mut().zip(x.as_slice()) {
            *s += a * v;
        }
    }

    /// `self *= a`.
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// let mut v = DVector::from_vec(vec![1.0, -2.0]);
    /// Block::scale_mut(&mut v, 3.0);
    /// assert_eq!(v.as_slice(), &[3.0, -6.0]);
    /// ```
    fn scale_mut(&mut self, a: f64) {
        for s in self.as_mut_slice() {
            *s *= a;
        }
    }

    /// Whether every entry is finite (neither NaN nor infinite).
    ///
    /// ```
    /// use altmin_core::prelude::*;
    /// assert!(Vector2::new(1.0, -1e300).all_finite());
    /// assert!(!Vector2::new(1.0, f64::NAN).all_finite());
    /// assert!(!f64::INFINITY.all_finite());
    /// ```
    fn all_finite(&self) -> bool {
        self.as_slice().iter().all(|v| f64::is_finite(*v))
    }
}

impl Block for f64 {
    fn fixed_shape() -> Option<Shape> {
        Some(Shape::new(1, 1))
    }

    fn shape_of(&self) -> Shape {
        Shape::new(1, 1)
    }

    fn as_slice(&self) -> &[f64] {
        std::slice::from_ref(self)
    }

    fn as_mut_slice(&mut self) -> &mut [f64] {
        std::slice::from_mut(self)
    }

    fn try_zeros(shape: Shape) -> Option<Self> {
        (shape == Shape::new(1, 1)).then_some(0.0)
    }
}

impl<R, C> Block for OMatrix<f64, R, C>
where
    R: Dim,
    C: Dim,
    DefaultAllocator: Allocator<R, C>,
    <DefaultAllocator as Allocator<R, C>>::Buffer<f64>: Send + Sync + 'static,
{
    fn fixed_shape() -> Option<Shape> {
        Some(Shape::new(R::try_to_usize()?, C::try_to_usize()?))
    }

    fn shape_of(&self) -> Shape {
        let (rows, cols) = self.shape();
        Shape::new(rows, cols)
    }

    fn as_slice(&self) -> &[f64] {
        nalgebra::Matrix::as_slice(self)
    }

    fn as_mut_slice(&mut self) -> &mut [f64] {
        nalgebra::Matrix::as_mut_slice(self)
    }

    fn try_zeros(shape: Shape) -> Option<Self> {
        let fits = |fixed: Option<usize>, n: usize| fixed.is_none_or(|f| f == n);
        if !fits(R::try_to_usize(), shape.rows) || !fits(C::try_to_usize(), shape.cols) {
            return None;
        }
        Some(OMatrix::zeros_generic(
            R::from_usize(shape.rows),
            C::from_usize(shape.cols),
        ))
    }
}

/// The inner product of two equally long slices.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(u, v)| u * v).sum()
}

/// Fills `out` with independent standard normal samples (Box-Muller).
fn fill_standard_normal<R: Rng + ?Sized>(out: &mut [f64], rng: &mut R) {
    let mut pairs = out.chunks_mut(2);
    for pair in &mut pairs {
        // `1 - u` lies in (0, 1], so the logarithm is finite.
        let u1: f64 = 1.0 - rng.random::<f64>();
        let u2: f64 = rng.random::<f64>();
        let radius = (-2.0 * u1.ln()).sqrt();
        let angle = std::f64::consts::TAU * u2;
        pair[0] = radius * angle.cos();
        if let Some(second) = pair.get_mut(1) {
            *second = radius * angle.sin();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{DMatrix, SMatrix, SVector};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn shapes_and_flattening_follow_nalgebra() {
        let m = SMatrix::<f64, 2, 3>::from_row_slice(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(m.shape_of(), Shape::new(2, 3));
        assert_eq!(Block::as_slice(&m), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        assert_eq!(<SMatrix<f64, 2, 3>>::fixed_shape(), Some(Shape::new(2, 3)));
        assert_eq!(<DMatrix<f64>>::fixed_shape(), None);
        assert_eq!(<f64 as Block>::fixed_shape(), Some(Shape::new(1, 1)));
    }

    #[test]
    fn zeros_respect_static_shapes() {
        assert!(<SVector<f64, 3>>::try_zeros(Shape::new(3, 1)).is_some());
        assert!(<SVector<f64, 3>>::try_zeros(Shape::new(4, 1)).is_none());
        assert!(<f64 as Block>::try_zeros(Shape::new(2, 1)).is_none());
        let d = <DVector<f64> as Block>::try_zeros(Shape::new(5, 1)).unwrap();
        assert_eq!(d.len(), 5);
        assert!(<DVector<f64> as Block>::try_zeros(Shape::new(5, 2)).is_none());
    }

    #[test]
    fn vector_space_operations() {
        let mut a = DVector::from_vec(vec![1.0, 2.0]);
        let b = DVector::from_vec(vec![3.0, -1.0]);
        a.add_scaled(2.0, &b);
        assert_eq!(a, DVector::from_vec(vec![7.0, 0.0]));
        a.scale_mut(0.5);
        assert_eq!(Block::norm_squared(&a), 12.25);
        let mut s = 2.0_f64;
        s.add_scaled(3.0, &1.5);
        assert_eq!(s, 6.5);
        assert!(!DVector::from_vec(vec![1.0, f64::NAN]).all_finite());
    }

    #[test]
    fn random_blocks_are_seeded_and_roughly_standard() {
        let mut rng = StdRng::seed_from_u64(7);
        let a = <DVector<f64> as Block>::random(Shape::new(4001, 1), &mut rng).unwrap();
        let mut rng = StdRng::seed_from_u64(7);
        let b = <DVector<f64> as Block>::random(Shape::new(4001, 1), &mut rng).unwrap();
        assert_eq!(a, b);
        let mean = a.sum() / 4001.0;
        let var = a.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 4000.0;
        assert!(mean.abs() < 0.06, "mean {mean}");
        assert!((var - 1.0).abs() < 0.08, "variance {var}");
    }
}
