//! The typed expression graph every stage of the pipeline works on.
//!
//! Nodes are hash-consed: building the same operation on the same operands
//! twice yields the same node, so shared subexpressions are one node and are
//! computed once by the generated code. A node only refers to nodes created
//! before it, so the node order is a topological order.
//!
//! The arithmetic constructors, in `build`, fold constants and remove
//! trivial identities (`a + 0`, `1 * a`, `(a^T)^T`, ...) as they build; the
//! larger rewrites live in `simplify`. Constructors assume well-shaped
//! operands: user expressions are checked by `shape` before they reach them,
//! and derived expressions are well-shaped by construction.

use std::collections::HashMap;

use proc_macro2::Span;

use crate::shape::{Dims, Shape, TyDim, TyShape};

mod build;

/// The largest magnitude of an integer power; larger exponents from
/// products of powers are kept as separate factors, so derivatives never
/// overflow.
pub const MAX_EXPONENT: i32 = 1 << 20;

/// Index of a node in its [`Graph`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One of the two blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Blk {
    X,
    Y,
}

impl Blk {
    pub const fn index(self) -> usize {
        match self {
            Blk::X => 0,
            Blk::Y => 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Blk::X => "x",
            Blk::Y => "y",
        }
    }
}

/// Analytic scalar functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    Exp,
    Ln,
    Sqrt,
    Sin,
    Cos,
    Tanh,
    Ln1p,
    Powi(i32),
}

impl Func {
    /// The method name nalgebra users write for it.
    pub fn method(self) -> &'static str {
        match self {
            Func::Exp => "exp",
            Func::Ln => "ln",
            Func::Sqrt => "sqrt",
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tanh => "tanh",
            Func::Ln1p => "ln_1p",
            Func::Powi(_) => "powi",
        }
    }

    pub fn apply(self, v: f64) -> f64 {
        match self {
            Func::Exp => v.exp(),
            Func::Ln => v.ln(),
            Func::Sqrt => v.sqrt(),
            Func::Sin => v.sin(),
            Func::Cos => v.cos(),
            Func::Tanh => v.tanh(),
            Func::Ln1p => v.ln_1p(),
            Func::Powi(k) => v.powi(k),
        }
    }
}

/// A scalar constant, compared and hashed by its bits.
#[derive(Clone, Copy, Debug)]
pub struct Real(pub f64);

impl PartialEq for Real {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Real {}

impl std::hash::Hash for Real {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}

/// An operation. Operands are earlier nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// A scalar literal.
    Const(Real),
    /// A parameter of the user's function: 0 and 1 are the blocks, the
    /// rest are data.
    Param(usize),
    /// The direction a Hessian-vector product is applied to, shaped like
    /// the block.
    Dir(Blk),
    /// The element variable of a `map` closure at the given nesting depth.
    Elem(u8),
    /// The zero of the node's shape.
    Zero,
    /// The identity of the node's (square) shape.
    Identity,
    /// The all-ones matrix of the node's shape.
    Ones,
    /// The matrix of the node's shape with a single one at `(i, j)`.
    Unit(usize, usize),
    Add(NodeId, NodeId),
    Sub(NodeId, NodeId),
    Neg(NodeId),
    /// A scalar times anything (the first operand is the scalar).
    Scale(NodeId, NodeId),
    /// Anything divided by a scalar.
    Div(NodeId, NodeId),
    MatMul(NodeId, NodeId),
    Transpose(NodeId),
    /// Element-wise product.
    CMul(NodeId, NodeId),
    /// Element-wise application of a scalar body written in `Elem(depth)`.
    Map(NodeId, NodeId, u8),
    Func(Func, NodeId),
    NormSq(NodeId),
    Norm(NodeId),
    Dot(NodeId, NodeId),
    Sum(NodeId),
    Trace(NodeId),
    Index(NodeId, usize, usize),
}

impl Op {
    /// The operands, in order.
    pub fn operands(&self) -> Operands {
        use Op::*;
        match *self {
            Const(_) | Param(_) | Dir(_) | Elem(_) | Zero | Identity | Ones | Unit(..) => {
                Operands::new(&[])
            }
            Neg(a)
            | Transpose(a)
            | Func(_, a)
            | NormSq(a)
            | Norm(a)
            | Sum(a)
            | Trace(a)
            | Index(a, ..) => Operands::new(&[a]),
            Add(a, b)
            | Sub(a, b)
            | Scale(a, b)
            | Div(a, b)
            | MatMul(a, b)
            | CMul(a, b)
            | Map(a, b, _)
            | Dot(a, b) => Operands::new(&[a, b]),
        }
    }
}

