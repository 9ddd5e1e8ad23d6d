//! API answers kept with their `ETag`s, so the next request for the same URL can be conditional
//! (GitHub answers 304 without counting it against the rate limit) and offline runs can
//! answer from here. One JSON file per URL, `CACHE/api/<sha256 of the URL>.json`, written
//! atomically; a file that cannot be read is as good as none.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use super::paging::Paging;

#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub url: String,
    pub etag: String,
    pub body: String,
    /// What the answer's `Link` header said; entries kept before it was kept have none.
    #[serde(default, skip_serializing_if = "Paging::is_unstated")]
    pub paging: Paging,
}

/// The directory of the cache dir that holds API answers.
pub const DIR: &str = "api";

/// Where the answer for `url` is kept.
pub fn path(cache_dir: &Path, url: &str) -> PathBuf {
    let key = hex::encode(sha2::Sha256::digest(url.as_bytes()));
    cache_dir.join(DIR).join(format!("{key}.json"))
}

pub fn read(path: &Path) -> Option<Entry> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// Keep `body` with its `etag`: a temporary file beside the entry, renamed over it.
pub fn write(
    path: &Path,
    url: &str,
    etag: &str,
    body: &str,
    paging: Paging,
) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let entry = Entry {
        // Shown to whoever reads the cache: without the credentials a URL may carry.
        url: crate::redact::url(url),
        etag: etag.to_owned(),
        body: body.to_owned(),
        paging,
    };
    let mut file = tempfile::Builder::new().prefix(".api-").tempfile_in(dir)?;
    serde_json::to_writer(&mut file, &entry)?;
    file.flush()?;
    file.persist(path).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_and_reads_answers_by_url() {
        let dir = tempfile::tempdir().unwrap();
        let url = "https://api.github.com/repos/o/r/releases/latest";
        let at = path(dir.path(), url);
        assert!(at.starts_with(dir.path().join("api")));
        assert!(read(&at).is_none());
        write(&at, url, "\"abc\"", "{\"tag_name\":\"v1\"}", Paging::More).unwrap();
        let entry = read(&at).unwrap();
        assert_eq!(entry.etag, "\"abc\"");
        assert_eq!(entry.body, "{\"tag_name\":\"v1\"}");
        assert_eq!(entry.paging, Paging::More);
        // An entry kept before paging was kept reads as unstated.
        std::fs::write(&at, r#"{"url":"u","etag":"e","body":"b"}"#).unwrap();
        assert_eq!(read(&at).unwrap().paging, Paging::Unstated);
        std::fs::write(&at, "{broken").unwrap();
        assert!(read(&at).is_none());
        assert_ne!(
            path(dir.path(), "https://x/a"),
            path(dir.path(), "https://x/b")
        );
    }
}
