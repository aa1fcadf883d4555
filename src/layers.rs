//! The module graph, checked: which top-level module (`src/*`) uses which, read from the source
//! (`crate::NAME` paths and `use crate::{..}` groups, comments and test modules left out).
//! Arrows point one way, so no two top-level modules may reach each other, and the lower layers
//! never import what is built on them: `model` is the vocabulary everything shares, `aws` only
//! speaks SDK and model.
//!
//! `cargo test --lib layers -- --nocapture` prints the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Modules a module must never import, whether or not that would close a cycle.
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "model",
        &[
            "aws",
            "live",
            "plan",
            "apply",
            "export",
            "cli",
            "lint",
            "spec",
            "resources",
        ],
    ),
    (
        "aws",
        &[
            "live",
            "plan",
            "apply",
            "export",
            "cli",
            "spec",
            "resources",
        ],
    ),
    ("live", &["plan", "apply", "export", "cli", "resources"]),
    ("resources", &["plan", "apply", "export", "cli"]),
    ("plan", &["apply", "export", "cli"]),
];

/// Cycles known and not yet broken, each with why; the check fails on any other, and on one of
/// these once it is gone (so the entry goes too). None left: `spec` checks lint rule names
/// against its own list (`spec::rule_names`), which lint's registry test holds equal.
const KNOWN_CYCLES: &[&[&str]] = &[];

/// Top-level module -> the top-level modules its code names.
pub fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = Vec::new();
    collect(src, &mut files);
    for file in files {
        let relative = file.strip_prefix(src).unwrap_or(&file);
        let mut parts = relative.components();
        let Some(first) = parts.next() else { continue };
        let top = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        // The binaries use the library by its crate name, not `crate::`.
        if matches!(top.as_str(), "lib" | "main" | "bin" | "layers") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let deps = graph.entry(top.clone()).or_default();
        for dep in imports(&text) {
            if dep != top {
                deps.insert(dep);
            }
        }
    }
    // Macros (`crate::spec_path!`) are named like modules: keep only the modules.
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for deps in graph.values_mut() {
        deps.retain(|dep| modules.contains(dep));
    }
    graph
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file's code names, up to its test module.
fn imports(text: &str) -> BTreeSet<String> {
    let code: String = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .map(|line| format!("{line}\n"))
        .collect();
    let mut out = BTreeSet::new();
    for piece in code.split("crate::").skip(1) {
        if let Some(group) = piece.strip_prefix('{') {
            // `use crate::{a, b::{c, d}}`: the names at the group's top level.
            out.extend(group_names(group));
        } else {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// The first path segment of each item of a `{..}` group (the text after the `{`).
fn group_names(group: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    let mut at_start = true;
    for c in group.chars() {
        match c {
            '{' => {
                depth += 1;
                at_start = false;
            }
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if !current.is_empty() {
                    names.push(std::mem::take(&mut current));
                }
                at_start = true;
            }
            c if depth == 0 && at_start && (c.is_alphanumeric() || c == '_') => current.push(c),
            c if depth == 0 && at_start && !current.is_empty() && !c.is_whitespace() => {
                at_start = false
            }
            _ => {}
        }
    }
    if !current.is_empty() {
        names.push(current);
    }
    names.retain(|n| n != "self");
    names
}

/// Groups of modules that reach each other (strongly connected components of more than one).
pub fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reaches = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(module) = todo.pop() {
            for dep in graph.get(&module).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    todo.push(dep.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reaches(m))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for module in graph.keys() {
        let group: Vec<String> = graph
            .keys()
            .filter(|other| {
                *other == module
                    || (reach[module].contains(*other) && reach[other].contains(module))
            })
            .cloned()
            .collect();
        if group.len() > 1 && !out.contains(&group) {
            out.push(group);
        }
    }
    out
}

/// Arrows [`FORBIDDEN`] rules out.
pub fn forbidden(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (module, banned) in FORBIDDEN {
        for dep in graph.get(*module).into_iter().flatten() {
            if banned.contains(&dep.as_str()) {
                out.push(format!("{module} -> {dep}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_modules_form_no_cycle_and_keep_their_layers() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let graph = graph(&src);
        println!("module graph (module -> what it imports):");
        for (module, deps) in &graph {
            let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
            println!("  {module:<12} -> {}", deps.join(", "));
        }
        let cycles = cycles(&graph);
        let forbidden = forbidden(&graph);
        assert!(forbidden.is_empty(), "forbidden arrows: {forbidden:?}");
        assert_eq!(
            cycles, KNOWN_CYCLES,
            "cycles between top-level modules (left), known ones (right)"
        );
    }

    #[test]
    fn imports_are_read_from_paths_and_groups_but_not_comments_or_tests() {
        let text = "use crate::model::Tags;\nuse crate::{aws::{self, Clients}, spec};\n// crate::cli\n/// [`crate::lock`]\nfn f() { crate::live::read(); }\n#[cfg(test)]\nmod tests { use crate::plan; }\n";
        let names: Vec<String> = imports(text).into_iter().collect();
        assert_eq!(names, ["aws", "live", "model", "spec"]);
        let mut graph = BTreeMap::new();
        graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
        graph.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
        graph.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
        graph.insert("d".to_string(), BTreeSet::from(["a".to_string()]));
        assert_eq!(cycles(&graph), [["a", "b", "c"]]);
    }
}
