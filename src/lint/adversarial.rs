//! Hostile inputs for every lint parser, and a way to run each parser on text.
//!
//! lint runs on pull requests, so its input is untrusted: each parser must take time linear
//! in its input, or bounded. `benches/parsers.rs` times these inputs at growing sizes; the
//! tests run each at 1 MB under a generous hang guard and feed the parsers random mutations
//! of the corpus in `tests/fixtures/fuzz/<parser>/`.

use std::collections::HashMap;

use super::env::Env;
use crate::formats::dotenv::{self, Budget, Scope};

/// The parsers lint runs on file contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parser {
    /// vlucas/phpdotenv (Laravel), v5 and v3.
    Phpdotenv,
    /// symfony/dotenv.
    SymfonyDotenv,
    /// Symfony mailer DSNs (`Dsn::fromString`, `failover(...)`, the credentials).
    Dsn,
    /// Symfony's `config/packages/*.yaml`.
    Yaml,
    /// Laravel's `config/*.php` and Symfony's `.env.local.php`.
    Php,
}

impl Parser {
    pub const ALL: [Parser; 5] = [
        Parser::Phpdotenv,
        Parser::SymfonyDotenv,
        Parser::Dsn,
        Parser::Yaml,
        Parser::Php,
    ];

    /// The directory name of its corpus (`tests/fixtures/fuzz/<name>/`).
    pub fn name(self) -> &'static str {
        match self {
            Parser::Phpdotenv => "phpdotenv",
            Parser::SymfonyDotenv => "symfony-dotenv",
            Parser::Dsn => "dsn",
            Parser::Yaml => "yaml",
            Parser::Php => "php",
        }
    }

    /// Parses `text` the way lint does, and returns the size of what it produced (bytes of
    /// values), so callers can check that output stays bounded.
    pub fn run(self, text: &str) -> usize {
        match self {
            Parser::Phpdotenv | Parser::SymfonyDotenv => {
                let process = HashMap::from([("P".to_string(), "process".to_string())]);
                let earlier = HashMap::new();
                let budget = Budget::default();
                let scope = Scope {
                    process: &process,
                    earlier: &earlier,
                    budget: &budget,
                };
                let size = |entries: Vec<dotenv::Entry>| {
                    entries
                        .iter()
                        .filter_map(|e| e.value.as_ref())
                        .map(|v| v.len())
                        .sum::<usize>()
                };
                if self == Parser::Phpdotenv {
                    let v5 = dotenv::phpdotenv::parse(text, 0, &scope).map_or(0, size);
                    let v3 = dotenv::phpdotenv::parse_as(
                        dotenv::phpdotenv::Version::V3,
                        text,
                        0,
                        &scope,
                    )
                    .map_or(0, size);
                    v5.max(v3)
                } else {
                    dotenv::symfony::parse(text, 0, &scope).map_or(0, size)
                }
            }
            Parser::Dsn => {
                let composite = crate::formats::dsn::split_composite(text);
                let mut size = composite.dsns.len();
                for range in composite.dsns {
                    if let Ok(dsn) = crate::formats::dsn::parse_symfony(&text[range.clone()]) {
                        size += dsn.options.len();
                    }
                    let _ = crate::formats::dsn::intended_userinfo(&text[range]);
                }
                let _ = crate::formats::dsn::parse_symfony(text);
                let _ = crate::formats::dsn::intended_userinfo(text);
                size + crate::formats::url::rawurldecode(text).len()
            }
            Parser::Yaml => crate::formats::yaml::parse(text).map_or(0, |_| text.len()),
            Parser::Php => {
                let config = super::php::eval_config(text, 0, &Env::default()).is_ok();
                let dumped = super::php::eval_env_local_php(text, 0).map_or(0, |entries| {
                    entries
                        .iter()
                        .filter_map(|e| e.value.as_ref())
                        .map(|v| v.len())
                        .sum()
                });
                dumped + usize::from(config)
            }
        }
    }
}

/// `unit` repeated to about `size` bytes, between `head` and `tail`.
fn fill(head: &str, unit: &str, tail: &str, size: usize) -> String {
    let mut s = String::with_capacity(size + head.len() + tail.len());
    s.push_str(head);
    s.push_str(&unit.repeat(size / unit.len().max(1)));
    s.push_str(tail);
    s
}

