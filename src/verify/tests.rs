use super::read::{find_in_dist_manifest, find_in_text};
use super::*;

/// SHA-256 and SHA-512 of `foo`.
const HASH: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
const HASH512: &str = "f7fbba6e0636f890e56fbbf3283e524c6fa3204ae298382d624741d0dc6638326e282c41be5e4254d8820772c5518a2c5a8c0c7f7eda19594a7eb539453e1ed7";

fn sha256(hex: &str) -> Digest {
    Digest::new(Algorithm::Sha256, hex).unwrap()
}

fn sha512(hex: &str) -> Digest {
    Digest::new(Algorithm::Sha512, hex).unwrap()
}

fn file(name: &str) -> Verified {
    Verified::File(name.to_owned())
}

#[test]
fn reads_every_layout() {
    let asset = "fd-v10.2.0-x86_64-unknown-linux-musl.tar.gz";
    let layouts = [
        format!("{HASH}  {asset}\n"),
        format!("{HASH} *{asset}\r\n"),
        format!("{}  other.tar.gz\n{HASH}  ./dist/{asset}\n", "0".repeat(64)),
        format!("SHA256 ({asset}) = {HASH}\n"),
        format!("SHA2-256 ({asset}) = {HASH}\n"),
        format!("{asset}: {HASH}\n"),
        format!("{}  {asset}\n", HASH.to_uppercase()),
        format!(
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n{HASH}  {asset}\n-----BEGIN PGP SIGNATURE-----\n"
        ),
    ];
    for text in &layouts {
        assert_eq!(
            find_in_text(text, asset, false, None),
            Ok(Some(sha256(HASH))),
            "{text}"
        );
    }
}

#[test]
fn reads_sha512_layouts() {
    let asset = "godot-4.6.1-stable-linux.x86_64.zip";
    let layouts = [
        format!("{HASH512}  {asset}\n"),
        format!("{HASH512} *{asset}\n"),
        format!("SHA512 ({asset}) = {HASH512}\n"),
        format!("SHA2-512 ({asset}) = {HASH512}\n"),
        format!("{asset}: {HASH512}\n"),
    ];
    for text in &layouts {
        assert_eq!(
            find(FileKind::List, "SHA512-SUMS.txt", text, asset),
            Ok(Some(sha512(HASH512))),
            "{text}"
        );
    }
    // A file for this asset alone, holding only the hash.
    assert_eq!(
        find(
            FileKind::Single,
            "a.zip.sha512",
            &format!("{HASH512}\n"),
            "a.zip"
        ),
        Ok(Some(sha512(HASH512)))
    );
}

#[test]
fn a_file_is_read_for_the_algorithm_its_name_says() {
    let sha512_line = format!("{HASH512}  a.tar.gz\n");
    let sha256_line = format!("{HASH}  a.tar.gz\n");
    // A hash of another length than the file's name says is not that algorithm's: the file
    // cannot vouch for the asset, which fails rather than going on unverified.
    assert_eq!(
        find(FileKind::List, "SHA256SUMS", &sha512_line, "a.tar.gz"),
        Err(Unreadable::Malformed(HASH512.to_owned()))
    );
    assert_eq!(
        find(FileKind::List, "SHA512SUMS", &sha256_line, "a.tar.gz"),
        Err(Unreadable::Malformed(HASH.to_owned()))
    );
    assert_eq!(
        find(FileKind::List, "checksums.txt", &sha512_line, "a.tar.gz"),
        Ok(Some(sha512(HASH512)))
    );
    // A BSD tag must agree with the hash's length; other tags are not read.
    let text = format!("SHA256 (a.tar.gz) = {HASH512}\n");
    assert_eq!(
        find_in_text(&text, "a.tar.gz", false, None),
        Err(Unreadable::Malformed(HASH512.to_owned()))
    );
    let text = format!("MD5 (a.tar.gz) = {}\n", "0".repeat(32));
    assert_eq!(find_in_text(&text, "a.tar.gz", false, None), Ok(None));
}

#[test]
fn a_file_with_both_algorithms_gives_sha256() {
    let text = format!("{HASH512}  a.tar.gz\n{HASH}  a.tar.gz\n");
    assert_eq!(
        find_in_text(&text, "a.tar.gz", false, None),
        Ok(Some(sha256(HASH)))
    );
}

