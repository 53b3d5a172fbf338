use altmin_core::prelude::*;

#[objective]
fn borrowed(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    x.dot(&mut y.clone())
}

fn main() {}
