//! The values dynamic completion offers for arguments that name a tool: the installed tools
//! and the catalog's names. Read when the shell asks; an unreadable store or catalog offers
//! nothing.

use clap_complete::engine::CompletionCandidate;

/// Installed tools, for arguments that name one.
pub fn installed() -> Vec<CompletionCandidate> {
    let Some(home) = crate::settings::home_dir() else {
        return Vec::new();
    };
    let mut names: Vec<String> = std::fs::read_dir(home.join("records"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".json")
                        .filter(|n| !n.starts_with('.'))
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// Catalog names and aliases, for arguments that name a tool to install.
pub fn catalog() -> Vec<CompletionCandidate> {
    let Ok(catalog) = crate::catalog::Catalog::load(&[]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in catalog.entries() {
        out.push(
            CompletionCandidate::new(entry.name.clone())
                .help(Some(entry.description.clone().into())),
        );
        for alias in &entry.aliases {
            out.push(CompletionCandidate::new(alias.clone()).hide(true));
        }
    }
    out
}
