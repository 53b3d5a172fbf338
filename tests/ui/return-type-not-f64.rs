use altmin_core::prelude::*;

#[objective]
fn single(x: f64, y: f64) -> f32 {
    x * y
}

fn main() {}
