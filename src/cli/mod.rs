//! The command line: the only module that reads files, writes files, looks at the
//! environment or decides exit statuses.
//!
//! Exit status: 0 success (warnings allowed), 1 the input has errors (or warnings, with
//! `--deny-warnings` or `deny_warnings = true`), 2 usage or IO error, 3 `drc diff` found a
//! change that broadens permissions or weakens a bucket.
//!
//! One file per subcommand (`check.rs`, `build.rs`, ...), each with its arguments and its
//! `run`; `files.rs` owns the file system, `output.rs` stdout and stderr, `options.rs` the
//! option values subcommands share.

mod build;
mod check;
mod completions;
mod diff;
mod explain;
mod files;
mod formatting;
mod graph;
mod init;
mod man;
mod options;
mod output;
mod reading;
mod staging;
mod verify;

pub use files::{FsCode, FsSources};

use clap::{CommandFactory as _, Parser, Subcommand};
use options::Color;
use std::io::IsTerminal as _;
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  drc init backups && cd backups && drc build backups.dr     # a starter stack
  drc check examples/disaster_recovery.dr
  drc build examples/disaster_recovery.dr                  # out/<stack>.cfn.yaml and .tf.json
  drc build stack.dr --target terraform --out-dir infra/
  drc build stack.dr --target cloudformation --stdout | less
  drc explain examples/disaster_recovery.dr --function backup
  drc explain --code E0302                                 # what an error code means
  drc diff old/ new/ --format json                         # exit 3 when something broadens
  drc verify out/                                          # prove the built templates
  drc fmt --check                                          # .dr files under . formatted?
  drc graph stack.dr --format dot | dot -Tsvg > stack.svg  # who may do what, as a picture
  drc check --deny-warnings stack.dr                       # warnings fail the check (CI)
  drc build stack.dr --set stage=prod                      # fix a parameter's value
  drc completions bash > ~/.local/share/bash-completion/completions/drc
  drc man > drc.1 && man ./drc.1

Environment:
  DRC_TODAY=YYYY-MM-DD   the date runtime deprecations are judged against (default: today)
  NO_COLOR               disables colour in diagnostics";

