//! The three networks behind one small trait, so that everything around them
//! (pre- and post-processing, batching, geometry) can be tested with fakes.

use std::path::Path;
use std::sync::Mutex;

use ndarray::{Array4, ArrayViewD};
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::TensorRef;

use crate::error::OcrError;

/// A network that maps an `[N, C, H, W]` image batch to one output tensor.
///
/// The output is lent to `consume` rather than returned, so that large outputs
/// (the recogniser's `[N, T, 18710]`) are read in place, never copied.
pub trait InferenceModel: Send + Sync {
    fn run(&self, input: &Array4<f32>, consume: &mut dyn FnMut(ArrayViewD<f32>)) -> Result<(), OcrError>;
}

/// An ONNX model on one or more ONNX Runtime sessions. Sessions are created once
/// and reused. A run needs exclusive access to a session, so several callers on
/// several threads each take a free session of the pool.
pub struct OrtModel {
    name: &'static str,
    sessions: Vec<Mutex<Session>>,
}

impl OrtModel {
    /// Loads `path` as `instances` sessions of `threads` intra-op threads each, with
    /// ONNX Runtime's memory arena when `arena` (see `EngineOptions::memory_arena`).
    pub fn load(
        name: &'static str,
        path: &Path,
        threads: usize,
        instances: usize,
        arena: bool,
    ) -> Result<Self, OcrError> {
        let sessions = (0..instances.max(1))
            .map(|_| Self::session(name, path, threads, arena).map(Mutex::new))
            .collect::<Result<_, _>>()?;
        Ok(Self { name, sessions })
    }

    fn session(name: &'static str, path: &Path, threads: usize, arena: bool) -> Result<Session, OcrError> {
        let env = super::runtime::environment()?;
        if !path.is_file() {
            return Err(OcrError::ModelMissing {
                model: name,
                path: path.to_owned(),
            });
        }
        let load_err = |source: ort::Error| OcrError::ModelLoad {
            model: name,
            path: path.to_owned(),
            source,
        };
        Session::builder(env)
            .map_err(load_err)?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| load_err(e.into()))?
            // These models produce subnormal floats, which x86 cores handle ~100× slower
            // than normal ones: flushing them to zero makes detection up to 2.5× faster
            // and leaves every recognised character the same (checked on the eval set).
            .with_flush_to_zero()
            .map_err(|e| load_err(e.into()))?
            .with_intra_threads(threads)
            .map_err(|e| load_err(e.into()))?
            // Without the arena, memory patterns (planned from the last input's shapes) go too.
            .with_memory_pattern(arena)
            .map_err(|e| load_err(e.into()))?
            .with_execution_providers([ort::ep::CPU::default().with_arena_allocator(arena).build()])
            .map_err(|e| load_err(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| load_err(e.into()))?
            .commit_from_file(path)
            .map_err(load_err)
    }

    /// A free session, or the first one if all are busy.
    fn acquire(&self) -> std::sync::MutexGuard<'_, Session> {
        for session in &self.sessions {
            if let Ok(guard) = session.try_lock() {
                return guard;
            }
        }
        self.sessions[0].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A string stored in the model's custom metadata.
    pub fn metadata(&self, key: &str) -> Result<Option<String>, OcrError> {
        let session = self.acquire();
        let meta = session.metadata().map_err(|source| OcrError::ModelMetadata {
            model: self.name,
            what: format!("readable metadata ({source})"),
        })?;
        Ok(meta.custom(key))
    }
}

impl InferenceModel for OrtModel {
    fn run(&self, input: &Array4<f32>, consume: &mut dyn FnMut(ArrayViewD<f32>)) -> Result<(), OcrError> {
        let fail = |source: ort::Error| OcrError::Inference {
            model: self.name,
            shape: input.shape().to_vec(),
            source,
        };
        let tensor = TensorRef::from_array_view(input.view()).map_err(fail)?;
        let mut session = self.acquire();
        let outputs = session.run(ort::inputs![tensor]).map_err(fail)?;
        let array = outputs[0].try_extract_array::<f32>().map_err(fail)?;
        consume(array);
        Ok(())
    }
}
