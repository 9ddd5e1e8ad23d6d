//! Integration tests: the real `haul` binary against a GitHub-shaped server on 127.0.0.1.
//! No test reaches any other address.
#![allow(clippy::unwrap_used)]

mod support;

mod catalog;
mod checksums;
mod choose;
mod commands;
mod failures;
mod formats;
mod hostile;
mod manage;
mod network;
mod project;
mod self_update;
mod state;
mod verification;
mod versions;
