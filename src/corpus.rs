//! The shared asset-selection corpus (`../shared/corpus/assets.json`) and its rules for what
//! counts as a right pick, for the tests of the selector and of the catalog.

use std::collections::BTreeMap;

use crate::select::Selection;

/// The shared corpus, relative to this crate's manifest.
const CORPUS: &str = "../shared/corpus/assets.json";

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
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("the corpus at `{}`: {err}", path.display()));
    serde_json::from_str(&text).expect("the corpus parses")
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
