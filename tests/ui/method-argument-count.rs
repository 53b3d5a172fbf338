use altmin_core::prelude::*;

#[objective]
fn counted(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    x.norm_squared(y)
}

fn main() {}
