//! Derive, solve and diagnose: rank-1 PCA (the paper's Example 1) on a
//! seeded random 200-by-150 matrix, solved by AltMin from a random start and
//! compared with the optimum given by the SVD.

use altmin_core::prelude::*;
use altmin_core::{Shape, diagnose};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Best rank-1 approximation of `a`, ridge-regularized.
#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (n, m, lambda) = (200, 150, 1.0);
    let mut rng = StdRng::seed_from_u64(2026);
    let a = DMatrix::random(Shape::new(n, m), &mut rng).ok_or("no random matrix")?;
    let f = Rank1Pca::new(&a, lambda);

    println!("What #[objective] derived:\n{}", f.formulas());
    println!("Structure:\n{}\n", f.structure());

    // AltMin from a random start: y_k = argmin_y f(x_{k-1}, y), then x_k.
    let x0 = DVector::random(Shape::new(n, 1), &mut rng).ok_or("no random start")?;
    let y0 = DVector::zeros(m);
    let solution = AltMin::new(&f)
        .with_tolerance(1e-10)?
        .with_observer(|r| {
            if r.iteration < 5 || r.iteration % 25 == 0 {
                println!("{r}");
            }
        })
        .run(&x0, &y0)?;
    println!("\n{solution}\n");

    // The optimum: the top singular pair scaled by (sigma_1 - lambda)^(1/2).
    let svd = a.clone().svd(true, true);
    let (u, v_t) = (svd.u.ok_or("no U")?, svd.v_t.ok_or("no V^T")?);
    let top = svd.singular_values.imax();
    let sigma = svd.singular_values[top];
    let scale = (sigma - lambda).sqrt();
    let x_star = u.column(top) * scale;
    let y_star = v_t.row(top).transpose() * scale;
    let optimum = f.value(&x_star, &y_star);
    println!("sigma_1 = {sigma:.6}, lambda = {lambda}");
    println!("AltMin value  {:.15e}", solution.value);
    println!("SVD optimum   {optimum:.15e}");
    println!(
        "relative gap  {:.3e}",
        (solution.value - optimum).abs() / optimum.abs()
    );
    let product_error =
        (&solution.x * solution.y.transpose() - &x_star * y_star.transpose()).norm();
    println!("|x y^T - x* y*^T| = {product_error:.3e}\n");

    println!("{}", diagnose(&f, &solution.x, &solution.y)?);
    Ok(())
}
