//! Property tests of the derivative engine: random objectives over every
//! construct of the language, differentiated symbolically and evaluated by
//! the interpreter, against num-dual's hyper-dual numbers and central
//! finite differences.

// Hessians are indexed by row and column here; index loops read like the
// formulas they check.
#![allow(clippy::needless_range_loop)]

mod fuzz;
mod random;

use std::collections::{BTreeMap, HashMap};

use num_dual::HyperDual64;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::ctxt::Ctxt;
use crate::eval::{Env, Mat, Val, eval};
use crate::ir::{Graph, NodeId};
use crate::linear::Term;
use crate::parse::{self, Objective};
use crate::rows::RowTerm;
use crate::shape::Shape;
use crate::signature::{self, Signature};
use crate::structure::{self, Analysis, BlockDerivatives, Solver};

/// Parses and analyses an objective given as source text.
pub fn pipeline(source: &str) -> Result<(Signature, Objective, Analysis), String> {
    let item: syn::ItemFn = syn::parse_str(source).map_err(|e| e.to_string())?;
    let cx = Ctxt::new();
    let sig = signature::parse(&cx, &item);
    let obj = parse::parse(&cx, &sig, &item.block);
    cx.check().map_err(|e| e.to_string())?;
    let Some(mut obj) = obj else {
        return Err("no objective".to_string());
    };
    let analysis = structure::analyse(&mut obj);
    Ok((sig, obj, analysis))
}

/// Random values for every parameter, of the given rows and columns.
pub fn random_env(
    g: &Graph,
    sig: &Signature,
    sizes: &[(usize, usize)],
    rng: &mut StdRng,
) -> Env<f64> {
    let params: Vec<Val<f64>> = sig
        .params
        .iter()
        .zip(sizes)
        .map(|(p, &(rows, cols))| match p.shape {
            Shape::Scalar => Val::S(rng.random_range(-1.0..1.0)),
            Shape::Matrix(..) => {
                let data = (0..rows * cols)
                    .map(|_| rng.random_range(-1.0..1.0))
                    .collect();
                Val::M(Mat { rows, cols, data })
            }
        })
        .collect();
    let mut dims = HashMap::new();
    for (p, v) in sig.params.iter().zip(&params) {
        if let (Shape::Matrix(r, c), Val::M(m)) = (p.shape, v) {
            dims.insert(g.dims.find(r), m.rows);
            dims.insert(g.dims.find(c), m.cols);
        }
    }
    Env {
        params,
        dirs: [None, None],
        sizes: dims,
    }
}

fn to_dual(env: &Env<f64>) -> Env<HyperDual64> {
    let conv = |v: &Val<f64>| match v {
        Val::S(s) => Val::S(HyperDual64::from_re(*s)),
        Val::M(m) => Val::M(Mat {
            rows: m.rows,
            cols: m.cols,
            data: m.data.iter().map(|&e| HyperDual64::from_re(e)).collect(),
        }),
    };
    Env {
        params: env.params.iter().map(conv).collect(),
        dirs: [None, None],
        sizes: env.sizes.clone(),
    }
}

/// Value, gradient and Hessian of `root` in the stacked unknowns
/// `(vec x, vec y)`, by hyper-dual numbers.
fn reference(g: &Graph, root: NodeId, env: &Env<f64>) -> (f64, Vec<f64>, Vec<Vec<f64>>) {
    let nx = env.params[0].entries().len();
    let ny = env.params[1].entries().len();
    let nz = nx + ny;
    let base = to_dual(env);
    let mut grad = vec![0.0; nz];
    let mut hess = vec![vec![0.0; nz]; nz];
    let mut value = 0.0;
    for i in 0..nz {
        for j in i..nz {
            let mut e = Env {
                params: base.params.clone(),
                dirs: [None, None],
                sizes: base.sizes.clone(),
            };
            let seed = |k: usize| {
                let (p, idx) = if k < nx { (0, k) } else { (1, k - nx) };
                (p, idx)
            };
            for (k, eps) in [(i, 1), (j, 2)] {
                let (p, idx) = seed(k);
                let mut entries = e.params[p].entries();
                if eps == 1 {
                    entries[idx].eps1 = 1.0;
                } else {
                    entries[idx].eps2 = 1.0;
                }
                e.params[p] = e.params[p].with_entries(&entries);
            }
            let f = eval(g, root, &e).scalar();
            value = f.re;
            grad[i] = f.eps1;
            hess[i][j] = f.eps1eps2;
            hess[j][i] = f.eps1eps2;
        }
    }
    (value, grad, hess)
}

