use altmin_core::prelude::*;

#[objective]
fn indexed(x: &DVector<f64>, y: f64) -> f64 {
    let i = 0;
    x[i] * y
}

fn main() {}
