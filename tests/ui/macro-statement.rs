use altmin_core::prelude::*;

#[objective]
fn printed(x: f64, y: f64) -> f64 {
    println!("evaluating");
    x * y
}

fn main() {}
