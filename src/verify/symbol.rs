//! Symbolic text: strings in which the parts only known at deployment (the partition, the
//! region, the account, the physical name of each resource of the stack, the value of each
//! parameter) are symbols, so that an ARN read from a template can be compared with the ARN a
//! declaration entitles without deploying anything.
//!
//! ```text
//! !Sub ${BackupsBucket.Arn}/daily/*            (CloudFormation)
//! ${aws_s3_bucket.backups.arn}/daily/*         (Terraform)
//!   => arn:{partition}:s3:::<bucket backups>/daily/*
//! ```
//!
//! A symbol is one character of Unicode's supplementary private use areas, interned per
//! stack in [`Symbols`]; text that reaches the verifier from a template may not use those
//! characters (the readers refuse it), so a symbol never collides with literal text. A
//! symbol stands for a value distinct from every other symbol and from every literal: two
//! buckets of the stack never have the same name, and no literal in a policy names a bucket
//! the stack creates (drc refers to its own resources by reference, never by name). `*`
//! matches any text, symbols included; `?` matches one literal character, never a symbol
//! (every symbol stands for more than one character).

use crate::names::logical_stem;
use std::collections::HashMap;

/// The first character used for symbols: the start of plane 15's private use area.
const FIRST: u32 = 0xF_0000;
/// Symbols available (planes 15 and 16, without their last two noncharacters each).
const CAPACITY: u32 = 2 * 0xFFFE;

/// The kinds of resource whose physical names are symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    /// An S3 bucket (its name).
    Bucket,
    /// The KMS key drc creates for a bucket (its key id).
    BucketKey,
    /// An SQS queue (its name).
    Queue,
    /// The dead-letter queue drc creates for a schedule (its name), by the schedule's stem.
    ScheduleQueue,
    /// The KMS key of a queue.
    QueueKey,
    /// An SNS topic (its name).
    Topic,
    /// The KMS key of a topic.
    TopicKey,
    /// A Lambda function (its name).
    Function,
    /// The log group of a function (its name).
    LogGroup,
    /// An IAM role (its name), by template id.
    Role,
    /// A customer managed policy (its name), by template id.
    ManagedPolicy,
    /// An EventBridge Scheduler schedule.
    Schedule,
}

impl ItemKind {
    /// How the kind reads in a symbol: `<bucket backups>`.
    fn word(self) -> &'static str {
        match self {
            ItemKind::Bucket => "bucket",
            ItemKind::BucketKey => "key of bucket",
            ItemKind::Queue => "queue",
            ItemKind::ScheduleQueue => "dead-letter queue of schedule",
            ItemKind::QueueKey => "key of queue",
            ItemKind::Topic => "topic",
            ItemKind::TopicKey => "key of topic",
            ItemKind::Function => "function",
            ItemKind::LogGroup => "log group of function",
            ItemKind::Role => "role",
            ItemKind::ManagedPolicy => "policy",
            ItemKind::Schedule => "schedule",
        }
    }
}

/// A resource of the stack: its kind and the stem of its `.dr` name ([`logical_stem`]), the
/// one identity CloudFormation logical IDs and Terraform addresses share. The checker refuses
/// two names with one stem, so a stem names one item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Item {
    /// The kind.
    pub kind: ItemKind,
    /// `Backups` for the bucket `backups`.
    pub stem: String,
}

impl Item {
    /// The item of a `.dr` name.
    pub fn named(kind: ItemKind, name: &str) -> Item {
        Item {
            kind,
            stem: logical_stem(name),
        }
    }
}

/// What a symbol stands for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Symbol {
    /// The partition the stack is deployed in (`aws`, `aws-cn`, ...).
    Partition,
    /// The region the stack is deployed in.
    Region,
    /// The account the stack is deployed in.
    Account,
    /// The stack's name on its target (CloudFormation stack name, `var.stack_name`).
    StackName,
    /// The domain of service endpoints (`amazonaws.com`).
    UrlSuffix,
    /// The physical name of a resource of the stack.
    Name(Item),
    /// A parameter left open for deploy time, by the stem of its `.dr` name (or the
    /// template's name for it, when it is not a `.dr` parameter).
    Param(String),
    /// Something the stack does not declare, for requests just outside what it grants: `"bucket"`
    /// for another bucket, `"account"` for another account.
    Other(&'static str),
}

/// The symbols of one stack: each gets a character, and items their `.dr` names for display.
#[derive(Debug, Clone)]
pub struct Symbols {
    list: Vec<Symbol>,
    index: HashMap<Symbol, char>,
    names: HashMap<Item, String>,
    /// Set when a symbol found no character left: the proof's findings then mean nothing,
    /// and [`Symbols::room`] says so.
    full: bool,
}

