//! From a file path to a [`Document`]: open, read every page, time it.

use std::path::Path;
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
