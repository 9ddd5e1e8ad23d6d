//! The store's transactions on a real directory: installs side by side, undo on failure, and
//! recovery from a crash at every step.

use std::path::{Path, PathBuf};

use super::check::Drift;
use super::record::{Artifact, Bin, Identity, Installed, Product, Requirement};
use super::*;

fn store(dir: &Path) -> Store {
    Store::new(dir.join("home"), dir.join("bin"))
}

fn installed(version: &str) -> Installed {
    Installed {
        version: version.to_owned(),
        tag: format!("v{version}"),
        platform: "linux-x86_64".to_owned(),
        artifacts: vec![Artifact {
            asset: "t.tar.gz".to_owned(),
            url: "http://127.0.0.1/t.tar.gz".to_owned(),
            size: None,
            sha256: "0".repeat(64),
            sha512: None,
            verified_by: None,
            checksum_url: None,
        }],
        bins: vec![Bin {
            link: "t".to_owned(),
            path: "t".to_owned(),
            size: None,
            modified: None,
        }],
        installed_at: 1,
    }
}

fn identity() -> Identity {
    Identity {
        source: "github:o/t".to_owned(),
        product: Some(Product {
            bin: "t".to_owned(),
            ..Product::default()
        }),
    }
}

/// An executable at `path` saying `text`, as unpacking leaves one.
fn program(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    crate::unpack::set_executable(path).unwrap();
}

/// Stage `version` of `t` with its executable, and the change that installs and activates it.
fn install(store: &Store, version: &str) -> Result<()> {
    install_into(store, version, std::slice::from_ref(&store.bin_dir))
}

fn install_into(store: &Store, version: &str, bin_dirs: &[PathBuf]) -> Result<()> {
    install_tool(store, "t", version, bin_dirs)
}

/// [`install_into`] for the tool `name` (from `github:o/NAME`, its executable `NAME`).
fn install_tool(store: &Store, name: &str, version: &str, bin_dirs: &[PathBuf]) -> Result<()> {
    let staging = store.staging(name)?;
    program(&staging.unpacked().join(name), &format!("{name} {version}"));
    store.change(name, |now| {
        let mut record = now.record().cloned().unwrap_or_else(|| {
            let identity = Identity {
                source: format!("github:o/{name}"),
                product: Some(Product {
                    bin: name.to_owned(),
                    ..Product::default()
                }),
            };
            Record::new(name, identity, Requirement::default())
        });
        let mut stored = installed(version);
        stored.bins[0].link = name.to_owned();
        stored.bins[0].path = name.to_owned();
        record.add_version(version, stored);
        let unlink = record.activate(version, bin_dirs, 1);
        Ok((
            Change {
                record: Some(record),
                stage: Some((staging, version.to_owned())),
                unlink,
                ..Change::default()
            },
            (),
        ))
    })
}

/// Leave `entry` in the journal of `t`, as a change stopped part-way would; returns its path.
fn journal(store: &Store, entry: &serde_json::Value) -> PathBuf {
    let path = store.journal_dir().join("t.json");
    write_atomic(&path, entry.to_string().as_bytes()).unwrap();
    path
}

/// Stage `version` of `t` and journal the change that installs and activates it, as a
/// process does just before it makes the change; returns the staging (the caller forgets it,
/// as a process that died would).
fn journal_install(store: &Store, version: &str) -> Staging {
    let staging = store.staging("t").unwrap();
    program(&staging.unpacked().join("t"), &format!("t {version}"));
    let previous = store.read("t").unwrap().unwrap();
    let mut record = previous.clone();
    record.add_version(version, installed(version));
    record.activate(version, &[], 2);
    journal(
        store,
        &serde_json::json!({
            "name": "t", "record": record, "previous": previous,
            "stage": [staging.unpacked(), version], "remove": [], "unlink": [],
        }),
    );
    staging
}

fn linked(store: &Store) -> Option<String> {
    std::fs::read_to_string(store.bin_dir.join("t")).ok()
}

#[test]
fn versions_are_kept_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    install(&store, "2.0.0").unwrap();
    let record = store.read("t").unwrap().unwrap();
    assert_eq!(record.active.as_deref(), Some("2.0.0"));
    assert_eq!(record.versions.len(), 2);
    assert!(store.version_dir("t", "1.0.0").join("t").is_file());
    assert_eq!(linked(&store).as_deref(), Some("t 2.0.0"));
    assert!(store.check(&record).is_empty());
    assert!(store.pending().is_empty());
}

