use altmin_core::prelude::*;

#[objective]
unsafe fn risky(x: f64, y: f64) -> f64 {
    x * y + x * x + y * y
}

fn main() {}
