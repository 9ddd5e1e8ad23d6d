//! The values dynamic completion offers for arguments that name a tool: the installed tools
//! and the catalog's names. Read when the shell asks; an unreadable store or catalog offers
//! nothing.

use clap_complete::engine::CompletionCandidate;

/// Installed tools, for arguments that name one.
pub fn installed() -> Vec<CompletionCandidate> {
    let Some(home) = crate::settings::home_dir() else {
        return Vec::new();
    };
    crate::store::record_files(&home)
        .unwrap_or_default()
        .iter()
        .filter_map(|path| path.file_stem())
        .map(|stem| CompletionCandidate::new(stem.to_string_lossy().into_owned()))
        .collect()
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
