use altmin_core::prelude::*;

#[objective]
fn unknown(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    x.dot(y) + x.norm_cubed()
}

fn main() {}