/// A step that fails in the running process (here: a bin dir that cannot be made, because a
/// file is in the way) undoes the change: record, links and store as they were.
#[test]
fn a_failure_part_way_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    let before = store.read("t").unwrap();
    let blocked = dir.path().join("not-a-dir");
    std::fs::write(&blocked, b"a file").unwrap();
    let result = install_into(&store, "2.0.0", &[store.bin_dir.clone(), blocked.clone()]);
    assert!(result.is_err());
    assert_eq!(store.read("t").unwrap(), before);
    assert!(!store.version_dir("t", "2.0.0").exists());
    assert_eq!(linked(&store).as_deref(), Some("t 1.0.0"));
    assert_eq!(std::fs::read(&blocked).unwrap(), b"a file");
    assert!(store.pending().is_empty());
}

/// A journal left by a crash at each step is completed by the next lock: the state is then
/// exactly what the change meant.
#[test]
fn a_crash_at_any_step_is_completed_by_the_next_run() {
    for step in 0..4 {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        install(&store, "1.0.0").unwrap();
        // What `run` writes before acting, and then the steps it got through.
        let staging = store.staging("t").unwrap();
        program(&staging.unpacked().join("t"), "t 2.0.0");
        let mut record = store.read("t").unwrap().unwrap();
        let previous = record.clone();
        record.add_version("2.0.0", installed("2.0.0"));
        record.activate("2.0.0", &[], 2);
        let entry = serde_json::json!({
            "name": "t",
            "record": record,
            "previous": previous,
            "stage": [staging.unpacked(), "2.0.0"],
            "remove": [],
            "unlink": [],
        });
        journal(&store, &entry);
        if step >= 1 {
            std::fs::rename(staging.unpacked(), store.version_dir("t", "2.0.0")).unwrap();
        }
        if step >= 2 {
            write_atomic(
                &store.record_path("t"),
                &serde_json::to_vec(&record).unwrap(),
            )
            .unwrap();
        }
        if step >= 3 {
            link::replace(
                &store.version_dir("t", "2.0.0").join("t"),
                &store.bin_dir.join("t"),
                &store.staging_root(),
            )
            .unwrap();
        }
        // The process dies: its staging lock goes.
        std::mem::forget(staging);
        drop_locks_of_this_process(&store);

        assert_eq!(store.recover(), Vec::<(String, String)>::new());
        let now = store.read("t").unwrap().unwrap();
        assert_eq!(now, record, "step {step}");
        assert_eq!(linked(&store).as_deref(), Some("t 2.0.0"), "step {step}");
        assert!(store.check(&now).is_empty(), "step {step}");
        assert!(store.pending().is_empty(), "step {step}");
    }
}

/// A journal another haul left for this tool after this process first took the lock (and ran
/// recovery) is completed before the next change plans, not written over.
#[test]
fn a_change_completes_a_journal_left_since_for_its_tool() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    // Another process stored 2.0.0 and died once the version was in place.
    let staging = journal_install(&store, "2.0.0");
    std::fs::rename(staging.unpacked(), store.version_dir("t", "2.0.0")).unwrap();
    std::mem::forget(staging);

    install(&store, "3.0.0").unwrap();
    let now = store.read("t").unwrap().unwrap();
    assert_eq!(
        now.versions.keys().collect::<Vec<_>>(),
        ["1.0.0", "2.0.0", "3.0.0"]
    );
    assert_eq!(linked(&store).as_deref(), Some("t 3.0.0"));
    assert!(store.check(&now).is_empty());
    assert!(store.pending().is_empty());
}

