//! The reading threads: requests wait in a bounded queue and each worker takes the
//! next one, reads it with the shared engine (its own single-threaded model sessions
//! when there are several workers) and sends the answer back. Inference never runs on
//! the async threads; a full queue is refused at once (HTTP 429) instead of piling up.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::oneshot;

use super::error::ApiError;
use super::metrics::Metrics;
use super::request::{Endpoint, Parsed};
use super::respond::respond;
use crate::document::{OpenOptions, PageSelection};
use crate::ocr::OcrEngine;
use crate::pipeline;

/// One request for a worker.
pub struct Job {
    pub endpoint: Endpoint,
    pub parsed: Parsed,
    pub reply: oneshot::Sender<Result<Value, ApiError>>,
}

/// The queue into the workers.
#[derive(Clone)]
pub struct Pool {
    sender: SyncSender<Job>,
    capacity: usize,
    metrics: Arc<Metrics>,
}

impl Pool {
    /// Starts `workers` threads over `engine`, with room for `capacity` waiting requests.
    pub fn start(engine: Arc<OcrEngine>, workers: usize, capacity: usize, metrics: Arc<Metrics>) -> Pool {
        let (sender, receiver) = sync_channel::<Job>(capacity);
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..workers.max(1) {
            let (engine, receiver, metrics) = (engine.clone(), receiver.clone(), metrics.clone());
            std::thread::Builder::new()
                .name(format!("ocrdesk-worker-{n}"))
                .spawn(move || work(&engine, &receiver, &metrics))
                .expect("a worker thread can be started");
        }
        Pool {
            sender,
            capacity,
            metrics,
        }
    }

    /// Queues `job`, or refuses it when the queue is full.
    pub fn submit(&self, job: Job) -> Result<(), ApiError> {
        self.metrics.queue_depth.inc();
        match self.sender.try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => {
                self.metrics.queue_depth.dec();
                Err(ApiError::busy(self.capacity))
            }
            Err(TrySendError::Disconnected(_)) => {
                self.metrics.queue_depth.dec();
                Err(ApiError::internal("the workers have stopped".into()))
            }
        }
    }
}

fn work(engine: &OcrEngine, receiver: &Mutex<Receiver<Job>>, metrics: &Metrics) {
    loop {
        // The lock is held only while waiting for the next job, not while reading it.
        let job = match receiver.lock().unwrap_or_else(|p| p.into_inner()).recv() {
            Ok(job) => job,
            Err(_) => return, // the server has shut down
        };
        metrics.queue_depth.dec();
        // A caller that has gone (timed out, hung up) is not read for.
        if job.reply.is_closed() {
            continue;
        }
        metrics.in_flight.inc();
        let answer = answer(engine, job.endpoint, &job.parsed);
        metrics.in_flight.dec();
        let _ = job.reply.send(answer);
    }
}

/// Reads the page the request asks for and builds the operation's answer; a panic
/// anywhere in it is this request's internal error, never the worker's end.
pub fn answer(engine: &OcrEngine, endpoint: Endpoint, parsed: &Parsed) -> Result<Value, ApiError> {
    let page = parsed.params.pdf_page;
    let options = OpenOptions {
        pages: PageSelection::Ranges(vec![(page, Some(page))]),
        ..OpenOptions::default()
    };
    let name = Path::new("image");
    let document = pipeline::read_bytes_and_extract(
        engine,
        name,
        &parsed.document,
        &options,
        endpoint.analyses(&parsed.params),
    )
    .map_err(ApiError::from)?;
    pipeline::guarded(name, || Ok(respond(endpoint, &parsed.params, &document)))
        .map_err(ApiError::from)
        .and_then(|r| r)
}
