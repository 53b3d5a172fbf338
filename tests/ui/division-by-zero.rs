use altmin_core::prelude::*;

#[objective]
fn degenerate(x: f64, y: f64) -> f64 {
    x * y / (y - y) + x * x
}

fn main() {}
