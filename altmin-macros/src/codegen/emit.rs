//! Turns graph nodes into nalgebra expressions.
//!
//! A node used more than once is computed once into a `let`; a node used
//! once is written inline, so that owned temporaries flow into the next
//! operation and nalgebra can reuse their buffers. Products with a
//! transposed left factor read it through a transposed view, so no
//! transpose is materialized.
//! Inside a `map` closure only what depends on the element is computed per
//! element; everything else is bound outside the closure.

use std::collections::{BTreeMap, HashMap, HashSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Deps, Func, Graph, NodeId, Op};
use crate::shape::{Axis, DimId, Shape, TyDim, TyShape, Witness};
use crate::signature::{Param, Signature};

/// A generated expression and how it may be used.
#[derive(Clone)]
pub enum Operand {
    /// An expression of type `&Matrix`.
    Ref(TokenStream),
    /// An expression of type `Matrix`, evaluated where it is written.
    Owned(TokenStream),
    /// An expression of type `f64`.
    Scalar(TokenStream),
}

impl Operand {
    /// The expression as written (usable as an operand of `+ - * /`).
    pub fn tokens(&self) -> TokenStream {
        match self {
            Operand::Ref(t) | Operand::Owned(t) | Operand::Scalar(t) => t.clone(),
        }
    }

