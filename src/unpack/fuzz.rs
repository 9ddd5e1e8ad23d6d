//! Bounded fuzzing of archive unpacking, as property tests (cargo-fuzz needs a nightly
//! compiler; these run with the suite). Archives are generated from a small alphabet of names
//! (`a`, `b`, `.`, `..`, the way out to a file beside the directory) so that links through
//! links, hard links through links and writes through links come up often; others are valid
//! archives with bytes flipped or cut off.
//!
//! Whatever the archive, and whether it is accepted or not: nothing panics, the file outside is
//! unchanged (bytes, mode, link count) and nothing new appears outside; and when it is accepted,
//! every link resolves inside on the real file system, and making every unpacked file
//! executable (as the installer does) changes nothing outside.
//!
//! `PROPTEST_CASES=100000 cargo test --bin haul fuzz` runs longer.

use std::path::{Component, Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::TestRunner;

use super::tests::{M, Sandbox, gz, tar, try_zip, zip};
use super::{Format, Limits, set_executable, unpack_stream};

/// Mostly plain names, now and then `.` or `..`.
fn name() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        20 => prop::sample::select(vec!["a", "b", "c"]),
        2 => Just("."),
        1 => Just(".."),
    ];
    let parts = prop_oneof![
        3 => prop::collection::vec(part.clone(), 1..=1),
        1 => prop::collection::vec(part, 2..=3),
    ];
    parts.prop_map(|parts| parts.join("/"))
}

/// A path of `parts`, now and then leading on to the file outside, or absolute.
fn path(
    parts: Vec<&'static str>,
    len: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = String> {
    let out = prop_oneof![3 => Just(""), 1 => Just("/outside/victim")];
    (
        prop::collection::vec(prop::sample::select(parts), len),
        out,
        prop::bool::weighted(0.02),
    )
        .prop_map(|(parts, out, abs)| {
            let path = format!("{}{out}", parts.join("/"));
            if abs { format!("/{path}") } else { path }
        })
}

fn member() -> impl Strategy<Value = M> {
    let link_target = path(vec![".", "..", "a", "b", "c"], 1..=3);
    let hard_target = path(vec!["a", "a", "b", "b", "c", "c", ".", ".."], 1..=2);
    prop_oneof![
        3 => (name(), prop::bool::ANY).prop_map(|(n, x)| {
            M::File(n, b"#!/bin/sh\n".to_vec(), if x { 0o755 } else { 0o644 })
        }),
        1 => name().prop_map(M::Dir),
        4 => (name(), link_target).prop_map(|(n, t)| M::Link(n, t)),
        2 => (name(), hard_target).prop_map(|(n, t)| M::Hard(n, t)),
        1 => name().prop_map(M::Fifo),
    ]
}

/// Where a link leads on the real file system.
enum Leads {
    /// Inside the root: a directory, and how many names below it that do not exist.
    Inside(PathBuf, usize),
    Outside,
    /// Nowhere: more than 40 links (the kernel gives up, `ELOOP`).
    Nowhere,
}

/// Where `target`, read from the directory `from`, leads. Names that do not exist are taken
/// as written (`..` after one comes back).
fn resolve(root: &Path, from: &Path, target: &Path, hops: &mut usize) -> Leads {
    let (mut at, mut extra) = (from.to_path_buf(), 0usize);
    for component in target.components() {
        match component {
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return Leads::Outside,
            Component::ParentDir if extra > 0 => extra -= 1,
            Component::ParentDir if at == root => return Leads::Outside,
            Component::ParentDir => {
                at.pop();
            }
            Component::Normal(_) if extra > 0 => extra += 1,
            Component::Normal(part) => {
                let next = at.join(part);
                match std::fs::symlink_metadata(&next) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        *hops += 1;
                        if *hops > 40 {
                            return Leads::Nowhere;
                        }
                        let link = std::fs::read_link(&next).unwrap();
                        match resolve(root, &at, &link, hops) {
                            Leads::Inside(there, more) => (at, extra) = (there, more),
                            other => return other,
                        }
                    }
                    Ok(_) => at = next,
                    Err(_) => extra = 1,
                }
            }
        }
    }
    Leads::Inside(at, extra)
}