impl Default for Symbols {
    fn default() -> Self {
        Self::new()
    }
}

impl Symbols {
    /// The symbols every stack has, interned first: the deployment's partition, region,
    /// account, stack name and endpoint domain are the first five characters.
    pub fn new() -> Self {
        let mut symbols = Symbols {
            list: Vec::new(),
            index: HashMap::new(),
            names: HashMap::new(),
            full: false,
        };
        for symbol in [
            Symbol::Partition,
            Symbol::Region,
            Symbol::Account,
            Symbol::StackName,
            Symbol::UrlSuffix,
        ] {
            symbols.intern(symbol);
        }
        symbols
    }

    /// An error when the stack had more symbols than there are characters for them: every
    /// one past the last shares the first's, so a proof over them would be no proof.
    pub fn room(&self) -> Result<(), String> {
        if self.full {
            return Err(format!(
                "the proof tells apart at most {CAPACITY} names and values, and this stack has more: split it into smaller stacks"
            ));
        }
        Ok(())
    }

    /// The character of a symbol, interning it on first use.
    pub fn intern(&mut self, symbol: Symbol) -> char {
        // The deployment's own symbols without a lookup (see `new`).
        let fixed = match symbol {
            Symbol::Partition => Some(0),
            Symbol::Region => Some(1),
            Symbol::Account => Some(2),
            Symbol::StackName => Some(3),
            Symbol::UrlSuffix => Some(4),
            _ => None,
        };
        if let Some(n) = fixed
            && self.list.len() > n
        {
            return char::from_u32(FIRST + u32::try_from(n).expect("small")).expect("a char");
        }
        if let Some(&c) = self.index.get(&symbol) {
            return c;
        }
        let n = u32::try_from(self.list.len()).expect("far fewer symbols than u32::MAX");
        if n >= CAPACITY {
            // No character left: answer with the first, and let `room` refuse the proof.
            self.full = true;
            return char::from_u32(FIRST).expect("a char");
        }
        // Plane 15 first, then plane 16, skipping each plane's two noncharacters.
        let code = if n < 0xFFFE {
            FIRST + n
        } else {
            0x10_0000 + n - 0xFFFE
        };
        let c = char::from_u32(code).expect("private use code points are chars");
        self.list.push(symbol.clone());
        self.index.insert(symbol, c);
        c
    }

    /// The symbol as a one-character string, ready to be pushed into symbolic text.
    pub fn text(&mut self, symbol: Symbol) -> String {
        self.intern(symbol).to_string()
    }

    /// The physical name of an item as symbolic text.
    pub fn item(&mut self, kind: ItemKind, stem: &str) -> String {
        self.text(Symbol::Name(Item {
            kind,
            stem: stem.to_owned(),
        }))
    }

    /// Records the `.dr` name of an item (for display) and returns its stem.
    pub fn learn_name(&mut self, kind: ItemKind, name: &str) -> String {
        let item = Item::named(kind, name);
        let stem = item.stem.clone();
        self.names.entry(item).or_insert_with(|| name.to_owned());
        stem
    }

    /// The `.dr` name of an item when it is known, its stem otherwise.
    pub fn display_name(&self, item: &Item) -> String {
        self.names
            .get(item)
            .cloned()
            .unwrap_or_else(|| item.stem.clone())
    }

    /// The symbol a character stands for, if it is one.
    pub fn symbol(&self, c: char) -> Option<&Symbol> {
        let code = u32::from(c);
        let n = if (FIRST..FIRST + 0xFFFE).contains(&code) {
            code - FIRST
        } else if (0x10_0000..0x10_FFFE).contains(&code) {
            code - 0x10_0000 + 0xFFFE
        } else {
            return None;
        };
        self.list.get(usize::try_from(n).expect("small"))
    }

    /// Symbolic text for people: `arn:{partition}:s3:::<bucket backups>/daily/*`.
    pub fn show(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match self.symbol(c) {
                None => out.push(c),
                Some(symbol) => out.push_str(&self.describe(symbol)),
            }
        }
        out
    }

    fn describe(&self, symbol: &Symbol) -> String {
        match symbol {
            Symbol::Partition => "{partition}".to_owned(),
            Symbol::Region => "{region}".to_owned(),
            Symbol::Account => "{account}".to_owned(),
            Symbol::StackName => "<stack name>".to_owned(),
            Symbol::UrlSuffix => "{url_suffix}".to_owned(),
            Symbol::Name(item) => format!("<{} {}>", item.kind.word(), self.display_name(item)),
            Symbol::Param(name) => format!("<parameter {name}>"),
            Symbol::Other(what) => format!("<another {what}>"),
        }
    }
}

