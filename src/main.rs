//! The `drc` command. All the work is in the library; this only installs the panic hook and
//! turns the CLI's result into an exit status.

use std::io::Write as _;
use std::process::ExitCode;

/// mimalloc (without transparent huge pages) instead of the system's allocator: a large
/// build allocates millions of small values on several threads, where glibc's malloc spent
/// a fifth of the instructions and kept an arena per thread (docs/architecture.md,
/// "Parallelism", has the measurements). The library leaves the choice to the program that
/// embeds it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // A closed stderr must not turn a panic into an abort.
        let _ = writeln!(
            std::io::stderr(),
            "error: internal compiler error: {info}\n\nThis is a bug in drc {}, not in your input. Please report it with the .dr file that caused it.",
            env!("CARGO_PKG_VERSION")
        );
    }));
    drc::cli::main()
}
