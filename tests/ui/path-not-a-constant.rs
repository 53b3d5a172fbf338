use altmin_core::prelude::*;

#[objective]
fn tolerant(x: f64, y: f64) -> f64 {
    f64::EPSILON * x * y
}

fn main() {}
