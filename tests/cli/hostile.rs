//! Hostile releases, built by the tests: each is refused, with the asset named and nothing
//! installed, and nothing outside haul's directories changes.

use crate::support::archive::{self, Member, exe};
use crate::support::{EXE, Run, TestEnv, host_asset, program};

/// Publish `bytes` as this machine's `acme/widget` 1.0.0 (with a matching API digest), and
/// install it: it must be refused with `why`, and leave nothing behind. Returns the run, for
/// more to be said about it.
fn refused(env: &TestEnv, ext: &str, bytes: &[u8], why: &str) -> Run {
    let asset = host_asset("widget", "1.0.0", ext);
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset, bytes)
        .publish();
    let run = env.run(&["install", "acme/widget"]);
    run.expect_code(1)
        .stderr_has(why)
        .stderr_has(&format!("`{asset}`"));
    assert!(env.snapshot().is_empty(), "{:?}", env.snapshot());
    assert_eq!(env.staging_entries(), Vec::<String>::new(), "staging left");
    run
}

/// With `a -> .`: `a/a/…/../../…/`, as many `..` as it takes to reach `/` from the staging
/// directory (`HOME/staging/NAME`), and no more links than the kernel follows (40).
fn to_the_root(env: &TestEnv) -> String {
    let depth = env.home().components().count() + 3;
    assert!(
        depth < 30,
        "the temporary directory is too deep for this test"
    );
    format!("{}{}", "a/".repeat(depth), "../".repeat(depth))
}

/// The archive: `a -> .`, then `e -> a/a/…/../..` (it counts as inside but is `/`),
/// then a hard link through `e` to a private file outside. haul used to link it in and make it
/// executable (0600 became 0755) and exit 0.
#[test]
fn a_link_chain_cannot_reach_a_file_outside() {
    let env = TestEnv::new();
    let victim = env.dir.path().join("private-script");
    std::fs::write(&victim, program("victim", "1")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // The victim's path from `/`, through `e` (on Windows, without its drive).
    let parts: Vec<String> = victim
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let through = format!("e/{}", parts.join("/"));
    let root = to_the_root(&env);
    let widget = format!("widget{EXE}");
    let bytes = archive::gz(&archive::tar_members(&[
        Member::Symlink {
            path: "a",
            target: ".",
        },
        Member::Symlink {
            path: "e",
            target: root.trim_end_matches('/'),
        },
        Member::HardLink {
            path: &widget,
            target: &through,
        },
    ]));
    refused(&env, ".tar.gz", &bytes, "refusing to unpack archive entry")
        .stderr_has("goes through a link");
    assert_eq!(std::fs::read(&victim).unwrap(), program("victim", "1"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&victim).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the file outside was made executable");
    }
}

#[test]
fn a_link_chain_to_the_root_is_refused() {
    let env = TestEnv::new();
    let root = to_the_root(&env);
    let bytes = archive::gz(&archive::tar_members(&[
        Member::File {
            path: &format!("widget{EXE}"),
            bytes: &program("widget", "1.0.0"),
            mode: 0o755,
        },
        Member::Symlink {
            path: "a",
            target: ".",
        },
        Member::Symlink {
            path: "etc",
            target: &format!("{root}etc"),
        },
    ]));
    refused(
        &env,
        ".tar.gz",
        &bytes,
        "leads outside the archive through other links",
    );
}

#[test]
fn a_zip_link_leading_outside_is_refused() {
    let program = program("widget", "1.0.0");
    let widget = format!("widget{EXE}");
    // Out through another link (haul used to accept it), and straight out.
    for chain in [true, false] {
        let env = TestEnv::new();
        let etc = format!("{}etc", to_the_root(&env));
        let links = if chain {
            vec![("a", "."), ("etc", etc.as_str())]
        } else {
            vec![("etc", "../../../../../../../../../../etc")]
        };
        let bytes = archive::zip_with_links(&[exe(&widget, &program)], &links);
        refused(
            &env,
            ".zip",
            &bytes,
            "refusing to unpack archive entry `etc`",
        );
    }
}

#[test]
fn a_zip_bomb_is_refused() {
    let program = program("widget", "1.0.0");
    let zeros = vec![0u8; 2 << 20];
    let widget = format!("widget{EXE}");
    let bytes = archive::zip(&[exe(&widget, &program), archive::file("padding", &zeros)]);
    refused(&TestEnv::new(), ".zip", &bytes, "as zip bombs do");
}

/// More entries than `max-archive-entries` (100,000). haul used to accept them all. (A zip:
/// 100,000 tar entries are 50 MB, which a debug build takes seconds to hash and parse; the
/// unit tests count tar entries against a small limit, through the same budget.)
#[test]
fn too_many_entries_are_refused() {
    let program = program("widget", "1.0.0");
    let widget = format!("widget{EXE}");
    let why = "holds more than 100000 entries (the `max-archive-entries` limit)";
    let bytes = archive::zip_with_empty_files(&[exe(&widget, &program)], 100_000);
    refused(&TestEnv::new(), ".zip", &bytes, why);
}

/// A header that claims more than `max-unpacked-size` (4 GiB) is refused before anything is
/// written, with the limit and how to raise it.
#[test]
fn an_entry_larger_than_the_size_limit_is_refused() {
    let bytes = archive::tar_claiming_size(&format!("widget{EXE}"), 5 << 30);
    refused(
        &TestEnv::new(),
        ".tar",
        &bytes,
        "unpacks to more than 4 GiB (the `max-unpacked-size` limit)",
    )
    .stderr_has("raise `max-unpacked-size` in the config file or `HAUL_MAX_UNPACKED_SIZE`");
}

#[test]
fn unpack_errors_name_the_asset() {
    refused(
        &TestEnv::new(),
        ".tar.gz",
        b"\x1f\x8b not gzip",
        "cannot unpack",
    );
    refused(&TestEnv::new(), ".zip", b"PK not a zip", "cannot unpack");
}

/// An xz stream whose header declares a dictionary far larger than its data needs (3 GiB here,
/// in a small download) is refused before the memory is set aside: the same data with its
/// real 1 MiB dictionary installs.
#[test]
fn an_xz_stream_declaring_a_huge_dictionary_is_refused() {
    let widget = format!("widget{EXE}");
    let tar = archive::tar(&[exe(&widget, &program("widget", "1.0.0"))]);
    let honest = archive::xz(&tar);
    // Stream header (12 bytes), then the block header: its size, flags 0 (one filter), the
    // LZMA2 filter id 0x21, one property byte (the dictionary size), padding, and its CRC32.
    assert_eq!(
        &honest[13..16],
        &[0, 0x21, 1],
        "the block header as xz writes it"
    );
    let header_len = (usize::from(honest[12]) + 1) * 4;
    let mut huge = honest.clone();
    huge[16] = 39; // 3 GiB
    let crc = crc32(&huge[12..12 + header_len - 4]);
    huge[12 + header_len - 4..12 + header_len].copy_from_slice(&crc.to_le_bytes());
    refused(&TestEnv::new(), ".tar.xz", &huge, "cannot unpack")
        .stderr_has("its xz header asks for more than 128 MiB of memory to unpack");

    let env = TestEnv::new();
    let asset = host_asset("widget", "1.0.0", ".tar.xz");
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_digest(&asset, &honest)
        .publish();
    env.run(&["install", "acme/widget"]).expect_code(0);
}

/// CRC-32 (IEEE), as xz's block headers carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
