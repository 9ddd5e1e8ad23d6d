//! URL templates, for tools that are not released on GitHub (kubectl from `dl.k8s.io`, the
//! `HashiCorp` tools from `releases.hashicorp.com`, helm from `get.helm.sh`): the catalog's data,
//! and the download and checksum URLs each platform gets.
//!
//! Pure: no I/O. Finding which versions exist is `resolve::template`'s job.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::names::Repo;
use crate::platform::{Arch, Emulation, Os, Platform, words};

/// A tool's downloads, described by URL templates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub version: VersionSource,
    /// The download URL; see [`Vars`] for the placeholders.
    pub url: String,
    /// The checksum file's URL (may use `{url}` and `{file}`).
    pub checksum: Option<String>,
    /// The platforms the vendor publishes, by name (`linux-x86_64`, `macos-aarch64`, …).
    pub platforms: Vec<String>,
    /// How the vendor spells each OS; Go's spelling by default.
    #[serde(default)]
    pub os: BTreeMap<String, String>,
    /// How the vendor spells each arch; Go's spelling by default.
    #[serde(default)]
    pub arch: BTreeMap<String, String>,
    /// `{ext}` per OS (`linux`, `macos`, `windows`, `freebsd`), with `default` for the rest.
    #[serde(default)]
    pub ext: BTreeMap<String, String>,
}

/// Where the versions come from: exactly one of the three.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionSource {
    /// A URL whose body is the latest tag (`https://dl.k8s.io/release/stable.txt`).
    pub text: Option<String>,
    /// With `text`: the latest tag of a series, `{series}` being what the user asked for
    /// (`https://dl.k8s.io/release/stable-{series}.txt` for `kubectl@1.31`).
    pub series: Option<String>,
    /// A GitHub repository whose release tags are the versions (helm).
    pub github: Option<String>,
    /// A releases.hashicorp.com `index.json`: `{"versions": {"1.9.5": …, …}}`.
    pub hashicorp: Option<String>,
}

const PLACEHOLDERS: [&str; 8] = [
    "{version}",
    "{tag}",
    "{os}",
    "{arch}",
    "{exe}",
    "{ext}",
    "{url}",
    "{file}",
];

/// The values placeholders take for one platform and one release.
pub struct Vars<'a> {
    pub version: &'a str,
    pub tag: &'a str,
    pub platform: Platform,
}

impl Template {
    fn os_word(&self, os: Os) -> String {
        self.os
            .get(os.as_str())
            .cloned()
            .unwrap_or_else(|| words::go_os(os).to_owned())
    }

    fn arch_word(&self, arch: Arch) -> String {
        self.arch
            .get(arch.as_str())
            .cloned()
            .unwrap_or_else(|| words::go_arch(arch).to_owned())
    }

    fn ext_for(&self, os: Os) -> String {
        self.ext
            .get(os.as_str())
            .or_else(|| self.ext.get("default"))
            .cloned()
            .unwrap_or_default()
    }

    /// The platforms this template claims, parsed.
    pub fn claimed(&self) -> Vec<Platform> {
        self.platforms
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect()
    }

    /// The published platform to use on `platform`: itself, or one it runs under emulation.
    /// Linux builds from vendors' download sites are static, so they fit glibc and musl alike
    /// (the install still refuses a glibc-linked program on musl).
    pub fn fit(&self, platform: Platform) -> Option<(Platform, Option<Emulation>)> {
        let claimed = self.claimed();
        let find = |os: Os, arch: Arch| {
            claimed
                .iter()
                .find(|p| p.os == os && p.arch == arch)
                .copied()
        };
        if let Some(found) = find(platform.os, platform.arch) {
            return Some((
                Platform {
                    libc: platform.libc,
                    ..found
                },
                None,
            ));
        }
        let (arch, emulation) = match (platform.os, platform.arch) {
            (Os::MacOs, Arch::Aarch64) => (Arch::X86_64, Emulation::Rosetta2),
            (Os::Windows, Arch::Aarch64) => (Arch::X86_64, Emulation::WindowsArm64X64),
            (Os::Windows, Arch::X86_64) => (Arch::I686, Emulation::Wow64),
            _ => return None,
        };
        find(platform.os, arch).map(|p| (p, Some(emulation)))
    }

    /// Fill in the placeholders of `template`.
    pub fn render(&self, template: &str, vars: &Vars<'_>) -> String {
        let out = self.fill(template, vars);
        if out.contains("{url}") || out.contains("{file}") {
            // Only checksum templates refer to the download URL; it never refers to itself.
            let url = self.fill(&self.url, vars);
            let file = url.rsplit('/').next().unwrap_or(&url).to_owned();
            return out.replace("{url}", &url).replace("{file}", &file);
        }
        out
    }

