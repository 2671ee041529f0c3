//! From a file path to a [`Document`]: open, read every page, time it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use crate::document;
use crate::error::{DocumentError, OcrError};
use crate::ocr::OcrEngine;
use crate::result::{Document, Page, TextSource};

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error("{path}: {source}")]
    Ocr { path: String, source: OcrError },
}

/// Opens `path` and reads every page with `engine`.
pub fn read_file(engine: &OcrEngine, path: &Path) -> Result<Document, ReadError> {
    let t = Instant::now();
    let pages = document::open(path)?;
    let decode_ms = t.elapsed().as_secs_f64() * 1000.0 / pages.len().max(1) as f64;
    let mut doc = Document {
        source: path.display().to_string(),
        pages: Vec::with_capacity(pages.len()),
    };
    for page in pages {
        let text = engine.read(&page.image).map_err(|source| ReadError::Ocr {
            path: path.display().to_string(),
            source,
        })?;
        let mut timings = text.timings;
        timings.decode_ms = decode_ms;
        timings.total_ms += decode_ms;
        doc.pages.push(Page {
            index: page.index,
            width: page.image.width(),
            height: page.image.height(),
            direction: 0,
            source: TextSource::Ocr,
            lines: text.lines,
            timings,
        });
    }
    Ok(doc)
}

/// Reads many files on `workers` threads sharing one engine (build it with
/// [`crate::ocr::Parallelism::AcrossPages`] so that each has sessions of its own).
/// `on_result` runs on the calling thread as each file finishes, with the file's
/// index in `paths`; a failed file never stops the others.
pub fn read_files(
    engine: &OcrEngine,
    paths: &[PathBuf],
    workers: usize,
    mut on_result: impl FnMut(usize, Result<Document, ReadError>),
) {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, paths.len().max(1)) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    if tx.send((i, read_file(engine, path))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, result) in rx {
            on_result(i, result);
        }
    });
}
