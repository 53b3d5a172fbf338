//! Every compile error of `#[objective]`, one case a failure, with the
//! messages pinned in `ui/*.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
