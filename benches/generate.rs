//! How long the main jobs take: loading a spec, compiling it (Terraform and Pulumi), printing,
//! diffing against a generated directory. `cargo bench` (numbers in the README are from a
//! 2-core machine).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn benches(c: &mut Criterion) {
    let spec = example("platform.yaml");
    let text = std::fs::read_to_string(&spec).expect("example spec");
    c.bench_function("load platform.yaml", |b| {
        b.iter(|| {
            iacgen::spec::load_str(
                black_box(&text),
                iacgen::spec::Format::Yaml,
                "platform.yaml",
            )
        })
    });

    let platform = iacgen::spec::load_file(&spec).expect("valid example");
    c.bench_function("render platform.yaml (validate + compile)", |b| {
        b.iter(|| iacgen::render(black_box(&platform)))
    });

    c.bench_function("load + render platform.yaml", |b| {
        b.iter(|| {
            let p = iacgen::spec::load_str(&text, iacgen::spec::Format::Yaml, "platform.yaml")
                .expect("valid");
            iacgen::render(&p)
        })
    });

    c.bench_function("render platform.yaml as a Pulumi project", |b| {
        b.iter(|| iacgen::render_pulumi(black_box(&platform)))
    });

    let tree = iacgen::render(&platform).expect("renders");
    let dir = tempfile::tempdir().expect("temp dir");
    iacgen::output::generate(&tree, dir.path(), false).expect("writes");
    c.bench_function("diff against an up-to-date directory", |b| {
        b.iter(|| iacgen::output::changes(black_box(&tree), dir.path()))
    });
}

criterion_group!(generate, benches);
criterion_main!(generate);
