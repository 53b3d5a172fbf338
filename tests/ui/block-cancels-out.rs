use altmin_core::prelude::*;

#[objective]
fn cancelled(x: f64, y: f64) -> f64 {
    (x - x) * y + y * y
}

fn main() {}
