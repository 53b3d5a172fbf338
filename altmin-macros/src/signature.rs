//! Reads the function's signature: the two blocks, the data and their types.

use proc_macro2::Span;
use syn::{FnArg, GenericArgument, Ident, Pat, PathArguments, ReturnType, Type};

use crate::ctxt::Ctxt;
use crate::shape::{Axis, Dims, Shape, TyDim, TyShape, Witness};

/// One parameter of the objective function.
#[derive(Clone)]
pub struct Param {
    pub ident: Ident,
    /// The declared type without its leading `&`.
    pub ty: Type,
    /// Whether the function takes it by reference.
    pub by_ref: bool,
    pub shape: Shape,
    pub tyshape: TyShape,
    /// A vector (one column), so that its size reads as a length.
    pub is_vector: bool,
    /// False for a parameter the macro rejected; it stays in the list so
    /// the others keep their positions, and uses of it report nothing more.
    pub valid: bool,
}

impl Param {
    pub fn span(&self) -> Span {
        self.ident.span()
    }

    pub fn is_scalar(&self) -> bool {
        self.shape == Shape::Scalar
    }
}

/// The signature: blocks first, then data, with the dimension classes their
/// types create.
pub struct Signature {
    pub params: Vec<Param>,
    pub dims: Dims,
}

impl Signature {
    pub fn data(&self) -> &[Param] {
        &self.params[2..]
    }
}

/// Reads the signature, recording every unsupported part in `cx`. Rejected
/// parameters stay in the list, marked invalid, so that the body can still
/// be read and its own errors reported.
pub fn parse(cx: &Ctxt, item: &syn::ItemFn) -> Signature {
    let sig = &item.sig;
    if !sig.generics.params.is_empty() {
        cx.error_spanned(
            &sig.generics,
            "generic objectives are not supported: write the function for `f64` and concrete \
             nalgebra types",
        );
    }
    if let Some(w) = &sig.generics.where_clause {
        cx.error_spanned(w, "`where` clauses are not supported on an objective");
    }
    if let Some(a) = &sig.asyncness {
        cx.error(a.span, "an objective cannot be `async`");
    }
    if let Some(u) = &sig.unsafety {
        cx.error(
            u.span,
            "an objective cannot be `unsafe`: its derivatives are called from safe code",
        );
    }
    if let Some(v) = &sig.variadic {
        cx.error_spanned(v, "variadic parameters are not supported");
    }
    match &sig.output {
        ReturnType::Type(_, ty) if is_f64(ty) => {}
        ReturnType::Type(_, ty) => {
            cx.error_spanned(ty, "an objective must return `f64`");
        }
        ReturnType::Default => {
            cx.error(
                sig.ident.span(),
                "an objective must return `f64`: add `-> f64`",
            );
        }
    }

    let mut dims = Dims::default();
    let mut params = Vec::new();
    for (index, arg) in sig.inputs.iter().enumerate() {
        let param = match arg {
            FnArg::Receiver(r) => {
                cx.error_spanned(
                    r,
                    "an objective is a free function: `self` is not supported",
                );
                None
            }
            FnArg::Typed(pt) => match &*pt.pat {
                Pat::Ident(pi) => param(cx, &mut dims, index, &pi.ident, &pt.ty),
                other => {
                    cx.error_spanned(
                        other,
                        "parameters must be plain names like `x`, not patterns",
                    );
                    None
                }
            },
        };
        params.push(param.unwrap_or_else(|| placeholder(arg, index)));
    }
    if sig.inputs.len() < 2 {
        cx.error(
            sig.ident.span(),
            format!(
                "an objective takes two blocks, `x` and `y`, before its data; `{}` has {} \
                 parameter{}",
                sig.ident,
                sig.inputs.len(),
                if sig.inputs.len() == 1 { "" } else { "s" }
            ),
        );
    }
    Signature { params, dims }
}

/// A stand-in for a rejected parameter, keeping its name when it has one.
fn placeholder(arg: &FnArg, index: usize) -> Param {
    let (ident, ty) = match arg {
        FnArg::Typed(pt) => {
            let ident = match &*pt.pat {
                Pat::Ident(pi) => pi.ident.clone(),
                _ => quote::format_ident!("rejected{index}"),
            };
            (ident, (*pt.ty).clone())
        }
        FnArg::Receiver(r) => (quote::format_ident!("rejected{index}"), (*r.ty).clone()),
    };
    Param {
        ident,
        ty,
        by_ref: false,
        shape: Shape::Scalar,
        tyshape: TyShape::Scalar,
        is_vector: false,
        valid: false,
    }
}

/// `f64`, also as `core::primitive::f64`, `std::primitive::f64` or `(f64)`.
fn is_f64(ty: &Type) -> bool {
    match ty {
        Type::Paren(p) => is_f64(&p.elem),
        Type::Group(g) => is_f64(&g.elem),
        Type::Path(p) if p.qself.is_none() => {
            let names: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let args_free = p.path.segments.iter().all(|s| s.arguments.is_empty());
            args_free
                && match names.as_slice() {
                    [f] => f == "f64",
                    [root, prim, f] => {
                        (root == "core" || root == "std") && prim == "primitive" && f == "f64"
                    }
                    _ => false,
                }
        }
        _ => false,
    }
}

