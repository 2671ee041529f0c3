//! The layering of `docs/ARCHITECTURE.md`, checked on the sources: every
//! reference from one top-level module of `src/` to another must be one the
//! layering allows, and the modules must form no cycle. A new import that
//! breaks the layering fails here, naming the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each top-level module may use, besides itself. The bottom layer (error,
/// guard, text, geometry, imaging, result, assets) is open to all above it.
fn allowed(module: &str) -> Option<&'static [&'static str]> {
    const BOTTOM: &[&str] = &[
        "error", "guard", "text", "clock", "geometry", "imaging", "result", "assets",
    ];
    Some(match module {
        "error" | "guard" | "text" | "clock" | "geometry" => &[],
        "assets" => &["error"],
        "imaging" => &["geometry"],
        "result" => &["geometry", "text"],
        // Opening a file runs no model; the engine knows no analysis; analyses take
        // lines, not files.
        "document" | "ocr" | "analysis" => BOTTOM,
        // Exporters write the result model.
        "export" => &["result", "geometry", "text", "clock"],
        // Composes the stages, and the writers that need more than the results
        // (a searchable PDF takes the page images again).
        "pipeline" => &[
            "error", "guard", "text", "clock", "geometry", "imaging", "result", "assets", "document", "ocr",
            "analysis", "export",
        ],
        "eval" => &[
            "error", "guard", "text", "clock", "geometry", "imaging", "result", "assets", "document", "ocr",
            "analysis", "export", "pipeline",
        ],
        "app" => &[
            "error", "guard", "text", "clock", "geometry", "imaging", "result", "assets", "document", "ocr",
            "analysis", "export", "pipeline",
        ],
        // `ocrdesk serve`: requests read by the pipeline, answered from the result model.
        "serve" => &[
            "error", "guard", "text", "clock", "geometry", "imaging", "result", "assets", "document", "ocr",
            "analysis", "export", "pipeline",
        ],
        // `--debug-dir`: writes the engine's stage trace of a page the pipeline read.
        "debug_dir" => &[
            "error", "guard", "text", "clock", "geometry", "imaging", "result", "assets", "ocr", "pipeline",
        ],
        _ => return None,
    })
}

/// The top-level module a source file belongs to (`src/ocr/detect.rs` → `ocr`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_owned())
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Every `crate::NAME` in a line of code (comments included: a doc link is a use too).
fn references(line: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        // `ocrdesk::crate::` never happens; `$crate::` in macros is not a module.
        if !rest[..at].ends_with('$') && end > 0 {
            found.push(&after[..end]);
        }
        rest = &after[end..];
    }
    found
}

