//! One file per command; each is short glue over the modules below it.

pub mod cache;
pub mod completions;
pub mod doctor;
pub mod env;
pub mod exec;
pub mod info;
pub mod install;
pub mod list;
pub mod lock;
pub mod mirror;
mod options;
pub mod outdated;
pub mod project;
pub mod prune;
pub mod rollback;
pub mod sbom;
pub mod search;
pub mod self_update;
pub mod sync;
pub mod uninstall;
pub mod upgrade;
pub mod which;
