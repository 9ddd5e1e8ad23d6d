//! The built-in catalog checked as data: it parses, every name is unique, every source is
//! well-formed and renders, and it agrees with the shared corpus where they overlap.

use std::collections::BTreeSet;

use super::*;
use crate::catalog::template::Vars;
use crate::platform::Platform;
use crate::select::{self, Request};
use crate::testing::corpus;

fn builtin() -> Catalog {
    Catalog::load(&[]).expect("the built-in catalog parses")
}

#[test]
fn has_the_tools_platform_engineers_use() {
    let catalog = builtin();
    assert!(
        catalog.entries().len() >= 150,
        "{} entries",
        catalog.entries().len()
    );
    for name in [
        "kubectl",
        "helm",
        "k9s",
        "kind",
        "terraform",
        "opentofu",
        "vault",
        "trivy",
        "gh",
        "jq",
        "yq",
        "ripgrep",
        "fd",
        "kubectx",
        "kubens",
        "argocd",
        "flux",
        "prometheus",
        "k6",
    ] {
        assert!(catalog.find(name).is_some(), "`{name}` is missing");
    }
}

#[test]
fn names_and_aliases_are_unique() {
    let catalog = builtin();
    let mut seen = BTreeSet::new();
    for entry in catalog.entries() {
        for name in std::iter::once(&entry.name).chain(&entry.aliases) {
            assert!(seen.insert(name.clone()), "`{name}` is used twice");
        }
    }
}

