use altmin_core::prelude::*;

#[objective]
fn hinge(x: f64, y: f64) -> f64 {
    if x > y { x * y } else { x + y }
}

fn main() {}
