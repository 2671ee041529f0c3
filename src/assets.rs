//! Finding the models and native libraries at run time.
//!
//! Looked up, in order: an environment override; a folder next to the
//! executable (an installed copy); the checkout the binary was built from
//! (`target/release/ocrdesk` and `cargo run`). The asset script
//! `packaging/fetch_assets.py` fills `models/` and `runtime/` in the checkout.

use std::path::{Path, PathBuf};

use crate::error::OcrError;

pub const DETECTION_MODEL: &str = "PP-OCRv6_det_small.onnx";
pub const RECOGNITION_MODEL: &str = "PP-OCRv6_rec_small.onnx";
pub const ORIENTATION_MODEL: &str = "ch_ppocr_mobile_v2.0_cls_mobile.onnx";
pub const ONNXRUNTIME_LIBRARY: &str = "libonnxruntime.so.1.31.1";
pub const PDFIUM_LIBRARY: &str = "libpdfium.so";

/// Folder holding the three ONNX models.
pub const MODELS_DIR_ENV: &str = "OCRDESK_MODELS_DIR";
/// Folder holding the native libraries.
pub const RUNTIME_DIR_ENV: &str = "OCRDESK_RUNTIME_DIR";
/// The ONNX Runtime library itself (the variable `ort` uses).
pub const ORT_DYLIB_ENV: &str = "ORT_DYLIB_PATH";

/// Folders that may hold `models/` and `runtime/`, best first.
fn roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        let exe = exe.canonicalize().unwrap_or(exe);
        let mut dir = exe.parent().map(Path::to_path_buf);
        // The executable's folder and up to three parents: covers an installed
        // layout and target/{release,debug}/{,deps/} inside a checkout.
        for _ in 0..4 {
            let Some(d) = dir else { break };
            roots.push(d.clone());
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    roots.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    roots
}

fn find(file: &str, sub: &str, env_dir: &'static str, what: &str) -> Result<PathBuf, OcrError> {
    let mut searched = Vec::new();
    if let Some(dir) = std::env::var_os(env_dir) {
        let p = PathBuf::from(dir).join(file);
        if p.is_file() {
            return Ok(p);
        }
        searched.push(p);
    } else {
        for root in roots() {
            let p = root.join(sub).join(file);
            if p.is_file() {
                return Ok(p);
            }
            searched.push(p);
        }
    }
    Err(OcrError::AssetMissing {
        what: what.to_owned(),
        searched: searched
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        env_var: env_dir,
    })
}

/// Path of one of the ONNX models.
pub fn model(file: &str) -> Result<PathBuf, OcrError> {
    find(file, "models", MODELS_DIR_ENV, &format!("model {file}"))
}

/// Path of the ONNX Runtime shared library.
pub fn onnxruntime_library() -> Result<PathBuf, OcrError> {
    if let Some(p) = std::env::var_os(ORT_DYLIB_ENV) {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Ok(p);
        }
        return Err(OcrError::AssetMissing {
            what: "ONNX Runtime library".into(),
            searched: p.display().to_string(),
            env_var: ORT_DYLIB_ENV,
        });
    }
    find(ONNXRUNTIME_LIBRARY, "runtime", RUNTIME_DIR_ENV, "ONNX Runtime library")
}

/// Path of the PDFium shared library.
pub fn pdfium_library() -> Result<PathBuf, OcrError> {
    find(PDFIUM_LIBRARY, "runtime", RUNTIME_DIR_ENV, "PDFium library")
}
