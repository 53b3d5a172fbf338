use altmin_core::prelude::*;

#[objective]
fn branches(x: f64, y: f64, k: f64) -> f64 {
    match k > 0.0 {
        true => x * y,
        false => x - y,
    }
}

fn main() {}
