//! `haul sbom`: a CycloneDX 1.6 inventory (JSON on stdout) of the tools a project locks (the
//! files for this platform, or `--target`'s), or of the tools installed on this machine: for
//! each file, the tool's name and version, a package URL, where it was downloaded from, its
//! hashes, and what vouched for them. Reads no network.

use anyhow::Result;
use serde::Serialize;

use crate::cli::SbomArgs;
use crate::context::Context;
use crate::error::{ExitCode, UserError};
use crate::project::{self, Project};
use crate::store::Records;
use crate::store::record::Artifact;

/// The document, in CycloneDX's own field names.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::struct_field_names, reason = "CycloneDX's names")]
struct Bom {
    #[serde(rename = "$schema")]
    schema: &'static str,
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
}

#[derive(Serialize)]
struct Metadata {
    timestamp: String,
    tools: Tools,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<Subject>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Subject>,
}

#[derive(Serialize)]
struct Subject {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    name: String,
    version: String,
    purl: String,
    hashes: Vec<Hash>,
    external_references: Vec<Reference>,
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Hash {
    alg: &'static str,
    content: String,
}

#[derive(Serialize)]
struct Reference {
    #[serde(rename = "type")]
    kind: &'static str,
    url: String,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

/// One tool's file, as the inventory lists it.
struct Entry<'a> {
    name: &'a str,
    version: &'a str,
    /// The stored version's key (`1.0.0`, or `1.0.0+2fa7b6c0` for other bytes a project's
    /// lock pins under the tag): one component each.
    key: &'a str,
    tag: &'a str,
    source: &'a str,
    platform: &'a str,
    artifact: &'a Artifact,
    /// The project bin-dir a version is linked into, pinned, when that is why it is listed.
    pinned_in: Option<String>,
}

pub fn sbom(args: &SbomArgs, ctx: &Context) -> Result<ExitCode> {
    let untrue;
    let project = if args.installed {
        None
    } else {
        // Beside a haul.toml that is not taken as a project, this machine's inventory is not
        // what was asked for: said (`--installed` asks for it).
        project::find_or_refused(&ctx.settings.cwd)
            .map_err(|err| err.hint("`haul sbom --installed` lists this machine's tools"))?
            .map(|dir| Project::open(&dir))
            .transpose()?
    };
    let records;
    let target = crate::settings::target_platform(args.target.as_deref())?;
    let platform = target.to_string();
    let mut entries = Vec::new();
    let subject = if let Some(project) = &project {
        let Some(lock) = &project.lock else {
            return Err(UserError::new(format!(
                "{} has no {}",
                project.dir.display(),
                project::lock::FILE
            ))
            .hint("run `haul lock` first, or `haul sbom --installed` for this machine's tools")
            .into());
        };
        crate::commands::lock::warn_if_stale(ctx, project, lock)?;
        untrue = locked_entries(ctx, lock, target, &platform, &mut entries);
        Some(Subject {
            kind: "application",
            name: project.dir.file_name().map_or_else(
                || "project".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            ),
            version: None,
        })
    } else {
        let read = ctx.store.records()?;
        untrue = warn_untrue(ctx, &read);
        records = read.ok;
        installed_entries(&records, &mut entries);
        None
    };
    let components: Vec<Component> = entries.iter().map(component).collect();
    let bom = Bom {
        schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: serial_number(),
        version: 1,
        metadata: Metadata {
            timestamp: rfc3339(crate::store::now()),
            tools: Tools {
                components: vec![Subject {
                    kind: "application",
                    name: "haul".to_owned(),
                    version: Some(env!("CARGO_PKG_VERSION").to_owned()),
                }],
            },
            component: subject,
        },
        components,
    };
    ctx.printer.json(&bom)?;
    Ok(if untrue {
        ExitCode::Failure
    } else {
        ExitCode::Success
    })
}

/// The files `lock` pins for `target` (`platform`, as text), into `entries`; whether a tool
/// has no entry for it (said, and the inventory is not whole).
fn locked_entries<'a>(
    ctx: &Context,
    lock: &'a project::lock::Lock,
    target: crate::platform::Platform,
    platform: &'a str,
    entries: &mut Vec<Entry<'a>>,
) -> bool {
    let mut untrue = false;
    for tool in &lock.tools {
        let entry = tool.entry_for(target);
        if !tool.platforms.contains_key(&entry) && !tool.unavailable.contains_key(&entry) {
            ctx.printer.failure(&format!(
                "not in the inventory: {} does not cover {platform} for `{}` (add it to \
                 `settings.platforms` and run `haul lock`)",
                project::lock::FILE,
                tool.key
            ));
            untrue = true;
        }
        // A release with no build for the platform: `haul sync` fails there, so the inventory
        // of what it installs is not whole either.
        if let Some(why) = tool.unavailable.get(&entry) {
            ctx.printer.failure(&format!(
                "not in the inventory: `{}` has no build for {platform} ({}; `haul sync` fails \
                 there)",
                tool.key,
                crate::error::shown(why)
            ));
            untrue = true;
        }
        for artifact in tool.platforms.get(&entry).into_iter().flatten() {
            entries.push(Entry {
                name: &tool.name,
                version: &tool.version,
                key: &tool.version,
                tag: &tool.tag,
                source: &tool.source,
                platform,
                artifact,
                pinned_in: None,
            });
        }
    }
    untrue
}

