//! The HTTP side (axum on tokio): routes, the signature check, the worker hand-off
//! with its timeout, and around every request its `X-Request-Id`, its count in the
//! metrics and one access-log line (never any of the document's content).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::auth::{Credentials, SignedRequest};
use super::error::ApiError;
use super::metrics::Metrics;
use super::request::{self, Endpoint, MAX_BODY_BYTES};
use super::workers::{Job, Pool};
use crate::clock::{iso8601, unix_now};

/// What every request handler shares.
pub struct Shared {
    /// Set once the models are loaded; until then OCR requests get 503.
    pub pool: OnceLock<Pool>,
    pub metrics: Arc<Metrics>,
    pub credentials: Option<Credentials>,
    pub timeout: Duration,
    pub workers: usize,
    request_ids: RequestIds,
}

impl Shared {
    pub fn new(metrics: Arc<Metrics>, credentials: Option<Credentials>, timeout: Duration, workers: usize) -> Self {
        Self {
            pool: OnceLock::new(),
            metrics,
            credentials,
            timeout,
            workers,
            request_ids: RequestIds::default(),
        }
    }
}

/// Request ids unique to this process: its start time and a count, as 32 hex digits
/// (the cloud's own ids are 32 hex digits too).
struct RequestIds {
    started: u64,
    count: AtomicU64,
}

impl Default for RequestIds {
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Self {
            started: nanos ^ u64::from(std::process::id()).rotate_left(40),
            count: AtomicU64::new(0),
        }
    }
}

impl RequestIds {
    fn next(&self) -> String {
        format!(
            "{:016x}{:016x}",
            self.started,
            self.count.fetch_add(1, Ordering::Relaxed)
        )
    }
}

/// Which operation answered and how, for the metrics and the log (set by the handler).
#[derive(Clone, Copy)]
struct Outcome {
    endpoint: &'static str,
    code: Option<&'static str>,
}

/// The routes.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v2/{project_id}/ocr/{operation}", post(ocr))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), around_each_request))
        .with_state(shared)
}

fn json_response(status: u16, body: &Value, outcome: Option<Outcome>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json;charset=UTF-8"),
        )],
        body.to_string(),
    )
        .into_response();
    if let Some(outcome) = outcome {
        response.extensions_mut().insert(outcome);
    }
    response
}

fn error_response(error: &ApiError, endpoint: &'static str) -> Response {
    json_response(
        error.status,
        &error.body(),
        Some(Outcome {
            endpoint,
            code: Some(error.code),
        }),
    )
}

async fn ocr(
    State(shared): State<Arc<Shared>>,
    Path((_project, operation)): Path<(String, String)>,
    request: Request,
) -> Response {
    let Some(endpoint) = Endpoint::from_name(&operation) else {
        return error_response(&ApiError::not_found(request.uri().path()), "unknown");
    };
    match answer(&shared, endpoint, request).await {
        Ok(result) => json_response(
            200,
            &result,
            Some(Outcome {
                endpoint: endpoint.name(),
                code: None,
            }),
        ),
        Err(error) => error_response(&error, endpoint.name()),
    }
}

async fn answer(shared: &Shared, endpoint: Endpoint, request: Request) -> Result<Value, ApiError> {
    let (parts, body) = request.into_parts();
    let body = read_body(body).await?;
    if let Some(credentials) = &shared.credentials {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let signed = SignedRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or(""),
            header: &header,
            body: &body,
        };
        credentials
            .verify(&signed, unix_now() as i64)
            .map_err(|e| ApiError::unauthorised(e.to_string()))?;
    }
    let parsed = request::parse(endpoint, &body)?;
    let pool = shared
        .pool
        .get()
        .ok_or_else(|| ApiError::unavailable("the models are still loading: retry in a moment".into()))?;
    let (reply, answer) = oneshot::channel();
    pool.submit(Job {
        endpoint,
        parsed,
        reply,
    })?;
    match tokio::time::timeout(shared.timeout, answer).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(ApiError::internal("the worker stopped before answering".into())),
        Err(_) => Err(ApiError::timed_out(shared.timeout.as_secs_f64())),
    }
}

/// A body read up to the cloud's limit. A longer one is read on (and dropped) up to
/// [`DRAIN_LIMIT`] so that its sender gets the error instead of a reset connection.
async fn read_body(mut body: Body) -> Result<Vec<u8>, ApiError> {
    use axum::body::HttpBody;
    let mut bytes = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|e| ApiError::bad_parameter(format!("cannot read the request body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            total += data.len();
            if total <= MAX_BODY_BYTES {
                bytes.extend_from_slice(&data);
            } else if total > DRAIN_LIMIT {
                break;
            }
        }
    }
    if total > MAX_BODY_BYTES {
        return Err(ApiError::size_out_of_range(format!(
            "the request body is over the {MAX_BODY_BYTES}-byte limit"
        )));
    }
    Ok(bytes)
}

/// Past this much, an over-long body is not read to its end: the connection is cut.
const DRAIN_LIMIT: usize = 8 * MAX_BODY_BYTES;

async fn health(State(shared): State<Arc<Shared>>) -> Response {
    if shared.pool.get().is_some() {
        json_response(200, &json!({"status": "ready", "workers": shared.workers}), None)
    } else {
        json_response(503, &json!({"status": "loading models"}), None)
    }
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        shared.metrics.render(),
    )
        .into_response()
}

async fn not_found(request: Request) -> Response {
    error_response(&ApiError::not_found(request.uri().path()), "unknown")
}

/// Gives every response its `X-Request-Id`, counts OCR requests in the metrics and
/// writes one access-log line on standard error.
async fn around_each_request(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let id = shared.request_ids.next();
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let bytes_in = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("0")
        .to_owned();
    let mut response: Response<Body> = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("X-Request-Id", value);
    }
    let seconds = started.elapsed().as_secs_f64();
    let outcome = response.extensions().get::<Outcome>().copied();
    if let Some(outcome) = outcome {
        shared
            .metrics
            .record(outcome.endpoint, response.status().as_u16(), outcome.code, seconds);
    }
    let bytes_out = axum::body::HttpBody::size_hint(response.body()).exact().unwrap_or(0);
    eprintln!(
        "{} {peer} \"{method} {path}\" {} {} {:.1}ms in={bytes_in} out={bytes_out} id={id}",
        iso8601(unix_now()),
        response.status().as_u16(),
        outcome.and_then(|o| o.code).unwrap_or("-"),
        seconds * 1000.0,
    );
    response
}
