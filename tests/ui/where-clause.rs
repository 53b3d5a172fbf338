use altmin_core::prelude::*;

#[objective]
fn bounded(x: f64, y: f64) -> f64
where
    f64: Copy,
{
    x * y
}

fn main() {}
