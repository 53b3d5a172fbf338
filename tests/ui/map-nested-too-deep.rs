use altmin_core::prelude::*;

#[objective]
fn deep(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    y.map(|a| {
        x.map(|b| {
            x.map(|c| x.map(|d| x.map(|e| a * b * c * d * e).sum()).sum())
                .sum()
        })
        .sum()
    })
    .sum()
}

fn main() {}