/// Hostile inputs of about `size` bytes for `parser`: (what, text).
pub fn inputs(parser: Parser, size: usize) -> Vec<(&'static str, String)> {
    match parser {
        Parser::Phpdotenv | Parser::SymfonyDotenv => vec![
            ("run of $", fill("A=", "$", "", size)),
            ("run of \\", fill("A=", "\\", "", size)),
            ("quoted run of $", fill("A=\"", "$", "\"", size)),
            ("quoted run of \\", fill("A=\"", "\\", "\"", size)),
            ("nested ${", fill("A=\"", "${", "\"", size)),
            ("nested $(", fill("A=", "$(", "", size)),
            ("${A} references", fill("A=x\nB=\"", "${A}", "\"", size)),
            ("$A references", fill("A=x\nB=", "$A", "", size)),
            ("unclosed ${A", fill("A=x\nB=\"", "${A", "\"", size)),
            ("doubling lines", doubling(size)),
            ("many lines", fill("", "A=\"x\"\n", "", size)),
            ("multi-line quotes", fill("A=\"", "\n=\"", "\"", size)),
            ("run of #", fill("A=", "#", "", size)),
        ],
        Parser::Dsn => vec![
            ("nested failover(", fill("", "failover(", "", size)),
            ("balanced failover(", balanced_failover(size)),
            (
                "failover( with members",
                fill("", "failover(smtp://a@b ", ")", size),
            ),
            ("run of @", fill("smtp://u:p", "@", "h", size)),
            ("@ and ?a=", fill("smtp://", "?a=@h", "", size)),
            ("run of %", fill("smtp://u:", "%", "@h", size)),
            ("query of a[]=", fill("smtp://u:p@h?", "a[]=1&", "", size)),
            ("run of :", fill("smtp://", ":", "@h", size)),
        ],
        Parser::Yaml => vec![
            ("nested [", fill("a: ", "[", "", size)),
            ("nested {", fill("a: ", "{a: ", "", size)),
            ("long scalar", fill("a: ", "x", "", size)),
            ("many keys", numbered("k", ": v\n", size)),
            ("sequence", fill("a:\n", "  - x\n", "", size)),
            ("anchors", numbered("k", ": &a x\n", size)),
            ("quoted escapes", fill("a: \"", "\\t", "\"", size)),
            ("%env( references", fill("a: '", "%env(A)%", "'", size)),
        ],
        Parser::Php => vec![
            (
                "big array",
                fill("<?php return [", "'a' => env('A', 'b'), ", "];", size),
            ),
            ("distinct keys", {
                let mut s = numbered("'k", "' => 'v', ", size);
                s.insert_str(0, "<?php return [");
                s.push_str("];");
                s
            }),
            ("nested [", fill("<?php return ", "[", "", size)),
            (
                "concatenation",
                fill("<?php return ", "'a' . ", "'a';", size),
            ),
            ("long string", fill("<?php return '", "\\\\", "';", size)),
            ("unclosed strings", fill("<?php return [", "'", "", size)),
            ("nested calls", fill("<?php return ", "env('A', ", "", size)),
            (
                "many statements",
                fill("<?php ", "$a = 'x'; ", "return [];", size),
            ),
            // A sixteenth of the size: tree-sitter's error recovery grows faster than the
            // input on junk (bounded in time by `php::parse`; see docs/lint.md).
            ("garbage", fill("<?php return [", ")]}", "", size / 16)),
        ],
    }
}

/// `PREFIX0SUFFIX`, `PREFIX1SUFFIX`, ... to about `size` bytes.
fn numbered(prefix: &str, suffix: &str, size: usize) -> String {
    let mut s = String::with_capacity(size + 64);
    let mut i = 0;
    while s.len() < size {
        s.push_str(&format!("{prefix}{i}{suffix}"));
        i += 1;
    }
    s
}

/// `failover(failover(...smtp://a@b...))`, balanced.
fn balanced_failover(size: usize) -> String {
    let depth = size / 10;
    let mut s = "failover(".repeat(depth);
    s.push_str("smtp://a@b");
    s.push_str(&")".repeat(depth));
    s
}

/// Doubling lines to about `size` bytes.
fn doubling(size: usize) -> String {
    doubling_lines(size / 16)
}

/// `A0=abcdefghijklmnop` and `lines` lines `A1="${A0}${A0}"`, `A2="${A1}${A1}"`, ...: each
/// doubles the value (16 bytes times 2 to the power of `lines`).
pub fn doubling_lines(lines: usize) -> String {
    let mut s = String::from("A0=abcdefghijklmnop\n");
    for i in 1..=lines {
        s.push_str(&format!("A{i}=\"${{A{p}}}${{A{p}}}\"\n", p = i - 1));
    }
    s
}
