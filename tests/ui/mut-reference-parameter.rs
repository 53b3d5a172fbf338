use altmin_core::prelude::*;

#[objective]
fn mutable(x: &mut DVector<f64>, y: &DVector<f64>) -> f64 {
    x.dot(y)
}

fn main() {}