/// `op` with its operands replaced through `remap`.
fn remap_operands(op: Op, remap: &[NodeId]) -> Op {
    let r = |n: NodeId| remap[n.index()];
    use Op::*;
    match op {
        Add(a, b) => Add(r(a), r(b)),
        Sub(a, b) => Sub(r(a), r(b)),
        Neg(a) => Neg(r(a)),
        Scale(a, b) => Scale(r(a), r(b)),
        Div(a, b) => Div(r(a), r(b)),
        MatMul(a, b) => MatMul(r(a), r(b)),
        Transpose(a) => Transpose(r(a)),
        CMul(a, b) => CMul(r(a), r(b)),
        Map(a, b, d) => Map(r(a), r(b), d),
        Func(f, a) => Func(f, r(a)),
        NormSq(a) => NormSq(r(a)),
        Norm(a) => Norm(r(a)),
        Dot(a, b) => Dot(r(a), r(b)),
        Sum(a) => Sum(r(a)),
        Trace(a) => Trace(r(a)),
        Index(a, i, j) => Index(r(a), i, j),
        leaf => leaf,
    }
}

/// Up to two operands without allocating.
#[derive(Clone, Copy, Debug)]
pub struct Operands {
    ids: [NodeId; 2],
    len: usize,
}

impl Operands {
    fn new(ids: &[NodeId]) -> Self {
        let mut out = Operands {
            ids: [NodeId(0); 2],
            len: ids.len(),
        };
        out.ids[..ids.len()].copy_from_slice(ids);
        out
    }

    pub fn iter(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.ids[..self.len].iter().copied()
    }
}

/// A node: an operation with its shape, its nalgebra type and the span of
/// the user's token it came from.
#[derive(Clone, Debug)]
pub struct Node {
    pub op: Op,
    pub shape: Shape,
    pub ty: TyShape,
    pub span: Span,
}

/// What a leaf of the graph depends on, as a bit set: bit 0 the block `x`,
/// bit 1 the block `y`, bit 2 the direction in `x`, bit 3 the direction in
/// `y`, bits 4.. the element variables of `map` closures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Deps(pub u16);

impl Deps {
    pub const fn block(b: Blk) -> Deps {
        Deps(1 << b.index())
    }

    pub const fn dir(b: Blk) -> Deps {
        Deps(1 << (2 + b.index()))
    }

    pub const fn elem(depth: u8) -> Deps {
        Deps(1 << (4 + depth))
    }

