//! The one background thread that reads documents: it loads the models once at
//! start, then takes jobs from one queue, and sends results back page by page,
//! asking the UI to repaint after each message. The UI never waits on it.

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use egui::ColorImage;

use crate::analysis::Extract;
use crate::document::OpenOptions;
use crate::error::DocumentError;
use crate::ocr::{EngineOptions, OcrEngine};
use crate::pipeline::{ReadError, analyse, read_pages};
use crate::result::Page;

/// Identifies a file in the session.
pub type FileId = u64;

/// Longest side of a page image kept for display: enough to read fine print
/// zoomed in. Smaller when the GPU's texture limit is smaller.
pub const DISPLAY_MAX_SIDE: u32 = 4096;

/// One file to read.
#[derive(Clone, Debug)]
pub struct Job {
    pub file: FileId,
    pub path: PathBuf,
    pub open: OpenOptions,
    /// Leave out text in light ink (the engine is rebuilt when this changes).
    pub drop_watermarks: bool,
}

/// What the worker reports, in order.
pub enum WorkerEvent {
    /// The models are loaded; jobs run from now on.
    EngineReady {
        load_ms: f64,
    },
    /// The models could not be loaded; every job will fail with this reason.
    EngineFailed(String),
    Started {
        file: FileId,
    },
    /// One page read, with its image scaled for display.
    Page {
        file: FileId,
        page: Box<Page>,
        image: Option<Arc<ColorImage>>,
        /// Pages read so far in this file and how many will be.
        done: usize,
        of: usize,
    },
    Finished {
        file: FileId,
        page_count: usize,
    },
    Failed {
        file: FileId,
        reason: String,
        /// The file is a password-protected PDF: asking for its password may help.
        needs_password: bool,
    },
    Cancelled {
        file: FileId,
    },
}

/// The handle the app keeps: submit, cancel, poll.
pub struct Worker {
    jobs: Option<Sender<Job>>,
    events: Receiver<WorkerEvent>,
    shared: Arc<Shared>,
}

struct Shared {
    cancelled: Mutex<HashSet<FileId>>,
    shutting_down: AtomicBool,
    repaint: OnceLock<egui::Context>,
    /// Longest side a page image may have to become a texture.
    max_display_side: AtomicU32,
}

impl Shared {
    fn is_cancelled(&self, file: FileId) -> bool {
        self.shutting_down.load(Ordering::Relaxed) || self.cancelled.lock().is_ok_and(|c| c.contains(&file))
    }
}

impl Worker {
    /// Starts the thread; it loads the models with `options` straight away.
    pub fn start(options: EngineOptions) -> Self {
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let (event_tx, event_rx) = mpsc::channel();
        let shared = Arc::new(Shared {
            cancelled: Mutex::new(HashSet::new()),
            shutting_down: AtomicBool::new(false),
            repaint: OnceLock::new(),
            max_display_side: AtomicU32::new(DISPLAY_MAX_SIDE),
        });
        let thread_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("ocr-worker".into())
            .spawn(move || run(options, job_rx, event_tx, thread_shared));
        if let Err(e) = spawned {
            // No thread, no reading: say so instead of queueing forever.
            let (tx, rx) = mpsc::channel();
            let _ = tx.send(WorkerEvent::EngineFailed(format!(
                "cannot start the reading thread: {e}"
            )));
            return Self {
                jobs: None,
                events: rx,
                shared,
            };
        }
        Self {
            jobs: Some(job_tx),
            events: event_rx,
            shared,
        }
    }

    /// Gives the worker the context to wake when something arrives (first frame).
    /// and the largest texture it can show.
    pub fn set_repaint_context(&self, ctx: &egui::Context) {
        if self.shared.repaint.set(ctx.clone()).is_ok() {
            let side = ctx.input(|i| i.max_texture_side).min(DISPLAY_MAX_SIDE as usize);
            self.shared.max_display_side.store(side as u32, Ordering::Relaxed);
        }
    }

    pub fn submit(&self, job: Job) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
    }

    /// Stops a file: skipped if still queued, stopped after its current page if reading.
    pub fn cancel(&self, file: FileId) {
        if let Ok(mut cancelled) = self.shared.cancelled.lock() {
            cancelled.insert(file);
        }
    }

    /// Everything reported since the last call, without waiting.
    pub fn poll(&self) -> Vec<WorkerEvent> {
        self.events.try_iter().collect()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // The thread finishes its current page and ends; nobody waits for it.
        self.shared.shutting_down.store(true, Ordering::Relaxed);
        self.jobs = None;
    }
}

