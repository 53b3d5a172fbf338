//! What the derivatives say about each block's subproblem, and the solver
//! that follows from it.
//!
//! `f` is quadratic in a block exactly when its Hessian-vector product in
//! that block does not depend on the block. A quadratic subproblem's
//! minimizer solves `H v = b` with `b = -grad(0)`; the terms of `H` (see
//! [`crate::linear`]) decide how: one division for `c I`, a small Cholesky
//! for `V -> V K` or `V -> K V`, a dense or matrix-free solve otherwise. A
//! block in which `f` is not quadratic gets damped Newton.

use crate::diff;
use crate::ir::{Blk, Deps, Graph, NodeId};
use crate::linear::{self, Term};
use crate::parse::Objective;
use crate::rows::{self, RowTerm};
use crate::simplify::{simplify, substitute};

/// The solver chosen for one block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Solver {
    /// `H = coef I`.
    ScaledIdentity { coef: NodeId },
    /// `H V = V k` for a matrix block.
    RightProduct { k: NodeId },
    /// `H V = k V`.
    LeftProduct { k: NodeId },
    /// `H` acts on each row on its own: the terms in
    /// [`BlockDerivatives::row_terms`].
    RowBlocks,
    /// Another quadratic: Cholesky of the dense Hessian or conjugate
    /// gradients on products.
    Quadratic,
    /// Not quadratic: damped Newton.
    Newton,
}

impl Solver {
    /// The name of the matching `altmin_core::BlockStructure` variant.
    pub fn structure_name(self, vector: bool) -> &'static str {
        match self {
            Solver::ScaledIdentity { .. } => "ScaledIdentity",
            Solver::RightProduct { .. } => "RightProduct",
            Solver::LeftProduct { .. } if vector => "Quadratic",
            Solver::LeftProduct { .. } => "LeftProduct",
            Solver::RowBlocks => "RowBlocks",
            Solver::Quadratic => "Quadratic",
            Solver::Newton => "NonQuadratic",
        }
    }
}

/// Everything derived for one block.
pub struct BlockDerivatives {
    pub block: Blk,
    /// `grad_b f`.
    pub grad: NodeId,
    /// `H_bb v`, in the direction leaf of `b`.
    pub hvp: NodeId,
    /// The derivative of `grad_b` along the other block's direction:
    /// `Hxy v` for `x`, `Hyx v` for `y`.
    pub hvp_cross: NodeId,
    /// The terms of `H_bb`, when it has the forms of [`linear`].
    pub hess_terms: Option<Vec<Term>>,
    /// `-grad_b` at `b = 0`, when `f` is quadratic in `b`.
    pub rhs: Option<NodeId>,
    /// The terms of `H_bb` read row by row, for [`Solver::RowBlocks`].
    pub row_terms: Option<Vec<RowTerm>>,
    pub solver: Solver,
}

/// The derivatives and the analysis of both blocks.
pub struct Analysis {
    pub x: BlockDerivatives,
    pub y: BlockDerivatives,
    /// The terms of `Hxy` as a map from a direction in `y` to `x`.
    pub cross_terms: Option<Vec<Term>>,
}

/// Differentiates the objective and analyses both blocks.
pub fn analyse(obj: &mut Objective) -> Analysis {
    let g = &mut obj.graph;
    let root = obj.root;
    let x = block(g, root, Blk::X);
    let y = block(g, root, Blk::Y);
    let dir_y = g.dir(Blk::Y);
    let cross_terms = linear::decompose(g, x.hvp_cross, dir_y);
    Analysis { x, y, cross_terms }
}

