#!/usr/bin/env python3
"""The SAM side of the benchmarks (BENCHMARKS.md, benches/compare.sh).

  sam_stack.py generate N OUT.yaml   writes a SAM template equivalent to `gen-stack N`
  sam_stack.py translate IN.yaml OUT.json
                                     translates it to CloudFormation with aws-sam-translator

The template holds what drc's stack of N copies holds, written the way a SAM user would: per
copy a retained, versioned bucket with a KMS key, a TLS-only bucket policy and a 30-day
noncurrent-version expiry; a function (nodejs24.x, 512 MB, 5 minutes) with the bucket names
in its environment and inline statements for list, read under data/ and put under copies/
of the next copy's bucket; and a daily ScheduleV2 event (EventBridge Scheduler with its own
role). `translate` times nothing itself: run it under hyperfine or /usr/bin/time, so its
Python start, YAML parse, translation and JSON write are measured as drc's whole process is.
"""

import json
import os
import sys


def copy(i, n):
    nxt = (i + 1) % n
    b, nb = f"B{i}Bucket", f"B{nxt}Bucket"
    return {
        f"B{i}BucketKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "EnableKeyRotation": True,
                "KeyPolicy": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                        "Action": "kms:*",
                        "Resource": "*",
                    }],
                },
            },
        },
        b: {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{
                    "ServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": {"Fn::GetAtt": [f"B{i}BucketKey", "Arn"]},
                    },
                    "BucketKeyEnabled": True,
                }]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
                },
                "VersioningConfiguration": {"Status": "Enabled"},
                "LifecycleConfiguration": {"Rules": [{
                    "Id": "Objects", "Status": "Enabled",
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                }]},
            },
        },
        f"B{i}BucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": b},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": [{"Fn::GetAtt": [b, "Arn"]}, {"Fn::Sub": "${" + b + ".Arn}/*"}],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }]},
            },
        },
        f"F{i}Function": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Runtime": "nodejs24.x",
                "Handler": "index.handler",
                "CodeUri": "s3://code-bucket/generated.zip",
                "MemorySize": 512,
                "Timeout": 300,
                "Environment": {"Variables": {"FROM": {"Ref": b}, "TO": {"Ref": nb}}},
                "Policies": [{"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": {"Fn::GetAtt": [b, "Arn"]}},
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${" + b + ".Arn}/data/*"}},
                    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": {"Fn::Sub": "${" + nb + ".Arn}/copies/*"}},
                    {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                     "Resource": [{"Fn::GetAtt": [f"B{i}BucketKey", "Arn"]}, {"Fn::GetAtt": [f"B{nxt}BucketKey", "Arn"]}]},
                ]}],
                "Events": {"Daily": {"Type": "ScheduleV2", "Properties": {"ScheduleExpression": "rate(24 hours)"}}},
            },
        },
    }


def generate(n, out):
    resources = {}
    for i in range(n):
        resources.update(copy(i, n))
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": "benchmark",
        "Resources": resources,
    }
    with open(out, "w") as f:
        json.dump(template, f, indent=1)


class NoManagedPolicies:
    """The translator asks IAM for managed policy ARNs only for policies named by name."""

    def load(self):
        return {}


def translate(source, out):
    # The translator reads the region from a boto3 session; nothing is sent to AWS.
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    from samtranslator.translator.transform import transform

    # JSON, read with the standard library's parser: faster than the YAML parser `sam` uses,
    # so the ratios in BENCHMARKS.md lean in the translator's favour.
    with open(source) as f:
        template = json.load(f)
    result = transform(template, {}, NoManagedPolicies())
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "generate":
        generate(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "translate":
        translate(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
