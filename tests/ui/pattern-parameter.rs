use altmin_core::prelude::*;

#[objective]
fn paired((x, z): (f64, f64), y: f64) -> f64 {
    x * y * z
}

fn main() {}
