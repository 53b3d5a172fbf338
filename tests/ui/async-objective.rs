use altmin_core::prelude::*;

#[objective]
async fn later(x: f64, y: f64) -> f64 {
    x * y
}

fn main() {}
