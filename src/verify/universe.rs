//! The finite universe of requests the proof runs over.
//!
//! - **Actions**: every action of every service drc touches ([`super::actions`], AWS's own
//!   list), each paired only with resources of a type it acts on (`s3:GetObject` with object
//!   ARNs, `s3:ListAllMyBuckets` with `*`).
//! - **Resources**: for every ARN pattern either side writes, samples inside it and just
//!   outside it ([`around`]): `<bucket backups>/daily/*` gives `.../daily/x` and
//!   `.../daily/` (inside), `.../daily` and `.../dailyx` (a sibling prefix), and the same
//!   key in another bucket; and for every resource type of the actions in play, an ARN of
//!   something the stack does not declare, in this account and in another ([`Catalog::outsiders`]).
//! - **Condition values**: every value written, with samples inside and outside it, and the
//!   key absent ([`values`]).
//! - **Principals** (trust and resource policies): every principal written, the account's
//!   root and one of its roles, another account, another service, and anyone.
//!
//! Two ARN patterns that are literal text followed by `*` (all drc writes) disagree on some
//! request exactly when one of them allows its own prefix and the other does not, and the
//! samples of both patterns include both prefixes: so over this universe the comparison is
//! exact for such patterns, and every sample is a concrete request to print.

use super::actions::{ACTIONS, RESOURCE_TYPES};
use super::symbol::{Symbol, Symbols, glob, has_wildcard, is_symbol};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One action of the table, ready for matching.
#[derive(Debug)]
pub struct ActionInfo {
    /// `s3:GetObject`
    pub name: &'static str,
    /// `s3`
    pub service: &'static str,
    /// Resource types in its service; empty: requested on `*`.
    pub types: &'static [&'static str],
    /// The service's condition keys it supports, lowercase.
    pub keys: Vec<String>,
}

/// A resource type's ARN shape as a wildcard pattern.
#[derive(Debug)]
struct Format {
    service: &'static str,
    name: &'static str,
    /// `arn:*:s3:::*/*`
    glob: String,
    /// Literal characters: the most specific matching format names the type.
    literal: usize,
    /// The ARN's own service segment (`iam` for `sts`'s `role`).
    arn_service: String,
    /// The format as AWS writes it.
    template: &'static str,
}

/// The action table, indexed.
#[derive(Debug)]
pub struct Catalog {
    /// Every action, in table order.
    pub actions: Vec<ActionInfo>,
    by_name: HashMap<String, usize>,
    formats: Vec<Format>,
}

/// The catalog, built once from the table.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let actions: Vec<ActionInfo> = ACTIONS
            .iter()
            .map(|row| ActionInfo {
                name: row.name,
                service: row.name.split(':').next().expect("service:Action"),
                types: row.resource_types,
                keys: row
                    .condition_keys
                    .iter()
                    .map(|k| k.to_ascii_lowercase())
                    .collect(),
            })
            .collect();
        let by_name = actions
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.to_ascii_lowercase(), i))
            .collect();
        let formats = RESOURCE_TYPES
            .iter()
            .map(|row| {
                let mut glob = String::new();
                let mut literal = 0;
                let mut rest = row.arn;
                while let Some(at) = rest.find("${") {
                    glob.push_str(&rest[..at]);
                    literal += rest[..at].len();
                    glob.push('*');
                    rest = rest[at..].split_once('}').map_or("", |(_, after)| after);
                }
                glob.push_str(rest);
                literal += rest.len();
                Format {
                    service: row.service,
                    name: row.name,
                    arn_service: row.arn.split(':').nth(2).unwrap_or_default().to_owned(),
                    glob,
                    literal,
                    template: row.arn,
                }
            })
            .collect();
        Catalog {
            actions,
            by_name,
            formats,
        }
    })
}

impl Catalog {
    /// The action with this name (any case).
    pub fn action(&self, name: &str) -> Option<usize> {
        self.by_name.get(&name.to_ascii_lowercase()).copied()
    }

    /// The actions of some services.
    pub fn of_services<'a>(&'a self, services: &'a [&str]) -> impl Iterator<Item = usize> + 'a {
        self.actions
            .iter()
            .enumerate()
            .filter(|(_, a)| services.contains(&a.service))
            .map(|(i, _)| i)
    }

