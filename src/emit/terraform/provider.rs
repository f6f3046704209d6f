//! The AWS provider release a configuration needs: one table of the provider's features drc
//! uses that came after 6.0.0, each with the first release that accepts it and the page that
//! says so. `required_providers` asks for the highest floor among the features the written
//! configuration uses, read from the resources themselves, so the constraint cannot drift
//! from what is emitted.
//!
//! ```text
//! runtime = nodejs24.x           ->  "version": ">= 6.19.0, < 7.0.0"
//! a bucket in another region     ->  "version": ">= 6.0.0, < 7.0.0"
//! ```

use serde_json::{Map, Value};

/// A provider release, `(major, minor, patch)`.
pub type Version = (u16, u16, u16);

/// What a configuration may use that not every 6.x release accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// The major version drc writes for: split S3 resources, `aws_iam_policy_document`.
    Baseline,
    /// The resource-level `region` argument (a bucket placed in another region).
    ResourceRegion,
    /// `runtime = "<id>"` on `aws_lambda_function`: the provider validates runtimes against
    /// the AWS SDK's list, so a new runtime needs the release that took the new SDK.
    Runtime(&'static str),
}

/// One fact: the first provider release that accepts a feature.
#[derive(Debug)]
pub struct Floor {
    /// The feature.
    pub feature: Feature,
    /// The first release that accepts it.
    pub version: Version,
    /// Where that is stated.
    pub source: &'static str,
}

/// The floors drc knows. A runtime not listed is accepted by every 6.x release.
pub const FLOORS: &[Floor] = &[
    Floor {
        feature: Feature::Baseline,
        version: (6, 0, 0),
        source: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/version-6-upgrade",
    },
    Floor {
        feature: Feature::ResourceRegion,
        version: (6, 0, 0),
        source: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/enhanced-region-support",
    },
    Floor {
        feature: Feature::Runtime("nodejs24.x"),
        version: (6, 19, 0),
        source: "https://github.com/hashicorp/terraform-provider-aws/pull/45024",
    },
    Floor {
        feature: Feature::Runtime("python3.14"),
        version: (6, 20, 0),
        source: "https://github.com/hashicorp/terraform-provider-aws/pull/45024",
    },
    Floor {
        feature: Feature::Runtime("dotnet10"),
        version: (6, 27, 0),
        source: "https://github.com/hashicorp/terraform-provider-aws/issues/45864",
    },
];

/// The features a configuration's resources use, read from their bodies.
pub fn features(resources: &Map<String, Value>) -> Vec<Feature> {
    let mut used = vec![Feature::Baseline];
    for (kind, named) in resources {
        for body in named.as_object().into_iter().flat_map(Map::values) {
            if body.get("region").is_some() {
                used.push(Feature::ResourceRegion);
            }
            if kind == "aws_lambda_function"
                && let Some(runtime) = body.get("runtime").and_then(Value::as_str)
                && let Some(floor) = FLOORS
                    .iter()
                    .find(|f| matches!(f.feature, Feature::Runtime(id) if id == runtime))
            {
                used.push(floor.feature);
            }
        }
    }
    used
}

/// The `required_providers` version constraint for the AWS provider: at least the highest
/// floor of the features used, and below the next major version.
pub fn constraint(resources: &Map<String, Value>) -> String {
    let used = features(resources);
    let (major, minor, patch) = FLOORS
        .iter()
        .filter(|f| used.contains(&f.feature))
        .map(|f| f.version)
        .max()
        .expect("the baseline is always used");
    format!(">= {major}.{minor}.{patch}, < {}.0.0", major + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resources(value: &Value) -> Map<String, Value> {
        value.as_object().expect("an object").clone()
    }

    #[test]
    fn the_floor_is_the_highest_feature_used() {
        let plain = resources(&json!({ "aws_s3_bucket": { "data": {} } }));
        assert_eq!(constraint(&plain), ">= 6.0.0, < 7.0.0");
        let nodejs = resources(&json!({
            "aws_lambda_function": { "a": { "runtime": "nodejs22.x" }, "b": { "runtime": "nodejs24.x" } },
            "aws_s3_bucket": { "data": { "region": "eu-west-1" } }
        }));
        assert_eq!(constraint(&nodejs), ">= 6.19.0, < 7.0.0");
        let python = resources(&json!({
            "aws_lambda_function": { "a": { "runtime": "python3.14" }, "b": { "runtime": "nodejs24.x" } }
        }));
        assert_eq!(constraint(&python), ">= 6.20.0, < 7.0.0");
    }

    #[test]
    fn a_runtime_elsewhere_than_a_function_does_not_count() {
        let layer =
            resources(&json!({ "aws_lambda_layer_version": { "a": { "runtime": "dotnet10" } } }));
        assert_eq!(constraint(&layer), ">= 6.0.0, < 7.0.0");
    }

    #[test]
    fn every_runtime_floor_names_a_runtime_drc_knows() {
        for floor in FLOORS {
            if let Feature::Runtime(id) = floor.feature {
                assert!(
                    crate::check::runtimes::RUNTIMES.iter().any(|r| r.id == id),
                    "{id}"
                );
            }
        }
    }

    #[test]
    fn the_deploying_guide_shows_every_runtime_floor() {
        let guide = include_str!("../../../docs/deploying.md");
        let rows = guide
            .lines()
            .filter(|l| l.trim_start().starts_with("| `runtime = "))
            .count();
        let runtimes = FLOORS
            .iter()
            .filter(|f| matches!(f.feature, Feature::Runtime(_)))
            .count();
        assert_eq!(rows, runtimes, "one row per runtime floor");
        for floor in FLOORS {
            if let Feature::Runtime(id) = floor.feature {
                let (major, minor, patch) = floor.version;
                let row = format!("| `runtime = {id}` | {major}.{minor}.{patch} |");
                assert!(guide.contains(&row), "docs/deploying.md lacks {row}");
            }
        }
    }
}
