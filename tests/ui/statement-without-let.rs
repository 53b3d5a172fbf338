use altmin_core::prelude::*;

#[objective]
fn discarded(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    x.clone();
    x.dot(y)
}

fn main() {}
