//! Typed errors of the library. Every message names what failed and, where a
//! user can act, what to do.

use std::path::PathBuf;

/// Errors from setting up or running the OCR engine.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error(
        "{what} not found (looked in: {searched}). Fetch the assets with `python3 packaging/fetch_assets.py`, or set {env_var}"
    )]
    AssetMissing {
        what: String,
        searched: String,
        env_var: &'static str,
    },
    #[error(
        "refusing to load ONNX Runtime from {path} with its telemetry on: set ORT_DISABLE_TELEMETRY=1 before the process starts (the ocrdesk program does this itself)"
    )]
    TelemetryOn { path: PathBuf },
    #[error("cannot load ONNX Runtime from {path}: {source}")]
    RuntimeLoad {
        path: PathBuf,
        /// Loading the library or creating the environment failed (two error types of `ort`).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The process-wide runtime failed to start earlier; the message says why.
    #[error("{0}")]
    RuntimeUnavailable(String),
    #[error(
        "cannot load the {model} model from {path}: no such file; fetch it with `python3 packaging/fetch_assets.py`"
    )]
    ModelMissing { model: &'static str, path: PathBuf },
    #[error("cannot load the {model} model from {path}: {source}")]
    ModelLoad {
        model: &'static str,
        path: PathBuf,
        #[source]
        source: ort::Error,
    },
    #[error("the {model} model has no {what} in its metadata")]
    ModelMetadata { model: &'static str, what: String },
    #[error("the {model} model failed on input {shape:?}: {source}")]
    Inference {
        model: &'static str,
        shape: Vec<usize>,
        #[source]
        source: ort::Error,
    },
    #[error("the {model} model returned {shape:?}, expected {expected}")]
    UnexpectedOutput {
        model: &'static str,
        shape: Vec<usize>,
        expected: String,
    },
}

/// Errors from opening a document.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("{path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path}: {width}×{height} px is too large (limit {limit} pixels)")]
    TooLarge {
        path: PathBuf,
        width: u32,
        height: u32,
        limit: u64,
    },
    #[error("{path}: {width}×{height} px is too small to read (each side needs at least {min} px)")]
    TooSmall {
        path: PathBuf,
        width: u32,
        height: u32,
        min: u32,
    },
    #[error("{path}: the file is {bytes} bytes, over the {limit}-byte limit")]
    FileTooLarge { path: PathBuf, bytes: u64, limit: u64 },
    #[error("{path}: {}", if *password_given { "the password is wrong" } else { "the PDF is password-protected; give its password with --password" })]
    Encrypted { path: PathBuf, password_given: bool },
    /// PDFium could not be loaded; PDFs cannot be opened at all.
    #[error("{0}")]
    PdfiumUnavailable(String),
}