    /// The `(service, type)` pairs an ARN is of: per service, the most specific format it
    /// matches. `*` is of no type (it pairs with actions that take no resource).
    pub fn types_of(&self, arn: &str) -> Vec<(&'static str, &'static str)> {
        let Some(segment) = arn.split(':').nth(2) else {
            return Vec::new();
        };
        let mut best: HashMap<&'static str, (usize, Vec<&'static str>)> = HashMap::new();
        for format in self
            .formats
            .iter()
            .filter(|f| f.arn_service == segment && glob(&f.glob, arn))
        {
            let entry = best.entry(format.service).or_insert((0, Vec::new()));
            if format.literal > entry.0 {
                *entry = (format.literal, vec![format.name]);
            } else if format.literal == entry.0 {
                entry.1.push(format.name);
            }
        }
        let mut types: Vec<(&'static str, &'static str)> = best
            .into_iter()
            .flat_map(|(service, (_, names))| names.into_iter().map(move |n| (service, n)))
            .collect();
        types.sort_unstable();
        types
    }

    /// Whether an action is requested on a resource of these types (`None`: `*`).
    pub fn pairs(&self, action: usize, types: Option<&[(&str, &str)]>) -> bool {
        let action = &self.actions[action];
        match types {
            None => action.types.is_empty(),
            Some(types) => types
                .iter()
                .any(|(service, name)| *service == action.service && action.types.contains(name)),
        }
    }

    /// Whether a condition key is present in requests for an action: global keys always,
    /// service keys when the action supports them (`kms:EncryptionContext:${Key}` covers
    /// `kms:encryptioncontext:anything`).
    pub fn supports(&self, action: usize, key: &str) -> bool {
        if key.starts_with("aws:") {
            return true;
        }
        self.actions[action].keys.iter().any(|k| {
            k == key
                || k.find(['$', '<'])
                    .is_some_and(|at| key.starts_with(&k[..at]) && key.len() > at)
        })
    }

    /// For every resource type wanted (`(service, type)`), ARNs of something the stack does not
    /// declare: in the stack's account and region, and in another account. Variables other
    /// than the partition, region and account become "another" symbols.
    pub fn outsiders(&self, wanted: &[(&str, &str)], symbols: &mut Symbols) -> Vec<String> {
        let mut out = Vec::new();
        for format in &self.formats {
            if !wanted.contains(&(format.service, format.name)) {
                continue;
            }
            for other_account in [false, true] {
                if other_account && !format.template.contains("${Account}") {
                    continue;
                }
                out.push(instantiate(format.template, other_account, symbols));
            }
        }
        out
    }
}

