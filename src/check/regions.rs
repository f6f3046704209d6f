//! The AWS Regions a bucket can be placed in with `region = "..."`: the one table of them.
//!
//! Source: <https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html>
//! (and the Region codes of
//! <https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-region-billing-codes.html>).
//! Only the commercial partition (`aws`) is listed: a bucket in another region lives beside a
//! stack whose ARNs use the deploying stack's partition, and the regions of the `aws-us-gov`
//! and `aws-cn` partitions cannot replicate to or from it.

/// A Region of the `aws` partition: its code and its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// `eu-central-1`
    pub code: &'static str,
    /// `Europe (Frankfurt)`
    pub name: &'static str,
}

/// Every Region of the `aws` partition, by code.
#[rustfmt::skip]
pub const REGIONS: &[Region] = &[
    Region { code: "af-south-1", name: "Africa (Cape Town)" },
    Region { code: "ap-east-1", name: "Asia Pacific (Hong Kong)" },
    Region { code: "ap-east-2", name: "Asia Pacific (Taipei)" },
    Region { code: "ap-northeast-1", name: "Asia Pacific (Tokyo)" },
    Region { code: "ap-northeast-2", name: "Asia Pacific (Seoul)" },
    Region { code: "ap-northeast-3", name: "Asia Pacific (Osaka)" },
    Region { code: "ap-south-1", name: "Asia Pacific (Mumbai)" },
    Region { code: "ap-south-2", name: "Asia Pacific (Hyderabad)" },
    Region { code: "ap-southeast-1", name: "Asia Pacific (Singapore)" },
    Region { code: "ap-southeast-2", name: "Asia Pacific (Sydney)" },
    Region { code: "ap-southeast-3", name: "Asia Pacific (Jakarta)" },
    Region { code: "ap-southeast-4", name: "Asia Pacific (Melbourne)" },
    Region { code: "ap-southeast-5", name: "Asia Pacific (Malaysia)" },
    Region { code: "ap-southeast-6", name: "Asia Pacific (New Zealand)" },
    Region { code: "ap-southeast-7", name: "Asia Pacific (Thailand)" },
    Region { code: "ca-central-1", name: "Canada (Central)" },
    Region { code: "ca-west-1", name: "Canada West (Calgary)" },
    Region { code: "eu-central-1", name: "Europe (Frankfurt)" },
    Region { code: "eu-central-2", name: "Europe (Zurich)" },
    Region { code: "eu-north-1", name: "Europe (Stockholm)" },
    Region { code: "eu-south-1", name: "Europe (Milan)" },
    Region { code: "eu-south-2", name: "Europe (Spain)" },
    Region { code: "eu-west-1", name: "Europe (Ireland)" },
    Region { code: "eu-west-2", name: "Europe (London)" },
    Region { code: "eu-west-3", name: "Europe (Paris)" },
    Region { code: "il-central-1", name: "Israel (Tel Aviv)" },
    Region { code: "me-central-1", name: "Middle East (UAE)" },
    Region { code: "me-south-1", name: "Middle East (Bahrain)" },
    Region { code: "mx-central-1", name: "Mexico (Central)" },
    Region { code: "sa-east-1", name: "South America (São Paulo)" },
    Region { code: "us-east-1", name: "US East (N. Virginia)" },
    Region { code: "us-east-2", name: "US East (Ohio)" },
    Region { code: "us-west-1", name: "US West (N. California)" },
    Region { code: "us-west-2", name: "US West (Oregon)" },
];

/// The Region with this exact code.
pub fn by_code(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_well_formed() {
        for pair in REGIONS.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for region in REGIONS {
            let parts: Vec<&str> = region.code.split('-').collect();
            assert_eq!(parts.len(), 3, "{}", region.code);
            assert!(parts[2].parse::<u8>().is_ok(), "{}", region.code);
        }
        assert_eq!(
            by_code("eu-central-1").map(|r| r.name),
            Some("Europe (Frankfurt)")
        );
        assert!(by_code("eu-central-3").is_none());
    }
}