fn run(options: EngineOptions, jobs: Receiver<Job>, events: Sender<WorkerEvent>, shared: Arc<Shared>) {
    yield_to_the_ui();
    let send = |event: WorkerEvent| {
        let sent = events.send(event).is_ok();
        if let Some(ctx) = shared.repaint.get() {
            ctx.request_repaint();
        }
        sent
    };
    let started = Instant::now();
    let mut engine = match OcrEngine::new(options.clone()) {
        Ok(engine) => {
            send(WorkerEvent::EngineReady {
                load_ms: started.elapsed().as_secs_f64() * 1000.0,
            });
            Ok(engine)
        }
        Err(e) => {
            let reason = e.to_string();
            send(WorkerEvent::EngineFailed(reason.clone()));
            Err(reason)
        }
    };
    for job in jobs {
        if shared.is_cancelled(job.file) {
            if !send(WorkerEvent::Cancelled { file: job.file }) {
                return;
            }
            continue;
        }
        // A change of watermark setting needs an engine built with it.
        if let Ok(current) = &engine
            && current.options().drop_light_text != job.drop_watermarks
        {
            let options = EngineOptions {
                drop_light_text: job.drop_watermarks,
                ..options.clone()
            };
            engine = OcrEngine::new(options).map_err(|e| e.to_string());
        }
        let engine = match &engine {
            Ok(engine) => engine,
            Err(reason) => {
                send(WorkerEvent::Failed {
                    file: job.file,
                    reason: format!("the OCR engine is not available: {reason}"),
                    needs_password: false,
                });
                continue;
            }
        };
        send(WorkerEvent::Started { file: job.file });
        let mut cancelled = false;
        let result = read_pages(engine, &job.path, &job.open, |mut read| {
            analyse(engine, &job.path, &mut read, Extract::ALL);
            let max_side = shared.max_display_side.load(Ordering::Relaxed);
            let image = read.image.map(|image| Arc::new(display_image(&image, max_side)));
            send(WorkerEvent::Page {
                file: job.file,
                page: Box::new(read.page),
                image,
                done: read.position + 1,
                of: read.selected,
            });
            if shared.is_cancelled(job.file) {
                cancelled = true;
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        let event = match result {
            _ if cancelled => WorkerEvent::Cancelled { file: job.file },
            Ok(page_count) => WorkerEvent::Finished {
                file: job.file,
                page_count,
            },
            Err(ReadError::Document(DocumentError::Encrypted { password_given, .. })) => WorkerEvent::Failed {
                file: job.file,
                reason: if password_given {
                    "the password is wrong".into()
                } else {
                    "the PDF is password-protected".into()
                },
                needs_password: true,
            },
            Err(e) => WorkerEvent::Failed {
                file: job.file,
                reason: reason_without_path(&e, &job.path),
                needs_password: false,
            },
        };
        if !send(event) {
            return;
        }
    }
}

/// Makes this thread, and the ONNX Runtime threads it starts (they inherit it),
/// give way to the UI thread: with every core busy reading, the window would
/// otherwise stutter. Reading loses nothing when the UI is idle.
fn yield_to_the_ui() {
    #[cfg(target_os = "linux")]
    {
        // A thread id names one thread to setpriority on Linux; failure only costs smoothness.
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), WORKER_NICENESS);
    }
}

/// Niceness of the reading threads (0 normal, 19 lowest).
#[cfg(target_os = "linux")]
const WORKER_NICENESS: i32 = 10;

/// The error's reason; the file list already shows the file.
fn reason_without_path(e: &ReadError, path: &std::path::Path) -> String {
    let message = e.to_string();
    let prefix = format!("{}: ", path.display());
    message.strip_prefix(&prefix).map(str::to_owned).unwrap_or(message)
}

/// The page as an egui image, scaled down to `max_side` if larger.
pub fn display_image(image: &image::RgbImage, max_side: u32) -> ColorImage {
    let (w, h) = image.dimensions();
    let scale = max_side as f32 / w.max(h) as f32;
    let shown = if scale < 1.0 {
        let (sw, sh) = (
            ((w as f32 * scale).round() as u32).max(1),
            ((h as f32 * scale).round() as u32).max(1),
        );
        crate::imaging::resize(image, sw, sh).into_owned()
    } else {
        image.clone()
    };
    ColorImage::from_rgb([shown.width() as usize, shown.height() as usize], shown.as_raw())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_images_are_capped_and_keep_their_shape() {
        let big = image::RgbImage::from_pixel(8192, 2048, image::Rgb([10, 20, 30]));
        let shown = display_image(&big, 4096);
        assert_eq!(shown.size, [4096, 1024]);
        assert_eq!(shown.pixels[0], egui::Color32::from_rgb(10, 20, 30));
        let small = image::RgbImage::new(100, 40);
        assert_eq!(display_image(&small, 4096).size, [100, 40]);
    }
}
