//! Checksums that must not be skipped or chosen between: malformed digests, sources that
//! disagree, and SHA-512.

use crate::support::archive::sha512_hex;
use crate::support::server::sha256_hex;
use crate::support::{TestEnv, asset_and_bytes, verified_by};

/// A present but malformed API digest used to be skipped (installed "unverified", exit 0).
#[test]
fn a_malformed_api_digest_fails_verification() {
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let hex = sha256_hex(&bytes);
    for digest in [
        format!("sha256:{}", &hex[1..]),
        String::new(),
        format!("SHA256:{hex}"),
        format!("sha512:{hex}"),
    ] {
        let env = TestEnv::new();
        env.server
            .release("acme/widget", "v1.0.0")
            .asset_with_given_digest(&asset, &bytes, &digest)
            .publish();
        env.run(&["install", "acme/widget"])
            .expect_code(4)
            .stderr_has(&format!(
                "the checksum for `{asset}` from api-digest is malformed"
            ));
        assert!(env.snapshot().is_empty(), "{digest:?}");
    }
}

/// A checksum file that lists the asset twice with different hashes used to be read for its
/// first line.
#[test]
fn a_file_listing_the_asset_twice_differently_is_refused() {
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let text = format!(
        "{}  {asset}\n{}  {asset}\n",
        sha256_hex(&bytes),
        sha256_hex(b"something else")
    );
    let env = TestEnv::new();
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &bytes)
        .asset("checksums.txt", text.as_bytes())
        .publish();
    env.run(&["install", "acme/widget"])
        .expect_code(4)
        .stderr_has(&format!("the checksums for `{asset}` disagree"))
        .stderr_has(&sha256_hex(b"something else"));
    assert!(env.snapshot().is_empty());
}

/// SHA-512 files used to be skipped: the asset installed unverified.
#[test]
fn sha512_sources_verify() {
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let line = format!("{}  {asset}\n", sha512_hex(&bytes));
    for name in ["SHA512SUMS", "SHA512-SUMS.txt", &format!("{asset}.sha512")] {
        let env = TestEnv::new();
        env.server
            .release("acme/widget", "v1.0.0")
            .asset(&asset, &bytes)
            .asset(name, line.as_bytes())
            .publish();
        let by = verified_by(&env, &["install", "acme/widget", "--require-checksum"]);
        assert_eq!(by, format!("{name} (sha512)").as_str());
    }
    let env = TestEnv::new();
    let digest = format!("sha512:{}", sha512_hex(&bytes));
    env.server
        .release("acme/widget", "v1.0.0")
        .asset_with_given_digest(&asset, &bytes, &digest)
        .publish();
    assert_eq!(
        verified_by(&env, &["install", "acme/widget"]),
        "api-digest (sha512)"
    );
}

#[test]
fn a_sha512_mismatch_exits_4() {
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let wrong = sha512_hex(b"not the download");
    let env = TestEnv::new();
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &bytes)
        .asset("SHA512SUMS", format!("{wrong}  {asset}\n").as_bytes())
        .publish();
    env.run(&["install", "acme/widget"])
        .expect_code(4)
        .stderr_has("checksum mismatch")
        .stderr_has(&format!("expected sha512:{wrong} (from SHA512SUMS)"))
        .stderr_has(&sha512_hex(&bytes));
    assert!(env.snapshot().is_empty());
}

/// A release that offers both is checked with SHA-256; the SHA-512 list is not fetched.
#[test]
fn sha256_is_preferred_when_both_are_offered() {
    let (asset, bytes) = asset_and_bytes("1.0.0");
    let env = TestEnv::new();
    env.server
        .release("acme/widget", "v1.0.0")
        .asset(&asset, &bytes)
        .asset(
            "SHA512SUMS",
            format!("{}  {asset}\n", sha512_hex(&bytes)).as_bytes(),
        )
        .checksums("SHA256SUMS")
        .publish();
    assert_eq!(verified_by(&env, &["install", "acme/widget"]), "SHA256SUMS");
    assert_eq!(env.server.hits("/dl/acme/widget/v1.0.0/SHA512SUMS"), 0);
}
