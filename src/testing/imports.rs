//! The direction of imports, checked: a test reads every file under `src/` and fails on a
//! `crate::` path that points the wrong way, so the layering holds without anyone remembering
//! it. Data flows request → resolve → select → fetch → verify → unpack → activate (store) →
//! record; the pure steps import nothing that does I/O, the HTTP client knows nothing of the
//! printer, settings or catalog, and only `main` knows the commands. And the modules form
//! layers, not circles: the groups `main.rs` lists, each importing only from itself and the
//! groups before it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module paths (as `a::b`) no module under `from` may import, except the listed exceptions.
struct Rule {
    from: &'static [&'static str],
    forbidden: &'static [&'static str],
    except: &'static [&'static str],
    why: &'static str,
}

/// Everything that touches the network, the disk or the terminal, or sits above the pipeline.
const IO_AND_ABOVE: &[&str] = &[
    "fetch",
    "store",
    "install",
    "resolve",
    "unpack",
    "output",
    "settings",
    "context",
    "commands",
    "self_update",
    "platform::host",
    "paths",
];

const RULES: &[Rule] = &[
    Rule {
        from: &[
            "select",
            "verify",
            "request",
            "catalog",
            "platform::words",
            "store::record",
            "redact",
            "units",
            "version",
        ],
        forbidden: IO_AND_ABOVE,
        // Plain data and pure tables that live beside the code that uses them.
        except: &["store::record"],
        why: "the pure steps do no I/O",
    },
    Rule {
        from: &["platform"],
        forbidden: IO_AND_ABOVE,
        except: &["platform::host"],
        why: "the platform model is pure (host detection lives in platform::host)",
    },
    Rule {
        from: &["fetch"],
        forbidden: &[
            "output",
            "settings",
            "catalog",
            "context",
            "commands",
            "install",
            "store",
            "resolve",
            "unpack",
            "self_update",
        ],
        except: &[],
        why: "the HTTP client reports through its own Progress trait and takes plain values",
    },
    Rule {
        from: &["output"],
        forbidden: &[
            "settings", "context", "commands", "install", "store", "resolve",
        ],
        except: &[],
        why: "the printer is built from output settings alone",
    },
    Rule {
        from: &["store", "unpack"],
        forbidden: &[
            "fetch",
            "resolve",
            "install",
            "output",
            "settings",
            "context",
            "commands",
            "self_update",
        ],
        except: &[],
        why: "unpacking and the store know nothing of where bytes come from or who prints",
    },
    Rule {
        from: &["store"],
        forbidden: &["unpack"],
        except: &[],
        why: "the store moves verified directories; unpacking is done before",
    },
    Rule {
        from: &[
            "catalog",
            "fetch",
            "install",
            "output",
            "platform",
            "request",
            "resolve",
            "select",
            "self_update",
            "store",
            "unpack",
            "verify",
            "context",
            "settings",
            "error",
            "paths",
            "units",
            "version",
        ],
        forbidden: &["commands", "cli"],
        except: &[],
        why: "only main and the commands know the command line",
    },
    Rule {
        from: &[
            "catalog",
            "fetch",
            "install",
            "output",
            "platform",
            "request",
            "resolve",
            "select",
            "self_update",
            "settings",
            "store",
            "unpack",
            "verify",
            "error",
            "paths",
        ],
        forbidden: &["context"],
        except: &[],
        why: "the context is built for commands; the layers below take plain values",
    },
];

/// The top-level modules in the groups `main.rs` lists: a module imports only from its own
/// group and the groups before it.
const GROUPS: &[&[&str]] = &[
    &[
        "error", "format", "names", "paths", "platform", "redact", "stopping", "units", "version",
    ],
    &[
        "catalog", "fetch", "request", "resolve", "select", "store", "unpack", "verify",
    ],
    &["output", "settings"],
    &["install", "project", "self_update"],
    &["cli", "commands", "context"],
];

fn group_of(module: &str) -> Option<usize> {
    GROUPS.iter().position(|group| group.contains(&module))
}

/// `src/a/b.rs` → `a::b`; `src/a/mod.rs` → `a`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "main") {
        parts.pop();
    }
    parts.join("::")
}

fn within(module: &str, prefix: &str) -> bool {
    module == prefix || module.starts_with(&format!("{prefix}::"))
}

/// Every `crate::…` path in the code (comments left out), as `a::b::c`: a grouped import
/// (`crate::{a, b::{c, d}}`, over several lines) gives each of its paths.
fn imports(text: &str) -> Vec<String> {
    let code: Vec<&str> = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect();
    let code = code.join("\n");
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = use_tree("", &rest[at + "crate::".len()..], &mut out);
    }
    out
}

