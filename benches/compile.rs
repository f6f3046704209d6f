//! Benchmarks of the whole pipeline, in process: the disaster-recovery example, and a
//! generated stack near CloudFormation's 500-resource limit.
//!
//! `cargo bench` runs them; whole-process timings of the binary are in the closing notes.

use criterion::{Criterion, criterion_group, criterion_main};
use drc::{CodeFile, CodeSource, Options, SourceMap, Target};
use std::fmt::Write as _;
use std::hint::black_box;

/// One small handler for every function, so the benchmark measures drc, not the disk.
struct Inline;

impl CodeSource for Inline {
    fn files(&self, _: &str, _: &str) -> Result<Vec<CodeFile>, String> {
        Ok(vec![CodeFile {
            path: "index.mjs".into(),
            bytes: b"export const handler = async () => ({ ok: true });\n".to_vec(),
            executable: false,
        }])
    }
}

/// `n` buckets, `n` functions each copying one bucket into the next, `n` schedules.
fn generated(n: usize) -> String {
    let mut text = String::from("stack generated { description = \"benchmark\" }\n");
    for i in 0..n {
        let _ = write!(
            text,
            "bucket b{i} {{ versioned = true  retain = true  encryption = kms  lifecycle {{ noncurrent_expire = 30d }} }}\n\
             function f{i} {{\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"lambda\"\n  memory = 512MB\n  timeout = 5m\n  \
             env {{ FROM = b{i}.name, TO = b{next}.name }}\n  list b{i}\n  read b{i} \"data/\"\n  put b{next} \"copies/\"\n}}\n\
             schedule s{i} {{ every = 24h  invoke = f{i} }}\n",
            next = (i + 1) % n
        );
    }
    text
}

fn bench(c: &mut Criterion) {
    let options = Options {
        targets: Target::ALL.to_vec(),
        today: drc::date(2026, 11, 24),
        deny_warnings: false,
        set: std::collections::BTreeMap::new(),
    };
    let example = include_str!("../examples/disaster_recovery.dr");
    let large = generated(55);
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

criterion_group!(benches, bench);
criterion_main!(benches);
