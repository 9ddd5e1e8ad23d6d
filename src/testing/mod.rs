//! Test-only helpers shared by unit tests of several modules: the asset corpus and the check that
//! `dist/` is up to date.

pub mod corpus;
mod dist_assets;
mod imports;
