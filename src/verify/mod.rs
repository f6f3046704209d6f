//! The verify stage: proof, not promise. drc reads the templates it wrote back, as an outside
//! tool would, and proves that each role allows exactly the requests its declarations
//! entitle, on both targets, and that the targets allow the same requests.
//!
//! It sits after emit and shares no code with it: what a declaration entitles comes from the
//! checked model and the verb table, what the templates grant from their bytes.

pub mod actions;
