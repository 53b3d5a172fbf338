use altmin_core::prelude::*;

#[objective]
fn pointwise(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    x.map(f64::exp).dot(y)
}

fn main() {}