/// When a change fails and undoing it fails too (here the record's place is a directory, so
/// neither the change nor its undo can write or remove it), the journal stays, marked as an
/// undo: the next run undoes the change once it can, and never completes what failed.
#[test]
fn a_change_that_cannot_be_undone_keeps_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    let record = store.record_path("t");
    let staging = store.staging("t").unwrap();
    program(&staging.unpacked().join("t"), "t 2.0.0");
    let err = store
        .change("t", |now| {
            let mut planned = now.record().cloned().unwrap();
            planned.add_version("2.0.0", installed("2.0.0"));
            let unlink = planned.activate("2.0.0", std::slice::from_ref(&store.bin_dir), 1);
            // Once the change is planned, the record's place can be neither written nor
            // removed.
            std::fs::remove_file(&record).unwrap();
            std::fs::create_dir(&record).unwrap();
            Ok((
                Change {
                    record: Some(planned),
                    stage: Some((staging, "2.0.0".to_owned())),
                    unlink,
                    ..Change::default()
                },
                (),
            ))
        })
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("could not be undone either"),
        "{err:#}"
    );
    assert!(
        format!("{err:#}").contains("the next haul command undoes it"),
        "{err:#}"
    );
    assert_eq!(
        store.pending(),
        [crate::store::Pending {
            name: "t".into(),
            undo: true,
            refused: None
        }]
    );
    // Another change to the tool waits for the undo, and says so.
    let again = install(&store, "3.0.0").unwrap_err();
    assert!(
        format!("{again:#}").contains("a change to `t` failed and cannot be undone now"),
        "{again:#}"
    );
    // The record is written again as it was: the failed change is undone, not completed.
    std::fs::remove_dir(&record).unwrap();
    assert!(store.recover().is_empty());
    let now = store.read("t").unwrap().unwrap();
    assert_eq!(now.active.as_deref(), Some("1.0.0"));
    assert_eq!(now.versions.keys().collect::<Vec<_>>(), ["1.0.0"]);
    assert!(!store.version_dir("t", "2.0.0").exists());
    assert_eq!(linked(&store).as_deref(), Some("t 1.0.0"));
    assert!(store.pending().is_empty());
}

/// `staging/` cannot be made (a file is in its place): removing a version fails there.
fn staging_unmakeable(store: &Store) {
    let staging = store.staging_root();
    std::fs::remove_dir_all(&staging).unwrap();
    std::fs::write(&staging, "not a directory").unwrap();
}

/// The change failed with `err`, and was undone in the process: no journal is left.
#[track_caller]
fn assert_undone_whole(store: &Store, err: &anyhow::Error) {
    assert!(
        !format!("{err:#}").contains("could not be undone"),
        "{err:#}"
    );
    assert!(store.pending().is_empty());
}

/// A link that was missing before a change (the user deleted it) is missing after its undo:
/// the undo removes the link the change made there, and does not make the old one (which,
/// where the bin dir cannot be written, would make the undo fail too).
#[test]
fn an_undo_leaves_missing_links_missing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "0.9.0").unwrap();
    install(&store, "1.0.0").unwrap();
    install(&store, "2.0.0").unwrap();
    let before = store.read("t").unwrap().unwrap();
    // 1.0.0 active again, with its link deleted by the user.
    store
        .change("t", |now| {
            let mut record = now.record().cloned().unwrap();
            let unlink = record.activate("1.0.0", std::slice::from_ref(&store.bin_dir), 2);
            Ok((
                Change {
                    record: Some(record),
                    unlink,
                    ..Change::default()
                },
                (),
            ))
        })
        .unwrap();
    let link = store.bin_dir.join("t");
    std::fs::remove_file(&link).unwrap();
    let active = store.read("t").unwrap().unwrap();
    // Activating 2.0.0 and removing 0.9.0 fails at the removal (staging/ cannot be made).
    staging_unmakeable(&store);
    let err = store
        .change("t", |now| {
            let mut record = now.record().cloned().unwrap();
            let unlink = record.activate("2.0.0", std::slice::from_ref(&store.bin_dir), 3);
            record.versions.remove("0.9.0");
            Ok((
                Change {
                    record: Some(record),
                    remove: vec!["0.9.0".to_owned()],
                    unlink,
                    ..Change::default()
                },
                (),
            ))
        })
        .unwrap_err();
    assert_undone_whole(&store, &err);
    assert_eq!(store.read("t").unwrap().unwrap(), active);
    assert!(!link::present(&link), "the undo left a link where none was");
    assert_eq!(before.versions.len(), 3);
    assert!(store.version_dir("t", "0.9.0").join("t").is_file());
}

