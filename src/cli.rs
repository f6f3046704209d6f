//! The command line: the only module that reads files, writes files, looks at the
//! environment or decides exit statuses.
//!
//! Exit status: 0 success (warnings allowed), 1 the input has errors (or warnings, with
//! `--deny-warnings` or `deny_warnings = true`), 2 usage or IO error, 3 `drc diff` found a
//! change that broadens permissions or weakens a bucket.

mod reading;
mod staging;

use crate::{CodeFile, CodeSource, Compilation, Options, SourceLoader, SourceMap, Target};
use clap::{Parser, Subcommand, ValueEnum};
use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod formatting;

const EXAMPLES: &str = "\
Examples:
  drc check examples/disaster_recovery.dr
  drc build examples/disaster_recovery.dr                  # out/<stack>.cfn.yaml and .tf.json
  drc build stack.dr --target terraform --out-dir infra/
  drc build stack.dr --target cloudformation --stdout | less
  drc explain examples/disaster_recovery.dr --function backup
  drc diff old/ new/ --format json                         # exit 3 when something broadens
  drc verify out/                                          # prove the built templates
  drc check --deny-warnings stack.dr                       # warnings fail the check (CI)
  drc fmt --check                                          # .dr files under . formatted?
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
    /// Exit status 0 when there are no errors (warnings are allowed unless denied), 1 when
    /// there are.
    Check {
        /// The .dr files to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Treat every warning as an error (exit status 1).
        #[arg(long)]
        deny_warnings: bool,
        /// Fix a parameter's value at compile time (repeatable).
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
        set: Vec<(String, String)>,
    },
    /// Compile files into CloudFormation and/or Terraform, plus function code archives.
    ///
    /// Each file is one stack; it becomes <stack>.cfn.yaml and <stack>.tf.json, and each
    /// distinct code directory a zip archive beside them. Files are written only when every
    /// input compiles, and then all or nothing.
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
        /// Treat every warning as an error: exit status 1 and nothing written.
        #[arg(long)]
        deny_warnings: bool,
        /// Fix a parameter's value at compile time (repeatable): the parameter is checked
        /// against its type and allowed values, substituted, and left out of the outputs.
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
        set: Vec<(String, String)>,
    },
    /// Show every permission drc infers for a file, and why each action is there.
    ///
    /// Each role's statements with their actions, resource and condition, each action with
    /// the declarations (`file:line:column` and source) or built-in rules that caused it, and
    /// who may invoke which function. Exit status 0, or 1 when the file has errors.
    Explain {
        /// The .dr file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Only this function's role and the permissions to invoke it.
        #[arg(long, value_name = "NAME")]
        function: Option<String>,
        /// The proof of each recovery objective the stack declares, instead of permissions.
        #[arg(long, conflicts_with = "function")]
        objectives: bool,
        /// Text for people, or JSON for tools (see docs/permissions.md).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Compare the permissions of two versions: two .dr files, or two directories of them.
    ///
    /// Reports actions added or removed per role and resource, resources widened or
    /// narrowed, new invokers of functions, and buckets that lose retain, versioning, their
    /// KMS key, or expire data sooner. Two files are compared as one stack; the files of two
    /// directories are matched by stack name. Exit status 0 when nothing
    /// broadens, 3 when something does, 1 when either side has errors.
    Diff {
        /// The old version: a .dr file, or a directory whose *.dr files are compared.
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// The new version, of the same sort as OLD.
        #[arg(value_name = "NEW")]
        new: PathBuf,
        /// Text for people, or JSON for tools (see docs/permissions.md).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Prove built outputs: each role allows exactly what its declarations entitle.
    ///
    /// Reads CloudFormation templates and Terraform configurations back (an output
    /// directory, or template files; a stack's regional templates are read with its main
    /// template), and checks every request of a finite universe against the declarations the
    /// templates record beside each role. Both targets must allow the same requests, trust
    /// policies admit only the intended service, and bucket policies deny requests without
    /// TLS. Exit status 0 when proven, 1 when a request is allowed or denied against the
    /// declarations (each is printed), 2 for usage or IO errors.
    Verify {
        /// Output directories (their *.cfn.yaml and *.tf.json files) or template files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Text for people, or JSON for tools (see docs/permissions.md).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Format .dr files in the one layout drc uses (as the examples are written).
    ///
    /// Rewrites each file that changes, atomically, and prints its name. A file with syntax
    /// errors is left untouched (exit status 1).
    Fmt {
        /// Only name the files that would change, and exit with status 1 if any would.
        #[arg(long)]
        check: bool,
        /// Files, or directories whose .dr files are formatted; `-` reads standard input and
        /// writes standard output. Default: the current directory.
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Run the language server for editors, on standard input and output.
    ///
    /// Diagnostics as you type (across imports), hover, completion, go to definition,
    /// references, rename, document symbols, formatting and quick fixes.
    Lsp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For people.
    Text,
    /// For tools: stable, versioned (`format_version`).
    Json,
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
            say(&format!("error: {message}\n"));
            ExitCode::from(2)
        }
    }
}

fn run(command: Command, color: bool) -> Result<ExitCode, String> {
    let today = today()?;
    match command {
        Command::Check {
            files,
            deny_warnings,
            set,
        } => {
            let set = collect_set(set)?;
            let mut sources = read_sources(&files)?;
            let options = Options {
                targets: Vec::new(),
                today,
                deny_warnings,
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
            deny_warnings,
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
                deny_warnings,
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
        Command::Explain {
            file,
            function,
            objectives,
            format,
        } => {
            if objectives {
                explain_objectives(&file, today, color)
            } else {
                explain(&file, function.as_deref(), format, today, color)
            }
        }
        Command::Diff { old, new, format } => diff(&old, &new, format, today, color),
        Command::Verify { paths, format } => verify(&paths, format),
        Command::Fmt { check, paths } => formatting::run(&paths, check, color),
        Command::Lsp => {
            let (connection, threads) = lsp_server::Connection::stdio();
            crate::lsp::serve(&connection, &FsSources, today)?;
            drop(connection);
            threads
                .join()
                .map_err(|e| format!("the language server's input or output failed: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `drc verify`.
fn verify(paths: &[PathBuf], format: Format) -> Result<ExitCode, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    let is_template = |name: &str| name.ends_with(".cfn.yaml") || name.ends_with(".tf.json");
    let templates_in = |dir: &Path, stack: Option<&str>| -> Result<Vec<PathBuf>, String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let mut found = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
                .path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let of_stack = stack
                .is_none_or(|s| name.starts_with(&format!("{s}.")) && name.ends_with(".cfn.yaml"));
            if is_template(&name) && of_stack && path.is_file() {
                found.push(path);
            }
        }
        Ok(found)
    };
    for path in paths {
        if path.is_dir() {
            let found = templates_in(path, None)?;
            if found.is_empty() {
                return Err(format!(
                    "`{}` holds no .cfn.yaml or .tf.json file",
                    path.display()
                ));
            }
            files.extend(found);
        } else if !path.exists() {
            return Err(format!(
                "there is no file or directory `{}`",
                path.display()
            ));
        } else {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !is_template(&name) {
                return Err(format!(
                    "`{}` is neither a CloudFormation template (.cfn.yaml) nor a Terraform configuration (.tf.json)",
                    path.display()
                ));
            }
            // A stack's templates for its other regions are read with its main template.
            if name.ends_with(".cfn.yaml") {
                let stack = name.split('.').next().unwrap_or_default();
                let dir = path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                files.extend(templates_in(dir, Some(stack))?);
            }
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    let mut named = Vec::new();
    for path in &files {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if named.iter().any(|(n, _): &(String, Vec<u8>)| *n == name) {
            return Err(format!(
                "two files named `{name}`: verify one output directory at a time"
            ));
        }
        named.push((name, bytes));
    }
    let mut report = crate::verify::report::Report::default();
    for stack in crate::verify::group(named)? {
        report.stacks.push(crate::verify::verify(&stack)?);
    }
    let text = match format {
        Format::Text => report.text(),
        Format::Json => json_text(&report.json()),
    };
    print_stdout(&text)?;
    Ok(if report.proven() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `drc explain --objectives`: the proof of each objective; exit status 1 when the file
/// has errors (an unmet objective is one).
fn explain_objectives(file: &Path, today: crate::Date, color: bool) -> Result<ExitCode, String> {
    let mut sources = read_sources(&[file.to_path_buf()])?;
    let (analyses, diagnostics) =
        crate::analyze_with(&mut sources, today, &BTreeMap::new(), &FsSources);
    if !diagnostics.is_empty() {
        eprint!("{}", crate::render(&diagnostics, &sources, color));
    }
    let Some(stack) = analyses.first() else {
        return Ok(ExitCode::from(1));
    };
    print_stdout(&crate::check::objectives::text(&stack.program, today))?;
    Ok(ExitCode::SUCCESS)
}

/// `drc explain`.
fn explain(
    file: &Path,
    function: Option<&str>,
    format: Format,
    today: crate::Date,
    color: bool,
) -> Result<ExitCode, String> {
    let mut sources = read_sources(&[file.to_path_buf()])?;
    let (analyses, diagnostics) =
        crate::analyze_with(&mut sources, today, &BTreeMap::new(), &FsSources);
    if !diagnostics.is_empty() {
        say(&crate::render(&diagnostics, &sources, color));
    }
    let Some(stack) = analyses.first() else {
        return Ok(ExitCode::from(1));
    };
    let source = sources.get(stack.file);
    let mut explanation = crate::iam::explain::explain(
        &stack.policies,
        &sources,
        crate::iam::explain::FileNames::AsGiven,
    );
    if let Some(name) = function {
        explanation = explanation.for_function(name).ok_or_else(|| {
            let names = explanation.function_names();
            let hint = match crate::diagnostics::did_you_mean(name, names.iter().copied()) {
                Some(near) => format!("\n  help: did you mean `{near}`?"),
                None if names.is_empty() => "\n  note: the file declares no function".to_owned(),
                None => format!("\n  note: its functions are {}", quoted(&names)),
            };
            format!("`{}` declares no function `{name}`{hint}", source.name)
        })?;
    }
    let text = match format {
        Format::Text => explanation.text(),
        Format::Json => json_text(&explanation.json(&stack.program.stack.name)),
    };
    print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `drc diff`.
fn diff(
    old: &Path,
    new: &Path,
    format: Format,
    today: crate::Date,
    color: bool,
) -> Result<ExitCode, String> {
    let directories = old.is_dir();
    let (old_files, new_files) = match (directories, new.is_dir()) {
        (true, true) => (dr_files(old)?, dr_files(new)?),
        (false, false) => (vec![old.to_path_buf()], vec![new.to_path_buf()]),
        _ => {
            return Err(format!(
                "OLD and NEW must both be files or both be directories: `{}` and `{}` are not",
                old.display(),
                new.display()
            ));
        }
    };
    let mut old_sources = read_sources(&old_files)?;
    let mut new_sources = read_sources(&new_files)?;
    let none = BTreeMap::new();
    let (old_analyses, old_diagnostics) =
        crate::analyze_with(&mut old_sources, today, &none, &FsSources);
    let (new_analyses, new_diagnostics) =
        crate::analyze_with(&mut new_sources, today, &none, &FsSources);
    for (diagnostics, sources) in [
        (&old_diagnostics, &old_sources),
        (&new_diagnostics, &new_sources),
    ] {
        if !diagnostics.is_empty() {
            say(&crate::render(diagnostics, sources, color));
        }
    }
    if crate::diagnostics::has_errors(&old_diagnostics)
        || crate::diagnostics::has_errors(&new_diagnostics)
    {
        return Ok(ExitCode::from(1));
    }
    let old_sides = sides(&old_analyses, &old_sources);
    let new_sides = sides(&new_analyses, &new_sources);
    let mut report = if directories {
        crate::iam::diff::diff(&old_sides, &new_sides)
    } else {
        crate::iam::diff::diff_pair(&old_sides[0], &new_sides[0])
    };
    // The concrete requests each stack newly allows, from the verify stage's universe.
    let named = |analyses: &'_ [crate::Analysis], name: &str| {
        analyses.iter().position(|a| a.program.stack.name == name)
    };
    for stack in &mut report.stacks {
        let (old, new) = if directories {
            (
                named(&old_analyses, &stack.stack),
                named(&new_analyses, &stack.stack),
            )
        } else {
            (Some(0), Some(0))
        };
        stack.set_requests(crate::verify::broaden::requests(
            old.map(|i| (&old_analyses[i].program, &old_sources)),
            new.map(|i| (&new_analyses[i].program, &new_sources)),
        ));
    }
    let text = match format {
        Format::Text => report.text(),
        Format::Json => json_text(&report.json()),
    };
    print_stdout(&text)?;
    Ok(if report.broadens() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// The `*.dr` files directly in a directory, sorted by name.
fn dr_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "dr") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!("`{}` holds no .dr file", dir.display()));
    }
    Ok(files)
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn json_text(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values always serialize");
    text.push('\n');
    text
}

fn print_stdout(text: &str) -> Result<(), String> {
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| format!("cannot write to stdout: {e}"))
}

/// Prints diagnostics to stderr; the exit status follows from them.
fn report(compilation: &Compilation, sources: &SourceMap, color: bool) -> ExitCode {
    if !compilation.diagnostics.is_empty() {
        say(&crate::render(&compilation.diagnostics, sources, color));
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
        let text = reading::read_source(path)?;
        sources.add(path.to_string_lossy(), text);
    }
    Ok(sources)
}

/// Writes every artifact of the build all or nothing ([`staging`]), then says what it wrote.
fn write_outputs(compilation: &Compilation, out_dir: &Path) -> Result<(), String> {
    let artifacts = compilation.stacks.iter().flat_map(|s| &s.artifacts);
    for path in staging::write_all(artifacts, out_dir)? {
        say(&format!("wrote {}\n", path.display()));
    }
    Ok(())
}

/// Writes to stderr, ignoring failure: a closed or full stderr must not stop a build
/// (`eprint!` would panic) between renames or change its exit status.
fn say(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Reads imported `.dr` files from the file system (names are paths relative to the current
/// directory, like the files given on the command line).
pub struct FsSources;

impl SourceLoader for FsSources {
    fn read(&self, name: &str) -> Result<String, String> {
        reading::read_source(Path::new(name))
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
        if let Some(what) = reading::not_regular(&metadata).filter(|_| !metadata.is_dir()) {
            // Reading a FIFO would wait forever, and a device may never end.
            return Err(std::io::Error::other(format!(
                "`{path}` is {what}, not a regular file"
            )));
        }
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

/// The sides `drc diff` compares, one per analysed file.
fn sides<'a>(
    analyses: &'a [crate::Analysis],
    sources: &'a SourceMap,
) -> Vec<crate::iam::diff::Side<'a>> {
    analyses
        .iter()
        .map(|a| {
            crate::iam::diff::Side::new(
                &a.program,
                &a.policies,
                sources,
                crate::iam::explain::FileNames::AsGiven,
            )
        })
        .collect()
}
