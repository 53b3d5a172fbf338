use altmin_core::prelude::*;

const SCALE: f64 = 2.0;

#[objective]
fn scaled(x: f64, y: f64) -> f64 {
    SCALE * x * y
}

fn main() {}
