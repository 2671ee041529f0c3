//! OCR Desk: fast, private, offline OCR.
//!
//! Data flows one way: `document` (files → page images) → `ocr` (image → lines)
//! → `analysis` (lines → reading order, fields) → `export` (files). See
//! `docs/ARCHITECTURE.md`.

pub mod analysis;
pub mod app;
pub mod assets;
pub mod clock;
pub mod debug_dir;
pub mod document;
pub mod error;
pub mod eval;
pub mod export;
pub mod geometry;
pub mod guard;
pub mod imaging;
pub mod ocr;
pub mod pipeline;
pub mod result;
pub mod serve;
pub mod text;

pub use error::{DocumentError, OcrError};
pub use ocr::{EngineOptions, MemoryUse, OcrEngine};
pub use result::{Document, Line, Page, TextSource};
