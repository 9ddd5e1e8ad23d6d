//! A release as every source describes it: its tag, version and files, so that selection,
//! download and verification never depend on where it came from. Plain data: no I/O.

use crate::version::Version;

/// One release of a tool.
#[derive(Debug, Clone)]
pub struct Release {
    pub tag: String,
    /// The version read from the tag, when it holds one.
    pub version: Option<Version>,
    pub prerelease: bool,
    pub assets: Vec<Asset>,
}

impl Release {
    /// The version to show and record: the tag's version with its build metadata
    /// (`1.31.0+k3s2`: two builds of one version are two releases to the user), else the tag
    /// itself.
    pub fn version_label(&self) -> String {
        let Some(version) = &self.version else {
            return self.tag.clone();
        };
        let build = self
            .tag
            .find('+')
            .filter(|&at| self.tag[..at].contains(|c: char| c.is_ascii_digit()))
            .map_or("", |at| &self.tag[at..]);
        format!("{version}{build}")
    }

    pub fn asset(&self, name: &str) -> Option<&Asset> {
        self.assets.iter().find(|a| a.name == name)
    }
}

/// One downloadable file of a release.
#[derive(Debug, Clone)]
pub struct Asset {
    pub name: String,
    pub url: String,
    pub size: u64,
    /// The digest the API reports (`sha256:…`), when it does.
    pub digest: Option<String>,
}
