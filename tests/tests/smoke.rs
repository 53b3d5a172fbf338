use altmin_core::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use taylor::{Tally, Taylor};

mod taylor;

#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[objective]
fn factorization(x: &DMatrix<f64>, y: &DMatrix<f64>, m: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[objective]
fn small(x: &SVector<f64, 3>, y: &SVector<f64, 3>, m: &SMatrix<f64, 3, 3>, lambda: f64) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[objective]
fn scalars(x: f64, y: f64) -> f64 {
    x * x + y * y + 3.0 * x * y + (x * x + y * y).powi(2)
}

#[objective]
fn mixed(x: f64, y: &DVector<f64>, b: &DVector<f64>) -> f64 {
    let r = y * x - b;
    0.5 * r.norm_squared() + y.map(|t| (1.0 + t * t).ln()).sum() + x.exp()
}

#[objective]
fn logistic(x: &DVector<f64>, y: &SMatrix<f64, 2, 2>, a: &DMatrix<f64>, c: f64) -> f64 {
    let z = a * x;
    z.map(|t| (1.0 + (-t).exp()).ln()).sum()
        + c * y.trace() * x[0]
        + y.norm_squared()
        + (x.transpose() * x)[(0, 0)] * y[(0, 1)]
}

#[test]
fn smoke() {
    let a = DMatrix::from_fn(4, 3, |i, j| (i as f64 + 1.0) * 0.3 - j as f64 * 0.7);
    let f = Rank1Pca::new(&a, 0.5);
    let x = DVector::from_vec(vec![1.0, 2.0, -1.0, 0.5]);
    let y = DVector::from_vec(vec![0.3, -0.2, 0.9]);
    println!("{}", f.formulas());
    let gx = f.grad_x(&x, &y);
    let expected = &x * (0.5 + y.norm_squared()) - &a * &y;
    assert!((gx - expected).norm() < 1e-12);
    let h = f.hess_xy(&x, &y);
    let expected = 2.0 * &x * y.transpose() - &a;
    assert!((h - expected).norm() < 1e-12);
    let xs = f.argmin_x(&x, &y).unwrap();
    assert!(f.grad_x(&xs, &y).norm() < 1e-12);

    let m = DMatrix::from_fn(5, 4, |i, j| ((i * 3 + j) as f64).sin());
    let g = Factorization::new(&m, 0.1);
    println!("{}", g.formulas());
    let xm = DMatrix::from_fn(5, 2, |i, j| ((i + 2 * j) as f64).cos());
    let ym = DMatrix::from_fn(4, 2, |i, j| ((i * j) as f64 + 0.5).sin());
    let xs = g.argmin_x(&xm, &ym).unwrap();
    assert!(g.grad_x(&xs, &ym).norm() < 1e-10);
    let ys = g.argmin_y(&xs, &ym).unwrap();
    assert!(g.grad_y(&xs, &ys).norm() < 1e-10);
    let _ = g.hess_xx(&xm, &ym);
    let _ = g.hess_xy(&xm, &ym);

    let s = Small::new(&SMatrix::<f64, 3, 3>::identity(), 0.1);
    println!("{}", s.formulas());
    let v = SVector::<f64, 3>::new(1.0, 2.0, 3.0);
    let ys = s.argmin_y(&v, &v).unwrap();
    assert!(s.grad_y(&v, &ys).norm() < 1e-12);

    let q = Scalars::new();
    println!("{}", q.formulas());
    let xs = q.argmin_x(&1.0, &-0.5).unwrap();
    assert!(q.grad_x(&xs, &-0.5).abs() < 1e-12);

    let b = DVector::from_vec(vec![1.0, -1.0]);
    let mx = Mixed::new(&b);
    println!("{}", mx.formulas());
    let y = DVector::from_vec(vec![0.2, 0.4]);
    let xs = mx.argmin_x(&0.0, &y).unwrap();
    assert!(mx.grad_x(&xs, &y).abs() < 1e-10);

    let lg = Logistic::new(
        &DMatrix::from_fn(3, 2, |i, j| (i + j) as f64 * 0.3 - 0.2),
        0.5,
    );
    println!("{}", lg.formulas());
}

/// The Taylor test reports slopes 2 and 3 for every objective above, at
/// the points `smoke` uses and at seeded random ones.
#[test]
fn taylor_slopes_of_every_objective() {
    let mut t = Tally::default();
    let mut rng = StdRng::seed_from_u64(77);
    let g = Taylor::Generic;

    let a = DMatrix::from_fn(4, 3, |i, j| (i as f64 + 1.0) * 0.3 - j as f64 * 0.7);
    let f = Rank1Pca::new(&a, 0.5);
    let x = DVector::from_vec(vec![1.0, 2.0, -1.0, 0.5]);
    let y = DVector::from_vec(vec![0.3, -0.2, 0.9]);
    t.check(&f, &x, &y, g, "smoke's point");
    let xs = f.argmin_x(&x, &y).unwrap();
    t.check(&f, &xs, &y, g, "argmin_x");
    t.check_random(&f, (Shape::new(4, 1), Shape::new(3, 1)), 3, &mut rng);

    let m = DMatrix::from_fn(5, 4, |i, j| ((i * 3 + j) as f64).sin());
    let f = Factorization::new(&m, 0.1);
    let xm = DMatrix::from_fn(5, 2, |i, j| ((i + 2 * j) as f64).cos());
    let ym = DMatrix::from_fn(4, 2, |i, j| ((i * j) as f64 + 0.5).sin());
    t.check(&f, &xm, &ym, g, "smoke's point");
    t.check_random(&f, (Shape::new(5, 2), Shape::new(4, 2)), 3, &mut rng);

    let f = Small::new(&SMatrix::<f64, 3, 3>::identity(), 0.1);
    let v = SVector::<f64, 3>::new(1.0, 2.0, 3.0);
    t.check(&f, &v, &v, g, "smoke's point");
    t.check_random(&f, (Shape::new(3, 1), Shape::new(3, 1)), 3, &mut rng);

    let f = Scalars::new();
    t.check(&f, &1.0, &-0.5, g, "smoke's point");
    // f(-x, -y) = f(x, y): no cubic term at the origin.
    t.check(&f, &0.0, &0.0, Taylor::Even, "the origin");
    t.check_random(&f, (Shape::new(1, 1), Shape::new(1, 1)), 3, &mut rng);

    let b = DVector::from_vec(vec![1.0, -1.0]);
    let f = Mixed::new(&b);
    let y = DVector::from_vec(vec![0.2, 0.4]);
    t.check(&f, &0.0, &y, g, "smoke's point");
    t.check_random(&f, (Shape::new(1, 1), Shape::new(2, 1)), 3, &mut rng);

    let a = DMatrix::from_fn(3, 2, |i, j| (i + j) as f64 * 0.3 - 0.2);
    let f = Logistic::new(&a, 0.5);
    t.check_random(&f, (Shape::new(2, 1), Shape::new(2, 2)), 3, &mut rng);

    t.assert_covers(include_str!("smoke.rs"), "smoke.rs");
}
