//! The `ocrdesk` command line: `ocr` reads files headless, `eval` measures
//! accuracy and speed against ground truth (`ocrdesk::eval`). Arguments are in
//! `cli.rs`; this file dispatches.

mod about;
mod cli;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::FromArgMatches;

use cli::{Cli, Command, EvalArgs, Format, OcrArgs};
use ocrdesk::app::Launch;
use ocrdesk::document::OpenOptions;
use ocrdesk::export::ExportFormat;
use ocrdesk::ocr::Parallelism;
use ocrdesk::pipeline::{ReadError, read_files, searchable};
use ocrdesk::{Document, EngineOptions, OcrEngine, debug_dir, export, guard};

fn main() -> ExitCode {
    let started = Instant::now();
    switch_off_onnx_runtime_telemetry();
    let cli = match Cli::from_arg_matches(&about::command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Some(Command::Ocr(args)) => run_ocr(args),
        Some(Command::Eval(args)) => run_eval(args),
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

/// `ocrdesk ocr`: every input is tried; each failure is one line on stderr.
/// Several files are read in parallel, one per core.
fn run_ocr(args: OcrArgs) -> anyhow::Result<ExitCode> {
    let parallelism = if args.files.len() > 1 {
        Parallelism::AcrossPages
    } else {
        Parallelism::WithinPage
    };
    let engine = OcrEngine::new(EngineOptions {
        parallelism,
        trace: args.debug_dir.is_some(),
        ..args.engine.options()
    })?;
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create output folder {}", dir.display()))?;
    }
    let mut used_names: HashMap<String, usize> = HashMap::new();
    let names: Vec<String> = args
        .files
        .iter()
        .map(|p| output_name(p, args.format, &mut used_names))
        .collect();
    let mut results: Vec<Option<Result<Document, ReadError>>> = args.files.iter().map(|_| None).collect();
    let mut failed = 0usize;
    let open = args.document.options();
    read_files(
        &engine,
        &args.files,
        &open,
        args.analyses(),
        engine.options().threads,
        &|path, page| {
            if let Some(dir) = &args.debug_dir
                && let Err(e) = debug_dir::write_page(dir, path, page)
            {
                eprintln!("warning: {}: cannot write the debug output: {e}", path.display());
            }
        },
        |i, result| {
            let doc = match result {
                Ok(doc) => doc,
                Err(e) => {
                    eprintln!("error: {e}");
                    failed += 1;
                    return;
                }
            };
            match &args.out {
                // Written as soon as each file is done.
                Some(dir) => {
                    if let Err(e) = write_output(&dir.join(&names[i]), &args.files[i], &doc, args.format, &open) {
                        eprintln!("error: {}: {e}", args.files[i].display());
                        failed += 1;
                    }
                }
                // Printed in input order below.
                None => results[i] = Some(Ok(doc)),
            }
        },
    );
    if args.out.is_none() {
        let docs: Vec<Document> = results.into_iter().flatten().flatten().collect();
        let mut out = std::io::stdout().lock();
        match args.format {
            Format::Json if args.files.len() == 1 => {
                if let Some(doc) = docs.first() {
                    writeln!(out, "{}", export::to_json(doc))?;
                }
            }
            Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&docs)?)?,
            Format::Txt => {
                for doc in &docs {
                    if args.files.len() > 1 {
                        writeln!(out, "==> {} <==", doc.source)?;
                    }
                    out.write_all(export::to_txt(doc).as_bytes())?;
                }
            }
            other => out.write_all(&render(&docs, other, &open)?)?,
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The documents in `format`; a PDF takes each page's picture again from its
/// file, opened as it was read (`open`).
fn render(docs: &[Document], format: Format, open: &OpenOptions) -> anyhow::Result<Vec<u8>> {
    Ok(match format.export() {
        ExportFormat::Pdf => {
            let title = match docs {
                [doc] => searchable::title_of(Path::new(&doc.source)),
                _ => "OCR Desk".to_owned(),
            };
            let sources: Vec<_> = docs.iter().map(|doc| (doc, open.clone())).collect();
            let pdf = searchable::searchable_pdf(&sources, &title)?;
            for note in &pdf.notes {
                eprintln!("note: {note}");
            }
            pdf.bytes
        }
        exporter => export::render(docs, exporter)?,
    })
}

/// Writes `doc`, read from `input`, to `target` in `format`; never over the
/// input itself. A bug in an exporter costs this file, not the batch.
fn write_output(target: &Path, input: &Path, doc: &Document, format: Format, open: &OpenOptions) -> Result<(), String> {
    if is_same_file(target, input) {
        return Err("the output would replace the input; give --out another folder".into());
    }
    guard::catch(|| {
        render(std::slice::from_ref(doc), format, open)
            .map_err(std::io::Error::other)
            .and_then(|bytes| export::write_atomic(target, &bytes))
    })
    .unwrap_or_else(|panic| Err(std::io::Error::other(format!("internal error: {panic}"))))
    .map_err(|e| format!("cannot write {}: {e}", target.display()))
}

/// Whether `a` and `b` are one file (`b` exists and `a` leads to it).
fn is_same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `stem.ext`, or `stem-2.ext` when another input already took that name.
fn output_name(path: &Path, format: Format, used: &mut HashMap<String, usize>) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let n = used.entry(stem.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        format!("{stem}.{}", format.extension())
    } else {
        format!("{stem}-{n}.{}", format.extension())
    }
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
