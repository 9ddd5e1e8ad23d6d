//! What the user asked for: the tool as typed (`OWNER/REPO@1.2`), the version request, and the
//! tool that request resolves to through the catalog.
//!
//! Pure: no I/O.

pub mod installed;
pub mod spec;
pub mod tool;