/// The files of the installed versions of `records` into `entries`.
fn installed_entries<'a>(records: &'a [crate::store::Record], entries: &mut Vec<Entry<'a>>) {
    for record in records {
        // The active version, and those linked pinned into a project's bin-dir that is
        // still there (`haul sync`): both are installed and run.
        let pinned = record
            .links
            .iter()
            .filter(|l| !crate::store::dir_gone(l))
            .filter_map(|l| Some((l.version.as_deref()?, l.path.parent()?)));
        let mut listed: Vec<(&str, Option<String>)> = Vec::new();
        if let Some(key) = record.active.as_deref() {
            listed.push((key, None));
        }
        for (key, dir) in pinned {
            if !listed.iter().any(|(k, _)| *k == key) {
                listed.push((key, Some(dir.display().to_string())));
            }
        }
        for (key, pinned_in) in listed {
            let Some(stored) = record.versions.get(key) else {
                continue;
            };
            for artifact in &stored.artifacts {
                entries.push(Entry {
                    name: &record.name,
                    version: &stored.version,
                    key,
                    tag: &stored.tag,
                    source: &record.identity.source,
                    platform: &stored.platform,
                    artifact,
                    pinned_in: pinned_in.clone(),
                });
            }
        }
    }
}

/// Warn of what an inventory of the installed tools cannot describe truthfully: records that
/// cannot be read, and active versions whose files are gone or changed. Whether there was any.
fn warn_untrue(ctx: &Context, read: &Records) -> bool {
    let mut untrue = false;
    for damaged in &read.damaged {
        ctx.printer.failure(&format!(
            "not in the inventory: {}",
            crate::error::Report::of(&damaged.error.clone().into()).one_line()
        ));
        untrue = true;
    }
    for record in &read.ok {
        for problem in ctx.store.check(record) {
            let of_active = problem
                .version()
                .is_some_and(|key| record.active.as_deref() == Some(key));
            if of_active {
                ctx.printer.failure(&format!(
                    "{} (the inventory lists what was installed)",
                    problem.describe(&record.name)
                ));
                untrue = true;
            }
        }
    }
    untrue
}

fn component(entry: &Entry<'_>) -> Component {
    let a = entry.artifact;
    let mut hashes = vec![Hash {
        alg: "SHA-256",
        content: a.sha256.clone(),
    }];
    if let Some(sha512) = &a.sha512 {
        hashes.push(Hash {
            alg: "SHA-512",
            content: sha512.clone(),
        });
    }
    let mut properties = vec![
        Property {
            name: "haul:platform",
            value: entry.platform.to_owned(),
        },
        Property {
            name: "haul:asset",
            value: a.asset.clone(),
        },
        Property {
            name: "haul:verified-by",
            value: a
                .verified_by
                .clone()
                .unwrap_or_else(|| "unverified".to_owned()),
        },
    ];
    if let Some(url) = &a.checksum_url {
        properties.push(Property {
            name: "haul:checksum-url",
            value: url.clone(),
        });
    }
    if let Some(dir) = &entry.pinned_in {
        properties.push(Property {
            name: "haul:pinned-in",
            value: dir.clone(),
        });
    }
    Component {
        kind: "application",
        bom_ref: format!("{}@{}#{}", entry.name, entry.key, a.asset),
        name: entry.name.to_owned(),
        version: entry.version.to_owned(),
        purl: purl(entry),
        hashes,
        external_references: vec![Reference {
            kind: "distribution",
            url: a.url.clone(),
        }],
        properties,
    }
}

/// `pkg:github/OWNER/REPO@TAG` for a GitHub release; `pkg:generic/NAME@VERSION?download_url=…`
/// for a vendor's download.
fn purl(entry: &Entry<'_>) -> String {
    match entry.source.strip_prefix("github:") {
        Some(repo) => format!(
            "pkg:github/{}@{}",
            repo.to_ascii_lowercase(),
            encode(entry.tag)
        ),
        None => format!(
            "pkg:generic/{}@{}?download_url={}",
            encode(entry.name),
            encode(entry.version),
            encode(&entry.artifact.url)
        ),
    }
}

/// Percent-encoding for a purl component: everything but unreserved characters.
fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, UNRESERVED).to_string()
}

/// What a purl leaves as it is: letters, digits and `-._~` (RFC 3986's unreserved characters).
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A serial number of its own for every inventory, as CycloneDX asks even when the contents
/// have not changed: a random (version 4) UUID.
fn serial_number() -> String {
    uuid::Uuid::new_v4().urn().to_string()
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
fn rfc3339(seconds: u64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_purls() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_442_700), "2026-11-23T14:05:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(encode("cli/v1.2.0"), "cli%2Fv1.2.0");
        assert_eq!(encode("https://x/a b"), "https%3A%2F%2Fx%2Fa%20b");
    }
}
