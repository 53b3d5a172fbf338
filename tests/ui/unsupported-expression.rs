use altmin_core::prelude::*;

#[objective]
fn listed(x: f64, y: f64) -> f64 {
    [x, y][0] * y
}

fn main() {}
