//! `drc completions SHELL`: a completion script for the shell, on stdout, generated from
//! the same clap definition as the command line itself.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: clap_complete::Shell,
}

/// Writes the script for `command` (the whole `drc` command line).
pub(super) fn run(args: &Args, mut command: clap::Command) -> Result<ExitCode, String> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "drc", &mut script);
    std::io::Write::write_all(&mut std::io::stdout(), &script)
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
