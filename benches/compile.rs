//! Benchmarks of the library, in process: the whole pipeline on the disaster-recovery example
//! and on a generated stack near CloudFormation's 500-resource limit, and the check stage
//! (`drc::analyze`: parse, check, infer) on generated stacks far past it, to see how it
//! grows with the number of items.
//!
//! `cargo bench --bench compile` runs them; `benches/scale.sh` times the binary.

#[path = "generate.rs"]
mod generate;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use drc::{CodeFile, CodeSource, Options, SourceMap, Target};
use std::hint::black_box;
use std::time::Duration;

/// The copies of the generated stacks the check stage is timed on. Past 62 copies a stack is
/// refused at emit (E0501: 8 resources a copy, 500 at most), but `analyze` runs on all of it.
const CHECK_SIZES: [usize; 4] = [500, 2_000, 5_000, 20_000];

/// One small handler for every function, so the benchmark measures drc, not the disk.
struct Inline;

impl CodeSource for Inline {
    fn files(&self, _: &str, _: &str) -> Result<Vec<CodeFile>, String> {
        let (path, text) = generate::HANDLER;
        Ok(vec![CodeFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
            executable: false,
        }])
    }
}

fn compile(c: &mut Criterion) {
    let options = Options {
        targets: Target::ALL.to_vec(),
        today: drc::date(2026, 11, 24),
        deny_warnings: false,
        set: std::collections::BTreeMap::new(),
    };
    let example = include_str!("../examples/disaster_recovery.dr");
    let large = generate::stack(55);
    for (name, text) in [
        ("disaster_recovery", example),
        ("generated_55x3", large.as_str()),
    ] {
        let mut sources = SourceMap::new();
        sources.add(format!("{name}.dr"), text);
        assert!(
            drc::compile(&sources, &options, &Inline).succeeded(),
            "{name} compiles"
        );
        c.bench_function(&format!("compile {name}"), |b| {
            b.iter(|| drc::compile(black_box(&sources), &options, &Inline));
        });
    }
}

fn check(c: &mut Criterion) {
    let today = drc::date(2026, 11, 24);
    let mut group = c.benchmark_group("check generated");
    // The largest size takes seconds an iteration: a few flat samples keep `cargo bench` short.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    for n in CHECK_SIZES {
        let mut sources = SourceMap::new();
        sources.add("generated.dr", generate::stack(n));
        let (analyses, diagnostics) = drc::analyze(&sources, today);
        assert!(
            analyses.len() == 1 && !drc::diagnostics::has_errors(&diagnostics),
            "{n} copies check"
        );
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &sources, |b, sources| {
            b.iter(|| drc::analyze(black_box(sources), today));
        });
    }
    group.finish();
}

criterion_group!(benches, compile, check);
criterion_main!(benches);
