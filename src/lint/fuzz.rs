//! Every parser against hostile input, in the normal `cargo test` run:
//!
//! - each input of [`adversarial::inputs`] at 1 MB finishes under a generous hang guard
//!   ([`BOUND`]; the parsers are linear, so it takes a fraction of that even in a debug build:
//!   see `cargo bench --bench parsers`);
//! - a fixed number of random mutations of the corpus in `tests/fixtures/fuzz/<parser>/`
//!   (seeded, so a failure repeats), each under the same guard, and none produces more than
//!   its input plus the expansion budget.
//!
//! A case that panics, overflows the stack, runs past the guard or grows past the bound fails
//! the test, which names the case (and writes its input to `target/fuzz-failure-<parser>`).

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use super::adversarial::{self, Parser};
use crate::formats::dotenv::MAX_EXPANSION;

/// The hang guard per case: far above what a linear parser needs for 1 MB in a debug build
/// on a loaded machine, far below what a quadratic one takes.
const BOUND: Duration = Duration::from_secs(15);

/// The size of the adversarial inputs.
const ADVERSARIAL_SIZE: usize = 1024 * 1024;

/// Random mutations per parser.
const CASES: usize = 400;

/// Runs `parser` on each input on its own thread (with the stack lint's workers have) and
/// fails when one panics, takes longer than [`BOUND`] or produces more than it may.
fn run_guarded(parser: Parser, cases: Vec<(String, String)>) {
    let (done, results) = mpsc::channel::<usize>();
    let inputs: Vec<String> = cases.iter().map(|(_, text)| text.clone()).collect();
    let worker = std::thread::Builder::new()
        .name(format!("fuzz-{}", parser.name()))
        .stack_size(16 * 1024 * 1024)
        .spawn(move || {
            for text in inputs {
                let size = parser.run(&text);
                assert!(
                    size <= text.len() + MAX_EXPANSION,
                    "{} bytes of output from {} bytes of input",
                    size,
                    text.len()
                );
                if done.send(size).is_err() {
                    return;
                }
            }
        })
        .expect("spawn the fuzz worker");
    for (what, text) in &cases {
        if results.recv_timeout(BOUND).is_err() {
            let path = failure_path(parser);
            let _ = std::fs::write(&path, text);
            if worker.is_finished() {
                let _ = worker.join();
                panic!(
                    "{} failed on {what} (input in {})",
                    parser.name(),
                    path.display()
                );
            }
            panic!(
                "{} took more than {BOUND:?} on {what} (input in {})",
                parser.name(),
                path.display()
            );
        }
    }
    worker.join().expect("the worker finished");
}

fn failure_path(parser: Parser) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("fuzz-failure-{}", parser.name()))
}

fn adversarial(parser: Parser) {
    let cases = adversarial::inputs(parser, ADVERSARIAL_SIZE)
        .into_iter()
        .map(|(what, text)| (format!("`{what}` ({} bytes)", text.len()), text))
        .collect();
    run_guarded(parser, cases);
}

/// The corpus of `parser`: every file in `tests/fixtures/fuzz/<name>/`, sorted.
fn corpus(parser: Parser) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(parser.name());
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    assert!(!texts.is_empty(), "{}: empty corpus", dir.display());
    texts
}

/// Text that matters to the parsers, inserted by mutations.
const TOKENS: &[&str] = &[
    "$",
    "${",
    "}",
    "$(",
    ")",
    "(",
    "\\",
    "\"",
    "'",
    "#",
    " ",
    "\t",
    "\n",
    "\r\n",
    "=",
    ":",
    "-",
    "${A}",
    "${A:-x}",
    "$A",
    "%",
    "%2F",
    "@",
    "/",
    "?",
    "&",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    "=>",
    "<?php ",
    "return [",
    "env('A', ",
    "'a' . ",
    "failover(",
    "roundrobin(",
    "smtp://u:p@h:587",
    "%env(A)%",
    "&x ",
    "*x",
    "<<: ",
    "- ",
    "  ",
    "|",
    ">",
    "!",
    "é",
    "\u{feff}",
    "\0",
];

/// `seed`'s random mutation of a corpus entry: inserted tokens, deleted, repeated and spliced
/// ranges.
fn mutate(rng: &mut fastrand::Rng, corpus: &[String]) -> String {
    let mut text: Vec<char> = corpus[rng.usize(..corpus.len())].chars().collect();
    for _ in 0..rng.usize(1..8) {
        let at = rng.usize(..=text.len());
        match rng.u8(..5) {
            0 | 1 => {
                let token = TOKENS[rng.usize(..TOKENS.len())];
                for _ in 0..rng.usize(1..4) {
                    text.splice(at..at, token.chars());
                }
            }
            2 => {
                let end = (at + rng.usize(..16)).min(text.len());
                text.drain(at..end);
            }
            3 => {
                let end = (at + rng.usize(..32)).min(text.len());
                let piece: Vec<char> = text[at..end].to_vec();
                for _ in 0..rng.usize(1..6) {
                    text.splice(at..at, piece.iter().copied());
                }
            }
            _ => {
                let other: Vec<char> = corpus[rng.usize(..corpus.len())].chars().collect();
                let from = rng.usize(..=other.len());
                let end = (from + rng.usize(..64)).min(other.len());
                text.splice(at..at, other[from..end].iter().copied());
            }
        }
    }
    text.into_iter().collect()
}

fn fuzz(parser: Parser, seed: u64) {
    let corpus = corpus(parser);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut cases: Vec<(String, String)> = corpus
        .iter()
        .enumerate()
        .map(|(i, text)| (format!("corpus entry {i}"), text.clone()))
        .collect();
    for i in 0..CASES {
        cases.push((
            format!("mutation {i} of seed {seed:#x}"),
            mutate(&mut rng, &corpus),
        ));
    }
    run_guarded(parser, cases);
}

#[test]
fn phpdotenv_is_linear_on_hostile_input() {
    adversarial(Parser::Phpdotenv);
}

#[test]
fn symfony_dotenv_is_linear_on_hostile_input() {
    adversarial(Parser::SymfonyDotenv);
}

#[test]
fn dsn_is_linear_on_hostile_input() {
    adversarial(Parser::Dsn);
}

#[test]
fn yaml_is_linear_on_hostile_input() {
    adversarial(Parser::Yaml);
}

#[test]
fn php_is_linear_on_hostile_input() {
    adversarial(Parser::Php);
}

#[test]
fn fuzz_phpdotenv() {
    fuzz(Parser::Phpdotenv, 0x5e5f_0001);
}

#[test]
fn fuzz_symfony_dotenv() {
    fuzz(Parser::SymfonyDotenv, 0x5e5f_0002);
}

#[test]
fn fuzz_dsn() {
    fuzz(Parser::Dsn, 0x5e5f_0003);
}

#[test]
fn fuzz_yaml() {
    fuzz(Parser::Yaml, 0x5e5f_0004);
}

#[test]
fn fuzz_php() {
    fuzz(Parser::Php, 0x5e5f_0005);
}