/// drc compiles .dr files (buckets, functions, permissions, schedules) into CloudFormation
/// YAML and Terraform JSON, with least-privilege IAM inferred from what each function does.
#[derive(Debug, Parser)]
#[command(name = "drc", version, after_help = EXAMPLES, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check files and report problems, without writing anything.
    ///
    /// Exit status 0 when there are no errors (warnings are allowed unless denied), 1 when
    /// there are.
    Check(check::Args),
    /// Compile files into CloudFormation and/or Terraform, plus function code archives.
    ///
    /// Each file is one stack; it becomes <stack>.cfn.yaml and <stack>.tf.json, and each
    /// distinct code directory a zip archive beside them. Files are written only when every
    /// input compiles, and then all or nothing.
    Build(build::Args),
    /// Show every permission drc infers for a file, and why each action is there.
    ///
    /// Each role's statements with their actions, resource and condition, each action with
    /// the declarations (`file:line:column` and source) or built-in rules that caused it, and
    /// who may invoke which function. Exit status 0, or 1 when the file has errors.
    ///
    /// With --code, print the page of a diagnostic code instead (every diagnostic names
    /// its code, like `error[E0302]`).
    Explain(explain::Args),
    /// Compare the permissions of two versions: two .dr files, or two directories of them.
    ///
    /// Reports actions added or removed per role and resource, resources widened or
    /// narrowed, new invokers of functions, and buckets that lose retain, versioning, their
    /// KMS key, or expire data sooner. Two files are compared as one stack; the files of two
    /// directories are matched by stack name. Exit status 0 when nothing
    /// broadens, 3 when something does, 1 when either side has errors.
    Diff(diff::Args),
    /// Prove built outputs: each role allows exactly what its declarations entitle.
    ///
    /// Reads CloudFormation templates and Terraform configurations back (an output
    /// directory, or template files; a stack's regional templates are read with its main
    /// template), and checks every request of a finite universe against the declarations the
    /// templates record beside each role. Both targets must allow the same requests, trust
    /// policies admit only the intended service, and bucket policies deny requests without
    /// TLS. Exit status 0 when proven, 1 when a request is allowed or denied against the
    /// declarations (each is printed), 2 for usage or IO errors.
    Verify(verify::Args),
    /// Draw a stack: its resources and who may do what to which.
    ///
    /// The picture shows buckets, functions, schedules, queues and topics; who may do what
    /// to which of them, from the inferred policies; and replication, access logs and
    /// alarms.
    ///
    /// Mermaid (the default) renders in GitHub's Markdown; DOT renders with Graphviz:
    /// `drc graph stack.dr --format dot | dot -Tsvg > stack.svg`. Exit status 0, or 1 when the
    /// file has errors.
    Graph(graph::Args),
    /// Start a disaster-recovery stack: a .dr file and its function's handler.
    ///
    /// Writes DIR/<name>.dr (a source bucket, a versioned, retained, KMS-encrypted backup
    /// bucket, a backup function with an alarm and a failure queue, a nightly schedule),
    /// DIR/lambda/index.mjs and DIR/.gitignore. It builds on both targets without a
    /// warning. Nothing is written if one of the files exists.
    Init(init::Args),
    /// Print a completion script for a shell.
    ///
    /// For example `drc completions bash > ~/.local/share/bash-completion/completions/drc`,
    /// `drc completions zsh > ~/.zfunc/_drc` or
    /// `drc completions fish > ~/.config/fish/completions/drc.fish`.
    Completions(completions::Args),
    /// Print the manual page (roff), or write one per subcommand with --out-dir.
    ///
    /// For example `drc man > drc.1 && man ./drc.1`.
    Man(man::Args),
    /// Format .dr files in the one layout drc uses (as the examples are written).
    ///
    /// Rewrites each file that changes, atomically, and prints its name. A file with syntax
    /// errors is left untouched (exit status 1).
    Fmt(formatting::Args),
    /// Run the language server for editors, on standard input and output.
    ///
    /// Diagnostics as you type (across imports), hover, completion, go to definition,
    /// references, rename, document symbols, formatting and quick fixes.
    Lsp,
}

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match run(cli.command, color) {
        Ok(code) => code,
        Err(message) => {
            output::say(&match reading::split_code(&message) {
                Some((code, why)) => format!(
                    "error[{code}]: {why}\n  = note: `drc explain --code {code}` explains this code\n",
                    code = code.as_str()
                ),
                None => format!("error: {message}\n"),
            });
            ExitCode::from(2)
        }
    }
}

fn run(command: Command, color: bool) -> Result<ExitCode, String> {
    match command {
        Command::Check(args) => check::run(args, today()?, color),
        Command::Build(args) => build::run(args, today()?, color),
        Command::Explain(args) => explain::run(args, today()?, color),
        Command::Diff(args) => diff::run(args, today()?, color),
        Command::Verify(args) => verify::run(args),
        Command::Graph(args) => graph::run(args, today()?, color),
        Command::Init(args) => init::run(&args),
        Command::Completions(args) => completions::run(&args, Cli::command()),
        Command::Man(args) => man::run(&args, Cli::command()),
        Command::Fmt(args) => formatting::run(&args.paths, args.check, color),
        Command::Lsp => {
            let (connection, threads) = lsp_server::Connection::stdio();
            crate::lsp::serve(&connection, &FsSources, today()?)?;
            drop(connection);
            threads
                .join()
                .map_err(|e| format!("the language server's input or output failed: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn today() -> Result<crate::Date, String> {
    match std::env::var("DRC_TODAY") {
        Ok(text) => text
            .parse()
            .map_err(|e| format!("DRC_TODAY must be a date like 2026-11-24, not `{text}`: {e}")),
        Err(_) => Ok(jiff::tz::Offset::UTC
            .to_datetime(jiff::Timestamp::now())
            .date()),
    }
}