fn close(a: f64, b: f64, scale: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + scale)
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0_f64, |m, e| m.max(e.abs()))
}

/// The matrix, in `vec` form, of a linear map given by its terms.
fn term_matrix(
    g: &Graph,
    terms: &[Term],
    env: &Env<f64>,
    input: &Val<f64>,
    output: &Val<f64>,
) -> Vec<Vec<f64>> {
    let n_in = input.entries().len();
    let n_out = output.entries().len();
    let ev = |n: NodeId| eval(g, n, env);
    let as_mat = |v: Val<f64>| match v {
        Val::M(m) => m,
        Val::S(s) => Mat {
            rows: 1,
            cols: 1,
            data: vec![s],
        },
    };
    let mut h = vec![vec![0.0; n_in]; n_out];
    for j in 0..n_in {
        let mut e = vec![0.0; n_in];
        e[j] = 1.0;
        let basis = as_mat(input.with_entries(&e));
        let mut col = vec![0.0; n_out];
        for t in terms {
            let contribution: Vec<f64> = match *t {
                Term::Sandwich {
                    scale,
                    left,
                    right,
                    transposed,
                    hadamard,
                } => {
                    let mut v = basis.clone();
                    if let Some(d) = hadamard {
                        let d = as_mat(ev(d));
                        v.data = v.data.iter().zip(&d.data).map(|(a, b)| a * b).collect();
                    }
                    if transposed {
                        v = Mat::from_fn(v.cols, v.rows, |i, k| v.at(k, i));
                    }
                    if let Some(l) = left {
                        v = matmul(&as_mat(ev(l)), &v);
                    }
                    if let Some(r) = right {
                        v = matmul(&v, &as_mat(ev(r)));
                    }
                    let s = scale.map_or(1.0, |s| ev(s).scalar());
                    v.data.iter().map(|e| s * e).collect()
                }
                Term::Outer { u, g: grad } => {
                    let u = as_mat(ev(u));
                    let grad = as_mat(ev(grad));
                    let dot: f64 = grad.data.iter().zip(&basis.data).map(|(a, b)| a * b).sum();
                    u.data.iter().map(|e| e * dot).collect()
                }
            };
            assert_eq!(contribution.len(), n_out, "a term of the wrong size");
            for (c, v) in col.iter_mut().zip(contribution) {
                *c += v;
            }
        }
        for (i, c) in col.into_iter().enumerate() {
            h[i][j] = c;
        }
    }
    h
}

fn matmul(a: &Mat<f64>, b: &Mat<f64>) -> Mat<f64> {
    assert_eq!(a.cols, b.rows);
    Mat::from_fn(a.rows, b.cols, |i, j| {
        (0..a.cols).map(|k| a.at(i, k) * b.at(k, j)).sum()
    })
}

/// What a case exercised, for the coverage report.
#[derive(Default, Debug)]
struct Tally {
    cases: usize,
    solvers: BTreeMap<&'static str, usize>,
    opaque_hessians: usize,
}

