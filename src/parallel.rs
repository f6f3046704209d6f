//! Maps that run on every core for large inputs and on the calling thread for small ones,
//! always giving their results in the input's order (so output bytes never depend on which
//! thread finished first).
//!
//! A small stack never starts rayon's pool: its threads cost a one-copy build about a
//! millisecond of its 5 ms budget, more than the work they would share.
//!
//! ```text
//! parallel::map(&roles, roles.len(), |role| layout(role))   // 3 roles: a plain map
//! ```

use rayon::prelude::*;

/// From this much work on, maps run in parallel. Work is counted in items of the stack (a
/// bucket, a function, a role), or in KiB for text read back.
pub const THRESHOLD: usize = 64;

/// `f` over `items`, in parallel when `work` (how much the map stands for, see
/// [`THRESHOLD`]) reaches [`THRESHOLD`].
pub fn map<T: Sync, R: Send>(
    items: &[T],
    work: usize,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    if work < THRESHOLD {
        items.iter().map(f).collect()
    } else {
        items.par_iter().map(f).collect()
    }
}

/// [`map`] for owned items.
pub fn map_owned<T: Send, R: Send>(
    items: Vec<T>,
    work: usize,
    f: impl Fn(T) -> R + Sync + Send,
) -> Vec<R> {
    if work < THRESHOLD {
        items.into_iter().map(f).collect()
    } else {
        items.into_par_iter().map(f).collect()
    }
}