/// The undo of a failed takeover gives the other tool its link back only where that link was
/// there before: one the user had deleted stays deleted.
#[test]
fn an_undone_takeover_gives_back_only_links_that_were_there() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    let link = store.bin_dir.join("t");
    std::fs::remove_file(&link).unwrap();
    let t_before = store.read("t").unwrap().unwrap();
    // Tool `u`, with two versions stored and its own link.
    for version in ["0.9.0", "1.0.0"] {
        install_tool(&store, "u", version, std::slice::from_ref(&store.bin_dir)).unwrap();
    }
    let u_before = store.read("u").unwrap().unwrap();
    // `u` takes `t`'s name over and drops 0.9.0, which fails (staging/ cannot be made).
    staging_unmakeable(&store);
    let err = store
        .change("u", |now| {
            let mut record = now.record().cloned().unwrap();
            record.links.push(Link {
                path: link.clone(),
                bin: "u".to_owned(),
                version: None,
            });
            record.versions.remove("0.9.0");
            Ok((
                Change {
                    record: Some(record),
                    remove: vec!["0.9.0".to_owned()],
                    release: vec![("t".to_owned(), link.clone())],
                    ..Change::default()
                },
                (),
            ))
        })
        .unwrap_err();
    assert_undone_whole(&store, &err);
    assert!(!link::present(&link), "a link was made where none was");
    assert_eq!(store.read("t").unwrap().unwrap(), t_before);
    assert_eq!(store.read("u").unwrap().unwrap(), u_before);
}

/// A change that leaves the tool as it is touches nothing, a damaged record included (a change
/// with no record would remove it).
#[test]
fn a_change_that_leaves_the_tool_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    std::fs::write(store.record_path("t"), "{").unwrap();
    store.change("t", |_| Ok((Change::leave(), ()))).unwrap();
    assert_eq!(std::fs::read(store.record_path("t")).unwrap(), b"{");
    assert!(store.version_dir("t", "1.0.0").join("t").is_file());
    assert_eq!(linked(&store).as_deref(), Some("t 1.0.0"));
    assert!(store.pending().is_empty());
}

/// A journal whose verified files are gone (swept) rolls back to the record it started from.
#[test]
fn a_crash_whose_files_are_gone_rolls_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    let previous = store.read("t").unwrap().unwrap();
    let mut record = previous.clone();
    record.add_version("2.0.0", installed("2.0.0"));
    record.activate("2.0.0", &[], 2);
    let entry = serde_json::json!({
        "name": "t", "record": record, "previous": previous,
        "stage": [store.staging_root().join("gone").join("unpacked"), "2.0.0"],
        "remove": [], "unlink": [],
    });
    journal(&store, &entry);
    // The record was written before the crash: it names a version that never arrived.
    write_atomic(
        &store.record_path("t"),
        &serde_json::to_vec(&record).unwrap(),
    )
    .unwrap();
    assert!(store.recover().is_empty());
    assert_eq!(store.read("t").unwrap().unwrap(), previous);
    assert_eq!(linked(&store).as_deref(), Some("t 1.0.0"));
}

/// A journal haul could not have written (edited, or from another `HAUL_HOME`) is neither done
/// nor removed: recovery reports it, and nothing outside the store is touched.
#[test]
fn a_journal_naming_paths_outside_the_store_is_not_acted_on() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    let record = store.read("t").unwrap().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(outside.join("keep")).unwrap();
    for entry in [
        serde_json::json!({
            "name": "t", "record": record, "previous": record,
            "stage": [outside.join("keep"), "2.0.0"], "remove": [], "unlink": [],
        }),
        serde_json::json!({
            "name": "t", "record": record, "previous": record,
            "stage": null, "remove": ["../../outside"], "unlink": [],
        }),
        // `..` leads out of the staging directory it starts with.
        serde_json::json!({
            "name": "t", "record": record, "previous": record,
            "stage": [store.staging_root().join("..").join("..").join("outside").join("keep"), "2.0.0"],
            "remove": [], "unlink": [],
        }),
        // A link haul would not make: not named after its executable.
        serde_json::json!({
            "name": "t", "record": with_link(&record, outside.join("keep").join("victim")),
            "previous": record, "stage": null, "remove": [], "unlink": [],
        }),
    ] {
        let path = journal(&store, &entry);
        let failed = store.recover();
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert!(
            failed[0]
                .1
                .contains("is not a change haul could have made here"),
            "{failed:?}"
        );
        // And doctor is told it will not be done, with the same reason.
        assert_eq!(
            store.pending(),
            [crate::store::Pending {
                name: "t".to_owned(),
                undo: false,
                refused: Some(failed[0].1.clone())
            }]
        );
        assert!(path.exists());
        assert!(outside.join("keep").is_dir());
        assert_eq!(store.read("t").unwrap().unwrap(), record);
        assert_eq!(linked(&store).as_deref(), Some("t 1.0.0"));
    }
}

/// `record` with one more link of its executable `t`, at `path`.
fn with_link(record: &Record, path: PathBuf) -> Record {
    let mut record = record.clone();
    record.links.push(super::record::Link {
        path,
        bin: "t".to_owned(),
        version: None,
    });
    record
}

