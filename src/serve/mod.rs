//! `ocrdesk serve`: the cloud OCR API (Huawei Cloud OCR's REST calls, as its SDKs
//! send them) answered on this machine. Stateless: run as many as needed behind any
//! load balancer. Nothing is written to disk and nothing is sent anywhere.
//!
//! `request` takes a call apart, `workers` reads it off the async threads, `respond`
//! builds the answer from OCR Desk's result model, `http` serves it (axum), `auth`
//! checks the SDK's signature, `metrics` counts, `error` speaks the cloud's errors.

mod auth;
pub mod error;
mod http;
mod metrics;
pub mod request;
pub mod respond;
mod workers;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use auth::Credentials;

use crate::error::OcrError;
use crate::ocr::{EngineOptions, MemoryUse, OcrEngine, Parallelism};

/// How the server runs.
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// Requests read at the same time, each by a worker with model sessions of its own.
    pub workers: usize,
    /// Requests that may wait for a worker before more are refused (HTTP 429).
    pub queue: usize,
    /// Longest a request may wait and be read before it is answered with a timeout.
    pub timeout: Duration,
    /// Verify the SDK's signature with these keys; `None` accepts any request.
    pub credentials: Option<Credentials>,
    /// The engine's settings (its threads and parallelism are set from `workers`).
    pub engine: EngineOptions,
}

/// Why the server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot start the server's threads: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot load the models: {0}")]
    Models(#[source] OcrError),
    #[error("the server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// Loads the models and, unless memory is given back after each run, brings every
/// session to its working memory before the first request, so that the server's
/// memory is known when `/health` says ready and does not grow under load.
fn load_engine(options: EngineOptions) -> Result<OcrEngine, OcrError> {
    let engine = OcrEngine::new(options)?;
    if engine.options().memory != MemoryUse::Low {
        let started = std::time::Instant::now();
        engine.warm_up()?;
        eprintln!(
            "ocrdesk serve: models warmed up to their largest inputs in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(engine)
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight and returns.
pub fn run(options: ServeOptions) -> Result<(), ServeError> {
    // The async threads only move bytes; the workers do the reading.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ocrdesk-http")
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(serve(options))
}

async fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: options.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(ServeError::Serve)?;
    let workers = options.workers.max(1);
    let metrics = Arc::new(metrics::Metrics::default());
    let shared = Arc::new(http::Shared::new(
        metrics.clone(),
        options.credentials,
        options.timeout,
        workers,
    ));
    eprintln!("ocrdesk serve: listening on http://{addr} (loading the models; GET /health says when ready)");
    // The models load off the async threads; /health answers 503 meanwhile.
    let (failed_tx, failed_rx) = tokio::sync::oneshot::channel::<OcrError>();
    let engine_options = EngineOptions {
        // Several workers: one single-threaded session per worker and model. One
        // worker: every core on its page.
        threads: if workers > 1 { workers } else { options.engine.threads },
        parallelism: if workers > 1 {
            Parallelism::AcrossPages
        } else {
            Parallelism::WithinPage
        },
        trace: false,
        ..options.engine
    };
    let loader_shared = shared.clone();
    let queue = options.queue;
    std::thread::spawn(move || match load_engine(engine_options) {
        Ok(engine) => {
            let pool = workers::Pool::start(Arc::new(engine), workers, queue, metrics);
            let _ = loader_shared.pool.set(pool);
            eprintln!("ocrdesk serve: ready ({workers} workers, queue of {queue})");
        }
        Err(e) => {
            let _ = failed_tx.send(e);
        }
    });
    let app = http::router(shared).into_make_service_with_connect_info::<SocketAddr>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<Option<OcrError>>();
    tokio::spawn(async move {
        let failure = tokio::select! {
            () = shutdown_signal() => None,
            Ok(e) = failed_rx => Some(e),
        };
        let _ = stop_tx.send(failure);
    });
    let (failure_tx, failure_rx) = std::sync::mpsc::channel();
    let stopping = async move {
        if let Ok(failure) = stop_rx.await {
            eprintln!("ocrdesk serve: stopping (finishing the requests in flight)");
            let _ = failure_tx.send(failure);
        }
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(stopping)
        .await
        .map_err(ServeError::Serve)?;
    match failure_rx.try_recv() {
        Ok(Some(e)) => Err(ServeError::Models(e)),
        _ => Ok(()),
    }
}

/// SIGTERM (an orchestrator stopping the pod) or Ctrl-C.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        () = terminate => {},
    }
}
