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

/// A store in `dir` holding the record of tool `t` from `github:o/t` with `versions` (no files,
/// no executables), `active` made active; returns the store and the record written.
pub fn store_with_record(
    dir: &std::path::Path,
    versions: &[&str],
    active: &str,
) -> (crate::store::Store, crate::store::record::Record) {
    use crate::store::record::{Identity, Installed, Record, Requirement};
    let store = crate::store::Store::new(dir.join("home"), dir.join("bin"));
    let identity = Identity {
        source: "github:o/t".to_owned(),
        product: None,
    };
    let mut record = Record::new("t", identity, Requirement::default());
    for version in versions {
        record.add_version(
            version,
            Installed {
                version: (*version).to_owned(),
                tag: format!("v{version}"),
                platform: "linux-x86_64".to_owned(),
                artifacts: Vec::new(),
                bins: Vec::new(),
                installed_at: 1,
            },
        );
    }
    record.activate(active, &[], 1);
    crate::store::write_atomic(
        &store.record_path("t"),
        &serde_json::to_vec(&record).expect("a record serializes"),
    )
    .expect("the record is written");
    (store, record)
}
