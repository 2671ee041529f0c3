//! What writing the searchable PDF adds to reading a file, timed inside one
//! process (the models loaded once, before any timing): for each input, the
//! time to read it (`read_document`) and then the time to write its searchable
//! PDF (`pipeline::searchable::searchable_pdf`: picture taken again from the
//! file, encoded, text laid over it). Prints per folder the sum of each and the
//! writer's share of the reading time (the goal: under 5%).
//!
//! `cargo run --release --example pdf_overhead -- DIR|FILE ...`
//! (default: `../shared/eval/{docs,zhdocs}` and `../shared/eval/pdfs/scan_*.pdf`)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ocrdesk::document::OpenOptions;
use ocrdesk::pipeline::read_document;
use ocrdesk::pipeline::searchable::searchable_pdf;
use ocrdesk::{EngineOptions, OcrEngine};

const EXTENSIONS: [&str; 6] = ["png", "jpg", "jpeg", "tif", "tiff", "pdf"];

fn inputs(args: Vec<String>) -> std::io::Result<Vec<PathBuf>> {
    let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval");
    let args: Vec<PathBuf> = match args.is_empty() {
        true => {
            let mut defaults = vec![eval.join("docs"), eval.join("zhdocs")];
            for entry in std::fs::read_dir(eval.join("pdfs"))? {
                let path = entry?.path();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name.starts_with("scan_") && name.ends_with(".pdf") {
                    defaults.push(path);
                }
            }
            defaults
        }
        false => args.into_iter().map(PathBuf::from).collect(),
    };
    let mut files = Vec::new();
    for arg in args {
        if arg.is_dir() {
            for entry in std::fs::read_dir(&arg)? {
                let path = entry?.path();
                let known = path
                    .extension()
                    .is_some_and(|e| EXTENSIONS.contains(&e.to_string_lossy().to_lowercase().as_str()));
                if known {
                    files.push(path);
                }
            }
        } else {
            files.push(arg);
        }
    }
    files.sort();
    Ok(files)
}

/// The folder a file is counted under, with the prefix of its name (`docs/funsd`).
fn subset(path: &Path) -> String {
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = name.split(['_', '.']).next().unwrap_or_default();
    format!("{folder}/{prefix}")
}

fn main() -> anyhow::Result<()> {
    let files = inputs(std::env::args().skip(1).collect())?;
    let engine = OcrEngine::new(EngineOptions::default())?;
    ocrdesk::document::pdf::pdfium()?;
    let open = OpenOptions::default();
    // subset -> (files, seconds reading, seconds writing the PDF)
    let mut sums: BTreeMap<String, (usize, f64, f64)> = BTreeMap::new();
    for path in &files {
        let start = Instant::now();
        let doc = match read_document(&engine, path, &open, |_| ()) {
            Ok(doc) => doc,
            Err(e) => {
                eprintln!("{}: skipped: {e}", path.display());
                continue;
            }
        };
        let read = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let pdf = searchable_pdf(&[(&doc, open.clone())], "overhead")?;
        let write = start.elapsed().as_secs_f64();
        std::hint::black_box(pdf.bytes.len());
        eprintln!(
            "{}: read {read:.2} s, PDF {write:.3} s ({:+.1}%)",
            path.display(),
            100.0 * write / read
        );
        let entry = sums.entry(subset(path)).or_default();
        *entry = (entry.0 + 1, entry.1 + read, entry.2 + write);
    }
    println!(
        "{:<14} {:>5} {:>10} {:>10} {:>9}",
        "subset", "files", "read s", "PDF s", "PDF/read"
    );
    let mut total = (0, 0.0, 0.0);
    for (name, (n, read, write)) in &sums {
        println!(
            "{name:<14} {n:>5} {read:>10.1} {write:>10.2} {:>8.1}%",
            100.0 * write / read
        );
        total = (total.0 + n, total.1 + read, total.2 + write);
    }
    println!(
        "{:<14} {:>5} {:>10.1} {:>10.2} {:>8.1}%",
        "total",
        total.0,
        total.1,
        total.2,
        100.0 * total.2 / total.1
    );
    println!("goal: writing the PDF adds under 5% to the OCR time of a page");
    Ok(())
}