fn param(cx: &Ctxt, dims: &mut Dims, index: usize, ident: &Ident, ty: &Type) -> Option<Param> {
    let (inner, by_ref) = match ty {
        Type::Reference(r) => {
            if let Some(m) = &r.mutability {
                cx.error(
                    m.span,
                    "blocks and data are read only: take them by `&` or by value",
                );
                return None;
            }
            (&*r.elem, true)
        }
        other => (other, false),
    };
    let kind = type_kind(cx, inner)?;
    let witness = |axis| Witness { param: index, axis };
    let (shape, tyshape, is_vector) = match kind {
        TypeKind::Scalar => (Shape::Scalar, TyShape::Scalar, false),
        TypeKind::Matrix(r, c) => {
            let mut dim = |d: Option<usize>, axis| match d {
                Some(n) => dims.fixed(n, Some(witness(axis))),
                None => dims.open(witness(axis)),
            };
            let (rd, cd) = (dim(r, Axis::Rows), dim(c, Axis::Cols));
            let ty_dim = |d: Option<usize>| d.map_or(TyDim::Dyn, TyDim::Static);
            (
                Shape::Matrix(rd, cd),
                TyShape::Matrix(ty_dim(r), ty_dim(c)),
                c == Some(1),
            )
        }
    };
    Some(Param {
        ident: ident.clone(),
        ty: inner.clone(),
        by_ref,
        shape,
        tyshape,
        is_vector,
        valid: true,
    })
}

enum TypeKind {
    Scalar,
    /// Rows and columns, `None` where dynamic.
    Matrix(Option<usize>, Option<usize>),
}

const SUPPORTED_TYPES: &str = "supported types are `f64`, `DVector<f64>`, `DMatrix<f64>`, \
     `SVector<f64, N>`, `SMatrix<f64, R, C>` and their aliases (`Vector3<f64>`, `Matrix2x3<f64>`, \
     ...), by value or by reference";

fn type_kind(cx: &Ctxt, ty: &Type) -> Option<TypeKind> {
    let unsupported = || {
        cx.error_spanned(ty, format!("unsupported parameter type; {SUPPORTED_TYPES}"));
        None
    };
    if is_f64(ty) {
        return Some(TypeKind::Scalar);
    }
    let Type::Path(tp) = ty else {
        return unsupported();
    };
    if tp.qself.is_some() {
        return unsupported();
    }
    let Some(last) = tp.path.segments.last() else {
        return unsupported();
    };
    let name = last.ident.to_string();
    let args: Vec<&GenericArgument> = match &last.arguments {
        PathArguments::AngleBracketed(a) => a.args.iter().collect(),
        _ => Vec::new(),
    };
    let Some(first) = args.first() else {
        return unsupported();
    };
    match first {
        GenericArgument::Type(t) if is_f64(t) => {}
        other => {
            cx.error_spanned(other, "only `f64` elements are supported");
            return None;
        }
    }
    let consts: Option<Vec<usize>> = args[1..].iter().map(|a| const_arg(a)).collect();
    let Some(consts) = consts else {
        cx.error_spanned(
            &last.arguments,
            "static sizes must be integer literals (generic sizes are not supported)",
        );
        return None;
    };
    let kind = match (name.as_str(), consts.as_slice()) {
        ("DVector", []) => TypeKind::Matrix(None, Some(1)),
        ("RowDVector", []) => TypeKind::Matrix(Some(1), None),
        ("DMatrix", []) => TypeKind::Matrix(None, None),
        ("SVector", [n]) => TypeKind::Matrix(Some(*n), Some(1)),
        ("RowSVector", [n]) => TypeKind::Matrix(Some(1), Some(*n)),
        ("SMatrix", [r, c]) => TypeKind::Matrix(Some(*r), Some(*c)),
        (alias, []) => match alias_dims(alias) {
            Some((r, c)) => TypeKind::Matrix(Some(r), Some(c)),
            None => return unsupported(),
        },
        _ => return unsupported(),
    };
    if let TypeKind::Matrix(r, c) = kind
        && (r == Some(0) || c == Some(0))
    {
        cx.error_spanned(ty, "blocks and data cannot have a zero static size");
        return None;
    }
    Some(kind)
}

fn const_arg(a: &GenericArgument) -> Option<usize> {
    let expr = match a {
        GenericArgument::Const(e) => e,
        GenericArgument::Type(Type::Path(_)) => return None,
        _ => return None,
    };
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
            syn::Stmt::Expr(e, None) => const_arg(&GenericArgument::Const(e.clone())),
            _ => None,
        },
        _ => None,
    }
}

/// nalgebra's fixed-size aliases: `Vector3`, `RowVector2`, `Matrix4`,
/// `Matrix2x3`, ... (sizes 1 to 6).
fn alias_dims(name: &str) -> Option<(usize, usize)> {
    let digit = |s: &str| -> Option<usize> {
        let n: usize = s.parse().ok()?;
        (1..=6).contains(&n).then_some(n)
    };
    if let Some(rest) = name.strip_prefix("RowVector") {
        return Some((1, digit(rest)?));
    }
    if let Some(rest) = name.strip_prefix("Vector") {
        return Some((digit(rest)?, 1));
    }
    let rest = name.strip_prefix("Matrix")?;
    match rest.split_once('x') {
        Some((r, c)) => Some((digit(r)?, digit(c)?)),
        None => {
            let n = digit(rest)?;
            Some((n, n))
        }
    }
}
