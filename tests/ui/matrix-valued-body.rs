use altmin_core::prelude::*;

#[objective]
fn outer(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    x * y.transpose()
}

fn main() {}
