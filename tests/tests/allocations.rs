//! Heap traffic of generated code, measured by a counting global allocator:
//! derivatives of rank-1 PCA cost O(n + m) memory, never an n-by-m
//! temporary, and static blocks allocate nothing at all.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use altmin_core::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use taylor::{Tally, Taylor};

mod taylor;

/// Forwards to the system allocator, counting what the measuring thread
/// asks for while its flag is up.
struct Counting;

static BYTES: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

/// One measurement at a time, whatever the number of test threads.
static MEASURING: Mutex<()> = Mutex::new(());

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn record(bytes: usize) {
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        BYTES.fetch_add(bytes, Ordering::Relaxed);
        CALLS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to `System`; counting touches
// only atomics and a thread-local flag without destructor, neither of which
// allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: the caller upholds `alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        // SAFETY: the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes and calls requested from the heap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Usage {
    bytes: usize,
    calls: usize,
}

/// Runs `f` once, returning its result and the allocations made meanwhile
/// by this thread. The result is dropped by the caller, uncounted.
fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    let _guard = MEASURING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    BYTES.store(0, Ordering::Relaxed);
    CALLS.store(0, Ordering::Relaxed);
    COUNTED.with(|c| c.set(true));
    let out = black_box(f());
    COUNTED.with(|c| c.set(false));
    let usage = Usage {
        bytes: BYTES.load(Ordering::Relaxed),
        calls: CALLS.load(Ordering::Relaxed),
    };
    (out, usage)
}