/// Checks every derived quantity of one objective against the
/// references; returns a description of the first disagreement.
fn check(
    source: &str,
    sizes: &[(usize, usize)],
    seed: u64,
    tally: &mut Tally,
) -> Result<(), String> {
    let (sig, obj, an) = pipeline(source)?;
    let g = &obj.graph;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut env = random_env(g, &sig, sizes, &mut rng);
    let nx = env.params[0].entries().len();
    let (value, grad, hess) = reference(g, obj.root, &env);
    let f64_value = eval(g, obj.root, &env).scalar();
    if !value.is_finite() || max_abs(&grad).is_nan() {
        return Ok(());
    }
    let gscale = max_abs(&grad);
    let hscale = hess.iter().map(|r| max_abs(r)).fold(0.0, f64::max);
    if gscale > 1e6 || hscale > 1e6 {
        return Ok(());
    }
    tally.cases += 1;
    if !close(value, f64_value, value.abs(), 1e-12) {
        return Err(format!("value {f64_value} against {value}"));
    }

    // Gradients against num-dual and central differences of the value.
    let gx = eval(g, an.x.grad, &env).entries();
    let gy = eval(g, an.y.grad, &env).entries();
    let symbolic: Vec<f64> = gx.iter().chain(&gy).copied().collect();
    for (k, (&s, &r)) in symbolic.iter().zip(&grad).enumerate() {
        if !close(s, r, gscale, 1e-10) {
            return Err(format!("gradient entry {k}: {s} against num-dual {r}"));
        }
        let fd = central_difference(g, obj.root, &env, nx, k);
        if !close(s, fd, gscale, 1e-5) {
            return Err(format!(
                "gradient entry {k}: {s} against finite differences {fd}"
            ));
        }
    }

    // Hessian-vector products against H v.
    let (x, y) = (env.params[0].clone(), env.params[1].clone());
    let vx_entries: Vec<f64> = (0..nx).map(|_| rng.random_range(-1.0..1.0)).collect();
    let vy_entries: Vec<f64> = (0..grad.len() - nx)
        .map(|_| rng.random_range(-1.0..1.0))
        .collect();
    env.dirs = [
        Some(x.with_entries(&vx_entries)),
        Some(y.with_entries(&vy_entries)),
    ];
    let block = |i0: usize, i1: usize, j0: usize, j1: usize| -> Vec<Vec<f64>> {
        (i0..i1).map(|i| hess[i][j0..j1].to_vec()).collect()
    };
    let nz = grad.len();
    let hxx = block(0, nx, 0, nx);
    let hyy = block(nx, nz, nx, nz);
    let hxy = block(0, nx, nx, nz);
    let hyx = block(nx, nz, 0, nx);
    let products = [
        ("hvp_xx", an.x.hvp, &hxx, &vx_entries),
        ("hvp_yy", an.y.hvp, &hyy, &vy_entries),
        ("hvp_xy", an.x.hvp_cross, &hxy, &vy_entries),
        ("hvp_yx", an.y.hvp_cross, &hyx, &vx_entries),
    ];
    for (name, node, h, v) in products {
        let got = eval(g, node, &env).entries();
        for (i, row) in h.iter().enumerate() {
            let want: f64 = row.iter().zip(v.iter()).map(|(a, b)| a * b).sum();
            if !close(got[i], want, hscale, 1e-10) {
                return Err(format!("{name} entry {i}: {} against {want}", got[i]));
            }
        }
    }

    // Dense Hessian blocks from their terms.
    let dense = [
        ("Hxx", an.x.hess_terms.as_deref(), &hxx, &x, &x),
        ("Hyy", an.y.hess_terms.as_deref(), &hyy, &y, &y),
        ("Hxy", an.cross_terms.as_deref(), &hxy, &y, &x),
    ];
    for (name, terms, h, input, output) in dense {
        let Some(terms) = terms else {
            tally.opaque_hessians += 1;
            continue;
        };
        let got = term_matrix(g, terms, &env, input, output);
        for (i, row) in h.iter().enumerate() {
            for (j, &want) in row.iter().enumerate() {
                if !close(got[i][j], want, hscale, 1e-10) {
                    return Err(format!("{name}[{i}, {j}]: {} against {want}", got[i][j]));
                }
            }
        }
    }

    // Finite differences of the symbolic gradients give the Hessian.
    for k in 0..nz {
        let column = gradient_difference(g, &an, &env, nx, k);
        for (i, &fd) in column.iter().enumerate() {
            if !close(hess[i][k], fd, hscale, 1e-5) {
                return Err(format!(
                    "Hessian [{i}, {k}] against finite differences {fd}"
                ));
            }
        }
    }

    // Quadratic blocks: grad = H v - rhs, and the solver's form of H.
    for (d, h, nb, offset) in [(&an.x, &hxx, nx, 0), (&an.y, &hyy, nz - nx, nx)] {
        let name = d.solver.structure_name(false);
        *tally.solvers.entry(name).or_default() += 1;
        let Some(rhs) = d.rhs else { continue };
        let b = eval(g, rhs, &env).entries();
        let current: Vec<f64> = env.params[d.block.index()].entries();
        for i in 0..nb {
            let hv: f64 = (0..nb).map(|j| h[i][j] * current[j]).sum();
            let want = hv - b[i];
            if !close(grad[offset + i], want, gscale + hscale, 1e-10) {
                return Err(format!("{name}: gradient is not H v - rhs at entry {i}"));
            }
        }
        check_solver_form(g, &env, d, h, hscale)?;
    }
    Ok(())
}

