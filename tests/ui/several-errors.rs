use altmin_core::prelude::*;

#[objective]
fn careless<T>(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>) -> f64 {
    let r = (a * y - x).abs();
    let s = x.norm() as f64;
    if s > 1.0 { r.sum() } else { r.max() }
}

fn main() {}
