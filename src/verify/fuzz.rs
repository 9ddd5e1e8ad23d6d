//! Bounded fuzzing of checksum parsing, as property tests (cargo-fuzz needs a nightly
//! compiler; these run with the suite). `PROPTEST_CASES=100000 cargo test --bin haul
//! verify::fuzz` runs longer.

use proptest::prelude::*;
use proptest::test_runner::TestRunner;

use super::read::find_in_text;
use super::*;

fn run<S: Strategy>(cases: u32, strategy: S, property: impl Fn(S::Value)) {
    let mut runner = TestRunner::new(crate::testing::proptest_config(cases));
    let result = runner.run(&strategy, |value| {
        property(value);
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
}

fn valid(digest: &Digest) -> bool {
    digest.hex().len() == digest.algorithm().hex_len()
        && digest
            .hex()
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Text that looks a little like checksum files: hex runs, names, separators, and anything.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("  ".to_owned()),
        Just(" *".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just(": ".to_owned()),
        Just(") = ".to_owned()),
        Just("SHA256 (".to_owned()),
        Just("SHA512 (".to_owned()),
        Just("a.tar.gz".to_owned()),
        Just("dir/a.tar.gz".to_owned()),
        "[0-9a-fA-F]{60,130}",
        "\\PC{0,20}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

#[test]
fn parsing_never_panics() {
    let kinds = prop::sample::select(vec![
        FileKind::List,
        FileKind::Single,
        FileKind::DistManifest,
    ]);
    let names = prop::sample::select(vec!["checksums.txt", "SHA256SUMS", "SHA512SUMS", "a.sha"]);
    let asset = prop_oneof![Just("a.tar.gz".to_owned()), any::<String>()];
    run(
        512,
        (text(), asset, kinds, names),
        |(text, asset, kind, name)| {
            if let Ok(Some(digest)) = find(kind, name, &text, &asset) {
                assert!(valid(&digest), "{digest:?}");
            }
            if let Some(ApiDigest::Valid(digest)) = ApiDigest::parse(&text) {
                assert!(valid(&digest));
                assert_eq!(text.to_ascii_lowercase(), digest.to_string());
            }
        },
    );
}

/// A pool of digests, so that lines repeat and disagree.
fn pool() -> Vec<Digest> {
    vec![
        Digest::new(Algorithm::Sha256, &"a".repeat(64)).unwrap(),
        Digest::new(Algorithm::Sha256, &"b".repeat(64)).unwrap(),
        Digest::new(Algorithm::Sha512, &"c".repeat(128)).unwrap(),
        Digest::new(Algorithm::Sha512, &"d".repeat(128)).unwrap(),
    ]
}

const ASSET: &str = "tool-1.0-linux-amd64.tar.gz";

/// A line of a generated list, in one of the layouts, and whether it names the asset.
fn line() -> impl Strategy<Value = (String, Option<Digest>)> {
    let names = prop::sample::select(vec![
        (ASSET.to_owned(), true),
        (format!("./dist/{ASSET}"), true),
        (format!("{ASSET}.sig"), false),
        (format!("x{ASSET}"), false),
        ("other.zip".to_owned(), false),
    ]);
    (
        names,
        prop::sample::select(pool()),
        0..5u8,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|((name, names_asset), digest, layout, upper, crlf)| {
            let hash = if upper {
                digest.hex().to_ascii_uppercase()
            } else {
                digest.hex().to_owned()
            };
            let tag = match digest.algorithm() {
                Algorithm::Sha256 => "SHA256",
                Algorithm::Sha512 => "SHA512",
            };
            let mut line = match layout {
                0 => format!("{hash}  {name}"),
                1 => format!("{hash} *{name}"),
                2 => format!("{tag} ({name}) = {hash}"),
                3 => format!("{name}: {hash}"),
                _ => format!("# {hash}  {name}"),
            };
            line.push_str(if crlf { "\r\n" } else { "\n" });
            let counts = names_asset && layout < 4;
            (line, counts.then_some(digest))
        })
}

#[test]
fn generated_lists_are_read_as_written() {
    run(512, prop::collection::vec(line(), 0..8), |lines| {
        let text: String = lines.iter().map(|(l, _)| l.as_str()).collect();
        // The model: the asset's digests per algorithm; two different ones are a conflict;
        // SHA-256 wins over SHA-512.
        let listed: Vec<&Digest> = lines.iter().filter_map(|(_, d)| d.as_ref()).collect();
        let differ = |a: Algorithm| {
            let mut of: Vec<&&Digest> = listed.iter().filter(|d| d.algorithm() == a).collect();
            of.dedup();
            of.windows(2).any(|w| w[0] != w[1])
        };
        let got = find_in_text(&text, ASSET, false, None);
        if differ(Algorithm::Sha256) || differ(Algorithm::Sha512) {
            assert!(got.is_err(), "{text}");
        } else {
            let want = listed
                .iter()
                .find(|d| d.algorithm() == Algorithm::Sha256)
                .or_else(|| listed.first())
                .map(|d| (*d).clone());
            assert_eq!(got, Ok(want), "{text}");
        }
    });
}

#[test]
fn combining_agrees_with_its_rule() {
    let answer = prop_oneof![
        prop::sample::select(pool()).prop_map(Answer::Digest),
        Just(Answer::NotListed),
        Just(Answer::Malformed("sha256:".into())),
    ];
    let sources = prop::sample::select(vec![
        Verified::Digest,
        Verified::File("checksums.txt".into()),
        Verified::File("SHA512SUMS".into()),
    ]);
    run(
        512,
        prop::collection::vec((sources, answer), 0..5),
        |answers| {
            let digests: Vec<&Digest> = answers
                .iter()
                .filter_map(|(_, a)| match a {
                    Answer::Digest(d) => Some(d),
                    _ => None,
                })
                .collect();
            let malformed = answers
                .iter()
                .any(|(_, a)| matches!(a, Answer::Malformed(_)));
            let disagree = digests.iter().any(|a| {
                digests
                    .iter()
                    .any(|b| a.algorithm() == b.algorithm() && a != b)
            });
            match combine(answers.clone()) {
                Err(_) => assert!(malformed || disagree, "{answers:?}"),
                Ok(None) => assert!(digests.is_empty() && !malformed, "{answers:?}"),
                Ok(Some(expected)) => {
                    assert!(
                        !malformed && !disagree && !digests.is_empty(),
                        "{answers:?}"
                    );
                    for digest in &digests {
                        assert!(expected.algorithms().contains(&digest.algorithm()));
                    }
                }
            }
        },
    );
}
