//! Recovery objectives: what a stack declares it guarantees, proven from the stack itself.
//!
//! ```text
//! stack dr { objectives { rpo = 24h  retention = 35d  copies = 2  regions = 2  immutable = true } }
//! ```
//!
//! Each declared objective gets a [`Proof`]: the facts of the stack it rests on, and whether
//! they meet it. An unmet objective is an error (`E0390`) naming the cause and the fix;
//! `drc explain --objectives` prints every proof. The *backups* are the retained buckets the
//! stack creates that a function may `put` into, with their replicas.

use super::clock;
use super::cron::Cron;
use super::lifetimes::covers;
use super::model::{Access, Bucket, LockMode, Program, ScheduleExpression, Verb};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};

/// EventBridge Scheduler's retry horizon when `max_event_age` is not set (24 hours).
/// <https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html>
const SCHEDULER_EVENT_AGE_S: u64 = 86_400;
/// Lambda's asynchronous retry horizon when `max_event_age` is not set (6 hours).
/// <https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html>
const LAMBDA_EVENT_AGE_S: u64 = 21_600;

/// The proof of one objective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// The objective as written: `rpo = 24h`.
    pub objective: String,
    /// Where its value is written.
    pub span: Span,
    /// Whether the stack meets it.
    pub met: bool,
    /// The facts, one line each.
    pub steps: Vec<String>,
    /// The cause, when unmet.
    pub cause: Option<String>,
    /// The fix, when unmet.
    pub fix: Option<String>,
}

/// Every declared objective's proof, in the order `rpo`, `retention`, `copies`, `regions`,
/// `accounts`, `immutable`.
pub fn prove(program: &Program, today: Date) -> Vec<Proof> {
    let objectives = &program.stack.objectives;
    let backups = backups(program);
    let mut proofs = Vec::new();
    if let Some((rpo, span)) = objectives.rpo_s {
        proofs.push(rpo_proof(program, &backups, rpo, span, today));
    }
    if let Some((days, span)) = objectives.retention_days {
        proofs.push(retention_proof(program, &backups, days, span));
    }
    if let Some((n, span)) = objectives.copies {
        proofs.push(places(program, &backups, n, span, false));
    }
    if let Some((n, span)) = objectives.regions {
        proofs.push(places(program, &backups, n, span, true));
    }
    if let Some((n, span)) = objectives.accounts {
        proofs.push(accounts_proof(program, &backups, n, span));
    }
    if let Some((true, span)) = objectives.immutable {
        let retention = objectives.retention_days.map(|(d, _)| d);
        proofs.push(immutable_proof(program, &backups, retention, span));
    }
    proofs
}

/// E0390 for every unmet objective.
pub fn unmet(program: &Program, today: Date) -> Vec<Diagnostic> {
    prove(program, today)
        .into_iter()
        .filter(|p| !p.met)
        .map(|p| {
            let mut d = Diagnostic::new(
                Code::E0390,
                format!("objective `{}` is not met", p.objective),
                p.span,
                p.cause.clone().unwrap_or_default(),
            );
            for step in &p.steps {
                d = d.with_note(step.clone());
            }
            d.with_help(p.fix.unwrap_or_default())
        })
        .collect()
}

/// The retained buckets the stack creates that a function may `put` into.
fn backups(program: &Program) -> Vec<&Bucket> {
    // The buckets some function puts into, gathered once: not a scan of every function
    // for every bucket.
    let written: BTreeSet<&str> = program
        .functions()
        .iter()
        .flat_map(|f| &f.accesses)
        .filter(|a| a.verb == Verb::Put)
        .map(|a| a.target.as_str())
        .collect();
    program
        .created_buckets()
        .filter(|b| b.retain && written.contains(b.name.as_str()))
        .collect()
}

/// A backup bucket and each of its replicas.
fn copies_of<'p>(program: &'p Program, bucket: &'p Bucket) -> Vec<&'p Bucket> {
    let mut copies = vec![bucket];
    copies.extend(
        bucket
            .replicate_to
            .iter()
            .map(|r| program.bucket(&r.replica)),
    );
    copies
}

