//! drc's integration tests: one test binary.
//!
//! - `fixtures`: every `tests/fixtures/<area>/<case>/input.dr`, discovered, compiled for both
//!   targets and snapshotted with its diagnostics, policies and outputs;
//! - `examples`: every `examples/*.dr` builds cleanly on both targets;
//! - `permissions`: the permission table and the policies drc emits, read back from the
//!   templates;
//! - `cli`: the real binary: arguments, exit statuses, files written or not.

mod cli;
mod examples;
mod fixtures;
mod permissions;
mod support;
