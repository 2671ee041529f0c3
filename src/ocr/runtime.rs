//! The one ONNX Runtime environment of the process.
//!
//! ONNX Runtime is loaded at run time from the library the asset script unpacks
//! (`ort`'s `load-dynamic`); `ort` allows a single environment per process, ever,
//! so it lives in a `OnceLock` shared by every model, test and thread.

use std::sync::OnceLock;

use ort::environment::Environment;

use crate::assets;
use crate::error::OcrError;

static ENVIRONMENT: OnceLock<Result<Environment, String>> = OnceLock::new();

/// The process-wide environment, created on first use.
pub fn environment() -> Result<&'static Environment, OcrError> {
    let result = ENVIRONMENT.get_or_init(|| {
        let path = assets::onnxruntime_library().map_err(|e| e.to_string())?;
        let builder = ort::init_from(&path).map_err(|e| {
            OcrError::RuntimeLoad {
                path: path.clone(),
                message: e.to_string(),
            }
            .to_string()
        })?;
        builder.with_name("ocrdesk").build().map_err(|e| {
            OcrError::RuntimeLoad {
                path,
                message: e.to_string(),
            }
            .to_string()
        })
    });
    // The first failure is kept as its full message and returned as it is ever after.
    result
        .as_ref()
        .map_err(|message| OcrError::RuntimeUnavailable(message.clone()))
}