/// The solver's closed form of the block Hessian reproduces it.
fn check_solver_form(
    g: &Graph,
    env: &Env<f64>,
    d: &BlockDerivatives,
    h: &[Vec<f64>],
    scale: f64,
) -> Result<(), String> {
    let solver = d.solver;
    let block = &env.params[d.block.index()];
    let n = block.entries().len();
    let expected: Vec<Vec<f64>> = match solver {
        Solver::RowBlocks => row_blocks_matrix(g, env, block.matrix(), d.row_terms.as_deref()),
        Solver::ScaledIdentity { coef } => {
            let c = eval(g, coef, env).scalar();
            (0..n)
                .map(|i| (0..n).map(|j| if i == j { c } else { 0.0 }).collect())
                .collect()
        }
        Solver::RightProduct { k } | Solver::LeftProduct { k } => {
            let k = eval(g, k, env);
            let k = k.matrix();
            let m = block.matrix();
            let mut out = vec![vec![0.0; n]; n];
            for j in 0..n {
                let mut e = vec![0.0; n];
                e[j] = 1.0;
                let v = Mat {
                    rows: m.rows,
                    cols: m.cols,
                    data: e,
                };
                let hv = match solver {
                    Solver::RightProduct { .. } => matmul(&v, k),
                    _ => matmul(k, &v),
                };
                for i in 0..n {
                    out[i][j] = hv.data[i];
                }
            }
            out
        }
        Solver::Quadratic | Solver::Newton => return Ok(()),
    };
    for i in 0..n {
        for j in 0..n {
            if !close(expected[i][j], h[i][j], scale, 1e-10) {
                return Err(format!(
                    "{solver:?}: solver's Hessian [{i}, {j}] is {} against {}",
                    expected[i][j], h[i][j]
                ));
            }
        }
    }
    Ok(())
}

/// The Hessian the row terms describe, in column-major `vec` order: row
/// `i` of the block is mapped by `G_i = scale B^T diag(d_i) C`.
fn row_blocks_matrix(
    g: &Graph,
    env: &Env<f64>,
    block: &Mat<f64>,
    terms: Option<&[RowTerm]>,
) -> Vec<Vec<f64>> {
    let (n, r) = (block.rows, block.cols);
    let mut h = vec![vec![0.0; n * r]; n * r];
    for t in terms.unwrap_or_default() {
        let value = |node: Option<NodeId>| node.map(|x| eval(g, x, env));
        let s = value(t.scale).map_or(1.0, |v| v.scalar());
        let (d, b, c) = (value(t.weights), value(t.inner), value(t.outer));
        let (d, b, c) = (
            d.as_ref().map(Val::matrix),
            b.as_ref().map(Val::matrix),
            c.as_ref().map(Val::matrix),
        );
        let weight = |i: usize, j: usize| match d {
            Some(d) if t.weights_transposed => d.at(j, i),
            Some(d) => d.at(i, j),
            None => 1.0,
        };
        let d_cols = d.map(|d| if t.weights_transposed { d.rows } else { d.cols });
        let m = b.or(c).map(|f| f.rows).or(d_cols).unwrap_or(r);
        let factor = |f: Option<&Mat<f64>>, j: usize, k: usize| {
            f.map_or(if j == k { 1.0 } else { 0.0 }, |f| f.at(j, k))
        };
        for i in 0..n {
            for k in 0..r {
                for l in 0..r {
                    let gkl: f64 = (0..m)
                        .map(|j| factor(b, j, k) * weight(i, j) * factor(c, j, l))
                        .sum();
                    h[i + n * l][i + n * k] += s * gkl;
                }
            }
        }
    }
    h
}

fn perturbed(env: &Env<f64>, nx: usize, k: usize, h: f64) -> Env<f64> {
    let mut params = env.params.clone();
    let (p, idx) = if k < nx { (0, k) } else { (1, k - nx) };
    let mut entries = params[p].entries();
    entries[idx] += h;
    params[p] = params[p].with_entries(&entries);
    Env {
        params,
        dirs: [None, None],
        sizes: env.sizes.clone(),
    }
}

fn step(env: &Env<f64>, nx: usize, k: usize) -> f64 {
    let (p, idx) = if k < nx { (0, k) } else { (1, k - nx) };
    1e-6 * env.params[p].entries()[idx].abs().max(1.0)
}

fn central_difference(g: &Graph, root: NodeId, env: &Env<f64>, nx: usize, k: usize) -> f64 {
    let h = step(env, nx, k);
    let plus = eval(g, root, &perturbed(env, nx, k, h)).scalar();
    let minus = eval(g, root, &perturbed(env, nx, k, -h)).scalar();
    (plus - minus) / (2.0 * h)
}

