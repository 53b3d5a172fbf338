use nalgebra::DVector;
use rand::RngExt;

use super::run::start_rng;
use super::*;
use crate::block::{Block, Shape};
use crate::error::BlockId;
use crate::testing::{QuarticSaddle, Rank1Pca, random_matrix, random_vector};

fn pca() -> Rank1Pca {
    Rank1Pca {
        a: random_matrix(6, 4, 31),
        lambda: 0.5,
    }
}

/// Normal starts for [`Rank1Pca`], whose blocks have no fixed shape.
fn pca_start(rng: &mut StdRng) -> (DVector<f64>, DVector<f64>) {
    let x = DVector::random(Shape::new(6, 1), rng).unwrap_or_else(|| DVector::zeros(6));
    (x, DVector::zeros(4))
}

#[test]
fn reports_do_not_depend_on_the_thread_count() {
    let f = QuarticSaddle;
    for algorithm in [Algorithm::AltMin, Algorithm::ProxAltMin(Beta::default())] {
        let census = |threads| {
            Census::new(&f)
                .with_starts(40)
                .unwrap()
                .with_seed(5)
                .with_algorithm(algorithm)
                .unwrap()
                .with_threads(threads)
                .unwrap()
                .run()
                .unwrap()
        };
        let (one, two, five) = (census(1), census(2), census(5));
        assert_eq!(one, two);
        assert_eq!(one, five);
        assert_eq!(one.runs.len(), 40);
        assert!(one.runs.iter().enumerate().all(|(i, r)| r.start == i));
    }
}

#[test]
fn start_streams_differ_across_seeds_and_indices() {
    let first = |seed, start| start_rng(seed, start).random::<u64>();
    assert_eq!(first(7, 1), first(7, 1));
    assert_ne!(first(7, 1), first(8, 0));
    assert_ne!(first(7, 1), first(7, 0));
    assert_ne!(first(0, 1), first(1, 0));
}

#[test]
fn blocks_without_a_shape_need_a_generator() {
    let f = pca();
    assert_eq!(
        Census::new(&f).run().unwrap_err(),
        Error::UnknownShape { block: BlockId::X }
    );

    let report = Census::new(&f)
        .with_starts(30)
        .unwrap()
        .with_start_generator(|_, rng| pca_start(rng))
        .with_clustering(Clustering::ByValue)
        .run()
        .unwrap();
    let sigma = f.a.singular_values().max();
    let optimum = 0.5 * f.a.norm_squared() - 0.5 * (sigma - f.lambda).powi(2);
    let lowest = report.lowest().unwrap();
    assert!((lowest.value - optimum).abs() < 1e-10 * optimum.abs());
    assert_eq!(report.converged(), 30);
    assert_eq!(report.strict_saddles(), 0);
    assert!(report.generated_starts);
}

#[test]
fn runs_point_at_the_limits_that_hold_their_start() {
    let f = QuarticSaddle;
    let report = Census::new(&f)
        .with_starts(60)
        .unwrap()
        .with_start_generator(|i, rng| match i {
            // the origin itself: a fixed point that is a strict saddle
            0 => (0.0, 0.0),
            _ => (rng.random::<f64>() * 4.0 - 2.0, 0.0),
        })
        .run()
        .unwrap();

    assert_eq!(report.limits.len(), 3);
    assert!(report.limits.windows(2).all(|w| w[0].value <= w[1].value));
    let saddle = &report.limits[2];
    assert_eq!(saddle.verdict, VerdictKind::StrictSaddle);
    assert_eq!((saddle.count, saddle.starts.as_slice()), (1, &[0][..]));
    assert!((saddle.min_eigenvalue + 1.0).abs() < 1e-12);
    assert_eq!(report.strict_saddles(), 1);

    for run in &report.runs {
        let RunOutcome::Limit { limit, verdict, .. } = run.outcome else {
            panic!("failed: {run:?}");
        };
        let l = &report.limits[limit];
        assert!(l.starts.contains(&run.start));
        assert_eq!(l.verdict, verdict);
    }
    let total: usize = report.limits.iter().map(|l| l.starts.len()).sum();
    assert_eq!(total, 60);
}

#[test]
fn failures_are_tallied_by_stage_and_kind() {
    let f = pca();
    let report = Census::new(&f)
        .with_starts(9)
        .unwrap()
        .with_max_iters(2)
        .unwrap()
        .with_start_generator(|i, rng| match i % 3 {
            0 => (random_vector(5, 1), DVector::zeros(4)),
            _ => pca_start(rng),
        })
        .run()
        .unwrap();

    assert_eq!(report.converged(), 0);
    assert_eq!(report.failed(), 9);
    assert_eq!(report.iteration_limits(), 6);
    let mismatch = report
        .failures
        .iter()
        .find(|t| matches!(t.first, Error::DimensionMismatch { .. }))
        .unwrap();
    assert_eq!((mismatch.stage, mismatch.count), (FailureStage::Run, 3));
    assert_eq!(mismatch.starts, vec![0, 3, 6]);
    assert_eq!(report.runs[0].value, None);
    assert!(report.runs[1].value.is_some());

    let table = report.to_string();
    assert!(table.contains("iteration limit"), "{table}");
    assert!(table.contains("dimension mismatch"), "{table}");
}

#[test]
fn non_finite_data_are_rejected_before_any_run() {
    let mut f = pca();
    f.a[(1, 1)] = f64::NAN;
    let result = Census::new(&f)
        .with_start_generator(|_, rng| pca_start(rng))
        .run();
    assert!(matches!(result, Err(Error::NonFinite(_))));
}

#[test]
fn invalid_settings_are_rejected() {
    let f = QuarticSaddle;
    let name = |r: Result<Census<'_, QuarticSaddle>, Error>| match r {
        Err(Error::InvalidSetting { name, .. }) => name,
        Ok(c) => panic!("accepted: {c:?}"),
        Err(e) => panic!("unexpected: {e}"),
    };
    assert_eq!(name(Census::new(&f).with_starts(0)), "starts");
    assert_eq!(name(Census::new(&f).with_threads(0)), "threads");
    assert_eq!(name(Census::new(&f).with_max_iters(0)), "max_iters");
    assert_eq!(name(Census::new(&f).with_tolerance(f64::NAN)), "tolerance");
    assert_eq!(name(Census::new(&f).with_start_scale(-1.0)), "start_scale");
    assert_eq!(
        name(Census::new(&f).with_cluster_tolerance(0.0)),
        "cluster_tolerance"
    );
    assert_eq!(
        name(Census::new(&f).with_curvature_tolerance(1.0)),
        "curvature_tolerance"
    );
    assert_eq!(
        name(Census::new(&f).with_stationarity_tolerance(0.0)),
        "tolerance"
    );
    let prox = Algorithm::ProxAltMin(Beta::Fixed(f64::INFINITY));
    assert_eq!(name(Census::new(&f).with_algorithm(prox)), "beta");
}

#[test]
fn the_table_lists_limits_and_counts() {
    let f = QuarticSaddle;
    let report = Census::new(&f)
        .with_starts(20)
        .unwrap()
        .with_seed(3)
        .run()
        .unwrap();
    let table = report.to_string();
    assert!(table.starts_with("AltMin from 20 random starts (seed 3)"));
    assert!(table.contains("20 converged: 20 local minimum, 0 strict saddle"));
    assert_eq!(table.matches("local minimum").count(), 3, "{table}");
    let min = report.limits[0].x;
    assert!((min.abs() - 8.0_f64.sqrt().recip()).abs() < 1e-8);
}
