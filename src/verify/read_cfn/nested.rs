//! Nested stacks: a template's `AWS::CloudFormation::Stack` resources and the templates they
//! name. Each nested template is read as a template of its own, with CloudFormation's rules
//! for what crosses between them: a nested template's parameter holds the value its parent
//! passes in the stack resource's `Parameters`, and the parent's
//! `!GetAtt <Stack>.Outputs.<Name>` is the nested template's output `Name`
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html>).
//!
//! ```text
//! Part1Stack:                                  generated.part1-0a1b2c3d4e5f.cfn.yaml
//!   Type: AWS::CloudFormation::Stack             Parameters:
//!   Properties:                                    B45BucketArn: {Type: String}
//!     TemplateURL: !Sub https://.../generated.part1-0a1b2c3d4e5f.cfn.yaml
//!     Parameters:
//!       B45BucketArn: !GetAtt Part2Stack.Outputs.B45BucketArn
//! ```
//!
//! Which file a stack resource names is the last segment of its `TemplateURL`: the files
//! are read from a directory, not from S3.

use super::Template;
use crate::verify::tree::Node;

/// Links each nested template to the stack resource that names it (its `parent`), and
/// returns the stack resources whose template is not among the files: (template, logical
/// ID, file name).
pub(super) fn link(templates: &mut [Template<'_>]) -> Vec<(usize, String, String)> {
    let mut links = Vec::new();
    let mut missing = Vec::new();
    for (t, template) in templates.iter().enumerate() {
        let Some(resources) = template.root.get("Resources").and_then(Node::as_mapping) else {
            continue;
        };
        for (id, body) in resources {
            if body.get("Type").and_then(Node::as_str) != Some("AWS::CloudFormation::Stack") {
                continue;
            }
            let id = id.as_str().unwrap_or_default().to_owned();
            let url = body
                .get("Properties")
                .and_then(|p| p.get("TemplateURL"))
                .and_then(|url| match url {
                    Node::Tagged(tag, inner) if tag == "Sub" => inner.as_str(),
                    other => other.as_str(),
                })
                .unwrap_or_default();
            let file = url.rsplit('/').next().unwrap_or(url).to_owned();
            match templates.iter().position(|other| other.file == file) {
                Some(child) => links.push((child, t, id)),
                None => missing.push((t, id, file)),
            }
        }
    }
    for (child, parent, id) in links {
        templates[child].region = None;
        templates[child].parent = Some((parent, id));
    }
    missing
}