fn gradient_difference(g: &Graph, an: &Analysis, env: &Env<f64>, nx: usize, k: usize) -> Vec<f64> {
    let h = step(env, nx, k);
    let grad_at = |e: &Env<f64>| -> Vec<f64> {
        let mut v = eval(g, an.x.grad, e).entries();
        v.extend(eval(g, an.y.grad, e).entries());
        v
    };
    let plus = grad_at(&perturbed(env, nx, k, h));
    let minus = grad_at(&perturbed(env, nx, k, -h));
    plus.iter()
        .zip(&minus)
        .map(|(p, m)| (p - m) / (2.0 * h))
        .collect()
}

#[test]
fn random_objectives_agree_with_num_dual_and_finite_differences() {
    const CASES: usize = 2000;
    let mut generator = random::Generator::new(20261203);
    let mut tally = Tally::default();
    let mut attempts = 0;
    while tally.cases < CASES {
        attempts += 1;
        assert!(attempts < 4 * CASES, "too few usable random objectives");
        let case = generator.case();
        if let Err(e) = check(&case.source, &case.sizes, attempts as u64, &mut tally) {
            panic!("{e}\nin the objective\n{}", case.source);
        }
    }
    println!("{tally:#?}");
    for solver in [
        "ScaledIdentity",
        "RightProduct",
        "LeftProduct",
        "NonQuadratic",
    ] {
        assert!(
            tally.solvers.get(solver).copied().unwrap_or(0) > 0,
            "no random objective exercised {solver}"
        );
    }
}

/// Objectives whose block Hessians act row by row, each through the full
/// check (derivatives against num-dual and finite differences, and the
/// row-by-row form against the assembled Hessian).
#[test]
fn row_by_row_hessians_are_read_and_reproduced() {
    // The source, the parameters' sizes, and which blocks split by rows.
    type Case = (&'static str, &'static [(usize, usize)], [bool; 2]);
    let cases: [Case; 6] = [
        // Matrix completion with a mask: both factors.
        (
            "fn f(x: &DMatrix<f64>, y: &DMatrix<f64>, w: &DMatrix<f64>, m: &DMatrix<f64>) -> f64 {
                0.5 * w.component_mul(&(x * y.transpose() - m)).norm_squared()
                    + 0.1 * (x.norm_squared() + y.norm_squared())
            }",
            &[(5, 2), (4, 2), (5, 4), (5, 4)],
            [true, true],
        ),
        // Two masks, weights and a scalar datum, vector blocks.
        (
            "fn f(x: &DVector<f64>, y: &DVector<f64>, w: &DMatrix<f64>, v: &DMatrix<f64>, c: f64) -> f64 {
                (w.component_mul(&(x * y.transpose()))).norm_squared() / 2.0
                    + c * (v.component_mul(&(x * y.transpose()))).sum()
                    + x.norm_squared() + 2.0 * y.norm_squared()
            }",
            &[(4, 1), (3, 1), (4, 3), (4, 3), (1, 1)],
            [true, true],
        ),
        // Element-wise weights directly on the block: a diagonal Hessian.
        (
            "fn f(x: &DMatrix<f64>, y: &DMatrix<f64>, d: &DMatrix<f64>) -> f64 {
                (d.component_mul(&x)).norm_squared() + x.dot(&y) + y.norm_squared()
            }",
            &[(3, 2), (3, 2), (3, 2)],
            [true, false],
        ),
        // A right factor after the weights, and the transposed reading.
        (
            "fn f(x: &DMatrix<f64>, y: &DMatrix<f64>, w: &DMatrix<f64>, k: &DMatrix<f64>) -> f64 {
                (w.component_mul(&(y * x.transpose()))).norm_squared()
                    + (x * k).norm_squared()
                    + y.norm_squared()
            }",
            &[(3, 2), (4, 2), (4, 3), (2, 2)],
            [true, true],
        ),
        // Weights inside, then another factor: (W o (X A^T)) B.
        (
            "fn f(x: &DMatrix<f64>, y: &DMatrix<f64>, w: &DMatrix<f64>, a: &DMatrix<f64>) -> f64 {
                let p = w.component_mul(&(x * a.transpose()));
                p.norm_squared() + 0.5 * x.norm_squared() + (x - y).norm_squared()
            }",
            &[(3, 2), (3, 2), (3, 4), (4, 2)],
            [true, false],
        ),
        // Mixing rows: a left factor. Not read row by row.
        (
            "fn f(x: &DMatrix<f64>, y: &DMatrix<f64>, w: &DMatrix<f64>, l: &DMatrix<f64>) -> f64 {
                (w.component_mul(&(l * x * y.transpose()))).norm_squared()
                    + x.norm_squared() + y.norm_squared()
            }",
            &[(3, 2), (4, 2), (3, 4), (3, 3)],
            [false, true],
        ),
    ];
    let mut tally = Tally::default();
    for (k, (source, sizes, row_blocks)) in cases.iter().enumerate() {
        let (_, _, an) = pipeline(source).unwrap();
        for (d, want) in [(&an.x, row_blocks[0]), (&an.y, row_blocks[1])] {
            let got = d.solver == Solver::RowBlocks;
            assert_eq!(got, want, "case {k}, block {:?}: {:?}", d.block, d.solver);
        }
        for seed in 0..5 {
            if let Err(e) = check(source, sizes, seed, &mut tally) {
                panic!("case {k}: {e}\nin the objective\n{source}");
            }
        }
    }
    assert!(tally.cases >= 25, "{tally:?}");
}