/// Whether a character is in the ranges symbols use (whether or not it is interned).
pub fn is_symbol(c: char) -> bool {
    u32::from(c) >= FIRST
}

/// Whether text uses `*` or `?`.
pub fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// IAM's wildcard match of a whole string: `*` matches any text (symbols too), `?` one literal
/// character. `same` compares two literal characters (case-sensitive or not).
pub fn glob_with(pattern: &str, text: &str, same: impl Fn(char, char) -> bool) -> bool {
    let (mut p, mut t) = (0, 0);
    // After the latest `*`: where the pattern resumes, and the text position it is tried at.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        let tc = text[t..].chars().next().expect("in bounds");
        if let Some(pc) = pattern[p..].chars().next() {
            if pc == '*' {
                p += 1;
                star = Some((p, t));
                continue;
            }
            let matches = if pc == '?' {
                !is_symbol(tc)
            } else if is_symbol(pc) || is_symbol(tc) {
                pc == tc
            } else {
                same(pc, tc)
            };
            if matches {
                p += pc.len_utf8();
                t += tc.len_utf8();
                continue;
            }
        }
        match star {
            Some((resume, tried)) => {
                let next = tried + text[tried..].chars().next().expect("in bounds").len_utf8();
                star = Some((resume, next));
                p = resume;
                t = next;
            }
            None => return false,
        }
    }
    pattern[p..].chars().all(|c| c == '*')
}

/// Case-sensitive [`glob_with`].
pub fn glob(pattern: &str, text: &str) -> bool {
    glob_with(pattern, text, |a, b| a == b)
}

/// Case-insensitive [`glob_with`] (ASCII), as IAM compares actions.
pub fn glob_ignore_case(pattern: &str, text: &str) -> bool {
    glob_with(pattern, text, |a, b| a.eq_ignore_ascii_case(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stack_past_the_characters_is_refused_not_a_panic() {
        let mut symbols = Symbols::new();
        // Five deployment symbols, then parameters up to the last character.
        for i in 0..CAPACITY - 5 {
            symbols.intern(Symbol::Param(format!("P{i}")));
        }
        assert_eq!(symbols.room(), Ok(()));
        symbols.intern(Symbol::Param("OneMore".into()));
        let refusal = symbols.room().expect_err("no character left");
        assert!(
            refusal.contains("split it into smaller stacks"),
            "{refusal}"
        );
    }

    #[test]
    fn globs() {
        assert!(glob("a*c", "abbc"));
        assert!(glob("a*", "a"));
        assert!(glob("*", ""));
        assert!(!glob("a?c", "ac"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("abc", "abd"));
        assert!(glob("*/daily/*", "x/daily/y"));
        assert!(!glob("*/daily/*", "x/dailyy"));
        assert!(glob_ignore_case("S3:get*", "s3:GetObject"));
        assert!(!glob("S3:get*", "s3:GetObject"));
    }

    #[test]
    fn symbols_match_only_themselves_and_stars() {
        let mut symbols = Symbols::new();
        let bucket = symbols.item(ItemKind::Bucket, "Backups");
        let other = symbols.item(ItemKind::Bucket, "Logs");
        let arn = format!("arn:aws:s3:::{bucket}/daily/x");
        assert!(glob(&format!("arn:aws:s3:::{bucket}/daily/*"), &arn));
        assert!(!glob(&format!("arn:aws:s3:::{other}/daily/*"), &arn));
        assert!(glob("arn:aws:s3:::*/daily/*", &arn));
        assert!(!glob("arn:aws:s3:::?/daily/*", &arn));
        assert!(!glob("arn:aws:s3:::backups/daily/*", &arn));
        symbols.learn_name(ItemKind::Bucket, "backups");
        assert_eq!(symbols.show(&arn), "arn:aws:s3:::<bucket backups>/daily/x");
    }

    #[test]
    fn symbols_fill_both_planes() {
        let mut symbols = Symbols::new();
        let mut last = ' ';
        for n in 0..70_000 {
            last = symbols.intern(Symbol::Param(n.to_string()));
            assert!(is_symbol(last));
        }
        assert_eq!(symbols.symbol(last), Some(&Symbol::Param("69999".into())));
        assert!(symbols.symbol('a').is_none());
    }
}