    /// A reference to the value, for method arguments.
    pub fn by_ref(&self) -> TokenStream {
        match self {
            Operand::Ref(t) => t.clone(),
            Operand::Owned(t) | Operand::Scalar(t) => quote!(&(#t)),
        }
    }

    /// An owned value.
    pub fn owned(&self) -> TokenStream {
        match self {
            Operand::Ref(t) => quote!(::core::clone::Clone::clone(#t)),
            Operand::Owned(t) | Operand::Scalar(t) => t.clone(),
        }
    }
}

/// What the method being generated can see.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// `self` and both blocks (every `BiObjective` method).
    Blocks,
    /// `self` only.
    DataOnly,
}

/// The expression writer for one method.
pub struct Emitter<'a> {
    pub g: &'a Graph,
    pub sig: &'a Signature,
    pub access: Access,
    /// Nodes already bound by a `let` in an enclosing scope.
    bound: HashMap<NodeId, Ident>,
}

impl<'a> Emitter<'a> {
    pub fn new(g: &'a Graph, sig: &'a Signature, access: Access) -> Self {
        Emitter {
            g,
            sig,
            access,
            bound: HashMap::new(),
        }
    }

    /// Statements computing the shared parts of `roots`, and an operand
    /// for each root.
    pub fn emit(&mut self, roots: &[NodeId]) -> (TokenStream, Vec<Operand>) {
        self.emit_scope(roots, Scope::Outer)
    }

    fn emit_scope(&mut self, roots: &[NodeId], scope: Scope) -> (TokenStream, Vec<Operand>) {
        let to_bind = self.plan(roots, scope);
        let mut stmts = TokenStream::new();
        for n in to_bind {
            let value = self.inline(n);
            let name = format_ident!("t{}", n.0, span = Span::mixed_site());
            let value = value.tokens();
            stmts.extend(quote!(let #name = #value;));
            self.bound.insert(n, name);
        }
        let operands = roots.iter().map(|&r| self.operand(r)).collect();
        (stmts, operands)
    }

    /// The nodes of `scope` reachable from `roots` that deserve a `let`:
    /// those used more than once, and those an inner closure captures.
    fn plan(&self, roots: &[NodeId], scope: Scope) -> Vec<NodeId> {
        let g = self.g;
        let mut uses: BTreeMap<NodeId, usize> = BTreeMap::new();
        let mut captured = HashSet::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<NodeId> = roots.to_vec();
        for &r in roots {
            *uses.entry(r).or_default() += 1;
        }
        while let Some(n) = stack.pop() {
            if !seen.insert(n) || self.bound.contains_key(&n) {
                continue;
            }
            let inner = !scope.contains(g, n);
            for o in g.op(n).operands().iter() {
                *uses.entry(o).or_default() += 1;
                if inner && scope.contains(g, o) {
                    captured.insert(o);
                }
                stack.push(o);
            }
        }
        let mut bind: HashSet<NodeId> = uses
            .iter()
            .filter(|&(&n, &count)| {
                scope.contains(g, n)
                    && !self.bound.contains_key(&n)
                    && !trivial(g, n)
                    && (count > 1 || captured.contains(&n))
                    && !roots_only_once(roots, n, count)
            })
            .map(|(&n, _)| n)
            .collect();

        // Deep expressions are cut by bindings, so that nothing downstream
        // (this writer, rustc) recurses without bound.
        let mut depth: HashMap<NodeId, usize> = HashMap::new();
        for &n in uses.keys() {
            if !scope.contains(g, n) || self.bound.contains_key(&n) || bind.contains(&n) {
                continue;
            }
            let d = 1 + g
                .op(n)
                .operands()
                .iter()
                .map(|o| depth.get(&o).copied().unwrap_or(0))
                .max()
                .unwrap_or(0);
            if d > MAX_INLINE_DEPTH && !trivial(g, n) {
                bind.insert(n);
            } else {
                depth.insert(n, d);
            }
        }
        let mut out: Vec<NodeId> = bind.into_iter().collect();
        out.sort();
        out
    }

    /// The operand for `n`: its binding if it has one, else the inline
    /// expression.
    pub fn operand(&self, n: NodeId) -> Operand {
        match self.bound.get(&n) {
            Some(name) if self.g.is_scalar(n) => Operand::Scalar(quote!(#name)),
            Some(name) => Operand::Ref(quote!((&#name))),
            None => self.inline(n),
        }
    }

    fn inline(&self, n: NodeId) -> Operand {
        let g = self.g;
        let scalar = g.is_scalar(n);
        let wrap = |t: TokenStream| {
            if scalar {
                Operand::Scalar(t)
            } else {
                Operand::Owned(t)
            }
        };
        let o = |m: NodeId| self.operand(m);
        match g.op(n) {
            Op::Const(c) => Operand::Scalar(float(c.0)),
            Op::Param(i) => self.param(i),
            Op::Dir(_) => {
                let v = dir_ident();
                if scalar {
                    Operand::Scalar(quote!((*#v)))
                } else {
                    Operand::Ref(quote!(#v))
                }
            }
            Op::Elem(d) => {
                let e = elem_ident(d);
                Operand::Scalar(quote!(#e))
            }
            Op::Zero => Operand::Owned(self.construct(n, quote!(zeros_generic), None)),
            Op::Identity => Operand::Owned(self.construct(n, quote!(identity_generic), None)),
            Op::Ones => Operand::Owned(self.construct(n, quote!(from_element_generic), Some(1.0))),
            Op::Unit(i, j) => {
                let zeros = self.construct(n, quote!(zeros_generic), None);
                Operand::Owned(quote!({
                    let mut unit = #zeros;
                    unit[(#i, #j)] = 1.0;
                    unit
                }))
            }
            Op::Add(a, b) => {
                let (a, b) = (o(a).tokens(), o(b).tokens());
                wrap(quote!((#a + #b)))
            }
            Op::Sub(a, b) => {
                let (a, b) = (o(a).tokens(), o(b).tokens());
                wrap(quote!((#a - #b)))
            }
            Op::Neg(a) => {
                let a = o(a).tokens();
                wrap(quote!((-#a)))
            }
            Op::Scale(s, a) => {
                let (s, a) = (o(s).tokens(), o(a).tokens());
                if scalar {
                    Operand::Scalar(quote!((#s * #a)))
                } else {
                    Operand::Owned(quote!((#a * #s)))
                }
            }
            Op::Div(a, s) => {
                let (a, s) = (o(a).tokens(), o(s).tokens());
                wrap(quote!((#a / #s)))
            }
            Op::MatMul(a, b) => {
                if let (Op::Transpose(inner), false) = (g.op(a), self.bound.contains_key(&a)) {
                    let (inner, b) = (o(inner).by_ref(), o(b).by_ref());
                    return Operand::Owned(quote!(::altmin_core::__private::tr_mul(#inner, #b)));
                }
                let (a, b) = (o(a).tokens(), o(b).tokens());
                Operand::Owned(quote!((#a * #b)))
            }
            Op::Transpose(a) => {
                let a = o(a).tokens();
                Operand::Owned(quote!(#a.transpose()))
            }
            Op::CMul(a, b) => {
                let (a, b) = (o(a).tokens(), o(b).by_ref());
                Operand::Owned(quote!(#a.component_mul(#b)))
            }
            Op::Map(a, body, d) => {
                let a = o(a).tokens();
                let e = elem_ident(d);
                let mut inner = Emitter {
                    g,
                    sig: self.sig,
                    access: self.access,
                    bound: self.bound.clone(),
                };
                let (stmts, ops) = inner.emit_scope(&[body], Scope::Closure(d));
                let value = ops[0].tokens();
                Operand::Owned(quote!(#a.map(|#e: f64| { #stmts #value })))
            }
            Op::Func(f, a) => {
                let a = o(a).tokens();
                Operand::Scalar(match f {
                    Func::Powi(k) => quote!((#a).powi(#k)),
                    other => {
                        let m = format_ident!("{}", other.method());
                        quote!((#a).#m())
                    }
                })
            }
            Op::NormSq(a) => {
                let a = o(a).tokens();
                Operand::Scalar(quote!(#a.norm_squared()))
            }
            Op::Norm(a) => {
                let a = o(a).tokens();
                Operand::Scalar(quote!(#a.norm()))
            }
            Op::Dot(a, b) => {
                let (a, b) = (o(a).tokens(), o(b).by_ref());
                Operand::Scalar(quote!(#a.dot(#b)))
            }
            Op::Sum(a) => {
                let a = o(a).tokens();
                Operand::Scalar(quote!(#a.sum()))
            }
            Op::Trace(a) => {
                let a = o(a).tokens();
                Operand::Scalar(quote!(#a.trace()))
            }
            Op::Index(a, i, j) => {
                let a = o(a).tokens();
                Operand::Scalar(quote!(#a[(#i, #j)]))
            }
        }
    }

    /// How a parameter is written inside a method.
    fn param(&self, i: usize) -> Operand {
        let p = &self.sig.params[i];
        let ident = &p.ident;
        match (i < 2, p.is_scalar()) {
            (true, true) => Operand::Scalar(quote!((*#ident))),
            (true, false) => Operand::Ref(quote!(#ident)),
            (false, true) => Operand::Scalar(quote!(self.#ident)),
            (false, false) => Operand::Ref(quote!((&self.#ident))),
        }
    }

    /// `OMatrix::<f64, R, C>::<ctor>(r, c[, value])` for the node's type.
    fn construct(&self, n: NodeId, ctor: TokenStream, fill: Option<f64>) -> TokenStream {
        let (Shape::Matrix(r, c), TyShape::Matrix(tr, tc)) = (self.g.shape(n), self.g.ty(n)) else {
            return float(0.0);
        };
        self.matrix_ctor(r, c, tr, tc, ctor, fill)
    }

    /// A constructor call for a matrix with the given dimensions and type.
    pub fn matrix_ctor(
        &self,
        r: DimId,
        c: DimId,
        tr: TyDim,
        tc: TyDim,
        ctor: TokenStream,
        fill: Option<f64>,
    ) -> TokenStream {
        let (rt, rv) = self.ty_dim(r, tr);
        let (ct, cv) = self.ty_dim(c, tc);
        let fill = fill.map(|v| {
            let v = float(v);
            quote!(, #v)
        });
        quote!(::altmin_core::nalgebra::OMatrix::<f64, #rt, #ct>::#ctor(#rv, #cv #fill))
    }

    /// The type and the value of one dimension.
    fn ty_dim(&self, d: DimId, t: TyDim) -> (TokenStream, TokenStream) {
        match t {
            TyDim::Static(n) => (
                quote!(::altmin_core::nalgebra::Const<#n>),
                quote!(::altmin_core::nalgebra::Const::<#n>),
            ),
            TyDim::Dyn => {
                let v = self.dim_value(d);
                (
                    quote!(::altmin_core::nalgebra::Dyn),
                    quote!(::altmin_core::nalgebra::Dyn(#v)),
                )
            }
        }
    }

    /// A run-time expression for the size of a dimension class.
    pub fn dim_value(&self, d: DimId) -> TokenStream {
        if let Some(n) = self.g.dims.value(d) {
            return quote!(#n);
        }
        let witness = self
            .g
            .dims
            .witnesses(d)
            .iter()
            .find(|w| self.access == Access::Blocks || w.param >= 2);
        match witness {
            Some(w) => self.witness_value(*w),
            None => quote!(0usize),
        }
    }

    /// `x.nrows()`, `self.a.ncols()`, ...
    pub fn witness_value(&self, w: Witness) -> TokenStream {
        let p: &Param = &self.sig.params[w.param];
        let ident = &p.ident;
        let m = match w.axis {
            Axis::Rows => quote!(nrows),
            Axis::Cols => quote!(ncols),
        };
        if w.param < 2 {
            quote!(#ident.#m())
        } else {
            quote!(self.#ident.#m())
        }
    }
}

/// Inline expressions deeper than this are split by `let` bindings.
const MAX_INLINE_DEPTH: usize = 24;

/// Where a node is computed: outside every closure, or inside the `map`
/// closure of a depth.
#[derive(Clone, Copy)]
enum Scope {
    Outer,
    Closure(u8),
}

impl Scope {
    fn contains(self, g: &Graph, n: NodeId) -> bool {
        let elems = g.deps(n).0 >> 4;
        match self {
            Scope::Outer => elems == 0,
            Scope::Closure(d) => g.deps(n).has(Deps::elem(d)),
        }
    }
}

/// Leaves are written where they are used.
fn trivial(g: &Graph, n: NodeId) -> bool {
    matches!(
        g.op(n),
        Op::Const(_) | Op::Param(_) | Op::Dir(_) | Op::Elem(_)
    )
}

/// A root used by nothing else needs no binding.
fn roots_only_once(roots: &[NodeId], n: NodeId, count: usize) -> bool {
    count == 1 && roots.contains(&n)
}

/// The direction argument of Hessian-vector products.
pub fn dir_ident() -> Ident {
    local("v")
}

/// An identifier for a generated local, invisible to the user's names.
pub fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

fn elem_ident(d: u8) -> Ident {
    format_ident!("e{}", d, span = Span::mixed_site())
}

/// A float literal, parenthesized when negative.
pub fn float(v: f64) -> TokenStream {
    if v.is_nan() {
        return quote!(f64::NAN);
    }
    if v.is_infinite() {
        return if v > 0.0 {
            quote!(f64::INFINITY)
        } else {
            quote!(f64::NEG_INFINITY)
        };
    }
    let lit = proc_macro2::Literal::f64_suffixed(v.abs());
    if v < 0.0 || (v == 0.0 && v.is_sign_negative()) {
        quote!((-#lit))
    } else {
        quote!(#lit)
    }
}
