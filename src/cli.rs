//! The command line: the only module that reads files, writes files, looks at the
//! environment or decides exit statuses.
//!
//! Exit status: 0 success (warnings allowed), 1 the input has errors, 2 usage or IO error.

use crate::{CodeFile, CodeSource, Compilation, Options, SourceLoader, SourceMap, Target};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  drc check examples/disaster_recovery.dr
  drc build examples/disaster_recovery.dr                  # out/<stack>.cfn.yaml and .tf.json
  drc build stack.dr --target terraform --out-dir infra/
  drc build stack.dr --target cloudformation --stdout | less
  drc build stack.dr --set stage=prod                      # fix a parameter's value

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
    /// Exit status 0 when there are no errors (warnings are allowed), 1 when there are.
    Check {
        /// The .dr files to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Fix a parameter's value at compile time (repeatable).
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
        set: Vec<(String, String)>,
    },
    /// Compile files into CloudFormation and/or Terraform, plus function code archives.
    ///
    /// Each file is one stack; it becomes <stack>.cfn.yaml and <stack>.tf.json, and each
    /// function's code a zip archive beside them. Files are written only when every input
    /// compiles, each one atomically.
    Build {
        /// The .dr files to compile.
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
        /// Fix a parameter's value at compile time (repeatable): the parameter is checked
        /// against its type and allowed values, substituted, and left out of the outputs.
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
        set: Vec<(String, String)>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TargetArg {
    /// CloudFormation YAML.
    Cloudformation,
    /// Terraform JSON.
    Terraform,
    /// Both.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    /// Colour when stderr is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
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
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command, color: bool) -> Result<ExitCode, String> {
    let today = today()?;
    match command {
        Command::Check { files, set } => {
            let set = collect_set(set)?;
            let mut sources = read_sources(&files)?;
            let options = Options {
                targets: Vec::new(),
                today,
                set,
            };
            let compilation = crate::compile_with(&mut sources, &options, &FsCode, &FsSources);
            Ok(report(&compilation, &sources, color))
        }
        Command::Build {
            files,
            target,
            out_dir,
            stdout,
            set,
        } => {
            let set = collect_set(set)?;
            let targets = match target {
                TargetArg::Cloudformation => vec![Target::CloudFormation],
                TargetArg::Terraform => vec![Target::Terraform],
                TargetArg::All => Target::ALL.to_vec(),
            };
            if stdout && (targets.len() != 1 || files.len() != 1) {
                return Err("--stdout prints one template: give one FILE and --target cloudformation or terraform".into());
            }
            let mut sources = read_sources(&files)?;
            let options = Options {
                targets: targets.clone(),
                today,
                set,
            };
            let compilation = crate::compile_with(&mut sources, &options, &FsCode, &FsSources);
            let status = report(&compilation, &sources, color);
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
    }
}

/// Prints diagnostics to stderr; the exit status follows from them.
fn report(compilation: &Compilation, sources: &SourceMap, color: bool) -> ExitCode {
    if !compilation.diagnostics.is_empty() {
        eprint!(
            "{}",
            crate::render(&compilation.diagnostics, sources, color)
        );
    }
    if compilation.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `NAME=VALUE` of `--set`.
fn parse_set(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, like `stage=prod`, not `{text}`"))?;
    if name.is_empty() {
        return Err(format!("`{text}` names no parameter: write NAME=VALUE"));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// The `--set` values by name; a name given twice is a usage error.
fn collect_set(
    pairs: Vec<(String, String)>,
) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut set = std::collections::BTreeMap::new();
    for (name, value) in pairs {
        if let Some(first) = set.insert(name.clone(), value.clone()) {
            return Err(format!(
                "--set {name} is given twice (`{first}` and `{value}`): keep one"
            ));
        }
    }
    Ok(set)
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

fn read_sources(files: &[PathBuf]) -> Result<SourceMap, String> {
    let mut sources = SourceMap::new();
    for path in files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        sources.add(path.to_string_lossy(), text);
    }
    Ok(sources)
}

/// Writes every artifact atomically: each goes to a temporary file in the output directory
/// first, and only when all are written are they renamed into place.
fn write_outputs(compilation: &Compilation, out_dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create `{}`: {e}", out_dir.display()))?;
    let mut staged = Vec::new();
    for stack in &compilation.stacks {
        for artifact in &stack.artifacts {
            let mut temp = tempfile::Builder::new()
                .prefix(".drc-")
                .tempfile_in(out_dir)
                .map_err(|e| format!("cannot write in `{}`: {e}", out_dir.display()))?;
            temp.write_all(&artifact.bytes)
                .and_then(|()| temp.as_file().sync_all())
                .map_err(|e| format!("cannot write `{}`: {e}", artifact.file_name))?;
            staged.push((temp, out_dir.join(&artifact.file_name)));
        }
    }
    for (temp, path) in staged {
        let file = temp
            .persist(&path)
            .map_err(|e| format!("cannot write `{}`: {}", path.display(), e.error))?;
        set_readable(&file);
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Temporary files are created private (0600); outputs get the usual 0644.
fn set_readable(file: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// Reads imported `.dr` files from the file system (names are paths relative to the current
/// directory, like the files given on the command line).
pub struct FsSources;

impl SourceLoader for FsSources {
    fn read(&self, name: &str) -> Result<String, String> {
        std::fs::read_to_string(name).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("there is no file `{name}`"),
            _ => format!("cannot read `{name}`: {e}"),
        })
    }
}

/// Reads function code from the directory named in `code = "..."`, relative to the `.dr`
/// file. Hidden files and directories (names starting with `.`) are left out.
pub struct FsCode;

impl CodeSource for FsCode {
    fn files(&self, dr_path: &str, dir: &str) -> Result<Vec<CodeFile>, String> {
        let base = Path::new(dr_path).parent().unwrap_or(Path::new(""));
        let root = base.join(dir);
        if !root.is_dir() {
            return Err(format!("there is no directory `{dir}` beside this file"));
        }
        let mut files = Vec::new();
        collect(&root, "", &mut files).map_err(|e| format!("cannot read `{dir}`: {e}"))?;
        Ok(files)
    }
}

fn collect(dir: &Path, prefix: &str, files: &mut Vec<CodeFile>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{prefix}{name}");
        let metadata = std::fs::metadata(entry.path())?;
        if metadata.is_dir() {
            collect(&entry.path(), &format!("{path}/"), files)?;
        } else {
            files.push(CodeFile {
                path,
                bytes: std::fs::read(entry.path())?,
                executable: is_executable(&metadata),
            });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    metadata.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}