/// An ARN format with its variables filled: the stack's partition and region, its account or
/// another, and "another name" for the rest.
fn instantiate(template: &str, other_account: bool, symbols: &mut Symbols) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let (variable, after) = rest[at + 2..]
            .split_once('}')
            .unwrap_or((&rest[at + 2..], ""));
        let symbol = match variable {
            "Partition" => Symbol::Partition,
            "Region" => Symbol::Region,
            "Account" if other_account => Symbol::Other("account"),
            "Account" => Symbol::Account,
            _ => Symbol::Other("name"),
        };
        out.push(symbols.intern(symbol));
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Samples inside and just outside a pattern (symbolic text with `*` and `?`).
///
/// Inside: each wildcard filled with `x` and, for `*`, with nothing. Outside: the literal text
/// before the first wildcard, one character shorter and with its last character changed
/// (`daily/` gives `daily` and `dailyx`), plus one character more for a pattern without
/// wildcards; and each inside sample with one of its names swapped for another of the same
/// kind (the same key in another bucket, the same key id in another account).
pub fn around(pattern: &str, symbols: &mut Symbols) -> Vec<String> {
    if pattern == "*" {
        return Vec::new();
    }
    let fill = |star: &str| -> String {
        pattern
            .chars()
            .map(|c| match c {
                '*' => star.to_owned(),
                '?' => "x".to_owned(),
                c => c.to_string(),
            })
            .collect()
    };
    let inside = [fill("x"), fill("")];
    let mut out: Vec<String> = inside.to_vec();
    let literal: &str = pattern
        .find(['*', '?'])
        .map_or(pattern, |at| &pattern[..at]);
    if let Some(last) = literal.chars().next_back() {
        let stem = &literal[..literal.len() - last.len_utf8()];
        out.push(stem.to_owned());
        if !is_symbol(last) {
            out.push(format!("{stem}{}", if last == 'x' { 'y' } else { 'x' }));
        }
    }
    if !has_wildcard(pattern) {
        out.push(format!("{pattern}x"));
    }
    for sample in &inside {
        for (at, c) in sample.char_indices() {
            let other = match symbols.symbol(c) {
                Some(Symbol::Name(_)) => Symbol::Other("name"),
                Some(Symbol::Account) => Symbol::Other("account"),
                Some(Symbol::Region) => Symbol::Other("region"),
                Some(Symbol::Partition) => Symbol::Other("partition"),
                _ => continue,
            };
            let other = symbols.intern(other);
            let mut swapped = sample[..at].to_owned();
            swapped.push(other);
            swapped.push_str(&sample[at + c.len_utf8()..]);
            out.push(swapped);
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out
}

/// The values a condition key takes in the universe: each value written and samples around
/// it, and no value at all (`None`) unless the key is one every request has.
pub fn values(
    key: &str,
    written: &[&str],
    boolean: bool,
    symbols: &mut Symbols,
) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::new();
    if !ALWAYS_PRESENT.contains(&key) {
        out.push(None);
    }
    if boolean {
        out.push(Some("true".to_owned()));
        out.push(Some("false".to_owned()));
    }
    for value in written {
        for sample in around(value, symbols) {
            out.push(Some(sample));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|v| seen.insert(v.clone()));
    out
}

/// Keys every request carries, so their absence is not part of the universe.
/// `aws:SecureTransport` is set on every request (true or false):
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport>
const ALWAYS_PRESENT: &[&str] = &["aws:securetransport"];

/// Who makes a request to a resource policy or a trust policy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Caller {
    /// An unauthenticated request.
    Anonymous,
    /// An IAM principal: its ARN and account (symbolic).
    Iam {
        /// `arn:{partition}:iam::{account}:root`
        arn: String,
        /// `{account}`
        account: String,
    },
    /// An AWS service.
    Service(String),
}

/// The callers of the universe: the ones written (`written_services`, `written_accounts`,
/// `written_arns`), the stack's account (its root and a role), another account, another
/// service and anyone.
pub fn callers(
    written_services: &[String],
    written_accounts: &[String],
    written_arns: &[String],
    symbols: &mut Symbols,
) -> Vec<Caller> {
    let partition = symbols.text(Symbol::Partition);
    let own = symbols.text(Symbol::Account);
    let other = symbols.text(Symbol::Other("account"));
    let role = symbols.text(Symbol::Other("role"));
    // The most telling callers first: they represent their classes in reports.
    let mut out = vec![
        Caller::Anonymous,
        Caller::Iam {
            arn: format!("arn:{partition}:iam::{other}:root"),
            account: other,
        },
        Caller::Service("example.amazonaws.com".to_owned()),
        Caller::Iam {
            arn: format!("arn:{partition}:iam::{own}:role/{role}"),
            account: own.clone(),
        },
        Caller::Iam {
            arn: format!("arn:{partition}:iam::{own}:root"),
            account: own.clone(),
        },
    ];
    for service in written_services {
        out.push(Caller::Service(service.to_ascii_lowercase()));
    }
    for account in written_accounts {
        out.push(Caller::Iam {
            arn: format!("arn:{partition}:iam::{account}:root"),
            account: account.clone(),
        });
    }
    for arn in written_arns {
        let account = arn.split(':').nth(4).unwrap_or_default().to_owned();
        out.push(Caller::Iam {
            arn: arn.clone(),
            account,
        });
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert(c.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_knows_what_drc_grants() {
        let catalog = catalog();
        let get = catalog.action("s3:getobject").expect("s3:GetObject");
        assert_eq!(catalog.actions[get].name, "s3:GetObject");
        assert!(catalog.supports(
            catalog.action("s3:ListBucket").expect("listed"),
            "s3:prefix"
        ));
        assert!(!catalog.supports(get, "s3:prefix"));
        assert!(catalog.supports(get, "aws:securetransport"));
        let decrypt = catalog.action("kms:Decrypt").expect("listed");
        assert!(catalog.supports(decrypt, "kms:viaservice"));
        assert!(catalog.supports(decrypt, "kms:encryptioncontext:purpose"));
    }

    #[test]
    fn types_of_arns() {
        let catalog = catalog();
        let mut symbols = Symbols::new();
        let b = symbols.item(super::super::symbol::ItemKind::Bucket, "Backups");
        assert_eq!(
            catalog.types_of(&format!("arn:aws:s3:::{b}")),
            [("s3", "bucket")]
        );
        assert_eq!(
            catalog.types_of(&format!("arn:aws:s3:::{b}/daily/x")),
            [("s3", "object")]
        );
        assert_eq!(
            catalog.types_of("arn:aws:logs:eu-west-1:1:log-group:g:log-stream:s"),
            [("logs", "log-stream")]
        );
        assert_eq!(
            catalog.types_of("arn:aws:iam::1:role/r"),
            [("iam", "role"), ("sts", "role")]
        );
        assert!(catalog.types_of("*").is_empty());
    }

    #[test]
    fn samples_around_a_prefix() {
        let mut symbols = Symbols::new();
        let b = symbols.item(super::super::symbol::ItemKind::Bucket, "Backups");
        let samples: Vec<String> = around(&format!("{b}/daily/*"), &mut symbols)
            .iter()
            .map(|s| symbols.show(s))
            .collect();
        for want in [
            "<bucket Backups>/daily/x",
            "<bucket Backups>/daily/",
            "<bucket Backups>/daily",
            "<bucket Backups>/dailyx",
            "<another name>/daily/x",
        ] {
            assert!(samples.iter().any(|s| s == want), "{want} in {samples:?}");
        }
        assert_eq!(samples[0], "<bucket Backups>/daily/x");
    }
}
