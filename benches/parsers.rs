//! `cargo bench --bench parsers`: the time each lint parser takes on hostile inputs of
//! growing size (`src/lint/adversarial.rs`), to show it grows linearly: at 4x the input a
//! linear parser takes about 4x the time, a quadratic one 16x.
//!
//! `SESFORM_BENCH_SIZES` (bytes, comma-separated; default `262144,1048576`) sets the sizes.
//! `SESFORM_BENCH_PARSERS` (names, comma-separated, e.g. `php,dsn`) picks parsers.
//! `cargo bench --bench parsers --profile dev` measures a debug build (no release build).

use std::time::{Duration, Instant};

use sesform::lint::adversarial::{self, Parser};

fn main() {
    let sizes: Vec<usize> = std::env::var("SESFORM_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![256 * 1024, 1024 * 1024]);
    let header: Vec<String> = sizes.iter().map(|s| format!("{} KiB", s / 1024)).collect();
    println!(
        "{:<16} {:<24} {} growth",
        "parser",
        "input",
        header
            .iter()
            .map(|h| format!("{h:>12}"))
            .collect::<String>()
    );
    let only = std::env::var("SESFORM_BENCH_PARSERS").unwrap_or_default();
    let mut worst = 0.0f64;
    for parser in Parser::ALL {
        if !only.is_empty() && !only.split(',').any(|p| p.trim() == parser.name()) {
            continue;
        }
        let cases = adversarial::inputs(parser, sizes[0]).len();
        for case in 0..cases {
            let mut times = Vec::new();
            let mut what = "";
            for &size in &sizes {
                let (name, text) = adversarial::inputs(parser, size).swap_remove(case);
                what = name;
                times.push(time(|| {
                    std::hint::black_box(parser.run(&text));
                }));
            }
            let growth = growth(&sizes, &times);
            worst = worst.max(growth);
            println!(
                "{:<16} {:<24} {} {:>6.2}",
                parser.name(),
                what,
                times
                    .iter()
                    .map(|t| format!("{:>9.1} ms", t.as_secs_f64() * 1000.0))
                    .collect::<String>(),
                growth
            );
        }
    }
    println!(
        "growth: time ratio divided by size ratio, first to last size (1 = linear); worst {worst:.2}"
    );
}

/// The best of three runs.
fn time(mut f: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .expect("three runs")
}

fn growth(sizes: &[usize], times: &[Duration]) -> f64 {
    let (first, last) = (times[0].as_secs_f64(), times[times.len() - 1].as_secs_f64());
    if sizes.len() < 2 || first < 1e-4 {
        return 1.0;
    }
    (last / first) / (sizes[sizes.len() - 1] as f64 / sizes[0] as f64)
}
