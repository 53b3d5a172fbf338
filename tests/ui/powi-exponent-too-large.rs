use altmin_core::prelude::*;

#[objective]
fn steep(x: f64, y: f64) -> f64 {
    x.powi(2000000) + x * y + y * y
}

fn main() {}