#[test]
fn rank1_pca_derivatives_have_the_closed_forms() {
    let (sig, obj, an) = pipeline(
        "fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
            0.5 * (a - x * y.transpose()).norm_squared()
                + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
        }",
    )
    .unwrap();
    assert!(matches!(an.x.solver, Solver::ScaledIdentity { .. }));
    assert!(matches!(an.y.solver, Solver::ScaledIdentity { .. }));
    let text = crate::formulas::text(&sig, &obj, &an);
    assert!(text.contains("grad_x = (lambda + |y|^2) x - a y"), "{text}");
    assert!(
        text.contains("grad_y = (lambda + |x|^2) y - a^T x"),
        "{text}"
    );
    assert!(text.contains("Hxx = (lambda + |y|^2) I"), "{text}");
    assert!(text.contains("Hxy = 2 x y^T - a\n"), "{text}");
}

/// The lines of the formulas of `source` that start with `prefix`.
fn formula_lines(source: &str, prefix: &str) -> Vec<String> {
    let (sig, obj, an) = pipeline(source).unwrap();
    crate::formulas::text(&sig, &obj, &an)
        .lines()
        .filter(|l| l.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

#[test]
fn formulas_read_as_written_by_hand() {
    // Constant divisors fold into constant factors, and a negative term is
    // subtracted.
    let lines = formula_lines(
        "fn f(x: &DVector<f64>, y: &DVector<f64>, lambda: f64) -> f64 {
            lambda / 2.0 * x.norm_squared() + x.dot(y) - 2.0 * (y.sum() / 4.0) * x.sum()
        }",
        "grad_",
    );
    assert_eq!(
        lines,
        [
            "grad_x = y - 0.5 sum(y) ones + lambda x",
            "grad_y = x - 0.5 sum(x) ones"
        ]
    );

    // A power of a squared norm keeps its parentheses.
    let lines = formula_lines(
        "fn f(x: &DVector<f64>, y: f64) -> f64 { x.norm_squared().powi(2) * y + y * y }",
        "f(",
    );
    assert_eq!(lines, ["f(x, y) = y (|x|^2)^2 + y^2"]);

    // A constant factor of an outer product stands in front of it.
    let lines = formula_lines(
        "fn f(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
            (a - x * y.transpose()).norm_squared()
        }",
        "Hxy",
    );
    assert_eq!(lines, ["Hxy = -2 a + 4 x y^T"]);

    // Negative multiples are subtracted, in sums and in solvers alike, and
    // a scalar block's cross Hessian is one row.
    let lines = formula_lines(
        "fn f(x: f64, y: &DMatrix<f64>, a: &DMatrix<f64>) -> f64 {
            (a - y * x).norm_squared() + 0.5 * y.norm_squared()
        }",
        "",
    );
    assert_eq!(
        lines[3..],
        [
            "Hxx = 2 |y|^2",
            "Hyy = (1 + 2 x^2) I",
            "Hxy = vec(2 x y - 2 (a - x y))^T",
            "argmin_x: quadratic with Hessian (2 |y|^2) I: x = 2 <y, a> / (2 |y|^2)",
            "argmin_y: quadratic with Hessian (1 + 2 x^2) I: y = 2 x a / (1 + 2 x^2)",
        ]
    );
}