/// A change a crash left is completed by a later run, but a file the user put where its link
/// goes since then is theirs: it stays, and the link is reported, not made over it.
#[test]
fn a_replayed_change_leaves_a_file_put_at_its_link() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    // A process staged 2.0.0, journaled its install and died.
    std::mem::forget(journal_install(&store, "2.0.0"));
    let link = store.bin_dir.join("t");
    std::fs::remove_file(&link).unwrap();
    std::fs::write(&link, "the user's own t").unwrap();
    assert!(store.recover().is_empty());
    assert_eq!(std::fs::read_to_string(&link).unwrap(), "the user's own t");
    let now = store.read("t").unwrap().unwrap();
    assert_eq!(now.active.as_deref(), Some("2.0.0"));
    assert!(
        store
            .check(&now)
            .iter()
            .any(|p| matches!(p, Problem::LinkWrong { .. })),
        "{:?}",
        store.check(&now)
    );
}

#[test]
fn a_damaged_record_affects_only_its_own_tool() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    std::fs::write(store.record_path("broken"), b"{\"format\": 2, \"na").unwrap();
    let records = store.records().unwrap();
    assert_eq!(records.ok.len(), 1);
    assert_eq!(records.damaged.len(), 1);
    assert_eq!(records.damaged[0].name, "broken");
    assert!(records.damaged[0].error.message.contains("is damaged"));
    assert!(find_in(&records.ok, "t").is_some());
}

/// A record file that never ends (a link to `/dev/zero`) is read only up to the largest a
/// record may be, and is refused, not a way to fill the memory.
#[cfg(unix)]
#[test]
fn a_record_without_end_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    std::os::unix::fs::symlink("/dev/zero", store.record_path("endless")).unwrap();
    let records = store.records().unwrap();
    assert_eq!(records.ok.len(), 1);
    assert_eq!(records.damaged.len(), 1);
    let error = format!("{:?}", records.damaged[0].error);
    assert!(error.contains("larger than 16 MiB"), "{error}");
}

/// Staging leftovers of this process are not swept while it holds their locks; simulate the
/// process ending by forgetting which stores were swept.
fn drop_locks_of_this_process(store: &Store) {
    if let Ok(mut swept) = SWEPT.lock() {
        swept.remove(&store.home);
    }
}

#[test]
fn leftovers_are_swept_once_the_owner_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    std::fs::write(store.records_dir().join(".tmpXYZ123"), b"half").unwrap();
    let root: PathBuf = store.staging_root();
    std::fs::create_dir_all(root.join("t-dEad01")).unwrap();
    std::fs::write(root.join("t-dEad01.lock"), b"").unwrap();
    drop_locks_of_this_process(&store);
    drop(store.lock().unwrap());
    assert!(!store.records_dir().join(".tmpXYZ123").exists());
    assert!(!root.join("t-dEad01").exists() && !root.join("t-dEad01.lock").exists());
}

/// A staging directory a change left in the journal still moves into place is not a leftover,
/// even when the change cannot be completed now: it is completed or undone later, and needs it
/// (swept, the change was taken for done over the old files).
#[test]
fn the_staging_a_journal_names_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    install(&store, "1.0.0").unwrap();
    let root: PathBuf = store.staging_root();
    let staged = root.join("t-dEad02").join("unpacked");
    std::fs::create_dir_all(&staged).unwrap();
    program(&staged.join("t"), "t 2.0.0");
    std::fs::write(root.join("t-dEad02.lock"), b"").unwrap();
    // Not acted on now: it names a version outside the tool's directory.
    journal(
        &store,
        &serde_json::json!({
            "name": "t", "record": null, "previous": null,
            "stage": [staged, "2.0.0"], "remove": ["../x"], "unlink": [],
        }),
    );
    drop_locks_of_this_process(&store);
    drop(store.lock().unwrap());
    assert!(staged.join("t").is_file());
    assert!(root.join("t-dEad02.lock").exists());
    assert!(store.leftovers().is_empty(), "{:?}", store.leftovers());
    // The store reached through a link: the journal spells its path otherwise, and the
    // staging it names is kept all the same.
    #[cfg(unix)]
    {
        let link = dir.path().join("home-link");
        std::os::unix::fs::symlink(dir.path().join("home"), &link).unwrap();
        let linked = Store::new(link, dir.path().join("bin"));
        drop_locks_of_this_process(&linked);
        drop(linked.lock().unwrap());
        assert!(staged.join("t").is_file());
        assert!(linked.leftovers().is_empty(), "{:?}", linked.leftovers());
    }
}

