//! Network settings: the GitHub API and its token, mirror rules; from the environment, then
//! the config file, then defaults. Builds the HTTP client's [`Config`].

use anyhow::Result;
use serde::Deserialize;

use super::env_string;
use crate::fetch::Config;
use crate::fetch::mirror::{Mirror, Mirrors};

pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The config file's network keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NetworkKeys {
    pub github_api_url: Option<String>,
    /// URL rewriting rules (`[[mirror]]`).
    #[serde(default)]
    pub mirror: Vec<Mirror>,
}

pub fn load(keys: NetworkKeys) -> Result<Config> {
    let api_url = env_string("HAUL_GITHUB_API_URL")?
        .or(keys.github_api_url)
        .unwrap_or_else(|| DEFAULT_API_URL.to_owned())
        .trim_end_matches('/')
        .to_owned();
    let (token_var, token) = ["HAUL_GITHUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"]
        .into_iter()
        .find_map(|name| {
            let token = std::env::var(name).ok().filter(|v| !v.trim().is_empty())?;
            Some((name, token.trim().to_owned()))
        })
        .unzip();

    // Rules from the environment come first: with equally long prefixes, they win.
    let mut rules = match env_string("HAUL_MIRRORS")? {
        Some(text) => Mirrors::parse_env(&text)?,
        None => Vec::new(),
    };
    rules.extend(keys.mirror);
    let mirrors = Mirrors::new(rules)?;
    Ok(Config {
        api_url,
        token,
        token_var,
        mirrors,
    })
}
