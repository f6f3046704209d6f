//! Generated stacks of any size, for the benchmarks (`compile.rs`) and the `gen-stack`
//! example that writes them to disk for timing the binary (`scale.sh`).
//!
//! A stack of `n` copies is `n` times the book's stack, chained into a ring: copy `i` has a
//! bucket, a function that reads it and writes the next copy's bucket, and a schedule that
//! invokes the function once a day.
//!
//! ```text
//! bucket b0 { versioned = true  retain = true  encryption = kms  lifecycle { noncurrent_expire = 30d } }
//! function f0 {
//!   ...
//!   env { FROM = b0.name, TO = b1.name }
//!   list b0
//!   read b0 "data/"
//!   put b1 "copies/"
//! }
//! schedule s0 { every = 24h  invoke = f0  allow W0301 "..." }
//! ```
//!
//! The stack builds without a warning: each schedule allows W0301 (its function has no
//! alarm), as a user who wants no alarm would, so a benchmark measures the build and not
//! the printing of N warnings.

use std::fmt::Write as _;

/// The directory every generated function names in `code = "..."`, relative to the stack.
pub const CODE_DIR: &str = "lambda";

/// The one file of [`CODE_DIR`]: the handler `index.handler` that every function runs.
pub const HANDLER: (&str, &str) = (
    "index.mjs",
    "export const handler = async () => ({ ok: true });\n",
);

/// Why the generated schedules invoke functions without an alarm: short, so that 20,000
/// copies stay within the 8 MiB drc reads in one file (E0604).
const UNALARMED: &str = "benchmark";

/// The text of a stack of `n` copies (at least one), named `generated`.
pub fn stack(n: usize) -> String {
    assert!(n > 0, "a generated stack has at least one copy");
    let mut text = String::from("stack generated { description = \"benchmark\" }\n");
    for i in 0..n {
        let next = (i + 1) % n;
        let _ = write!(
            text,
            "bucket b{i} {{ versioned = true  retain = true  encryption = kms  lifecycle {{ noncurrent_expire = 30d }} }}\n\
             function f{i} {{\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"{CODE_DIR}\"\n  memory = 512MB\n  timeout = 5m\n  \
             env {{ FROM = b{i}.name, TO = b{next}.name }}\n  list b{i}\n  read b{i} \"data/\"\n  put b{next} \"copies/\"\n}}\n\
             schedule s{i} {{ every = 24h  invoke = f{i}  allow W0301 \"{UNALARMED}\" }}\n",
        );
    }
    text
}
