//! Test-only helpers shared by unit tests of several modules: the asset corpus, the check that
//! `dist/` is up to date, and property tests' settings.

pub mod corpus;
mod dist_assets;
mod imports;

/// Property tests' settings: `cases` cases, unless `PROPTEST_CASES` asks for another number,
/// and no failure files written into the source tree.
#[allow(
    clippy::disallowed_methods,
    reason = "proptest's own setting, in tests only"
)]
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    use proptest::test_runner::Config;
    let base = if std::env::var_os("PROPTEST_CASES").is_some() {
        Config::default()
    } else {
        Config::with_cases(cases)
    };
    Config {
        failure_persistence: None,
        ..base
    }
}