    fn fill(&self, template: &str, vars: &Vars<'_>) -> String {
        template
            .replace("{version}", vars.version)
            .replace("{tag}", vars.tag)
            .replace("{os}", &self.os_word(vars.platform.os))
            .replace("{arch}", &self.arch_word(vars.platform.arch))
            .replace("{exe}", vars.platform.exe_suffix())
            .replace("{ext}", &self.ext_for(vars.platform.os))
    }

    /// Everything wrong with the template; empty when it is fine.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let v = &self.version;
        let kinds = [v.text.is_some(), v.github.is_some(), v.hashicorp.is_some()];
        if kinds.iter().filter(|k| **k).count() != 1 {
            problems
                .push("`version` needs exactly one of `text`, `github`, `hashicorp`".to_owned());
        }
        if v.series.is_some() && v.text.is_none() {
            problems.push("`version.series` goes with `version.text`".to_owned());
        }
        if let Some(repo) = &v.github
            && Repo::parse(repo).is_none()
        {
            problems.push(format!("`version.github` `{repo}` is not OWNER/REPO"));
        }
        if self.platforms.is_empty() {
            problems.push("`platforms` is empty".to_owned());
        }
        for name in &self.platforms {
            if name.parse::<Platform>().is_err() {
                problems.push(format!("unknown platform `{name}`"));
            }
        }
        problems.extend(self.credentials());
        for (what, text) in [
            ("url", Some(&self.url)),
            ("checksum", self.checksum.as_ref()),
        ] {
            let Some(text) = text else { continue };
            if !text.starts_with("https://")
                && !text.starts_with("http://")
                && !text.starts_with('{')
            {
                problems.push(format!("`{what}` is not an http(s) URL"));
            }
            let mut rest = text.as_str();
            while let Some(start) = rest.find('{') {
                let Some(len) = rest[start..].find('}') else {
                    problems.push(format!("`{what}` has an unclosed `{{`"));
                    break;
                };
                let placeholder = &rest[start..=start + len];
                let allowed = what == "checksum" || !matches!(placeholder, "{url}" | "{file}");
                if !PLACEHOLDERS.contains(&placeholder) || !allowed {
                    problems.push(format!(
                        "`{what}` uses an unknown placeholder `{placeholder}`"
                    ));
                }
                rest = &rest[start + len + 1..];
            }
        }
        problems
    }

    /// The URLs that would show credentials: what these URLs become is written into
    /// haul.lock, records and SBOMs, and shown, so a user, a password or a secret query
    /// parameter (`?private_token=`) belongs in a mirror rule, which only sends it. The
    /// download URLs are checked as rendered for every platform (a placeholder's word may hold
    /// them too).
    fn credentials(&self) -> Vec<String> {
        let v = &self.version;
        let mut urls: Vec<(&str, String)> = [
            ("version.text", v.text.as_ref()),
            ("version.series", v.series.as_ref()),
            ("version.hashicorp", v.hashicorp.as_ref()),
        ]
        .into_iter()
        .filter_map(|(what, text)| Some((what, text?.clone())))
        .collect();
        for platform in self
            .platforms
            .iter()
            .filter_map(|p| p.parse::<Platform>().ok())
        {
            let (url, checksum) = self.urls("v1.0.0", platform);
            urls.push(("url", url));
            urls.extend(checksum.map(|c| ("checksum", c)));
        }
        let mut problems: Vec<String> = Vec::new();
        for (what, url) in urls {
            let problem = format!(
                "`{what}` holds credentials (a user, a password or a secret query parameter), \
                 which haul.lock, `haul list` and SBOMs would show; put them in a mirror rule \
                 for that host instead (`[[mirror]]` from `https://HOST/` to \
                 `https://USER:PASSWORD@HOST/`)"
            );
            if (has_credentials(&url) || crate::redact::hides_something(&url))
                && !problems.contains(&problem)
            {
                problems.push(problem);
            }
        }
        problems
    }

    /// The download URL and the checksum file's URL (when the vendor publishes one) of the
    /// release with tag `tag`, rendered for `platform`.
    pub fn urls(&self, tag: &str, platform: Platform) -> (String, Option<String>) {
        let version = tag.strip_prefix(['v', 'V']).unwrap_or(tag);
        let vars = Vars {
            version,
            tag,
            platform,
        };
        let checksum = self.checksum.as_ref().map(|c| self.render(c, &vars));
        (self.render(&self.url, &vars), checksum)
    }

    /// The published platform whose downloads `platform` gets: its own, or one it emulates.
    pub fn published(&self, platform: Platform) -> Platform {
        self.fit(platform).map_or(platform, |(p, _)| p)
    }
}

