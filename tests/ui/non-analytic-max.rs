use altmin_core::prelude::*;

#[objective]
fn largest(x: f64, y: f64) -> f64 {
    x.max(y) + x * y
}

fn main() {}