/// A file of another size than the one installed has changed, and so has one of the same size
/// written to since; what a record written before haul kept sizes and times does not know is
/// not checked.
#[test]
fn an_executable_of_another_size_or_written_since_has_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t");
    program(&path, "12345");
    let written = super::modified(&std::fs::metadata(&path).unwrap());
    assert!(written.is_some());
    let bin = |size, modified| Bin {
        link: "t".to_owned(),
        path: "t".to_owned(),
        size,
        modified,
    };
    assert_eq!(
        executable_at(&path, &bin(Some(5), written)),
        ExeState::Runnable
    );
    assert_eq!(
        executable_at(&path, &bin(Some(4), written)),
        ExeState::Changed(Drift::Size {
            now: 5,
            installed: 4
        })
    );
    let earlier = written.map(|ns| ns - 10_000_000_000);
    assert_eq!(
        executable_at(&path, &bin(Some(5), earlier)),
        ExeState::Changed(Drift::Written)
    );
    assert_eq!(
        executable_at(&path, &bin(Some(5), None)),
        ExeState::Runnable
    );
    assert_eq!(executable_at(&path, &bin(None, None)), ExeState::Runnable);
    assert_eq!(
        executable_at(dir.path(), &bin(Some(5), written)),
        ExeState::Missing
    );
}

/// A copy that keeps times less precisely (whole seconds in a tar backup, microseconds) has
/// the time haul installed with; any other time has not.
#[test]
fn a_time_cut_to_a_coarser_unit_is_the_same_time() {
    let installed = 1_764_150_123_456_789_123;
    assert!(super::check::same_time(installed, installed));
    assert!(super::check::same_time(
        1_764_150_123_456_789_000,
        installed
    ));
    assert!(super::check::same_time(
        1_764_150_123_456_000_000,
        installed
    ));
    assert!(super::check::same_time(
        1_764_150_123_000_000_000,
        installed
    ));
    assert!(super::check::same_time(
        1_764_150_122_000_000_000,
        installed
    ));
    assert!(!super::check::same_time(
        1_764_150_123_456_789_124,
        installed
    ));
    assert!(!super::check::same_time(
        1_764_150_124_000_000_000,
        installed
    ));
    assert!(!super::check::same_time(
        1_764_150_121_000_000_000,
        installed
    ));
    assert!(!super::check::same_time(installed - 1_000, installed));
}

/// A changed executable of the user's version comes back with `install --force`; one of a
/// project's version (only its lock vouched for it) with `haul sync` there.
#[test]
fn what_puts_a_changed_executable_back_depends_on_whose_it_is() {
    let mut record = Record::new("t", identity(), super::record::Requirement::default());
    record.add_version("1.0.0", installed("1.0.0"));
    let mut locked = installed("1.0.0");
    locked.artifacts[0].verified_by = Some(super::record::BY_LOCK.to_owned());
    record.add_version("1.0.0+2fa7b6c0", locked);
    assert!(reinstall_hint(&record, "1.0.0").contains("`haul install t@1.0.0 --force`"));
    assert!(reinstall_hint(&record, "1.0.0+2fa7b6c0").contains("`haul sync`"));
}

/// A temporary link a haul stopped before renaming it into place left (`.NAME.haul-PID`) goes
/// when that link is made again; a file of the user's, or a name that is not haul's, stays.
#[cfg(unix)]
#[test]
fn making_a_link_removes_the_temporary_links_a_stopped_haul_left() {
    let dir = tempfile::tempdir().unwrap();
    let (bin, scratch) = (dir.path().join("bin"), dir.path().join("scratch"));
    std::fs::create_dir(&bin).unwrap();
    let target = dir.path().join("t");
    program(&target, "t");
    std::os::unix::fs::symlink(&target, bin.join(".t.haul-4242")).unwrap();
    std::os::unix::fs::symlink(&target, bin.join(".t.haul-notes")).unwrap();
    std::os::unix::fs::symlink(&target, bin.join(".u.haul-4242")).unwrap();
    std::fs::write(bin.join(".t.haul-77"), "the user's").unwrap();
    link::replace(&target, &bin.join("t"), &scratch).unwrap();
    let mut left: Vec<String> = std::fs::read_dir(&bin)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".t.haul-77", ".t.haul-notes", ".u.haul-4242", "t"]);
    assert!(link::points_to(&bin.join("t"), &target));
}