    pub fn has(self, other: Deps) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The expression graph with its dimension classes.
#[derive(Clone, Debug)]
pub struct Graph {
    pub nodes: Vec<Node>,
    deps: Vec<Deps>,
    intern: HashMap<(Op, Shape, TyShape), NodeId>,
    pub dims: Dims,
    /// Shapes and types of the function's parameters, in order.
    pub params: Vec<(Shape, TyShape)>,
    /// The span new nodes get when built without one.
    pub span: Span,
}

impl Graph {
    pub fn new(dims: Dims, params: Vec<(Shape, TyShape)>) -> Self {
        Graph {
            nodes: Vec::new(),
            deps: Vec::new(),
            intern: HashMap::new(),
            dims,
            params,
            span: Span::call_site(),
        }
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    pub fn op(&self, id: NodeId) -> Op {
        self.nodes[id.index()].op
    }

    pub fn shape(&self, id: NodeId) -> Shape {
        self.nodes[id.index()].shape
    }

    pub fn ty(&self, id: NodeId) -> TyShape {
        self.nodes[id.index()].ty
    }

    pub fn deps(&self, id: NodeId) -> Deps {
        self.deps[id.index()]
    }

    pub fn is_scalar(&self, id: NodeId) -> bool {
        self.shape(id) == Shape::Scalar
    }

    /// The constant value of a scalar literal node.
    pub fn constant(&self, id: NodeId) -> Option<f64> {
        match self.op(id) {
            Op::Const(c) => Some(c.0),
            _ => None,
        }
    }

    pub fn is_zero(&self, id: NodeId) -> bool {
        matches!(self.op(id), Op::Zero) || self.constant(id) == Some(0.0)
    }

    pub fn is_one(&self, id: NodeId) -> bool {
        self.constant(id) == Some(1.0)
    }

    /// Whether the node's shape has a fixed number of rows equal to `n`.
    pub fn rows_are(&self, id: NodeId, n: usize) -> bool {
        match self.shape(id) {
            Shape::Scalar => false,
            Shape::Matrix(r, _) => self.dims.value(r) == Some(n),
        }
    }

    pub fn cols_are(&self, id: NodeId, n: usize) -> bool {
        match self.shape(id) {
            Shape::Scalar => false,
            Shape::Matrix(_, c) => self.dims.value(c) == Some(n),
        }
    }

    /// Whether the node is a 1 by 1 matrix (not a scalar).
    pub fn is_one_by_one(&self, id: NodeId) -> bool {
        self.rows_are(id, 1) && self.cols_are(id, 1)
    }

    /// Adds a node, or returns the existing one for the same operation.
    pub fn intern(&mut self, op: Op, shape: Shape, ty: TyShape) -> NodeId {
        let shape = self.dims.canonical(shape);
        if let Some(&id) = self.intern.get(&(op, shape, ty)) {
            return id;
        }
        let deps = match op {
            Op::Param(i) if i < 2 => Deps::block(if i == 0 { Blk::X } else { Blk::Y }),
            Op::Dir(b) => Deps::dir(b),
            Op::Elem(d) => Deps::elem(d),
            Op::Map(a, body, d) => Deps(self.deps(a).0 | (self.deps(body).0 & !Deps::elem(d).0)),
            _ => Deps(op.operands().iter().fold(0, |acc, o| acc | self.deps(o).0)),
        };
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push(Node {
            op,
            shape,
            ty,
            span: self.span,
        });
        self.deps.push(deps);
        self.intern.insert((op, shape, ty), id);
        id
    }

    /// Re-keys the graph once shape checking has merged dimension classes:
    /// nodes that became identical are merged into the first of them.
    /// Returns, for every node, the node that now stands for it.
    pub fn finalize(&mut self) -> Vec<NodeId> {
        let mut remap: Vec<NodeId> = Vec::with_capacity(self.nodes.len());
        self.intern.clear();
        for (i, p) in self.params.iter_mut().enumerate() {
            let _ = i;
            p.0 = self.dims.canonical(p.0);
        }
        for i in 0..self.nodes.len() {
            let node = &mut self.nodes[i];
            node.op = remap_operands(node.op, &remap);
            node.shape = self.dims.canonical(node.shape);
            let key = (node.op, node.shape, node.ty);
            let id = NodeId(i as u32);
            match self.intern.get(&key) {
                Some(&existing) => remap.push(existing),
                None => {
                    self.intern.insert(key, id);
                    remap.push(id);
                }
            }
        }
        remap
    }

    // ----- leaves -----

    pub fn constant_node(&mut self, v: f64) -> NodeId {
        // One zero: -0.0 and 0.0 are the same constant here.
        let v = if v == 0.0 { 0.0 } else { v };
        self.intern(Op::Const(Real(v)), Shape::Scalar, TyShape::Scalar)
    }

    pub fn param(&mut self, index: usize) -> NodeId {
        let (shape, ty) = self.params[index];
        self.intern(Op::Param(index), shape, ty)
    }

    pub fn dir(&mut self, b: Blk) -> NodeId {
        let (shape, ty) = self.params[b.index()];
        self.intern(Op::Dir(b), shape, ty)
    }

    pub fn elem(&mut self, depth: u8) -> NodeId {
        self.intern(Op::Elem(depth), Shape::Scalar, TyShape::Scalar)
    }

    /// The zero of a shape, with the nalgebra type its dimensions imply.
    pub fn zero(&mut self, shape: Shape) -> NodeId {
        match shape {
            Shape::Scalar => self.constant_node(0.0),
            _ => {
                let ty = self.natural_ty(shape);
                self.intern(Op::Zero, shape, ty)
            }
        }
    }

    /// The zero shaped and typed like `like`.
    pub fn zero_like(&mut self, like: NodeId) -> NodeId {
        let (shape, ty) = (self.shape(like), self.ty(like));
        match shape {
            Shape::Scalar => self.constant_node(0.0),
            _ => self.intern(Op::Zero, shape, ty),
        }
    }

    pub fn identity(&mut self, shape: Shape) -> NodeId {
        let ty = self.natural_ty(shape);
        self.intern(Op::Identity, shape, ty)
    }

    pub fn ones(&mut self, shape: Shape) -> NodeId {
        let ty = self.natural_ty(shape);
        self.intern(Op::Ones, shape, ty)
    }

    pub fn unit(&mut self, shape: Shape, i: usize, j: usize) -> NodeId {
        match shape {
            Shape::Scalar => self.constant_node(1.0),
            _ => {
                let ty = self.natural_ty(shape);
                self.intern(Op::Unit(i, j), shape, ty)
            }
        }
    }

    /// The type nalgebra gives a matrix built from these dimensions: static
    /// where the dimension is known, dynamic elsewhere.
    pub fn natural_ty(&self, shape: Shape) -> TyShape {
        match shape {
            Shape::Scalar => TyShape::Scalar,
            Shape::Matrix(r, c) => {
                let d = |d| self.dims.value(d).map_or(TyDim::Dyn, TyDim::Static);
                TyShape::Matrix(d(r), d(c))
            }
        }
    }
}
