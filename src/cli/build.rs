//! `drc build`: templates and code archives, written atomically or printed.

use super::files::{FsCode, FsSources, read_sources, write_outputs};
use super::options::{MessageFormat, TargetArg, collect_set, parse_set};
use super::output::report;
use crate::{Options, Target};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The .dr files to compile: `-` reads one from standard input, a directory stands for
    /// the .dr files in it (sorted by name).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Which output to produce.
    #[arg(long, value_enum, default_value_t = TargetArg::All)]
    target: TargetArg,
    /// Where to write the outputs.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out_dir: PathBuf,
    /// Print the one template to stdout instead of writing files (needs a single FILE and
    /// --target cloudformation or terraform; code archives are not written).
    #[arg(long, conflicts_with = "out_dir")]
    stdout: bool,
    /// Treat every warning as an error: exit status 1 and nothing written.
    #[arg(long)]
    deny_warnings: bool,
    /// Fix a parameter's value at compile time (repeatable): the parameter is checked
    /// against its type and allowed values, substituted, and left out of the outputs.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    set: Vec<(String, String)>,
    /// How to report diagnostics: for people on stderr, or JSON lines or a SARIF log on
    /// stdout for tools (not with --stdout, which prints the template there).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

pub(super) fn run(args: Args, today: crate::Date, color: bool) -> Result<ExitCode, String> {
    let Args {
        files,
        target,
        out_dir,
        stdout,
        deny_warnings,
        set,
        message_format,
    } = args;
    let set = collect_set(set)?;
    if stdout && message_format != MessageFormat::Human {
        return Err(
            "--stdout prints the template on stdout: it takes no --message-format but human".into(),
        );
    }
    let targets = match target {
        TargetArg::Cloudformation => vec![Target::CloudFormation],
        TargetArg::Terraform => vec![Target::Terraform],
        TargetArg::All => Target::ALL.to_vec(),
    };
    let mut sources = read_sources(&files)?;
    if stdout && (targets.len() != 1 || sources.iter().count() != 1) {
        return Err(
            "--stdout prints one template: give one FILE and --target cloudformation or terraform"
                .into(),
        );
    }
    let options = Options {
        targets: targets.clone(),
        today,
        deny_warnings,
        set,
    };
    let compilation = crate::compile_with(&mut sources, &options, &FsCode, &FsSources);
    let status = report(&compilation, &sources, color, message_format)?;
    if !compilation.succeeded() {
        return Ok(status);
    }
    if stdout {
        let template = &compilation.stacks[0].artifacts[0];
        std::io::stdout()
            .write_all(&template.bytes)
            .map_err(|e| format!("cannot write to stdout: {e}"))?;
    } else {
        write_outputs(&compilation, &out_dir)?;
    }
    Ok(status)
}