#[test]
fn modules_use_only_what_the_layering_allows_and_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut forbidden = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else { continue };
        // The binary (`main.rs`, its `cli.rs` and `about.rs`) sits on top of everything and
        // names the library `ocrdesk::`.
        if module == "main" || module == "cli" || module == "about" || module == "lib" {
            continue;
        }
        let allowed = allowed(&module).unwrap_or_else(|| {
            panic!(
                "{}: module `{module}` is not in the layering; add it here and to docs/ARCHITECTURE.md",
                file.display()
            )
        });
        let text = std::fs::read_to_string(file).expect("source is readable");
        for (number, line) in text.lines().enumerate() {
            for target in references(line) {
                if target == module || target == "self" || target == "super" {
                    continue;
                }
                graph.entry(module.clone()).or_default().insert(target.to_owned());
                if !allowed.contains(&target) {
                    forbidden.push(format!(
                        "{}:{}: {module} → {target}: {}",
                        file.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        forbidden.is_empty(),
        "imports the layering forbids:\n{}",
        forbidden.join("\n")
    );
    // No cycle: repeatedly take away modules that use no module still left.
    let mut left: BTreeMap<String, BTreeSet<String>> = graph.clone();
    loop {
        let free: Vec<String> = left
            .iter()
            .filter(|(_, uses)| uses.iter().all(|u| !left.contains_key(u)))
            .map(|(m, _)| m.clone())
            .collect();
        if free.is_empty() {
            break;
        }
        for m in free {
            left.remove(&m);
        }
    }
    assert!(
        left.is_empty(),
        "modules in a cycle: {:?}",
        left.keys().collect::<Vec<_>>()
    );
    eprintln!(
        "layering: {} modules, {} edges, no forbidden import, no cycle",
        graph.len(),
        graph.values().map(BTreeSet::len).sum::<usize>()
    );
}

#[test]
fn references_are_found_in_code_and_doc_links() {
    assert_eq!(references("use crate::geometry::{Point, Quad};"), ["geometry"]);
    assert_eq!(
        references("let x = crate::imaging::turn(a, crate::ocr::X);"),
        ["imaging", "ocr"]
    );
    assert_eq!(references("/// see [`crate::result::Page`]"), ["result"]);
    assert_eq!(references("macro: $crate::foo"), Vec::<&str>::new());
}

/// Most lines in one source file: past it a file holds more than one idea.
const MAX_FILE_LINES: usize = 600;
/// Most lines in `main.rs`: it parses arguments and dispatches, nothing more.
const MAX_MAIN_LINES: usize = 300;
/// Most lines in one function, signature to closing brace.
const MAX_FN_LINES: usize = 100;

/// The functions of a rustfmt-formatted file and their lengths: from a line that
/// declares `fn` to the first line after it that is the closing brace at the
/// same indentation. Declarations without a body (trait items) are skipped.
fn function_lengths(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let Some(at) = code.find("fn ") else { continue };
        let before = &code[..at];
        let is_declaration = before
            .split_whitespace()
            .all(|w| matches!(w, "pub" | "const" | "async" | "unsafe" | "extern") || w.starts_with("pub("));
        if !is_declaration || code.starts_with("//") {
            continue;
        }
        let name: String = code[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let indent = &line[..line.len() - code.len()];
        let closing = format!("{indent}}}");
        let body_opens = lines[start..]
            .iter()
            .position(|l| l.trim_end().ends_with('{') || l.trim_end().ends_with(';'));
        if body_opens.is_some_and(|o| lines[start + o].trim_end().ends_with(';')) {
            continue;
        }
        if code.trim_end().ends_with('}') {
            found.push((start + 1, name, 1));
            continue;
        }
        if let Some(end) = lines[start + 1..].iter().position(|l| l.trim_end() == closing) {
            found.push((start + 1, name, end + 2));
        }
    }
    found
}

#[test]
fn files_and_functions_stay_small() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut too_big = Vec::new();
    let (mut longest_file, mut longest_fn) = ((0, String::new()), (0, String::new()));
    for file in &files {
        let text = std::fs::read_to_string(file).expect("source is readable");
        let lines = text.lines().count();
        let limit = if file.ends_with("main.rs") {
            MAX_MAIN_LINES
        } else {
            MAX_FILE_LINES
        };
        if lines > limit {
            too_big.push(format!("{}: {lines} lines (at most {limit})", file.display()));
        }
        if file.ends_with("main.rs") {
            println!("main.rs: {lines} lines");
        }
        longest_file = longest_file.max((lines, file.display().to_string()));
        for (at, name, length) in function_lengths(&text) {
            if length > MAX_FN_LINES {
                too_big.push(format!(
                    "{}:{at}: fn {name} is {length} lines (at most {MAX_FN_LINES})",
                    file.display()
                ));
            }
            longest_fn = longest_fn.max((length, format!("{}:{at} {name}", file.display())));
        }
    }
    println!("longest file: {} ({} lines)", longest_file.1, longest_file.0);
    println!("longest function: {} ({} lines)", longest_fn.1, longest_fn.0);
    assert!(too_big.is_empty(), "too big:\n{}", too_big.join("\n"));
}

#[test]
fn function_lengths_are_counted_to_the_closing_brace() {
    let text = "fn a() {\n    let x = '{';\n}\n\nimpl T {\n    pub(crate) fn b(\n        x: u8,\n    ) -> u8 {\n        x\n    }\n    fn c(&self);\n}\n";
    let found: Vec<(String, usize)> = function_lengths(text).into_iter().map(|(_, n, l)| (n, l)).collect();
    assert_eq!(found, [("a".to_owned(), 3), ("b".to_owned(), 5)]);
}