#[objective]
fn rank1_pca(x: &DVector<f64>, y: &DVector<f64>, a: &DMatrix<f64>, lambda: f64) -> f64 {
    0.5 * (a - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

#[objective]
fn small(x: &SVector<f64, 3>, y: &SVector<f64, 3>, m: &SMatrix<f64, 3, 3>, lambda: f64) -> f64 {
    0.5 * (m - x * y.transpose()).norm_squared()
        + 0.5 * lambda * (x.norm_squared() + y.norm_squared())
}

/// A deterministic pseudo-random entry in (-1, 1).
fn entry(i: usize, j: usize) -> f64 {
    ((i * 7919 + j * 104_729) as f64 * 0.618_033_988_7).sin()
}

#[test]
fn rank1_pca_allocates_vectors_not_matrices() {
    let (n, m, lambda) = (1000, 1000, 0.1);
    let a = DMatrix::from_fn(n, m, entry);
    let f = Rank1Pca::new(&a, lambda);
    let x = DVector::from_fn(n, |i, _| entry(i, 3));
    let y = DVector::from_fn(m, |i, _| entry(i, 5));
    let (vx, vy) = (x.map(f64::cos), y.map(f64::sin));

    // A bound far below one n-by-m temporary (8 MB).
    let budget = 16 * (n + m) * size_of::<f64>();
    let check = |what: &str, usage: Usage| {
        assert!(
            usage.bytes <= budget,
            "{what} allocated {} bytes in {} calls, more than {budget}",
            usage.bytes,
            usage.calls
        );
        assert!(
            usage.bytes > 0,
            "{what} returns a new vector, which is allocated"
        );
    };

    let (gx, usage) = measure(|| f.grad_x(&x, &y));
    check("grad_x", usage);
    let want = &x * (lambda + y.norm_squared()) - &a * &y;
    assert!((gx - want).amax() < 1e-9);
    let (gy, usage) = measure(|| f.grad_y(&x, &y));
    check("grad_y", usage);
    let want = &y * (lambda + x.norm_squared()) - a.tr_mul(&x);
    assert!((gy - want).amax() < 1e-9);

    let (hv, usage) = measure(|| f.hvp_xx(&x, &y, &vx));
    check("hvp_xx", usage);
    assert!((hv - &vx * (lambda + y.norm_squared())).amax() < 1e-9);
    let (hv, usage) = measure(|| f.hvp_yy(&x, &y, &vy));
    check("hvp_yy", usage);
    assert!((hv - &vy * (lambda + x.norm_squared())).amax() < 1e-9);
    // Hxy v = 2 x (y^T v) - a v and Hyx v = 2 y (x^T v) - a^T v.
    let (hv, usage) = measure(|| f.hvp_xy(&x, &y, &vy));
    check("hvp_xy", usage);
    assert!((hv - (&x * (2.0 * y.dot(&vy)) - &a * &vy)).amax() < 1e-9);
    let (hv, usage) = measure(|| f.hvp_yx(&x, &y, &vx));
    check("hvp_yx", usage);
    assert!((hv - (&y * (2.0 * x.dot(&vx)) - a.tr_mul(&vx))).amax() < 1e-9);
}

#[test]
fn static_blocks_allocate_nothing() {
    let m = SMatrix::<f64, 3, 3>::from_fn(entry);
    let f = Small::new(&m, 0.2);
    let x = SVector::<f64, 3>::new(0.3, -0.7, 0.4);
    let y = SVector::<f64, 3>::new(-0.2, 0.5, 0.9);
    let v = SVector::<f64, 3>::new(1.0, 0.25, -0.5);
    let none = Usage { bytes: 0, calls: 0 };

    let (g, usage) = measure(|| f.grad_x(&x, &y));
    assert_eq!(usage, none, "grad_x");
    assert!((g - (x * (0.2 + y.norm_squared()) - m * y)).amax() < 1e-12);
    assert_eq!(measure(|| f.grad_y(&x, &y)).1, none, "grad_y");
    assert_eq!(measure(|| f.hvp_xx(&x, &y, &v)).1, none, "hvp_xx");
    assert_eq!(measure(|| f.hvp_yy(&x, &y, &v)).1, none, "hvp_yy");
    assert_eq!(measure(|| f.hvp_xy(&x, &y, &v)).1, none, "hvp_xy");
    assert_eq!(measure(|| f.hvp_yx(&x, &y, &v)).1, none, "hvp_yx");

    let (xs, usage) = measure(|| f.argmin_x(&x, &y));
    assert_eq!(usage, none, "argmin_x");
    assert!(f.grad_x(&xs.unwrap(), &y).amax() < 1e-12);
    let (ys, usage) = measure(|| f.argmin_y(&x, &y));
    assert_eq!(usage, none, "argmin_y");
    assert!(f.grad_y(&x, &ys.unwrap()).amax() < 1e-12);
    assert_eq!(
        measure(|| f.prox_argmin_x(&x, &y, 1.5)).1,
        none,
        "prox_argmin_x"
    );
    assert_eq!(
        measure(|| f.prox_argmin_y(&x, &y, 1.5)).1,
        none,
        "prox_argmin_y"
    );
}

/// The counter itself works: a vector of 1000 doubles is one call of 8000
/// bytes.
#[test]
fn the_counter_sees_allocations() {
    let (v, usage) = measure(|| vec![1.0_f64; 1000]);
    assert_eq!(
        usage,
        Usage {
            bytes: 8000,
            calls: 1
        }
    );
    assert_eq!(v.len(), 1000);
}

/// The Taylor test reports slopes 2 and 3 for both objectives, at the
/// points measured above and at seeded random points.
#[test]
fn taylor_slopes_of_every_objective() {
    let mut t = Tally::default();
    let mut rng = StdRng::seed_from_u64(3);

    let n = 1000;
    let f = Rank1Pca::new(&DMatrix::from_fn(n, n, entry), 0.1);
    let x = DVector::from_fn(n, |i, _| entry(i, 3));
    let y = DVector::from_fn(n, |i, _| entry(i, 5));
    t.check(&f, &x, &y, Taylor::Generic, "the measured point");
    let f = Rank1Pca::new(&DMatrix::from_fn(6, 4, entry), 0.1);
    t.check_random(&f, (Shape::new(6, 1), Shape::new(4, 1)), 3, &mut rng);

    let f = Small::new(&SMatrix::<f64, 3, 3>::from_fn(entry), 0.2);
    let x = SVector::<f64, 3>::new(0.3, -0.7, 0.4);
    let y = SVector::<f64, 3>::new(-0.2, 0.5, 0.9);
    t.check(&f, &x, &y, Taylor::Generic, "the measured point");
    t.check_random(&f, (Shape::new(3, 1), Shape::new(3, 1)), 3, &mut rng);

    t.assert_covers(include_str!("allocations.rs"), "allocations.rs");
}
