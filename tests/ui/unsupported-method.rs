use altmin_core::prelude::*;

#[objective]
fn hyperbolic(x: f64, y: f64) -> f64 {
    (x * y).cosh()
}

fn main() {}