#[test]
fn a_file_naming_the_asset_twice_differently_is_a_conflict() {
    let other = "1".repeat(64);
    let conflict = Err(Unreadable::Conflict(Conflict {
        first: sha256(HASH),
        second: sha256(&other),
    }));
    for text in [
        format!("{HASH}  a.tar.gz\n{other}  a.tar.gz\n"),
        format!("{HASH}  linux/a.tar.gz\n{other}  darwin/a.tar.gz\n"),
        format!("SHA256 (a.tar.gz) = {HASH}\n{other} *a.tar.gz\n"),
    ] {
        assert_eq!(
            find_in_text(&text, "a.tar.gz", false, None),
            conflict,
            "{text}"
        );
    }
    // The same hash twice is no conflict.
    let text = format!("{HASH}  a.tar.gz\n{}  ./a.tar.gz\n", HASH.to_uppercase());
    assert_eq!(
        find_in_text(&text, "a.tar.gz", false, None),
        Ok(Some(sha256(HASH)))
    );
    // Nor are two hashes of other files.
    let text = format!("{HASH}  b.tar.gz\n{other}  b.tar.gz\n{HASH}  a.tar.gz\n");
    assert_eq!(
        find_in_text(&text, "a.tar.gz", false, None),
        Ok(Some(sha256(HASH)))
    );
    // A file for one asset with two bare hashes.
    let text = format!("{HASH}\n{other}\n");
    assert!(find(FileKind::Single, "a.tar.gz.sha256", &text, "a.tar.gz").is_err());
}

#[test]
fn a_list_must_name_the_asset() {
    let text = format!("{HASH}  fd-v10.2.0-x86_64-unknown-linux-gnu.tar.gz\n");
    assert_eq!(
        find_in_text(
            &text,
            "fd-v10.2.0-x86_64-unknown-linux-musl.tar.gz",
            false,
            None
        ),
        Ok(None)
    );
    // `.tar.gz.sig` is not the asset even though it starts with its name.
    let text = format!("{HASH}  a.tar.gz.sig\n");
    assert_eq!(find_in_text(&text, "a.tar.gz", false, None), Ok(None));
    // A single-asset file may hold only the hash.
    assert_eq!(
        find_in_text(&format!("{HASH}\n"), "a.tar.gz", true, None),
        Ok(Some(sha256(HASH)))
    );
    assert_eq!(
        find_in_text(&format!("{HASH}\n"), "a.tar.gz", false, None),
        Ok(None)
    );
    // Neither MD5 nor SHA-384 is read.
    for len in [32, 96] {
        let text = format!("{}  a.tar.gz\n", "a".repeat(len));
        assert_eq!(find_in_text(&text, "a.tar.gz", false, None), Ok(None));
    }
}

/// A checksum that is there but is not one of the algorithm the line or the file's name says
/// fails; only a file that says nothing may list other algorithms, which are not read.
#[test]
fn a_hash_the_file_gives_the_asset_that_is_not_one_is_malformed() {
    let short = &HASH[1..];
    let malformed = |text: &str| Err(Unreadable::Malformed(text.to_owned()));
    for (name, text, bad) in [
        ("a.tar.gz.sha256", format!("{short}  a.tar.gz\n"), short),
        ("a.tar.gz.sha256", format!("{short}\n"), short),
        ("a.tar.gz.sha256", format!("{HASH512}  a.tar.gz\n"), HASH512),
        ("SHA256SUMS", format!("{short}  a.tar.gz\n"), short),
        (
            "checksums.txt",
            format!("SHA256 (a.tar.gz) = {short}\n"),
            short,
        ),
        ("SHA512SUMS", format!("{HASH}  a.tar.gz\n"), HASH),
    ] {
        let kind = if name.starts_with("a.tar.gz") {
            FileKind::Single
        } else {
            FileKind::List
        };
        assert_eq!(
            find(kind, name, &text, "a.tar.gz"),
            malformed(bad),
            "{name}: {text}"
        );
    }
    // A file that says no algorithm: other algorithms' hashes (SHA-1, MD5) are not read, and
    // not an error.
    let text = format!(
        "{}  a.tar.gz\n{}  a.tar.gz\n",
        "c".repeat(40),
        "b".repeat(32)
    );
    assert_eq!(
        find(FileKind::List, "checksums.txt", &text, "a.tar.gz"),
        Ok(None)
    );
    // A bad hash for another file is not this asset's business.
    let text = format!("{short}  b.tar.gz\n{HASH}  a.tar.gz\n");
    assert_eq!(
        find(FileKind::List, "SHA256SUMS", &text, "a.tar.gz"),
        Ok(Some(sha256(HASH)))
    );
    // A BSD line for the other algorithm in a file named for one is not read.
    let text = format!("SHA512 (a.tar.gz) = {HASH512}\n{HASH}  a.tar.gz\n");
    assert_eq!(
        find(FileKind::List, "SHA256SUMS", &text, "a.tar.gz"),
        Ok(Some(sha256(HASH)))
    );
}

