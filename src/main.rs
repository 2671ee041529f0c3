//! The `ocrdesk` command line: `ocr` reads files headless (`cli/ocr.rs`), `serve`
//! answers the cloud OCR API (`ocrdesk::serve`), `eval` measures accuracy and speed
//! against ground truth (`ocrdesk::eval`). Arguments are in `cli/`; this file dispatches.

mod about;
mod cli;

use std::process::ExitCode;
use std::time::Instant;

use clap::FromArgMatches;

use cli::{Cli, Command, EvalArgs};
use ocrdesk::app::Launch;

fn main() -> ExitCode {
    let started = Instant::now();
    switch_off_onnx_runtime_telemetry();
    let cli = match Cli::from_arg_matches(&about::command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Some(Command::Ocr(args)) => cli::ocr::run(args),
        Some(Command::Eval(args)) => run_eval(args),
        Some(Command::Serve(args)) => cli::serve::run(args),
        Some(Command::PackageFiles { out }) => about::write_package_files(&out).map(|()| ExitCode::SUCCESS),
        None => run_app(Launch {
            files: cli.files,
            started,
            measure_frames: cli.measure_frames.map(|m| m.repaint()),
        }),
    };
    match result {
        Ok(code) => code,
        // The reader of our output went away (`ocrdesk … | head`): nothing to report.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ocrdesk: {e:#}");
            ExitCode::from(3)
        }
    }
}

/// Keeps ONNX Runtime's telemetry uploader from ever starting: the library reads
/// this variable when it loads (see `ocrdesk::ocr::runtime`).
#[allow(unsafe_code)]
fn switch_off_onnx_runtime_telemetry() {
    // SAFETY: called first thing in `main`, before any thread exists, so nothing
    // can read the environment while it changes.
    unsafe { std::env::set_var(ocrdesk::ocr::runtime::TELEMETRY_OFF_VARIABLE, "1") };
}

/// The desktop window.
fn run_app(launch: Launch) -> anyhow::Result<ExitCode> {
    ocrdesk::app::run(launch).map_err(|e| {
        anyhow::anyhow!("cannot open the window: {e}. On a machine without a display, use `ocrdesk ocr FILE...`")
    })?;
    Ok(ExitCode::SUCCESS)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// `ocrdesk eval`: accuracy and speed per subset, optionally beside a peer.
/// Each subset is read as one batch and timed as a whole: one image at a time
/// (latency) by default, or in parallel with `--batch` (throughput).
fn run_eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let failed = ocrdesk::eval::run(&args.options(), &mut std::io::stdout(), &mut std::io::stderr())?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
