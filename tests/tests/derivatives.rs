//! The derivatives and block solvers `#[objective]` generates, checked
//! against hyper-dual numbers evaluated on a hand-written twin of each
//! objective.

mod common;
mod objectives;
mod taylor;

/// The sources of `objectives/`, by file name.
const SOURCES: [(&str, &str); 7] = [
    ("applications", include_str!("objectives/applications.rs")),
    ("edge", include_str!("objectives/edge.rs")),
    ("errors", include_str!("objectives/errors.rs")),
    ("kinds", include_str!("objectives/kinds.rs")),
    ("language", include_str!("objectives/language.rs")),
    ("large", include_str!("objectives/large.rs")),
    ("sensitivity", include_str!("objectives/sensitivity.rs")),
];

/// The bodies of the `#[test]` functions of `source`.
fn test_bodies(source: &str) -> Vec<&str> {
    source
        .split("#[test]")
        .skip(1)
        .map(|rest| rest.find("\n}\n").map_or(rest, |end| &rest[..end]))
        .collect()
}

/// Every objective of `objectives/` is built in a test that runs the Taylor
/// test on it, through `common::check_derivatives` or `assert_taylor`.
#[test]
fn every_objective_goes_through_the_taylor_test() {
    let mut count = 0;
    for (file, source) in SOURCES {
        let bodies = test_bodies(source);
        for name in taylor::objectives_in(source) {
            let built = format!("{name}::new(");
            let checked = bodies.iter().any(|body| {
                body.contains(&built)
                    && (body.contains("check_derivatives") || body.contains("assert_taylor("))
            });
            assert!(
                checked,
                "objectives/{file}.rs: `{name}` is not Taylor-checked"
            );
            count += 1;
        }
    }
    println!("objectives/: {count} objectives, each Taylor-checked");
    assert!(count > 0);
}
