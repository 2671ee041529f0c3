//! PDF figures: for each `*.pdf` with `NAME.gt.json` in a folder (default
//! `../shared/eval/pdfs`), where each page's text came from (text layer or OCR),
//! how well it matches the truth (CER and word-F1 against the per-page layer text,
//! or against `reference_text` for scans) and the time per page.
//!
//! `cargo run --release --example pdf_bench -- [DIR]`

use std::path::PathBuf;
use std::time::Instant;

use ocrdesk::document::OpenOptions;
use ocrdesk::eval::{cer, normalize, word_f1};
use ocrdesk::pipeline::read_document;
use ocrdesk::{EngineOptions, OcrEngine, TextSource};

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/eval/pdfs")));
    let engine = OcrEngine::new(EngineOptions::default())?;
    // Bind PDFium before timing anything.
    ocrdesk::document::pdf::pdfium()?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    println!(
        "{:<44} {:>5} {:>10} {:>7} {:>7} {:>9} {:>9}",
        "file", "pages", "source", "CER", "word-F1", "ms/page", "max ms"
    );
    let mut layer_pages = 0usize;
    let mut layer_ms = 0.0f64;
    let mut layer_worst = 0.0f64;
    for path in files {
        let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path.with_extension("gt.json"))?)?;
        let mut page_ms = Vec::new();
        let mut last = Instant::now();
        let result = read_document(&engine, &path, &OpenOptions::default(), |_| {
            page_ms.push(last.elapsed().as_secs_f64() * 1000.0);
            last = Instant::now();
        });
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let doc = match result {
            Ok(doc) => doc,
            Err(e) => {
                println!("{name:<44} error: {e}");
                continue;
            }
        };
        let sources: Vec<TextSource> = doc.pages.iter().map(|p| p.source).collect();
        let source = if sources.iter().all(|s| *s == TextSource::TextLayer) {
            "text-layer"
        } else if sources.iter().all(|s| *s == TextSource::Ocr) {
            "ocr"
        } else {
            "mixed"
        };
        // Truth: per-page text, or one reference text for the whole document.
        let truth_pages: Option<Vec<String>> = truth["pages"]
            .as_array()
            .map(|pages| pages.iter().map(|p| p.as_str().unwrap_or("").to_owned()).collect())
            .or_else(|| truth["reference_text"].as_str().map(|t| vec![t.to_owned()]));
        let (mut cer_sum, mut f1_sum, mut scored) = (0.0, 0.0, 0usize);
        if let Some(truth_pages) = &truth_pages {
            let predicted: Vec<String> = if truth_pages.len() == doc.pages.len() {
                doc.pages.iter().map(|p| p.text()).collect()
            } else {
                vec![doc.pages.iter().map(|p| p.text()).collect::<Vec<_>>().join("\n")]
            };
            let truths: Vec<String> = if truth_pages.len() == predicted.len() {
                truth_pages.clone()
            } else {
                vec![truth_pages.join("\n")]
            };
            for (p, t) in predicted.iter().zip(&truths) {
                let (p, t) = (normalize(p), normalize(t));
                if t.is_empty() && p.is_empty() {
                    continue;
                }
                cer_sum += cer(&p, &t);
                f1_sum += word_f1(&p, &t);
                scored += 1;
            }
        }
        let mean_ms = page_ms.iter().sum::<f64>() / page_ms.len().max(1) as f64;
        let max_ms = page_ms.iter().cloned().fold(0.0, f64::max);
        for (page, &ms) in doc.pages.iter().zip(&page_ms) {
            if page.source == TextSource::TextLayer {
                layer_pages += 1;
                layer_ms += ms;
                layer_worst = layer_worst.max(ms);
            }
        }
        let score = |v: f64| {
            if scored > 0 {
                format!("{:.3}", v / scored as f64)
            } else {
                "-".into()
            }
        };
        println!(
            "{name:<44} {:>5} {source:>10} {:>7} {:>7} {mean_ms:>9.1} {max_ms:>9.1}",
            doc.pages.len(),
            score(cer_sum),
            score(f1_sum)
        );
    }
    if layer_pages > 0 {
        println!(
            "text-layer pages: {layer_pages}, mean {:.1} ms/page, slowest {layer_worst:.1} ms",
            layer_ms / layer_pages as f64
        );
    }
    Ok(())
}
