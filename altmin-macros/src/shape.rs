//! Shapes with symbolic dimensions, and the nalgebra types behind them.
//!
//! Every dimension is a class in a union-find structure. A class is fixed
//! to a number when a static type (or a vector's single column) says so, and
//! remembers the parameters whose rows or columns it measures. Checking a
//! user expression unifies the classes its operations require to agree; two
//! different fixed numbers in one class are a mismatch the macro reports.
//! Classes the types leave open are checked at run time by the generated
//! `check_dims`.
//!
//! Apart from the value of a dimension, nalgebra's type of a matrix says
//! whether each dimension is static or dynamic; [`TyShape`] tracks that so
//! the generated code can convert a result to its block's exact type.

use std::collections::BTreeMap;

/// A dimension class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DimId(pub u32);

/// Which size of a parameter a dimension measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Axis {
    Rows,
    Cols,
}

/// A parameter's dimension that belongs to a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Witness {
    pub param: usize,
    pub axis: Axis,
}

/// The union-find of dimension classes.
#[derive(Clone, Debug, Default)]
pub struct Dims {
    parent: Vec<u32>,
    value: Vec<Option<usize>>,
    witnesses: Vec<Vec<Witness>>,
    /// Indexing requirements: the class must exceed the index.
    bounds: Vec<(DimId, usize)>,
}

impl Dims {
    fn push(&mut self, value: Option<usize>, witness: Option<Witness>) -> DimId {
        let id = DimId(u32::try_from(self.parent.len()).unwrap_or(u32::MAX));
        self.parent.push(id.0);
        self.value.push(value);
        self.witnesses.push(witness.into_iter().collect());
        id
    }

    /// The class fixed to `n`: one class for each number.
    pub fn fixed(&mut self, n: usize, witness: Option<Witness>) -> DimId {
        let existing = (0..self.parent.len())
            .map(|i| DimId(i as u32))
            .find(|&d| self.find(d) == d && self.value[d.0 as usize] == Some(n));
        match existing {
            Some(d) => {
                if let Some(w) = witness {
                    let list = &mut self.witnesses[d.0 as usize];
                    list.push(w);
                    list.sort();
                    list.dedup();
                }
                d
            }
            None => self.push(Some(n), witness),
        }
    }

    /// A class the types leave open.
    pub fn open(&mut self, witness: Witness) -> DimId {
        self.push(None, Some(witness))
    }

    pub fn find(&self, mut d: DimId) -> DimId {
        while self.parent[d.0 as usize] != d.0 {
            d = DimId(self.parent[d.0 as usize]);
        }
        d
    }

    /// The number the class is fixed to, if any.
    pub fn value(&self, d: DimId) -> Option<usize> {
        self.value[self.find(d).0 as usize]
    }

    /// The parameters' dimensions in the class, in parameter order.
    pub fn witnesses(&self, d: DimId) -> &[Witness] {
        &self.witnesses[self.find(d).0 as usize]
    }

