use altmin_core::prelude::*;

#[objective]
fn inferred(x: &DVector<f64>, y: &SVector<f64, 3>, a: &SVector<f64, 2>) -> f64 {
    (x - y).norm_squared() + (x - a).norm_squared()
}

fn main() {}
