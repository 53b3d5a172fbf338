use altmin_core::prelude::*;

#[objective]
fn product_sizes(x: &SMatrix<f64, 3, 2>, y: &SVector<f64, 3>) -> f64 {
    (x * y).norm_squared()
}

fn main() {}
