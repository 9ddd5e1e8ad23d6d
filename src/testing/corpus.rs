//! The asset-selection corpus (`tests/data/assets.json`, plus haul's own cases in
//! `tests/data/assets-haul.json`) and its rules for what counts as a right pick, for the tests of
//! the selector, the checksum plan and the catalog.

use std::collections::BTreeMap;

use crate::select::Selection;

/// The corpus files, relative to this crate's manifest: the shared corpus as it is, then the
/// cases haul adds.
const CORPUS: [&str; 2] = ["tests/data/assets.json", "tests/data/assets-haul.json"];

/// One release of the corpus: its assets and the right pick per platform.
#[derive(serde::Deserialize)]
pub struct Case {
    pub id: String,
    pub repo: String,
    pub binary: String,
    pub assets: Vec<String>,
    pub expect: BTreeMap<String, Option<String>>,
    #[serde(default)]
    pub accept: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub fallback: BTreeMap<String, String>,
}

pub fn load() -> Vec<Case> {
    load_json::<Case>()
}

/// Every case of the corpus files, as any deserialisable shape.
pub fn load_json<T: serde::de::DeserializeOwned>() -> Vec<T> {
    let mut cases = Vec::new();
    for file in CORPUS {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("the corpus at `{}`: {err}", path.display()));
        let mut more: Vec<T> = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("the corpus at `{}`: {err}", path.display()));
        cases.append(&mut more);
    }
    cases
}

const INSTALLER_EXTS: [&str; 6] = [".dmg", ".pkg", ".msi", ".deb", ".rpm", ".apk"];

/// The corpus README's "what counts as right", with rule 4 read strictly: an emulated pick must
/// be flagged as emulated.
pub fn judge(case: &Case, platform: &str, sel: &Selection) -> bool {
    let expected = case.expect.get(platform).cloned().flatten();
    let accepted = case.accept.get(platform);
    let fallback = case.fallback.contains_key(platform);
    match (&sel.asset, &expected) {
        (Some(got), Some(want)) if got == want || accepted.is_some_and(|a| a.contains(got)) => {
            !fallback || sel.emulated.is_some()
        }
        (None, None) => true,
        (None, Some(want))
            if INSTALLER_EXTS
                .iter()
                .any(|e| want.to_ascii_lowercase().ends_with(e)) =>
        {
            sel.reason.contains("only installer")
        }
        (None, Some(_)) => fallback && sel.reason.contains("emulat"),
        _ => false,
    }
}
