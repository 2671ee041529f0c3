//! `ocrdesk serve`: its arguments and the hand-over to `ocrdesk::serve`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use super::EngineArgs;
use ocrdesk::serve::{Credentials, ServeOptions};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on; loopback unless told otherwise (0.0.0.0:8080
    /// for every interface, port 0 for any free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Requests read at the same time, each on model sessions of its own
    /// [default: one per core].
    #[arg(long)]
    workers: Option<usize>,
    /// Requests that may wait for a worker; more are refused with HTTP 429.
    #[arg(long, default_value_t = 64)]
    queue: usize,
    /// Seconds a request may wait and be read before it is answered with HTTP 504.
    #[arg(long, default_value_t = 120.0, value_parser = parse_seconds)]
    timeout: f64,
    /// Access key: with --sk, requests must carry the SDK's signature made with these
    /// keys (SDK-HMAC-SHA256); without them any signature is accepted.
    #[arg(long, requires = "sk", env = "OCRDESK_AK", hide_env_values = true)]
    ak: Option<String>,
    /// Secret key for --ak.
    #[arg(long, requires = "ak", env = "OCRDESK_SK", hide_env_values = true)]
    sk: Option<String>,
    /// Give memory back after each request instead of holding each worker's working
    /// memory from start-up: less memory, a little slower (figures in the README).
    #[arg(long)]
    low_memory: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds above 0")),
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let engine = ocrdesk::EngineOptions {
        memory: if args.low_memory {
            ocrdesk::MemoryUse::Low
        } else {
            ocrdesk::MemoryUse::Steady
        },
        ..args.engine.options()
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let credentials = args
        .ak
        .zip(args.sk)
        .map(|(access_key, secret_key)| Credentials { access_key, secret_key });
    ocrdesk::serve::run(ServeOptions {
        listen: args.listen,
        workers: args.workers.unwrap_or(cores).max(1),
        queue: args.queue,
        timeout: Duration::from_secs_f64(args.timeout),
        credentials,
        engine,
    })?;
    Ok(ExitCode::SUCCESS)
}
