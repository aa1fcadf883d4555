//! `cargo bench --bench lint`: lints a generated tree of 10,000 apps (copies of the five
//! example apps) and reports files and apps per second on one core and on all cores, then the
//! wall time of one `sesform lint` of one app, process start included.
//!
//! Targets: 1,000+ apps per second per core; one app in under 20 ms.
//! `SESFORM_BENCH_APPS` changes the number of apps.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sesform::lint::{self, Settings, Target};

const EXAMPLES: &[&str] = &["laravel-6", "laravel-9", "laravel-11", "symfony", "clean"];

fn copy_tree(from: &Path, to: &Path, files: &mut usize) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read examples") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target, files);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
            *files += 1;
        }
    }
}

fn generate(root: &Path, apps: usize) -> usize {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files = 0;
    for i in 0..apps {
        let name = EXAMPLES[i % EXAMPLES.len()];
        // 100 apps per directory, as in a monorepo of services.
        let dir = root
            .join(format!("group-{:03}", i / 100))
            .join(format!("{name}-{i:05}"));
        copy_tree(&examples.join(name), &dir, &mut files);
    }
    files
}

fn run(targets: &[Target], threads: usize) -> (Duration, lint::Report) {
    let settings = Settings {
        spec: None,
        env: None,
        flags: lint::config::Flags::default(),
        facts: None,
        process: HashMap::new(),
        threads,
    };
    let start = Instant::now();
    let report = lint::lint(targets, &settings);
    (start.elapsed(), report)
}

fn main() {
    let apps: usize = std::env::var("SESFORM_BENCH_APPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::Builder::new()
        .prefix("sesform-bench-")
        .tempdir()
        .expect("temp dir");
    let written = generate(dir.path(), apps);
    println!(
        "generated {apps} apps ({written} files) in {}",
        dir.path().display()
    );

    let start = Instant::now();
    let roots = lint::discover(&[dir.path().to_path_buf()]).expect("discover");
    let discovery = start.elapsed();
    assert_eq!(roots.len(), apps);
    println!(
        "discovery: {:.0} ms ({:.0} apps/s)",
        discovery.as_secs_f64() * 1e3,
        apps as f64 / discovery.as_secs_f64()
    );
    let targets: Vec<Target> = roots
        .into_iter()
        .map(|root| Target { root, client: None })
        .collect();

    // Warm the page cache, then measure.
    run(&targets, 1);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    for threads in [1, cores] {
        let (elapsed, report) = run(&targets, threads);
        let secs = elapsed.as_secs_f64();
        println!(
            "lint, {threads} thread{}: {:.0} ms, {:.0} apps/s, {:.0} files/s ({} findings)",
            if threads == 1 { "" } else { "s" },
            secs * 1e3,
            apps as f64 / secs,
            report.files as f64 / secs,
            report.diagnostics.len()
        );
        if threads == 1 {
            println!(
                "  per core: {:.0} apps/s (target 1,000+)",
                apps as f64 / secs
            );
        }
    }

    // One app, as a user runs it: process start, spec-less lint, human output.
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_sesform"));
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/laravel-9");
    let mut times: Vec<Duration> = (0..25)
        .map(|_| {
            let start = Instant::now();
            let out = std::process::Command::new(&exe)
                .args(["--color", "never", "lint"])
                .arg(&app)
                .env_clear()
                .output()
                .expect("run sesform");
            assert_eq!(out.status.code(), Some(1));
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "one app, end to end: median {:.1} ms, max {:.1} ms (target < 20 ms)",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}