/// `replicate_to` of `bucket` with `another` added: `vault`, or `[replica, vault]` when it
/// already replicates.
fn with_destination(program: &Program, bucket: &str, another: &str) -> String {
    let mut names: Vec<&str> = program
        .bucket(bucket)
        .replicate_to
        .iter()
        .map(|r| r.replica.as_str())
        .collect();
    if names.is_empty() {
        return another.to_owned();
    }
    names.push(another);
    format!("[{}]", names.join(", "))
}

/// `a`, `a and b`, `a, b and c`.
fn enumerate(items: &[String]) -> String {
    match items {
        [rest @ .., last] if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

/// For a copy in another account: the step that says its lock and lifecycle are its owner's.
fn other_account(bucket: &Bucket) -> Option<String> {
    let account = bucket.existing.as_ref()?.account.as_ref()?;
    Some(format!(
        "`{}` is in account {account}: no writer of this stack can reach it, and its lock and lifecycle are its owner's (docs/deploying.md)",
        bucket.name
    ))
}

/// Where a copy is: its region, or its account when it is in another one.
fn place(bucket: &Bucket) -> String {
    match bucket.existing.as_ref().and_then(|e| e.account.as_ref()) {
        Some(account) => format!("account {account}"),
        None => bucket
            .region
            .map_or("the stack's region", |r| r.code)
            .to_owned(),
    }
}

fn proof(
    objective: String,
    span: Span,
    steps: Vec<String>,
    unmet: Option<(String, String)>,
) -> Proof {
    let met = unmet.is_none();
    let (cause, fix) = unmet.map_or((None, None), |(c, f)| (Some(c), Some(f)));
    Proof {
        objective,
        span,
        met,
        steps,
        cause,
        fix,
    }
}

fn hours(seconds: u64) -> String {
    let minutes = seconds / 60;
    if seconds % 60 != 0 && minutes < 60 {
        return if minutes == 0 {
            format!("{seconds}s")
        } else {
            format!("{minutes}m{:02}s", seconds % 60)
        };
    }
    // A proof rounds up: a bound is never shown shorter than it is.
    let minutes = seconds.div_ceil(60);
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h}h"),
        (0, m) => format!("{m}m"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

/// `rpo`: the worst time between two completed runs of a schedule whose function writes the
/// backups: the longest gap between runs (every daylight saving change of the coming years
/// counted), plus the flexible window, the schedule's and the function's retry horizons and
/// the function's timeout.
fn rpo_proof(program: &Program, backups: &[&Bucket], rpo: u64, span: Span, today: Date) -> Proof {
    let objective = format!("rpo = {}", hours(rpo));
    let mut steps = Vec::new();
    let mut best: Option<u64> = None;
    for schedule in program.schedules() {
        let function = program.function(&schedule.target);
        let writes = function
            .accesses
            .iter()
            .any(|a| a.verb == Verb::Put && backups.iter().any(|b| b.name == a.target));
        if !writes {
            continue;
        }
        if !schedule.enabled {
            steps.push(format!("schedule `{}` is disabled", schedule.name));
            continue;
        }
        let (gap, why) = match &schedule.expression {
            ScheduleExpression::Rate { minutes } => {
                (minutes * 60, format!("every {}", hours(minutes * 60)))
            }
            ScheduleExpression::Cron(expression) => {
                let tz = clock::zone(schedule);
                let runs = clock::runs(&Cron::parse(expression), &tz, today);
                let Some((gap, before)) = clock::longest_gap(&runs) else {
                    steps.push(format!(
                        "schedule `{}` runs fewer than twice in {} years",
                        schedule.name,
                        clock::HORIZON_YEARS
                    ));
                    continue;
                };
                let gap = gap.as_secs().unsigned_abs();
                (
                    gap,
                    format!(
                        "`cron({expression})` in {}: longest gap {} over {} years of daylight saving changes, ending {}",
                        tz.iana_name().unwrap_or("UTC"),
                        hours(gap),
                        clock::HORIZON_YEARS,
                        tz.to_datetime(before).date()
                    ),
                )
            }
        };
        let window = u64::from(schedule.flexible_window_minutes.unwrap_or(0)) * 60;
        let scheduler_retry = if schedule.retries == Some(0) {
            0
        } else {
            schedule
                .max_event_age_s
                .map_or(SCHEDULER_EVENT_AGE_S, u64::from)
        };
        let lambda_retry = if function.failure.retry_attempts == Some(0) {
            0
        } else {
            function
                .failure
                .max_event_age_s
                .map_or(LAMBDA_EVENT_AGE_S, u64::from)
        };
        let timeout = u64::from(function.timeout_s);
        let worst = gap + window + scheduler_retry + lambda_retry + timeout;
        steps.push(format!(
            "schedule `{}` → `{}`: {why}; + flexible window {} + scheduler retries {} + function retries {} + timeout {} = {}",
            schedule.name,
            function.name,
            hours(window),
            hours(scheduler_retry),
            hours(lambda_retry),
            hours(timeout),
            hours(worst)
        ));
        best = Some(best.map_or(worst, |b| b.min(worst)));
    }
    let unmet = match best {
        None => Some((
            "no enabled schedule runs a function that writes the backups".to_owned(),
            "add a `schedule` that invokes the function that `put`s into the backup bucket".to_owned(),
        )),
        Some(worst) if worst > rpo => Some((
            format!("up to {} of data can be lost", hours(worst)),
            "run more often, or bound the retries with a shorter `max_event_age` on the schedule and the function".to_owned(),
        )),
        Some(_) => None,
    };
    proof(objective, span, steps, unmet)
}

/// `retention`: no writer and no lifecycle rule can remove a backup sooner.
fn retention_proof(program: &Program, backups: &[&Bucket], days: u32, span: Span) -> Proof {
    let objective = format!("retention = {days}d");
    let mut steps = Vec::new();
    let mut unmet = None;
    if backups.is_empty() {
        unmet = Some((
            "no retained bucket receives backups".to_owned(),
            "add `retain = true` to the bucket the backup function `put`s into".to_owned(),
        ));
    }
    // Each bucket's puts and deletes, and the backups by name, gathered once.
    let mut changes: BTreeMap<&str, Vec<&Access>> = BTreeMap::new();
    for access in program.functions().iter().flat_map(|f| &f.accesses) {
        if matches!(access.verb, Verb::Put | Verb::Delete) {
            changes.entry(&access.target).or_default().push(access);
        }
    }
    let backup_names: BTreeSet<&str> = backups.iter().map(|b| b.name.as_str()).collect();
    for bucket in backups.iter().flat_map(|b| copies_of(program, b)) {
        if let Some(step) = other_account(bucket) {
            steps.push(step);
            continue;
        }
        let lock = bucket.object_lock.map_or(0, |l| l.retain.days());
        if lock >= days {
            steps.push(format!(
                "`{}`: every version locked {lock} days",
                bucket.name
            ));
            continue;
        }
        if !bucket.versioned {
            unmet.get_or_insert((
                format!(
                    "`{}` is not versioned: one overwrite destroys a backup",
                    bucket.name
                ),
                format!("add `versioned = true` to `{}`", bucket.name),
            ));
            continue;
        }
        for rule in &bucket.lifecycle.rules {
            let scope = rule
                .prefix
                .as_deref()
                .map_or("the whole bucket".to_owned(), |p| format!("\"{p}\""));
            if let Some(expire) = rule.expire_days.filter(|d| *d < days) {
                unmet.get_or_insert((
                    format!("`{}` expires {scope} after {expire} days", bucket.name),
                    format!("write `expire = {days}d` or longer"),
                ));
            }
            let writers = changes
                .get(bucket.name.as_str())
                .into_iter()
                .flatten()
                .any(|a| covers(rule, a.prefix.as_deref()))
                || bucket.replicate_to.is_empty() && !backup_names.contains(bucket.name.as_str());
            match rule.noncurrent_expire_days {
                Some(n) if n < days && writers => {
                    unmet.get_or_insert((
                        format!("an overwrite or delete in {scope} of `{}` makes a backup noncurrent, and it is deleted {n} days later", bucket.name),
                        format!("write `noncurrent_expire = {days}d` or longer, or lock versions at least {days} days"),
                    ));
                }
                Some(n) => steps.push(format!(
                    "`{}` {scope}: overwritten versions kept {n} days",
                    bucket.name
                )),
                None => steps.push(format!(
                    "`{}` {scope}: overwritten versions never expire",
                    bucket.name
                )),
            }
            if let Some(expire) = rule.expire_days {
                steps.push(format!(
                    "`{}` {scope}: backups expire after {expire} days",
                    bucket.name
                ));
            }
        }
        let destroys = program
            .functions()
            .iter()
            .flat_map(|f| f.accesses.iter().map(move |a| (f, a)))
            .find(|(_, a)| a.target == bucket.name && a.verb == Verb::DeleteVersions);
        if let Some((function, _)) = destroys {
            unmet.get_or_insert((
                format!(
                    "function `{}` may destroy versions of `{}`",
                    function.name, bucket.name
                ),
                format!(
                    "remove its `delete_versions {}`, or lock versions at least {days} days",
                    bucket.name
                ),
            ));
        } else {
            steps.push(format!(
                "`{}`: no function may destroy a version",
                bucket.name
            ));
        }
    }
    proof(objective, span, steps, unmet)
}

/// `copies` (buckets) or `regions` (their distinct regions) holding every backup.
fn places(program: &Program, backups: &[&Bucket], n: u64, span: Span, regions: bool) -> Proof {
    let key = if regions { "regions" } else { "copies" };
    let objective = format!("{key} = {n}");
    let mut steps = Vec::new();
    let mut fewest: Option<(u64, &str)> = None;
    for bucket in backups {
        let copies = copies_of(program, bucket);
        // A copy in another account is in a region drc does not know: it adds no region.
        let known_regions = copies
            .iter()
            .filter(|b| b.existing.is_none())
            .map(|b| b.region.map_or("", |r| r.code));
        let mut known: Vec<&str> = known_regions.collect();
        known.sort_unstable();
        known.dedup();
        let count = if regions { known.len() } else { copies.len() };
        let count = u64::try_from(count).expect("few copies");
        let names: Vec<String> = copies
            .iter()
            .map(|b| format!("`{}` ({})", b.name, place(b)))
            .collect();
        steps.push(format!("backups in {}", enumerate(&names)));
        if fewest.is_none_or(|(f, _)| count < f) {
            fewest = Some((count, bucket.name.as_str()));
        }
    }
    let unmet = match fewest {
        None => Some((
            "no retained bucket receives backups".to_owned(),
            "add `retain = true` to the bucket the backup function `put`s into".to_owned(),
        )),
        Some((count, bucket)) if count < n => Some((
            format!("`{bucket}` is held in {count} of the {n} {key} required"),
            if regions {
                format!(
                    "replicate `{bucket}` to a bucket with `region = \"...\"` in another region"
                )
            } else {
                format!(
                    "add `replicate_to = {}` to `{bucket}`",
                    with_destination(program, bucket, "<replica>")
                )
            },
        )),
        Some(_) => None,
    };
    proof(objective, span, steps, unmet)
}

/// `accounts`: the accounts holding every backup, the stack's and each replica's in another
/// account (replication with the owner override, so that account owns the copy).
fn accounts_proof(program: &Program, backups: &[&Bucket], n: u64, span: Span) -> Proof {
    let mut steps = Vec::new();
    let mut fewest: Option<(u64, &str)> = None;
    for bucket in backups {
        let copies = copies_of(program, bucket);
        let account = |b: &Bucket| match b.existing.as_ref().and_then(|e| e.account.as_ref()) {
            Some(account) => format!("account {account}"),
            None => "the stack's account".to_owned(),
        };
        let mut accounts: Vec<String> = copies.iter().map(|b| account(b)).collect();
        accounts.sort_unstable();
        accounts.dedup();
        let names: Vec<String> = copies
            .iter()
            .map(|b| format!("`{}` ({})", b.name, account(b)))
            .collect();
        steps.push(format!("backups in {}", enumerate(&names)));
        let count = u64::try_from(accounts.len()).expect("few accounts");
        if fewest.is_none_or(|(f, _)| count < f) {
            fewest = Some((count, bucket.name.as_str()));
        }
    }
    let unmet = match fewest {
        None => Some((
            "no retained bucket receives backups".to_owned(),
            "add `retain = true` to the bucket the backup function `put`s into".to_owned(),
        )),
        Some((count, bucket)) if count < n => Some((
            format!("`{bucket}` is held in {count} of the {n} accounts required"),
            format!(
                "declare the other account's bucket, `bucket vault {{ existing = \"...\"  account = \"111122223333\" }}`, and write `replicate_to = {}` in `{bucket}`",
                with_destination(program, bucket, "vault")
            ),
        )),
        Some(_) => None,
    };
    proof(format!("accounts = {n}"), span, steps, unmet)
}

/// `immutable`: every copy has a compliance-mode lock, at least `retention` long.
fn immutable_proof(
    program: &Program,
    backups: &[&Bucket],
    retention: Option<u32>,
    span: Span,
) -> Proof {
    let mut steps = Vec::new();
    let mut unmet = None;
    if backups.is_empty() {
        unmet = Some((
            "no retained bucket receives backups".to_owned(),
            "add `retain = true` to the bucket the backup function `put`s into".to_owned(),
        ));
    }
    for bucket in backups.iter().flat_map(|b| copies_of(program, b)) {
        if let Some(step) = other_account(bucket) {
            steps.push(step);
            continue;
        }
        match bucket.object_lock {
            None => {
                unmet.get_or_insert((
                    format!("`{}` has no Object Lock", bucket.name),
                    format!("add `object_lock {{ mode = compliance  retain = {}d }}` to `{}`", retention.unwrap_or(30), bucket.name),
                ));
            }
            Some(lock) if lock.mode == LockMode::Governance => {
                unmet.get_or_insert((
                    format!("`{}` has a governance-mode lock: anyone with `s3:BypassGovernanceRetention` can remove it", bucket.name),
                    format!("write `mode = compliance` in the `object_lock` of `{}`", bucket.name),
                ));
            }
            Some(lock) if retention.is_some_and(|r| lock.retain.days() < r) => {
                unmet.get_or_insert((
                    format!("`{}` locks versions only {} days", bucket.name, lock.retain.days()),
                    format!("write `retain = {}d` in the `object_lock` of `{}`", retention.unwrap_or(0), bucket.name),
                ));
            }
            Some(lock) => steps.push(format!(
                "`{}`: compliance-mode lock, {} days: nobody, not even the account root, can delete or overwrite a version",
                bucket.name,
                lock.retain.days()
            )),
        }
    }
    proof("immutable = true".to_owned(), span, steps, unmet)
}

/// The text `drc explain --objectives` prints.
pub fn text(program: &Program, today: Date) -> String {
    let proofs = prove(program, today);
    if proofs.is_empty() {
        return format!("stack `{}` declares no objectives\n", program.stack.name);
    }
    let mut lines = Vec::new();
    for p in proofs {
        let verdict = if p.met { "proven" } else { "NOT MET" };
        lines.push(format!("{verdict} {}", p.objective));
        lines.extend(p.steps.iter().map(|step| format!("  - {step}")));
        lines.extend(p.cause.iter().map(|cause| format!("  cause: {cause}")));
        lines.extend(p.fix.iter().map(|fix| format!("  fix: {fix}")));
    }
    lines.push(String::new());
    lines.join("\n")
}