    /// Merges two classes; on two different fixed numbers, returns them and
    /// leaves the classes apart.
    pub fn unify(&mut self, a: DimId, b: DimId) -> Result<(), (usize, usize)> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Ok(());
        }
        let (va, vb) = (self.value[ra.0 as usize], self.value[rb.0 as usize]);
        if let (Some(u), Some(v)) = (va, vb)
            && u != v
        {
            return Err((u, v));
        }
        // The older class becomes the root, so roots are stable.
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[child.0 as usize] = root.0;
        self.value[root.0 as usize] = va.or(vb);
        let moved = std::mem::take(&mut self.witnesses[child.0 as usize]);
        let list = &mut self.witnesses[root.0 as usize];
        list.extend(moved);
        list.sort();
        list.dedup();
        Ok(())
    }

    /// Records that an index `i` is used along the class.
    pub fn require_above(&mut self, d: DimId, i: usize) {
        self.bounds.push((d, i));
    }

    /// The largest index used along each class, for the run-time check.
    pub fn bounds(&self) -> BTreeMap<DimId, usize> {
        let mut out = BTreeMap::new();
        for &(d, i) in &self.bounds {
            let e = out.entry(self.find(d)).or_insert(i);
            *e = (*e).max(i);
        }
        out
    }

    /// Every class root, in creation order.
    pub fn roots(&self) -> Vec<DimId> {
        (0..self.parent.len())
            .map(|i| DimId(i as u32))
            .filter(|&d| self.find(d) == d)
            .collect()
    }

    pub fn canonical(&self, shape: Shape) -> Shape {
        match shape {
            Shape::Scalar => Shape::Scalar,
            Shape::Matrix(r, c) => Shape::Matrix(self.find(r), self.find(c)),
        }
    }

    /// A size for cost estimates: the fixed number; for a size only known
    /// at run time, a large one when data has it (the size of the problem)
    /// and a small one when only blocks do (the rank of a factor).
    pub fn nominal(&self, d: DimId) -> f64 {
        match self.value(d) {
            Some(n) => n as f64,
            None if self.witnesses(d).iter().any(|w| w.param >= 2) => NOMINAL_SIZE,
            None => NOMINAL_RANK,
        }
    }
}

/// The size assumed for a data dimension known only at run time when
/// comparing the cost of equivalent expressions.
pub const NOMINAL_SIZE: f64 = 1000.0;

/// The size assumed for a dimension known only at run time that no data
/// has: typically the inner dimension of a factorization.
pub const NOMINAL_RANK: f64 = 16.0;

/// The shape of a value: a scalar, or a matrix (vectors are one column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    Scalar,
    Matrix(DimId, DimId),
}

impl Shape {
    /// The rows of a matrix shape.
    ///
    /// Only called on matrix shapes; a scalar answers its own marker so
    /// that a wrong call stays harmless.
    pub fn rows(self) -> DimId {
        match self {
            Shape::Matrix(r, _) => r,
            Shape::Scalar => DimId(u32::MAX),
        }
    }

    pub fn cols(self) -> DimId {
        match self {
            Shape::Matrix(_, c) => c,
            Shape::Scalar => DimId(u32::MAX),
        }
    }

    pub fn transposed(self) -> Shape {
        match self {
            Shape::Matrix(r, c) => Shape::Matrix(c, r),
            Shape::Scalar => Shape::Scalar,
        }
    }
}

/// Whether nalgebra's type fixes a dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TyDim {
    Static(usize),
    Dyn,
}

impl TyDim {
    /// The dimension of the result of combining two equal dimensions, as
    /// nalgebra's `DimEq::Representative` picks it: static wins.
    fn same(self, other: TyDim) -> TyDim {
        match (self, other) {
            (TyDim::Static(n), _) | (_, TyDim::Static(n)) => TyDim::Static(n),
            _ => TyDim::Dyn,
        }
    }
}

/// nalgebra's type of a value: `f64`, or `OMatrix<f64, R, C>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TyShape {
    Scalar,
    Matrix(TyDim, TyDim),
}

impl TyShape {
    /// The type of an element-wise combination (`+`, `-`, `component_mul`).
    pub fn same_shape(self, other: TyShape) -> TyShape {
        match (self, other) {
            (TyShape::Matrix(r1, c1), TyShape::Matrix(r2, c2)) => {
                TyShape::Matrix(r1.same(r2), c1.same(c2))
            }
            (a, _) => a,
        }
    }

    pub fn matmul(self, other: TyShape) -> TyShape {
        match (self, other) {
            (TyShape::Matrix(r, _), TyShape::Matrix(_, c)) => TyShape::Matrix(r, c),
            (a, _) => a,
        }
    }

    pub fn transposed(self) -> TyShape {
        match self {
            TyShape::Matrix(r, c) => TyShape::Matrix(c, r),
            TyShape::Scalar => TyShape::Scalar,
        }
    }
}
