//! The three networks behind one small trait, so that everything around them
//! (pre- and post-processing, batching, geometry) can be tested with fakes.

use std::path::Path;
use std::sync::Mutex;

use ndarray::{Array4, ArrayD};
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::TensorRef;

use crate::error::OcrError;

/// A network that maps an `[N, C, H, W]` image batch to one output tensor.
pub trait InferenceModel: Send + Sync {
    fn run(&self, input: &Array4<f32>) -> Result<ArrayD<f32>, OcrError>;
}

/// An ONNX model on an ONNX Runtime session. Sessions are created once and reused;
/// ONNX Runtime runs need exclusive access, hence the mutex.
pub struct OrtModel {
    name: &'static str,
    session: Mutex<Session>,
}

impl OrtModel {
    /// Loads `path` with `threads` intra-op threads.
    pub fn load(name: &'static str, path: &Path, threads: usize) -> Result<Self, OcrError> {
        let env = super::runtime::environment()?;
        let load_err = |message: String| OcrError::ModelLoad {
            model: name,
            path: path.to_owned(),
            message,
        };
        let session = Session::builder(env)
            .map_err(|e| load_err(e.to_string()))?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| load_err(e.to_string()))?
            .with_intra_threads(threads)
            .map_err(|e| load_err(e.to_string()))?
            .with_inter_threads(1)
            .map_err(|e| load_err(e.to_string()))?
            .commit_from_file(path)
            .map_err(|e| load_err(e.to_string()))?;
        Ok(Self {
            name,
            session: Mutex::new(session),
        })
    }

    /// A string stored in the model's custom metadata.
    pub fn metadata(&self, key: &str) -> Result<Option<String>, OcrError> {
        let session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let meta = session.metadata().map_err(|e| OcrError::ModelLoad {
            model: self.name,
            path: Default::default(),
            message: e.to_string(),
        })?;
        Ok(meta.custom(key))
    }
}

impl InferenceModel for OrtModel {
    fn run(&self, input: &Array4<f32>) -> Result<ArrayD<f32>, OcrError> {
        let fail = |message: String| OcrError::Inference {
            model: self.name,
            shape: input.shape().to_vec(),
            message,
        };
        let tensor = TensorRef::from_array_view(input.view()).map_err(|e| fail(e.to_string()))?;
        let mut session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let outputs = session
            .run(ort::inputs![tensor])
            .map_err(|e| fail(e.to_string()))?;
        let array = outputs[0]
            .try_extract_array::<f32>()
            .map_err(|e| fail(e.to_string()))?;
        Ok(array.to_owned())
    }
}