fn block(g: &mut Graph, root: NodeId, b: Blk) -> BlockDerivatives {
    let other = match b {
        Blk::X => Blk::Y,
        Blk::Y => Blk::X,
    };
    let grad = diff::gradient(g, root, b);
    let grad = simplify(g, grad);

    let dir = g.dir(b);
    let hvp = derivative(g, grad, b, dir);
    let other_dir = g.dir(other);
    let hvp_cross = derivative(g, grad, other, other_dir);
    let hess_terms = linear::decompose(g, hvp, dir);

    let quadratic = !g.deps(hvp).has(Deps::block(b));
    let (rhs, mut solver) = if quadratic {
        let param = g.param(b.index());
        let zero = g.zero_like(param);
        let at_zero = substitute(g, grad, param, zero);
        let rhs = g.neg(at_zero);
        let rhs = simplify(g, rhs);
        (
            Some(rhs),
            quadratic_solver(g, b, hvp, dir, hess_terms.as_deref()),
        )
    } else {
        (None, Solver::Newton)
    };
    // A Hessian with no smaller closed form may still split by rows.
    let row_terms = (solver == Solver::Quadratic)
        .then(|| rows::decompose(g, hvp, dir))
        .flatten()
        .filter(|terms| !terms.is_empty());
    if row_terms.is_some() {
        solver = Solver::RowBlocks;
    }

    BlockDerivatives {
        block: b,
        grad,
        hvp,
        hvp_cross,
        hess_terms,
        rhs,
        row_terms,
        solver,
    }
}

/// The simplified derivative of `e` along `dir`, moving block `wrt`.
fn derivative(g: &mut Graph, e: NodeId, wrt: Blk, dir: NodeId) -> NodeId {
    match diff::directional(g, e, wrt, dir) {
        Some(t) => simplify(g, t),
        None => g.zero_like(e),
    }
}

/// The scale, left and right factors of a plain sandwich term.
type Product = (Option<NodeId>, Option<NodeId>, Option<NodeId>);

fn quadratic_solver(
    g: &mut Graph,
    b: Blk,
    hvp: NodeId,
    dir: NodeId,
    terms: Option<&[Term]>,
) -> Solver {
    if g.is_scalar(dir) {
        let one = g.constant_node(1.0);
        let coef = substitute(g, hvp, dir, one);
        return Solver::ScaledIdentity { coef };
    }
    let Some(terms) = terms else {
        return Solver::Quadratic;
    };
    let sandwiches: Option<Vec<Product>> = terms
        .iter()
        .map(|t| match *t {
            Term::Sandwich {
                scale,
                left,
                right,
                transposed: false,
                hadamard: None,
            } => Some((scale, left, right)),
            _ => None,
        })
        .collect();
    let Some(sandwiches) = sandwiches else {
        return Solver::Quadratic;
    };
    if sandwiches.is_empty() {
        // A zero Hessian: the subproblem is linear, never strongly convex.
        let zero = g.constant_node(0.0);
        return Solver::ScaledIdentity { coef: zero };
    }
    let one = g.constant_node(1.0);
    if sandwiches
        .iter()
        .all(|(_, l, r)| l.is_none() && r.is_none())
    {
        let mut coef = g.constant_node(0.0);
        for (s, _, _) in &sandwiches {
            coef = g.add(coef, s.unwrap_or(one));
        }
        let coef = simplify(g, coef);
        return Solver::ScaledIdentity { coef };
    }
    let shape = g.params[b.index()].0;
    let sum_of = |g: &mut Graph, parts: Vec<(Option<NodeId>, Option<NodeId>)>, side| {
        let mut k: Option<NodeId> = None;
        for (s, m) in parts {
            let m = m.unwrap_or_else(|| g.identity(side));
            let term = g.scale(s.unwrap_or(one), m);
            k = Some(match k {
                Some(k) => g.add(k, term),
                None => term,
            });
        }
        k.map(|k| simplify(g, k))
    };
    if sandwiches.iter().all(|(_, l, _)| l.is_none()) {
        let cols = crate::shape::Shape::Matrix(shape.cols(), shape.cols());
        let parts = sandwiches.iter().map(|(s, _, r)| (*s, *r)).collect();
        if let Some(k) = sum_of(g, parts, cols) {
            return Solver::RightProduct { k };
        }
    }
    if sandwiches.iter().all(|(_, _, r)| r.is_none()) {
        let rows = crate::shape::Shape::Matrix(shape.rows(), shape.rows());
        let parts = sandwiches.iter().map(|(s, l, _)| (*s, *l)).collect();
        if let Some(k) = sum_of(g, parts, rows) {
            return Solver::LeftProduct { k };
        }
    }
    Solver::Quadratic
}
