//! The three networks behind one small trait, so that everything around them
//! (pre- and post-processing, batching, geometry) can be tested with fakes.

use std::path::Path;
use std::sync::Mutex;

use ndarray::{Array4, ArrayViewD};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::{RunOptions, Session};
use ort::value::TensorRef;

use super::options::MemoryUse;
use crate::error::OcrError;

/// A network that maps an `[N, C, H, W]` image batch to one output tensor.
///
/// The output is lent to `consume` rather than returned, so that large outputs
/// (the recogniser's `[N, T, 18710]`) are read in place, never copied.
pub trait InferenceModel: Send + Sync {
    fn run(&self, input: &Array4<f32>, consume: &mut dyn FnMut(ArrayViewD<f32>)) -> Result<(), OcrError>;

    /// Like [`InferenceModel::run`] for networks with several outputs (a detector's
    /// heads, one per stride): all of them, in the model's output order.
    fn run_all(&self, input: &Array4<f32>, consume: &mut dyn FnMut(&[ArrayViewD<f32>])) -> Result<(), OcrError> {
        self.run(input, &mut |output| consume(&[output]))
    }

    /// Runs `input` once on every session and drops the output, so that each has
    /// its working memory before the first real input.
    fn warm_up(&self, input: &Array4<f32>) -> Result<(), OcrError> {
        self.run(input, &mut |_| {})
    }
}

/// An ONNX model on one or more ONNX Runtime sessions. Sessions are created once
/// and reused. A run needs exclusive access to a session, so several callers on
/// several threads each take a free session of the pool.
pub struct OrtModel {
    name: &'static str,
    sessions: Vec<Mutex<Session>>,
    /// Set when each run gives its arena back ([`MemoryUse::Low`]).
    run_options: Option<RunOptions>,
}

impl OrtModel {
    /// Loads `path` as `instances` sessions of `threads` intra-op threads each, holding
    /// memory as `memory` says.
    pub fn load(
        name: &'static str,
        path: &Path,
        threads: usize,
        instances: usize,
        memory: MemoryUse,
    ) -> Result<Self, OcrError> {
        let sessions = (0..instances.max(1))
            .map(|_| Self::session(name, path, threads, memory).map(Mutex::new))
            .collect::<Result<_, _>>()?;
        let run_options = match memory {
            MemoryUse::Low => {
                let options_err = |source: ort::Error| OcrError::ModelLoad {
                    model: name,
                    path: path.to_owned(),
                    source,
                };
                let mut options = RunOptions::new().map_err(options_err)?;
                // ONNX Runtime's switch for giving the CPU arena's free chunks back after a run.
                options
                    .set("memory.enable_memory_arena_shrinkage", "cpu:0")
                    .map_err(options_err)?;
                Some(options)
            }
            MemoryUse::Fastest | MemoryUse::Steady => None,
        };
        Ok(Self {
            name,
            sessions,
            run_options,
        })
    }

    fn session(name: &'static str, path: &Path, threads: usize, memory: MemoryUse) -> Result<Session, OcrError> {
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
            // Memory plans are kept per input shape: only a short-lived process may keep them.
            .with_memory_pattern(memory == MemoryUse::Fastest)
            .map_err(|e| load_err(e.into()))?
            .with_execution_providers([ort::ep::CPU::default().with_arena_allocator(true).build()])
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

impl OrtModel {
    /// One run of `input` on `session`, its first output lent to `consume`.
    fn run_on(
        &self,
        session: &mut Session,
        input: &Array4<f32>,
        consume: &mut dyn FnMut(ArrayViewD<f32>),
    ) -> Result<(), OcrError> {
        self.run_all_on(session, input, &mut |outputs| consume(outputs[0].view()))
    }

    /// One run of `input` on `session`, every output lent to `consume`.
    fn run_all_on(
        &self,
        session: &mut Session,
        input: &Array4<f32>,
        consume: &mut dyn FnMut(&[ArrayViewD<f32>]),
    ) -> Result<(), OcrError> {
        let fail = |source: ort::Error| OcrError::Inference {
            model: self.name,
            shape: input.shape().to_vec(),
            source,
        };
        let tensor = TensorRef::from_array_view(input.view()).map_err(fail)?;
        let outputs = match &self.run_options {
            Some(options) => session.run_with_options(ort::inputs![tensor], options),
            None => session.run(ort::inputs![tensor]),
        }
        .map_err(fail)?;
        let arrays = (0..outputs.len())
            .map(|i| outputs[i].try_extract_array::<f32>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        consume(&arrays);
        Ok(())
    }
}

impl InferenceModel for OrtModel {
    fn run(&self, input: &Array4<f32>, consume: &mut dyn FnMut(ArrayViewD<f32>)) -> Result<(), OcrError> {
        self.run_on(&mut self.acquire(), input, consume)
    }

    fn run_all(&self, input: &Array4<f32>, consume: &mut dyn FnMut(&[ArrayViewD<f32>])) -> Result<(), OcrError> {
        self.run_all_on(&mut self.acquire(), input, consume)
    }

    fn warm_up(&self, input: &Array4<f32>) -> Result<(), OcrError> {
        // Every session at once, each on its own thread (they are single-threaded
        // when there are several).
        std::thread::scope(|scope| {
            let runs: Vec<_> = self
                .sessions
                .iter()
                .map(|session| {
                    scope.spawn(move || {
                        let mut session = session.lock().unwrap_or_else(|p| p.into_inner());
                        self.run_on(&mut session, input, &mut |_| {})
                    })
                })
                .collect();
            runs.into_iter()
                .try_for_each(|run| run.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        })
    }
}
