//! `gen-stack N`: writes a generated stack of `N` copies (see `generate.rs`) to stdout, or
//! with `--dir OUT` writes `OUT/stack.dr` and the handler its functions name,
//! `OUT/lambda/index.mjs`, so that `drc check` and `drc build` can run on it.
//!
//! ```text
//! cargo run --release --example gen-stack -- 5000 > /tmp/s5000.dr
//! cargo run --release --example gen-stack -- 5000 --dir /tmp/s5000
//! drc build /tmp/s5000/stack.dr --out-dir /tmp/s5000/out
//! ```

#[path = "generate.rs"]
mod generate;

use clap::Parser;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Writes a generated stack of N copies: N buckets, N functions, N schedules.
#[derive(Debug, Parser)]
#[command(name = "gen-stack")]
struct Args {
    /// How many copies (at least 1).
    #[arg(value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    copies: u32,
    /// Write OUT/stack.dr and OUT/lambda/index.mjs instead of printing the stack.
    #[arg(long, value_name = "OUT")]
    dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let text = generate::stack(usize::try_from(args.copies).expect("u32 fits in usize"));
    let written = match &args.dir {
        Some(dir) => write_dir(dir, &text),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write to stdout: {e}")),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the stack and its code directory under `dir`.
#[allow(
    clippy::disallowed_methods,
    reason = "a tool beside the library: it writes files as the CLI does"
)]
fn write_dir(dir: &Path, text: &str) -> Result<(), String> {
    let code = dir.join(generate::CODE_DIR);
    std::fs::create_dir_all(&code).map_err(|e| format!("cannot create {}: {e}", code.display()))?;
    let (name, handler) = generate::HANDLER;
    for (path, bytes) in [(dir.join("stack.dr"), text), (code.join(name), handler)] {
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
