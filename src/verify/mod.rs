//! The verify stage: proof, not promise. drc reads the templates it wrote back, as an outside
//! tool would, and proves that each role allows exactly the requests its declarations
//! entitle, on both targets, and that the targets allow the same requests.
//!
//! It sits after emit and shares no code with it: what a declaration entitles comes from the
//! checked model and the verb table, what the templates grant from their bytes.
//!
//! - [`symbol`]: symbolic text, where the partition, region, account and physical names are
//!   symbols;
//! - [`policy`]: IAM documents in that form;
//! - [`universe`]: the finite universe of requests;
//! - [`eval`]: IAM's decision for a request, and the comparison of two sets of statements over
//!   the universe.

pub mod actions;
pub mod eval;
pub mod policy;
pub mod symbol;
pub mod universe;
