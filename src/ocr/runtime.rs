//! The one ONNX Runtime environment of the process.
//!
//! ONNX Runtime is loaded at run time from the library the asset script unpacks
//! (`ort`'s `load-dynamic`); `ort` allows a single environment per process, ever,
//! so it lives in a `OnceLock` shared by every model, test and thread.
//!
//! Privacy: the ONNX Runtime build on PyPI carries Microsoft's telemetry uploader
//! (its threads resolve and contact a Microsoft host, and it keeps a device id and
//! an event cache under `~/.cache`). Switching telemetry off through the API once
//! the environment exists is too late: the uploader starts with the environment.
//! Only the variable [`TELEMETRY_OFF_VARIABLE`], set before the library is loaded,
//! keeps it from starting, so the environment refuses to load without it.
//! `ocrdesk`'s `main` sets it before any thread starts; `.cargo/config.toml` sets
//! it for the tests and examples.

use std::sync::OnceLock;

use ort::environment::Environment;

use crate::assets;
use crate::error::OcrError;

/// ONNX Runtime reads this when its environment is created; a true value keeps
/// its telemetry uploader from ever starting.
pub const TELEMETRY_OFF_VARIABLE: &str = "ORT_DISABLE_TELEMETRY";

static ENVIRONMENT: OnceLock<Result<Environment, String>> = OnceLock::new();

/// The process-wide environment, created on first use.
pub fn environment() -> Result<&'static Environment, OcrError> {
    let result = ENVIRONMENT.get_or_init(|| {
        let path = assets::onnxruntime_library().map_err(|e| e.to_string())?;
        if !telemetry_is_off() {
            return Err(OcrError::TelemetryOn { path }.to_string());
        }
        let builder = ort::init_from(&path).map_err(|source| {
            OcrError::RuntimeLoad {
                path: path.clone(),
                source: source.into(),
            }
            .to_string()
        })?;
        // Belt and braces: the API switch too, for events logged after start-up.
        builder
            .with_name("ocrdesk")
            .with_telemetry(false)
            .build()
            .map_err(|source| {
                OcrError::RuntimeLoad {
                    path,
                    source: source.into(),
                }
                .to_string()
            })
    });
    // The first failure is kept as its full message and returned as it is ever after.
    result
        .as_ref()
        .map_err(|message| OcrError::RuntimeUnavailable(message.clone()))
}

/// Whether [`TELEMETRY_OFF_VARIABLE`] holds a value ONNX Runtime takes as true.
pub fn telemetry_is_off() -> bool {
    std::env::var(TELEMETRY_OFF_VARIABLE).is_ok_and(|v| is_true(&v))
}

/// The spellings of "true" ONNX Runtime accepts for its switches.
fn is_true(value: &str) -> bool {
    ["1", "true", "yes", "on", "y"]
        .iter()
        .any(|t| value.trim().eq_ignore_ascii_case(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_values_onnx_runtime_reads_as_true_count() {
        for v in ["1", "true", "TRUE", "yes", "on", "Y"] {
            assert!(is_true(v), "{v}");
        }
        for v in ["", "0", "false", "off", "disable"] {
            assert!(!is_true(v), "{v}");
        }
    }
}