#[test]
fn every_entry_is_well_formed() {
    let mut bad = Vec::new();
    for entry in builtin().entries() {
        let mut problems = entry.problems();
        if entry.description.is_empty() || entry.description.len() >= 80 {
            problems.push("needs a description under 80 characters".to_owned());
        }
        if entry.description.ends_with('.') {
            problems.push("description ends with a period".to_owned());
        }
        if !entry.homepage.starts_with("https://") {
            problems.push(format!("homepage `{}` is not https", entry.homepage));
        }
        if entry.tags.is_empty() {
            problems.push("has no tags".to_owned());
        }
        for bin in &entry.bins {
            if let Err(err) = crate::unpack::executables::BinRequest::parse(bin) {
                problems.push(format!("bins: {}", err.message));
            }
        }
        if entry.bins.first().is_some_and(|first| first.contains('=')) {
            problems.push("the first of `bins` names the tool's own executable: no `=`".to_owned());
        }
        if let Some(repo) = &entry.repo {
            let looks_real = repo.split_once('/').is_some_and(|(owner, name)| {
                !owner.is_empty()
                    && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !owner.starts_with('-')
                    && !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            });
            if !looks_real {
                problems.push(format!("`{repo}` does not look like OWNER/REPO"));
            }
        }
        if !problems.is_empty() {
            bad.push(format!("{}: {}", entry.name, problems.join("; ")));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn every_template_renders_for_every_platform_it_claims() {
    let mut templates = 0;
    for entry in builtin().entries() {
        let Some(template) = &entry.template else {
            continue;
        };
        templates += 1;
        assert_eq!(
            template.claimed().len(),
            template.platforms.len(),
            "{}",
            entry.name
        );
        for platform in template.claimed() {
            let vars = Vars {
                version: "1.2.3",
                tag: "v1.2.3",
                platform,
            };
            for text in std::iter::once(&template.url).chain(&template.checksum) {
                let url = template.render(text, &vars);
                assert!(
                    !url.contains(['{', '}']),
                    "{} {platform}: {url}",
                    entry.name
                );
                assert!(
                    reqwest::Url::parse(&url).is_ok_and(|u| u.host_str().is_some()),
                    "{} {platform}: `{url}` is not a URL",
                    entry.name
                );
            }
            // The platform itself is what the template fits, without emulation.
            assert_eq!(
                template.fit(platform).map(|(p, e)| (p.os, p.arch, e)),
                Some((platform.os, platform.arch, None))
            );
        }
    }
    assert!(
        templates >= 3,
        "kubectl, helm and the HashiCorp tools use templates"
    );
}

#[test]
fn vendor_downloads_are_templates() {
    let catalog = builtin();
    for name in [
        "kubectl",
        "helm",
        "terraform",
        "vault",
        "consul",
        "nomad",
        "packer",
        "boundary",
    ] {
        let entry = catalog
            .find(name)
            .unwrap_or_else(|| panic!("`{name}` is missing"));
        assert!(
            entry.template.is_some(),
            "`{name}` comes from its vendor's download site"
        );
    }
}

/// For every catalog tool the corpus also holds, the catalog's entry (its executable name and
/// asset hint) and the selector must pick the corpus's answer.
#[test]
fn agrees_with_the_corpus() {
    let catalog = builtin();
    let (mut checked, mut misses) = (0, Vec::new());
    for case in corpus::load() {
        let Some(entry) = catalog.entries().iter().find(|e| {
            e.repo
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(&case.repo))
                && (e.name == case.binary || e.bins().contains(&case.binary))
        }) else {
            continue;
        };
        let pattern = entry
            .asset
            .as_deref()
            .map(|a| regex_lite::Regex::new(a).expect("asset regex"));
        let assets: Vec<&str> = case.assets.iter().map(String::as_str).collect();
        let repo = case.repo.rsplit('/').next().unwrap_or(&case.repo);
        let wanted = entry.bins.first().unwrap_or(&entry.name);
        for platform in case.expect.keys() {
            let parsed: Platform = platform.parse().expect("corpus platform");
            let selection = select::select(
                &assets,
                parsed,
                &Request {
                    tool: wanted,
                    repo,
                    asset_pattern: pattern.as_ref(),
                },
            );
            checked += 1;
            if !corpus::judge(&case, platform, &selection) && !disputed(&case.id, platform) {
                misses.push(format!(
                    "{} ({}) {platform}: expected {:?}, picked {:?} ({})",
                    entry.name, case.id, case.expect[platform], selection.asset, selection.reason
                ));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} corpus checks matched catalog entries"
    );
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// The corpus answers disputed on issue 2 (see `select`'s corpus test).
fn disputed(id: &str, platform: &str) -> bool {
    matches!(
        (id, platform),
        ("git-town/git-town#git-town", "linux-armv7")
            | ("gohugoio/hugo@0.157.0#hugo_extended", "linux-x86_64-musl")
    )
}

#[test]
fn search_ranks_names_before_descriptions() {
    let catalog = builtin();
    let hits: Vec<&str> = catalog
        .search("kube")
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert!(hits.len() >= 10, "{hits:?}");
    for name in ["kubectl", "kubectx", "kubens", "kubeconform"] {
        assert!(
            hits.contains(&name),
            "`{name}` not found for `kube`: {hits:?}"
        );
    }
    let first_other = hits
        .iter()
        .position(|n| !n.starts_with("kube"))
        .unwrap_or(hits.len());
    assert!(hits[..first_other].iter().all(|n| n.starts_with("kube")));
    // Among names that start alike, the shortest come first.
    let at = |name: &str| hits.iter().position(|n| *n == name).unwrap();
    assert!(at("kubectl") < at("kube-linter"), "{hits:?}");
    assert_eq!(
        catalog.search("terra").first().map(|e| e.name.as_str()),
        Some("terraform")
    );
    assert_eq!(
        catalog.search("kubectl").first().map(|e| e.name.as_str()),
        Some("kubectl")
    );
    assert_eq!(catalog.search("").len(), catalog.entries().len());
    assert!(catalog.search("zzzz-no-such-tool").is_empty());
}

#[test]
fn user_entries_extend_and_override() {
    let user: Vec<Entry> = toml::from_str::<toml::Table>(
        r#"
        [[tool]]
        name = "kubectl"
        description = "my company's kubectl build"
        homepage = "https://example.com"
        repo = "acme/kubectl"

        [[tool]]
        name = "inhouse"
        repo = "acme/inhouse"
        "#,
    )
    .unwrap()["tool"]
        .clone()
        .try_into()
        .unwrap();
    let catalog = Catalog::load(&user).unwrap();
    assert_eq!(
        catalog.find("kubectl").unwrap().repo.as_deref(),
        Some("acme/kubectl")
    );
    assert!(catalog.find("inhouse").is_some());
    assert_eq!(catalog.entries().len(), builtin().entries().len() + 1);

    let bad: Vec<Entry> =
        toml::from_str::<toml::Table>("[[tool]]\nname = \"x\"\n").unwrap()["tool"]
            .clone()
            .try_into()
            .unwrap();
    let err = Catalog::load(&bad)
        .err()
        .expect("an entry without a source is refused");
    assert!(
        err.causes.join(" ").contains("needs `repo` or `template`"),
        "{err:?}"
    );
}
