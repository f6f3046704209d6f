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
//! - `read_cfn`, `read_tf` (with [`yaml`]): the templates of each target read back into it;
//! - [`universe`]: the finite universe of requests;
//! - [`eval`]: IAM's decision for a request, and the comparison of two sets of statements over
//!   the universe.

pub mod actions;
pub mod eval;
pub mod policy;
mod read_cfn;
mod read_tf;
pub mod symbol;
pub mod universe;
pub mod yaml;

use policy::Reading;
use std::collections::BTreeMap;
use symbol::Symbols;

/// The templates of one stack: file names and bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outputs {
    /// The stack's name (the file names' first part).
    pub stack: String,
    /// `<stack>.cfn.yaml` and `<stack>.<region>.cfn.yaml`, main template first.
    pub cloudformation: Vec<(String, Vec<u8>)>,
    /// `<stack>.tf.json`.
    pub terraform: Option<(String, Vec<u8>)>,
}

/// Sorts template files (base names and bytes) into stacks. A file that is neither a
/// CloudFormation template nor a Terraform configuration is an error.
pub fn group(files: Vec<(String, Vec<u8>)>) -> Result<Vec<Outputs>, String> {
    let mut stacks: BTreeMap<String, Outputs> = BTreeMap::new();
    for (name, bytes) in files {
        let stack = name.split('.').next().unwrap_or_default().to_owned();
        let outputs = stacks.entry(stack.clone()).or_insert_with(|| Outputs {
            stack,
            ..Outputs::default()
        });
        if name.ends_with(".cfn.yaml") {
            outputs.cloudformation.push((name, bytes));
        } else if name.ends_with(".tf.json") {
            if outputs.terraform.is_some() {
                return Err(format!(
                    "two Terraform configurations for stack `{}`",
                    outputs.stack
                ));
            }
            outputs.terraform = Some((name, bytes));
        } else {
            return Err(format!(
                "`{name}` is neither a CloudFormation template (.cfn.yaml) nor a Terraform configuration (.tf.json)"
            ));
        }
    }
    for outputs in stacks.values_mut() {
        // The main template (no region in its name) first.
        outputs
            .cloudformation
            .sort_by_key(|(name, _)| (name.matches('.').count(), name.clone()));
    }
    Ok(stacks.into_values().collect())
}

/// What each target's templates grant: CloudFormation's, then Terraform's. An error is a
/// file that cannot be parsed at all.
pub fn readings(
    outputs: &Outputs,
    symbols: &mut Symbols,
) -> Result<Vec<(&'static str, Reading)>, String> {
    let mut readings = Vec::new();
    if !outputs.cloudformation.is_empty() {
        let files: Vec<(&str, &[u8])> = outputs
            .cloudformation
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        readings.push(("cloudformation", read_cfn::read(&files, symbols)?));
    }
    if let Some((name, bytes)) = &outputs.terraform {
        readings.push(("terraform", read_tf::read(name, bytes, symbols)?));
    }
    Ok(readings)
}