/// Whether the URL (template) `text` names a user or password before its host.
fn has_credentials(text: &str) -> bool {
    let Some((_, rest)) = text.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubectl() -> Template {
        toml::from_str(
            r#"
            version = { text = "https://dl.k8s.io/release/stable.txt", series = "https://dl.k8s.io/release/stable-{series}.txt" }
            url = "https://dl.k8s.io/release/{tag}/bin/{os}/{arch}/kubectl{exe}"
            checksum = "{url}.sha256"
            platforms = ["linux-x86_64", "linux-aarch64", "macos-x86_64", "windows-x86_64"]
            "#,
        )
        .unwrap()
    }

    #[test]
    fn credentials_in_a_url_are_refused() {
        let mut t = kubectl();
        t.url = "https://ci:pAsSw0rd@dl.example/{tag}/kubectl{exe}".to_owned();
        let problems = t.problems();
        // The checksum URL, made from it, holds them too.
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("`url` holds credentials"),
            "{problems:?}"
        );
        t = kubectl();
        t.version.text = Some("https://token@dl.example/stable.txt".to_owned());
        assert!(t.problems()[0].contains("`version.text` holds credentials"));
        // A secret query parameter, and a user a placeholder's word brings in.
        t = kubectl();
        t.url = "https://dl.example/{tag}/kubectl{exe}?private_token=s3cret".to_owned();
        assert!(t.problems()[0].contains("`url` holds credentials"));
        t = kubectl();
        t.url = "https://{os}/{tag}/kubectl{exe}".to_owned();
        t.os.insert("linux".to_owned(), "ci:pw@dl.example".to_owned());
        assert!(t.problems()[0].contains("`url` holds credentials"));
        // An `@` in the path is no user.
        t = kubectl();
        t.url = "https://dl.example/@scope/{tag}/kubectl{exe}".to_owned();
        assert!(t.problems().is_empty(), "{:?}", t.problems());
    }

    #[test]
    fn renders_urls_per_platform() {
        let t = kubectl();
        let vars = |platform: &str| Vars {
            version: "1.31.2",
            tag: "v1.31.2",
            platform: platform.parse().unwrap(),
        };
        assert_eq!(
            t.render(&t.url, &vars("linux-aarch64")),
            "https://dl.k8s.io/release/v1.31.2/bin/linux/arm64/kubectl"
        );
        assert_eq!(
            t.render(t.checksum.as_deref().unwrap(), &vars("windows-x86_64")),
            "https://dl.k8s.io/release/v1.31.2/bin/windows/amd64/kubectl.exe.sha256"
        );
        assert!(t.problems().is_empty(), "{:?}", t.problems());
    }

    #[test]
    fn custom_spellings_and_extensions() {
        let t: Template = toml::from_str(
            r#"
            version = { github = "helm/helm" }
            url = "https://get.helm.sh/helm-{tag}-{os}-{arch}{ext}"
            checksum = "{url}.sha256sum"
            platforms = ["linux-x86_64", "windows-x86_64", "macos-aarch64"]
            os = { macos = "macOS" }
            ext = { default = ".tar.gz", windows = ".zip" }
            "#,
        )
        .unwrap();
        let render = |p: &str| {
            t.render(
                &t.url,
                &Vars {
                    version: "3.16.2",
                    tag: "v3.16.2",
                    platform: p.parse().unwrap(),
                },
            )
        };
        assert_eq!(
            render("windows-x86_64"),
            "https://get.helm.sh/helm-v3.16.2-windows-amd64.zip"
        );
        assert_eq!(
            render("macos-aarch64"),
            "https://get.helm.sh/helm-v3.16.2-macOS-arm64.tar.gz"
        );
    }

    #[test]
    fn fits_and_emulation() {
        let t = kubectl();
        let musl: Platform = "linux-x86_64-musl".parse().unwrap();
        assert_eq!(
            t.fit(musl).map(|(p, e)| (p.to_string(), e)),
            Some(("linux-x86_64-musl".into(), None))
        );
        let mac: Platform = "macos-aarch64".parse().unwrap();
        assert_eq!(
            t.fit(mac).map(|(p, e)| (p.to_string(), e)),
            Some(("macos-x86_64".into(), Some(Emulation::Rosetta2)))
        );
        let arm: Platform = "linux-armv7".parse().unwrap();
        assert!(t.fit(arm).is_none());
    }

    #[test]
    fn finds_problems() {
        let t: Template = toml::from_str(
            r#"
            version = { text = "https://x/stable.txt", github = "a/b" }
            url = "https://x/{tag}/{platform}/tool"
            checksum = "{url}.sha256"
            platforms = ["linux-x86_64", "plan9"]
            "#,
        )
        .unwrap();
        let problems = t.problems().join("\n");
        assert!(problems.contains("exactly one of"), "{problems}");
        assert!(
            problems.contains("unknown placeholder `{platform}`"),
            "{problems}"
        );
        assert!(problems.contains("unknown platform `plan9`"), "{problems}");
    }
}
