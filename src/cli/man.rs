//! `drc man`: the manual page, in roff, generated from the same clap definition as the
//! command line itself: `drc.1` on stdout, or one page per subcommand in a directory.
//!
//! `clap_mangen` fills the text after the options (`after_help`) like prose, which would run
//! the examples together; `drc.1` gets it as sections of its own, one per paragraph headed
//! `Examples:` or `Environment:`, with the lines kept as written.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Write drc.1 and a page per subcommand (drc-build.1, ...) into this directory instead
    /// of printing drc.1.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

/// Renders the pages of `command` (the whole `drc` command line).
pub(super) fn run(args: &Args, command: clap::Command) -> Result<ExitCode, String> {
    let extra = command
        .get_after_help()
        .map(ToString::to_string)
        .unwrap_or_default();
    let command = command
        .version(env!("CARGO_PKG_VERSION"))
        .after_help(None::<&str>);
    let page = page(&command, &extra)?;
    match &args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .map_err(|e| format!("cannot write in `{}`: {e}", dir.display()))?;
            std::fs::write(dir.join("drc.1"), page)
                .map_err(|e| format!("cannot write in `{}`: {e}", dir.display()))?;
            eprintln!("wrote the manual pages into {}", dir.display());
        }
        None => std::io::Write::write_all(&mut std::io::stdout(), page.as_bytes())
            .map_err(|e| format!("cannot write to stdout: {e}"))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `drc.1`: `clap_mangen`'s page, then each paragraph of `extra` as a section of its own.
fn page(command: &clap::Command, extra: &str) -> Result<String, String> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .map_err(|e| format!("cannot render the manual page: {e}"))?;
    let mut page = String::from_utf8(page).expect("clap_mangen writes UTF-8");
    for paragraph in extra.split("\n\n") {
        let mut lines = paragraph.lines();
        let Some(heading) = lines.next().and_then(|l| l.strip_suffix(':')) else {
            continue;
        };
        let _ = writeln!(page, ".SH {}\n.nf", escape(&heading.to_uppercase()));
        for line in lines {
            let _ = writeln!(page, "{}", escape(line));
        }
        page.push_str(".fi\n");
    }
    Ok(page)
}

/// A line of text as roff prints it literally: backslashes and hyphens escaped, and a
/// leading `.` or `'` kept from being read as a request.
fn escape(line: &str) -> String {
    let text = line.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}