/// One use tree at the start of `text` (`a::b`, `a::{b, c::d}`, `a::B as C`): its paths,
/// after `prefix`, go to `out`. Returns the text after it.
fn use_tree<'t>(prefix: &str, text: &'t str, out: &mut Vec<String>) -> &'t str {
    let text = text.trim_start();
    let len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    let (path, rest) = text.split_at(len);
    let full = format!("{prefix}{path}");
    if (path.is_empty() || path.ends_with("::")) && rest.starts_with('{') {
        let mut rest = &rest[1..];
        loop {
            rest = use_tree(&full, rest, out).trim_start();
            if let Some(renamed) = rest.strip_prefix("as ") {
                rest = renamed.trim_start_matches(|c: char| c != ',' && c != '}');
            }
            match rest.chars().next() {
                Some(',') => rest = &rest[1..],
                Some('}') => return &rest[1..],
                _ => return rest,
            }
        }
    }
    let full = full.trim_end_matches(':');
    let full = full.strip_suffix("::self").unwrap_or(full);
    if !full.is_empty() {
        out.push(full.to_owned());
    }
    rest
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each source file's module and its code, test code left out.
fn sources() -> Vec<(PathBuf, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut out = Vec::new();
    for file in all {
        let module = module_of(&src, &file);
        // Test-only modules may reach anywhere.
        if within(&module, "testing") || file.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source is readable");
        // A file's own unit tests may use anything.
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or(&text)
            .to_owned();
        let shown = file.strip_prefix(&src).unwrap_or(&file).to_path_buf();
        out.push((shown, module, code));
    }
    out
}

#[test]
fn grouped_and_nested_imports_are_all_seen() {
    let code = "use crate::{fetch, store::{self, record::Record as R}};\nuse crate::a::b;\n\
                let x = crate::c::d(1); // crate::comment::not\n";
    assert_eq!(
        imports(code),
        ["fetch", "store", "store::record::Record", "a::b", "c::d"]
    );
}

#[test]
fn imports_point_one_way() {
    let mut wrong = Vec::new();
    for (file, module, code) in sources() {
        for import in imports(&code) {
            for rule in RULES {
                let applies = rule.from.iter().any(|f| within(&module, f));
                let forbidden = rule.forbidden.iter().any(|f| within(&import, f))
                    && !rule.except.iter().any(|e| within(&import, e))
                    && !within(&import, &module);
                if applies && forbidden {
                    wrong.push(format!(
                        "{}: `crate::{import}` ({})",
                        file.display(),
                        rule.why
                    ));
                }
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "imports that point the wrong way:\n{}",
        wrong.join("\n")
    );
}

/// A circle in `graph`, as the modules around it, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn modules_form_layers_not_circles() {
    // The top-level modules, and which of the others each one's code names.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, module, code) in sources() {
        let top = |path: &str| path.split("::").next().unwrap_or(path).to_owned();
        let from = top(&module);
        // `main` is the root: it may use any module.
        if from.is_empty() {
            continue;
        }
        for import in imports(&code) {
            let to = top(&import);
            if to != from && !to.is_empty() && to != "testing" {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    assert!(
        graph.contains_key("install"),
        "the graph was read: {graph:?}"
    );
    if let Some(found) = circle(&graph) {
        panic!(
            "modules that import each other in a circle: {}",
            found.join(" → ")
        );
    }
    // And the groups of `main.rs` are layers: nothing imports from a later group.
    let mut wrong = Vec::new();
    for (from, imports) in &graph {
        let Some(own) = group_of(from) else {
            wrong.push(format!(
                "`{from}` is in no group of main.rs (and GROUPS here)"
            ));
            continue;
        };
        for to in imports {
            match group_of(to) {
                Some(group) if group <= own => {}
                Some(_) => wrong.push(format!("`{from}` imports `{to}`, from a later group")),
                None => wrong.push(format!(
                    "`{to}` is in no group of main.rs (and GROUPS here)"
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_circle_finder_finds_circles() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry((*a).to_owned())
                .or_default()
                .insert((*b).to_owned());
        }
        g
    };
    assert_eq!(
        circle(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("a", "d")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(circle(&graph(&[("a", "b"), ("a", "c"), ("b", "c")])), None);
}

#[test]
fn the_checker_sees_paths() {
    assert_eq!(
        imports(
            "use crate::fetch::{Http, Progress}; // crate::output\nlet x = crate::paths::canonical(p);"
        ),
        vec!["fetch::Http", "fetch::Progress", "paths::canonical"]
    );
    let src = Path::new("/r/src");
    assert_eq!(module_of(src, Path::new("/r/src/fetch/mod.rs")), "fetch");
    assert_eq!(
        module_of(src, Path::new("/r/src/unpack/format.rs")),
        "unpack::format"
    );
    assert!(within("unpack::format", "unpack") && !within("unpacker", "unpack"));
}
