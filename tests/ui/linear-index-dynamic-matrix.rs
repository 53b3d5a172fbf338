use altmin_core::prelude::*;

#[objective]
fn linear(x: &DMatrix<f64>, y: f64) -> f64 {
    x[1] * y
}

fn main() {}
