use altmin_core::prelude::*;

#[objective]
fn mixed_up(x: &DVector<f32>, y: f64) -> f64 {
    if y > 0.0 { y.abs() } else { y }
}

fn main() {}