/// Check everything the property promises about one unpacking.
fn check(sandbox: &Sandbox, accepted: bool) {
    sandbox.assert_outside_untouched();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let links = std::fs::metadata(sandbox.victim()).unwrap().nlink();
        assert_eq!(links, 1, "the file outside was hard-linked");
    }
    if !accepted {
        return;
    }
    let root = sandbox.dest();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                assert!(
                    !matches!(resolve(&root, &dir, &target, &mut 0), Leads::Outside),
                    "`{}` -> `{}` leads outside",
                    path.display(),
                    target.display()
                );
            } else if meta.is_dir() {
                stack.push(path);
            } else {
                set_executable(&path).unwrap();
            }
        }
    }
    sandbox.assert_outside_untouched();
}

/// Run `property` on `cases` generated values (or `PROPTEST_CASES`), each with an empty
/// destination in one sandbox (making a sandbox per case is slow on some file systems).
fn run<S: Strategy>(cases: u32, strategy: S, property: impl Fn(&Sandbox, S::Value)) {
    let sandbox = Sandbox::new();
    let mut runner = TestRunner::new(crate::testing::proptest_config(cases));
    let result = runner.run(&strategy, |value| {
        sandbox.reset();
        property(&sandbox, value);
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
}

#[test]
fn tar_archives_stay_inside() {
    run(
        256,
        prop::collection::vec(member(), 1..=8),
        |sandbox, members| {
            let accepted = sandbox.tar(&tar(&members)).is_ok();
            check(sandbox, accepted);
        },
    );
}

/// Links through links, the shape of the escapes: a link that stays (`a -> .`, `a -> b/..`),
/// another that climbs through it (`e -> a/..`), and a hard link or file through them.
fn chain() -> impl Strategy<Value = Vec<M>> {
    let name = prop::sample::select(vec!["a", "b", "c", "d", "d/e"]);
    let target = prop::sample::select(vec![
        ".",
        "..",
        "a",
        "b",
        "d",
        "a/..",
        "b/..",
        "d/..",
        "a/a/..",
        "a/../..",
        "a/b/../..",
        "d/e/..",
        "d/e/../..",
        "../a",
        "./d",
    ]);
    let link = (name.clone(), target).prop_map(|(n, t)| M::Link(n.to_owned(), t.to_owned()));
    let last = prop_oneof![
        (name.clone(), prop::sample::select(vec!["a", "b", "d"]))
            .prop_map(|(n, via)| { M::Hard(format!("{n}x"), format!("{via}/outside/victim")) }),
        name.prop_map(|n| M::File(format!("{n}/x"), b"x".to_vec(), 0o755)),
    ];
    (prop::collection::vec(link, 1..=5), last).prop_map(|(mut links, last)| {
        links.push(last);
        links
    })
}

#[test]
fn link_chains_stay_inside() {
    run(512, chain(), |sandbox, members| {
        let accepted = sandbox.tar(&tar(&members)).is_ok();
        check(sandbox, accepted);
    });
}

#[test]
fn zip_archives_stay_inside() {
    run(
        96,
        prop::collection::vec(member(), 1..=8),
        |sandbox, members| {
            let members: Vec<M> = members
                .into_iter()
                .filter(|m| !matches!(m, M::Hard(..) | M::Fifo(_)))
                .collect();
            // The zip writer refuses some names; those archives cannot be made.
            if let Ok(bytes) = try_zip(&members) {
                let accepted = sandbox.zip(&bytes).is_ok();
                check(sandbox, accepted);
            }
        },
    );
}

#[test]
fn damaged_archives_fail_cleanly() {
    let flips = prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8);
    let strategy = (
        flips,
        any::<prop::sample::Index>(),
        any::<bool>(),
        any::<bool>(),
    );
    run(64, strategy, |sandbox, (flips, cut, compressed, zipped)| {
        let members = [
            M::Dir("d".into()),
            M::File("d/tool".into(), b"#!/bin/sh\necho hi\n".to_vec(), 0o755),
            M::Link("d/link".into(), "tool".into()),
            M::File("d/lib".into(), vec![7; 3000], 0o644),
        ];
        let mut bytes = if zipped { zip(&members) } else { tar(&members) };
        if compressed && !zipped {
            bytes = gz(&bytes);
        }
        for (at, value) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= value;
        }
        if flips.len() % 2 == 1 {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        let limits = Limits {
            max_unpacked_size: 1 << 20,
            max_entries: 50,
        };
        let accepted = if zipped {
            sandbox.zip_with(&bytes, limits).is_ok()
        } else {
            let format = if compressed {
                Format::TarGz
            } else {
                Format::Tar
            };
            unpack_stream(format, &bytes[..], &sandbox.dest(), "a", "a", &limits).is_ok()
        };
        check(sandbox, accepted);
    });
}
