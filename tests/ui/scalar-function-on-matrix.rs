use altmin_core::prelude::*;

#[objective]
fn exponential(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    (x * y.transpose()).exp().sum()
}

fn main() {}
