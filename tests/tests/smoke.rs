use altmin_core::prelude::*;

#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
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
}