#[test]
fn reads_dist_manifests() {
    let manifest = |checksums: &str| {
        format!(
            r#"{{"dist_version":"0.34.0","artifacts":{{"haul-x86_64-unknown-linux-gnu.tar.xz":{{"name":"haul-x86_64-unknown-linux-gnu.tar.xz","kind":"executable-zip","checksums":{{{checksums}}}}}}}}}"#
        )
    };
    let asset = "haul-x86_64-unknown-linux-gnu.tar.xz";
    let text = manifest(&format!(r#""sha256":"{HASH}""#));
    assert_eq!(find_in_dist_manifest(&text, asset), Ok(Some(sha256(HASH))));
    assert_eq!(find_in_dist_manifest(&text, "other.tar.xz"), Ok(None));
    assert_eq!(find_in_dist_manifest("not json", "x"), Ok(None));
    let text = manifest(r#""sha256":"not-a-hash""#);
    assert_eq!(
        find_in_dist_manifest(&text, asset),
        Err(Unreadable::Malformed("not-a-hash".to_owned()))
    );
    let text = manifest(&format!(r#""sha512":"{HASH512}""#));
    assert_eq!(
        find_in_dist_manifest(&text, asset),
        Ok(Some(sha512(HASH512)))
    );
    let text = manifest(&format!(r#""sha512":"{HASH512}","sha256":"{HASH}""#));
    assert_eq!(find_in_dist_manifest(&text, asset), Ok(Some(sha256(HASH))));
}

/// The layouts other tools write: OpenSSL's `SHA256(NAME)= HASH` (and OpenSSL 3's
/// `SHA2-256`), a lowercase BSD tag, a byte-order mark before the first line.
#[test]
fn reads_openssl_lines_lowercase_tags_and_a_byte_order_mark() {
    let asset = "a.tar.gz";
    for (name, text) in [
        ("SHA256SUMS", format!("SHA256(a.tar.gz)= {HASH}\n")),
        ("checksums.txt", format!("SHA2-256(a.tar.gz)= {HASH}\n")),
        ("a.tar.gz.sha256", format!("SHA256(a.tar.gz)= {HASH}\n")),
        ("SHA256SUMS", format!("sha256 (a.tar.gz) = {HASH}\n")),
        ("checksums.txt", format!("\u{feff}{HASH}  a.tar.gz\n")),
        ("SHA256SUMS", format!("\u{feff}{HASH}  a.tar.gz\r\n")),
    ] {
        let kind = if name.starts_with(asset) {
            FileKind::Single
        } else {
            FileKind::List
        };
        assert_eq!(
            find(kind, name, &text, asset),
            Ok(Some(sha256(HASH))),
            "{name}: {text}"
        );
    }
    // Other algorithms' tagged lines are still not read, and not an error.
    let text = format!("MD5(a.tar.gz)= {}\n", "a".repeat(32));
    assert_eq!(
        find(FileKind::List, "checksums.txt", &text, asset),
        Ok(None)
    );
}

/// A hash for the asset that is no algorithm's is malformed in any list, not only in one
/// whose name says its algorithm; so is a line that names the asset in a layout haul cannot
/// read, in a file that says its algorithm.
#[test]
fn a_broken_hash_in_a_list_that_names_no_algorithm_is_malformed() {
    let asset = "a.tar.gz";
    for bad in [
        &HASH[1..],
        &format!("{HASH}0")[..],
        &format!("{}z", &HASH[1..])[..],
    ] {
        let text = format!("{bad}  a.tar.gz\n");
        assert_eq!(
            find(FileKind::List, "checksums.txt", &text, asset),
            Err(Unreadable::Malformed(bad.to_owned())),
            "{text}"
        );
    }
    let text = format!("a.tar.gz={HASH}\n");
    assert_eq!(
        find(FileKind::List, "SHA256SUMS", &text, asset),
        Err(Unreadable::Malformed(text.trim().to_owned()))
    );
    // A file that says no algorithm may hold lines haul does not read, beside lines it reads.
    let text = format!("{text}{HASH}  b.tar.gz\n");
    assert_eq!(
        find(FileKind::List, "checksums.txt", &text, asset),
        Ok(None)
    );
    // `a.tar.gz.sig` is another file.
    let text = format!("a.tar.gz.sig={HASH}\n{HASH}  b.tar.gz\n");
    assert_eq!(find(FileKind::List, "SHA256SUMS", &text, asset), Ok(None));
}

/// A file for the asset alone: `HASH  -` (hashed from a pipe), a line naming the file as it
/// was called before it was uploaded, and an empty file; a bare hash that disagrees with a
/// named line is a conflict.
#[test]
fn a_file_for_the_asset_alone_vouches_however_it_names_the_file() {
    let asset = "a.tar.gz";
    let read = |text: &str| find(FileKind::Single, "a.tar.gz.sha256", text, asset);
    assert_eq!(read(&format!("{HASH}  -\n")), Ok(Some(sha256(HASH))));
    assert_eq!(
        read(&format!("{HASH}  build/widget.tar.gz\n")),
        Ok(Some(sha256(HASH)))
    );
    assert_eq!(
        read(""),
        Err(Unreadable::Malformed("(an empty file)".to_owned()))
    );
    // Two lines for other files: it is a list that does not name the asset.
    let other = "1".repeat(64);
    assert_eq!(
        read(&format!("{HASH}  b.tar.gz\n{other}  c.tar.gz\n")),
        Ok(None)
    );
    assert_eq!(
        read(&format!("{other}  a.tar.gz\n{HASH}\n")),
        Err(Unreadable::Conflict(Conflict {
            first: sha256(&other),
            second: sha256(HASH),
        }))
    );
}

/// Only the asset's own entry counts: another artifact's odd entry does not switch the
/// manifest off. An entry for the asset that cannot be read, or is given twice, is malformed;
/// two hashes under one algorithm are a conflict.
#[test]
fn a_dist_manifest_is_read_for_the_asset_alone_and_its_oddities_are_not_skipped() {
    let asset = "a.tar.gz";
    let entry = |checksums: &str| {
        format!(r#""a.tar.gz":{{"kind":"executable-zip","checksums":{{{checksums}}}}}"#)
    };
    let manifest =
        |artifacts: &str| format!(r#"{{"dist_version":"0.30.0","artifacts":{{{artifacts}}}}}"#);
    let good = entry(&format!(r#""sha256":"{HASH}""#));
    let text = manifest(&format!(
        r#""src.tar.gz":{{"checksums":{{"sha256":null}}}},{good}"#
    ));
    assert_eq!(find_in_dist_manifest(&text, asset), Ok(Some(sha256(HASH))));
    let text = format!("\u{feff}{}", manifest(&good));
    assert_eq!(find_in_dist_manifest(&text, asset), Ok(Some(sha256(HASH))));
    for (checksums, shown) in [(r#""sha256":null"#, "null"), (r#""sha256":123"#, "123")] {
        let text = manifest(&entry(checksums));
        assert_eq!(
            find_in_dist_manifest(&text, asset),
            Err(Unreadable::Malformed(shown.to_owned())),
            "{text}"
        );
    }
    let text = manifest(&format!(
        "{good},{}",
        entry(&format!(r#""sha256":"{}""#, "1".repeat(64)))
    ));
    assert!(matches!(
        find_in_dist_manifest(&text, asset),
        Err(Unreadable::Malformed(_))
    ));
    let text = manifest(&entry(&format!(
        r#""sha256":"{HASH}","sha256":"{}""#,
        "1".repeat(64)
    )));
    assert!(matches!(
        find_in_dist_manifest(&text, asset),
        Err(Unreadable::Conflict(_))
    ));
    // A manifest that is not JSON, or whose artifacts are a list: malformed when it names the
    // asset, nothing to say about it otherwise.
    let text = format!("{},", manifest(&good));
    assert!(matches!(
        find_in_dist_manifest(&text, asset),
        Err(Unreadable::Malformed(_))
    ));
    assert_eq!(find_in_dist_manifest(&text, "b.tar.gz"), Ok(None));
    let text =
        format!(r#"{{"artifacts":[{{"name":"a.tar.gz","checksums":{{"sha256":"{HASH}"}}}}]}}"#);
    assert!(matches!(
        find_in_dist_manifest(&text, asset),
        Err(Unreadable::Malformed(_))
    ));
}

fn names(plan: &[Candidate]) -> Vec<String> {
    plan.iter()
        .map(|c| match c {
            Candidate::Digest(_) => "digest".to_owned(),
            Candidate::File { name, .. } => name.clone(),
        })
        .collect()
}

#[test]
fn plans_in_the_documented_order() {
    let asset = "tool-linux-amd64.tar.gz";
    let files = [
        asset,
        "checksums.txt",
        "checksums.txt.sig",
        "tool-linux-amd64.tar.gz.sha512",
        "tool-linux-amd64.tar.gz.sha256",
        "tool-linux-amd64.sha256",
        "dist-manifest.json",
        "SHA512SUMS",
        "SHA256SUMS",
        "tool.md5",
        "SHA1SUMS",
        "B3SUMS",
        "tool-linux-arm64.tar.gz",
        "tool-linux-arm64.tar.gz.sha512",
    ];
    let plan = plan(asset, Some(&format!("sha256:{HASH}")), &files);
    assert_eq!(
        names(&plan),
        [
            "digest",
            "dist-manifest.json",
            "tool-linux-amd64.tar.gz.sha256",
            "tool-linux-amd64.sha256",
            "tool-linux-amd64.tar.gz.sha512",
            "SHA256SUMS",
            "checksums.txt",
            "SHA512SUMS",
        ]
    );
    assert_eq!(plan[0], Candidate::Digest(ApiDigest::Valid(sha256(HASH))));
}

#[test]
fn sha512_lists_are_planned() {
    for list in [
        "SHA512SUMS",
        "SHA512-SUMS.txt",
        "SHA2-512SUMS",
        "SHASUMS512.txt",
        "sha512sums.txt",
    ] {
        let plan = plan("a.tar.gz", None, &["a.tar.gz", list, "SHA1SUMS"]);
        assert_eq!(names(&plan), [list], "{list}");
    }
}

/// A detached signature beside its list (`checksums.txt.asc` with `checksums.txt`) is not a
/// list, whatever order the release gives them; a clearsigned list alone is one.
#[test]
fn a_signature_beside_its_list_is_not_a_list() {
    for files in [
        ["a.tar.gz", "checksums.txt.asc", "checksums.txt"],
        ["a.tar.gz", "checksums.txt", "checksums.txt.asc"],
        ["a.tar.gz", "CHECKSUMS.TXT.ASC", "CHECKSUMS.TXT"],
    ] {
        let plan = plan("a.tar.gz", None, &files);
        assert_eq!(names(&plan).len(), 1, "{files:?}");
        assert!(
            !names(&plan)[0].to_lowercase().ends_with(".asc"),
            "{files:?}"
        );
    }
    let plan = plan("a.tar.gz", None, &["a.tar.gz", "sha256sum.txt.asc"]);
    assert_eq!(names(&plan), ["sha256sum.txt.asc"]);
}

#[test]
fn api_digests() {
    let valid = |text: &str, digest: Digest| {
        assert_eq!(
            ApiDigest::parse(text),
            Some(ApiDigest::Valid(digest)),
            "{text}"
        );
    };
    valid(&format!("sha256:{HASH}"), sha256(HASH));
    valid(&format!("sha256:{}", HASH.to_uppercase()), sha256(HASH));
    valid(&format!("sha512:{HASH512}"), sha512(HASH512));
    for malformed in [
        String::new(),
        format!("sha256:{}", &HASH[1..]),
        format!("sha256:{HASH}0"),
        format!("SHA256:{HASH}"),
        format!("Sha512:{HASH512}"),
        format!("sha-256:{HASH}"),
        format!("sha2:{HASH}"),
        format!("sha256sum:{HASH}"),
        format!("sha_512:{HASH512}"),
        format!("sha512:{HASH}"),
        format!(" sha256:{HASH}"),
        format!("sha256: {HASH}"),
        "sha256:".to_owned(),
        HASH.to_owned(),
        "sha256:zz".to_owned(),
        "\u{1b}[31m".to_owned(),
    ] {
        assert_eq!(
            ApiDigest::parse(&malformed),
            Some(ApiDigest::Malformed(malformed.clone())),
            "{malformed:?}"
        );
    }
    // A well-formed digest of an algorithm haul does not use is no source at all.
    assert_eq!(
        ApiDigest::parse("md5:d41d8cd98f00b204e9800998ecf8427e"),
        None
    );
    assert_eq!(ApiDigest::parse("sha3-256:abcd"), None);
    // A malformed one is planned, so that it fails.
    let plan = plan("a", Some("sha512:abcd"), &[]);
    assert_eq!(
        plan,
        [Candidate::Digest(ApiDigest::Malformed(
            "sha512:abcd".into()
        ))]
    );
}

#[test]
fn combining_sources() {
    let other = "1".repeat(64);
    // Agreeing sources, and ones that do not name the asset.
    let expected = combine(vec![
        (Verified::Digest, Answer::Digest(sha256(HASH))),
        (file("x.sha256"), Answer::NotListed),
        (file("checksums.txt"), Answer::Digest(sha256(HASH))),
    ])
    .unwrap()
    .unwrap();
    assert_eq!(expected.verified_by(), "api-digest, checksums.txt");
    assert_eq!(expected.algorithms(), [Algorithm::Sha256]);

    // The API digest against checksums.txt.
    assert_eq!(
        combine(vec![
            (Verified::Digest, Answer::Digest(sha256(HASH))),
            (file("checksums.txt"), Answer::Digest(sha256(&other))),
        ]),
        Err(VerifyError::Conflict {
            a: (Verified::Digest, sha256(HASH)),
            b: (file("checksums.txt"), sha256(&other)),
        })
    );
    // One file naming the asset twice.
    let twice = Conflict {
        first: sha256(HASH),
        second: sha256(&other),
    };
    assert_eq!(
        combine(vec![(file("checksums.txt"), Answer::Conflict(twice))]),
        Err(VerifyError::Conflict {
            a: (file("checksums.txt"), sha256(HASH)),
            b: (file("checksums.txt"), sha256(&other)),
        })
    );
    // A malformed digest fails, whatever else agrees.
    assert_eq!(
        combine(vec![
            (Verified::Digest, Answer::Malformed("sha256:abc".into())),
            (file("checksums.txt"), Answer::Digest(sha256(HASH))),
        ]),
        Err(VerifyError::Malformed {
            source: Verified::Digest,
            text: "sha256:abc".into(),
        })
    );
    // Different algorithms are both kept: the download must match both.
    let both = combine(vec![
        (Verified::Digest, Answer::Digest(sha256(HASH))),
        (file("SHA512SUMS"), Answer::Digest(sha512(HASH512))),
    ])
    .unwrap()
    .unwrap();
    assert_eq!(both.algorithms(), [Algorithm::Sha256, Algorithm::Sha512]);
    assert_eq!(both.verified_by(), "api-digest, SHA512SUMS (sha512)");
    // One source that gives both (a lock) is named once.
    let lock = combine(vec![
        (file("haul.lock"), Answer::Digest(sha256(HASH))),
        (file("haul.lock"), Answer::Digest(sha512(HASH512))),
    ])
    .unwrap()
    .unwrap();
    assert_eq!(lock.algorithms(), [Algorithm::Sha256, Algorithm::Sha512]);
    assert_eq!(lock.verified_by(), "haul.lock");
    // Nothing at all.
    assert_eq!(
        combine(vec![(file("checksums.txt"), Answer::NotListed)]),
        Ok(None)
    );
    assert_eq!(combine(vec![]), Ok(None));
}

fn hashes_of(bytes: &[u8], algorithms: &[Algorithm]) -> Hashes {
    let mut hasher = Hasher::new(algorithms);
    for chunk in bytes.chunks(2) {
        hasher.update(chunk);
    }
    hasher.finish()
}

#[test]
fn hashing_and_checking() {
    let hashes = hashes_of(b"foo", &[Algorithm::Sha512]);
    assert_eq!(hashes.sha256(), &sha256(HASH));
    assert_eq!(hashes.get(Algorithm::Sha512), Some(&sha512(HASH512)));
    assert_eq!(hashes_of(b"foo", &[]).get(Algorithm::Sha512), None);

    let sha512_only = combine(vec![(file("SHA512SUMS"), Answer::Digest(sha512(HASH512)))])
        .unwrap()
        .unwrap();
    assert_eq!(sha512_only.verified_by(), "SHA512SUMS (sha512)");
    assert_eq!(check(&sha512_only, &hashes), Ok(()));
    let sha256_only = hashes_of(b"foo", &[]);
    assert!(!sha256_only.covers(&sha512_only));
    assert_eq!(
        check(&sha512_only, &sha256_only),
        Err(VerifyError::NotHashed(Algorithm::Sha512))
    );
    let mut again = Hasher::for_expected(&sha512_only);
    again.update(b"foo");
    assert!(again.finish().covers(&sha512_only));

    let bar = hashes_of(b"bar", &[Algorithm::Sha512]);
    let err = check(&sha512_only, &bar).unwrap_err();
    assert_eq!(
        err,
        VerifyError::Mismatch {
            source: file("SHA512SUMS"),
            expected: sha512(HASH512),
            actual: bar.get(Algorithm::Sha512).unwrap().clone(),
        }
    );
    let user = err.to_user_error("a.zip");
    assert_eq!(user.exit, crate::error::ExitCode::Verification);
    assert_eq!(user.message, "checksum mismatch for `a.zip`");
    assert!(user.causes[0].contains(&format!("sha512:{HASH512} (from SHA512SUMS)")));
}

#[test]
fn messages_name_the_asset_and_quote_safely() {
    let err = VerifyError::Malformed {
        source: Verified::Digest,
        text: format!("\u{1b}[2J{}", "x".repeat(500)),
    };
    let user = err.to_user_error("a.tar.gz");
    assert_eq!(user.exit, crate::error::ExitCode::Verification);
    assert!(
        user.message
            .contains("`a.tar.gz` from api-digest is malformed")
    );
    assert!(!user.causes[0].contains('\u{1b}'), "{}", user.causes[0]);
    assert!(user.causes[0].len() < 200);

    let err = VerifyError::Conflict {
        a: (Verified::Digest, sha256(HASH)),
        b: (file("checksums.txt"), sha256(&"1".repeat(64))),
    };
    let user = err.to_user_error("a.tar.gz");
    assert_eq!(user.exit, crate::error::ExitCode::Verification);
    assert_eq!(user.message, "the checksums for `a.tar.gz` disagree");
    assert_eq!(user.causes[0], format!("api-digest says sha256:{HASH}"));
}

/// The corpus names, for every case, the file that covers the expected asset; the plan
/// must include it unless it uses a hash haul does not trust (MD5, SHA-1).
#[test]
#[allow(
    clippy::print_stderr,
    clippy::case_sensitive_file_extension_comparisons
)]
fn plan_covers_the_corpus_checksum_files() {
    let cases: Vec<serde_json::Value> = crate::testing::corpus::load_json();
    let (mut total, mut sha512, mut misses) = (0, 0, Vec::new());
    for case in &cases {
        let assets: Vec<&str> = case["assets"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a.as_str())
            .collect();
        let Some(checksums) = case["checksum"].as_object() else {
            continue;
        };
        for (platform, file) in checksums {
            let (Some(file), Some(asset)) = (file.as_str(), case["expect"][platform].as_str())
            else {
                continue;
            };
            let lower = file.to_ascii_lowercase();
            if lower.ends_with(".md5") || lower.contains("sha1") {
                continue;
            }
            total += 1;
            if algorithm_named(file) == Some(Algorithm::Sha512) {
                sha512 += 1;
            }
            let plan = plan(asset, None, &assets);
            if !plan
                .iter()
                .any(|c| matches!(c, Candidate::File { name, .. } if name == file))
            {
                misses.push(format!("{} {platform}: {asset} -> {file}", case["id"]));
            }
        }
    }
    eprintln!("checksum files planned: {}/{total}", total - misses.len());
    assert!(sha512 > 0, "the corpus has SHA-512 lists, and they count");
    assert!(misses.is_empty(), "not planned:\n{}", misses.join("\n"));
}

/// Another algorithm's sums are not planned; a project whose name holds another algorithm's
/// name (`md5tools`, `blake3-cli`) still has its checksum list read (last when the name is
/// the algorithm's alone).
#[test]
fn a_projects_name_does_not_hide_its_checksum_list() {
    let asset = "t-linux-amd64.tar.gz";
    for (files, want) in [
        (
            &[
                "widget-md5tools_1.0.0_checksums.txt",
                "SHA1SUMS",
                "md5sum.txt",
                "B3SUMS",
            ][..],
            &["widget-md5tools_1.0.0_checksums.txt"][..],
        ),
        (
            &[
                "blake3-cli_1.0.0_checksums.txt",
                "sha3-256sums",
                "tool.sha384sum",
            ][..],
            &["blake3-cli_1.0.0_checksums.txt"][..],
        ),
        (
            &["blake3-cli_1.0.0_checksums.txt", "SHA256SUMS"][..],
            &["SHA256SUMS", "blake3-cli_1.0.0_checksums.txt"][..],
        ),
    ] {
        let mut all = files.to_vec();
        all.push(asset);
        assert_eq!(names(&plan(asset, None, &all)), want, "{files:?}");
    }
}

/// A file named for another file whose name starts the asset's (`tool-1.0.sha256` beside the
/// source `tool-1.0.tar.gz`) may list every file of the release: it is read as a list, after
/// every list. Files for other platforms' builds, or for names that only start alike, are not.
#[test]
fn a_file_named_for_the_release_is_read_as_a_list_last() {
    let asset = "tool-1.0-linux-amd64.tar.gz";
    let files = [
        "tool-1.0.tar.gz",
        "tool-1.0.sha256",
        "tool-1.0-linux-arm64.tar.gz",
        "tool-1.0-linux-arm64.tar.gz.sha256",
        "tool-1.0x.tar.gz",
        "tool-1.0x.sha256",
        asset,
        "SHA256SUMS",
    ];
    let plan = plan(asset, None, &files);
    assert_eq!(names(&plan), ["SHA256SUMS", "tool-1.0.sha256"]);
    assert_eq!(
        plan[1],
        Candidate::File {
            name: "tool-1.0.sha256".into(),
            kind: FileKind::List
        }
    );
    // Read as a list: a line naming the asset vouches for it; the other file's bare hash does
    // not, and is no error.
    let other = "b".repeat(64);
    let listed = format!("{other}  tool-1.0.tar.gz\n{HASH}  {asset}\n");
    assert_eq!(
        find(FileKind::List, "tool-1.0.sha256", &listed, asset),
        Ok(Some(sha256(HASH)))
    );
    assert_eq!(
        find(
            FileKind::List,
            "tool-1.0.sha256",
            &format!("{HASH}\n"),
            asset
        ),
        Ok(None)
    );
}

/// A file for the asset alone is found whatever the case of its extension (`ASSET.SHA256`).
#[test]
fn a_per_asset_file_is_found_in_any_case() {
    let asset = "t-linux-amd64.tar.gz";
    let files = [
        asset,
        "t-linux-amd64.tar.gz.SHA256",
        "other.tar.gz",
        "other.tar.gz.Sha512",
    ];
    assert_eq!(
        names(&plan(asset, None, &files)),
        ["t-linux-amd64.tar.gz.SHA256"]
    );
}

/// A checksum file no line of which reads as a checksum line (an HTML error page served in its
/// place) cannot say whether it covers the asset: it is malformed, not "not listed". A list
/// whose lines are all for other files, or of other algorithms, is a list that does not name
/// the asset.
#[test]
fn a_checksum_file_with_no_checksum_line_is_malformed() {
    let asset = "a.tar.gz";
    let html = "<html><body>Service unavailable</body></html>\n";
    assert_eq!(
        find(FileKind::List, "checksums.txt", html, asset),
        Err(Unreadable::Malformed(html.trim().to_owned()))
    );
    let text = format!("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n{HASH}  b.tar.gz\n");
    assert_eq!(
        find(FileKind::List, "checksums.txt", &text, asset),
        Ok(None)
    );
    let text = format!("MD5 (b.tar.gz) = {}\n", "a".repeat(32));
    assert_eq!(
        find(FileKind::List, "checksums.txt", &text, asset),
        Ok(None)
    );
}
