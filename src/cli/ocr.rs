//! `ocrdesk ocr`: reads files, folders or standard input and writes each result as
//! it is done. Every input is tried; each failure is one line on standard error.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::progress::Progress;
use super::{Format, OcrArgs};
use ocrdesk::document::inputs::{self, OPENABLE_EXTENSIONS};
use ocrdesk::document::{OpenOptions, STDIN};
use ocrdesk::ocr::Parallelism;
use ocrdesk::pipeline::{ReadError, read_files, searchable};
use ocrdesk::{Document, EngineOptions, OcrEngine, debug_dir, export, guard};

/// Exit code of a command line that cannot be run as given (as clap's own).
const USAGE: u8 = 2;

/// Where the results go.
enum Destination {
    /// Standard output, all at the end (or line by line for jsonl).
    Stdout { terminal: bool },
    /// One file per input in a folder.
    Folder(PathBuf),
    /// The one input's result in this file.
    File(PathBuf),
}

pub fn run(args: OcrArgs) -> anyhow::Result<ExitCode> {
    let found = inputs::expand(&args.files, &OPENABLE_EXTENSIONS);
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(Format::from_extension))
        .unwrap_or(Format::Json);
    let destination = match (&args.out, &args.output) {
        (Some(dir), _) => Destination::Folder(dir.clone()),
        (None, Some(file)) => Destination::File(file.clone()),
        (None, None) => Destination::Stdout {
            terminal: std::io::stdout().is_terminal(),
        },
    };
    if let Err(problem) = check_usage(&args, &found.files, format, &destination) {
        eprintln!("ocrdesk: {problem}");
        return Ok(ExitCode::from(USAGE));
    }
    let (files, names, skipped) = still_to_do(&args, found.files, format, &destination, found.skipped);
    let pretty = args.pretty || matches!(destination, Destination::Stdout { terminal: true });
    let engine = OcrEngine::new(EngineOptions {
        parallelism: if files.len() > 1 {
            Parallelism::AcrossPages
        } else {
            Parallelism::WithinPage
        },
        trace: args.debug_dir.is_some(),
        ..args.engine.options()
    })?;
    if let Destination::Folder(dir) = &destination {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create output folder {}", dir.display()))?;
    }
    let open = args.document.options();
    let output = Output {
        format,
        pretty,
        open: &open,
    };
    let progress = Progress::new(files.len(), skipped, args.quiet);
    let mut sink = Sink {
        files: &files,
        names,
        destination: &destination,
        output: &output,
        progress: &progress,
        kept: files.iter().map(|_| None).collect(),
        failed: 0,
        stdout_error: None,
    };
    read_files(
        &engine,
        &files,
        &open,
        args.analyses(),
        engine.options().threads,
        &|path, page| {
            progress.page_done();
            if let Some(dir) = &args.debug_dir
                && let Err(e) = debug_dir::write_page(dir, path, page)
            {
                progress.error(&format!(
                    "warning: {}: cannot write the debug output: {e}",
                    path.display()
                ));
            }
        },
        |i, result| sink.take(i, result),
    );
    let Sink {
        kept,
        failed,
        stdout_error,
        ..
    } = sink;
    progress.finish();
    if let Some(e) = stdout_error {
        return Err(e.into());
    }
    if matches!(destination, Destination::Stdout { .. }) && format != Format::Jsonl {
        let docs: Vec<Document> = kept.into_iter().flatten().collect();
        let mut out = std::io::stdout().lock();
        out.write_all(&output.render_all(&docs)?)?;
        out.flush()?;
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Takes each file's result as it is done: written to its file, streamed, or kept
/// for standard output; a failure reported.
struct Sink<'a> {
    files: &'a [PathBuf],
    /// Each input's file name under `--out DIR`.
    names: Vec<String>,
    destination: &'a Destination,
    output: &'a Output<'a>,
    progress: &'a Progress,
    /// Documents waiting to be printed together at the end.
    kept: Vec<Option<Document>>,
    failed: usize,
    /// The first failure to write to standard output (a closed pipe).
    stdout_error: Option<std::io::Error>,
}

impl Sink<'_> {
    fn take(&mut self, i: usize, result: Result<Document, ReadError>) {
        let input = &self.files[i];
        let streaming = self.output.format == Format::Jsonl && matches!(self.destination, Destination::Stdout { .. });
        let written = match result {
            Err(e) => Err(e.to_string()),
            Ok(doc) => {
                let pages = doc.pages.len();
                let done = match self.destination {
                    Destination::Folder(dir) => self.output.write(&dir.join(&self.names[i]), input, &doc),
                    Destination::File(file) => self.output.write(file, input, &doc),
                    Destination::Stdout { .. } if streaming => {
                        stream_line(&serde_json::to_string(&doc).unwrap_or_default(), &mut self.stdout_error);
                        Ok(())
                    }
                    Destination::Stdout { .. } => {
                        self.kept[i] = Some(doc);
                        Ok(())
                    }
                };
                done.map(|()| pages).map_err(|e| format!("{}: {e}", input.display()))
            }
        };
        match written {
            Ok(pages) => self.progress.file_done(Some(pages)),
            Err(message) => {
                if streaming {
                    let line = serde_json::json!({ "source": input.display().to_string(), "error": message });
                    stream_line(&line.to_string(), &mut self.stdout_error);
                }
                self.progress.error(&format!("error: {message}"));
                self.progress.file_done(None);
                self.failed += 1;
            }
        }
    }
}

/// One line on standard output, flushed at once so that a reader can stream; the
/// first failure (a closed pipe) is kept and ends the run after the batch.
fn stream_line(line: &str, error: &mut Option<std::io::Error>) {
    if error.is_some() {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
        *error = Some(e);
    }
}

/// What cannot work as asked, said before any model loads.
fn check_usage(args: &OcrArgs, files: &[PathBuf], format: Format, destination: &Destination) -> Result<(), String> {
    if args.files.iter().filter(|p| p.as_path() == Path::new(STDIN)).count() > 1 {
        return Err("standard input (-) can be read only once".into());
    }
    match destination {
        Destination::File(file) if files.len() != 1 => Err(format!(
            "-o {} takes the result of one input, but {} were given; use --out DIR for several",
            file.display(),
            files.len()
        )),
        Destination::Stdout { terminal: true } if format.is_binary() => Err(format!(
            "refusing to write {} to a terminal: redirect standard output (> result.{}), or give -o FILE or --out DIR",
            format.extension(),
            format.extension()
        )),
        _ => Ok(()),
    }
}

/// The inputs to read and their output names; with `--skip-existing`, those whose
/// output is already in the `--out` folder are left out and counted as skipped (a
/// re-run array job does only what is missing).
fn still_to_do(
    args: &OcrArgs,
    files: Vec<PathBuf>,
    format: Format,
    destination: &Destination,
    skipped: usize,
) -> (Vec<PathBuf>, Vec<String>, usize) {
    let names = output_names(&files, format);
    let Destination::Folder(dir) = destination else {
        return (files, names, skipped);
    };
    if !args.skip_existing {
        return (files, names, skipped);
    }
    let (todo, done): (Vec<_>, Vec<_>) = files
        .into_iter()
        .zip(names)
        .partition(|(_, name)| !dir.join(name).exists());
    let (files, names) = todo.into_iter().unzip();
    (files, names, skipped + done.len())
}

/// How each result is written.
struct Output<'a> {
    format: Format,
    pretty: bool,
    /// How the inputs were opened: a searchable PDF takes their pages again.
    open: &'a OpenOptions,
}

impl Output<'_> {
    /// All documents as one output (standard output): JSON as one object for one
    /// document and an array for several; text with a `==> FILE <==` header per file.
    fn render_all(&self, docs: &[Document]) -> anyhow::Result<Vec<u8>> {
        Ok(match self.format {
            Format::Json => {
                let mut text = match docs {
                    [doc] => self.json(doc)?,
                    _ if self.pretty => serde_json::to_string_pretty(docs)?,
                    _ => serde_json::to_string(docs)?,
                };
                text.push('\n');
                text.into_bytes()
            }
            Format::Pdf => self.searchable_pdf(docs)?,
            other => export::render(docs, other.export())?,
        })
    }

    fn json(&self, doc: &Document) -> serde_json::Result<String> {
        if self.pretty {
            serde_json::to_string_pretty(doc)
        } else {
            serde_json::to_string(doc)
        }
    }

    /// One document, as its own file's content.
    fn render_one(&self, doc: &Document) -> anyhow::Result<Vec<u8>> {
        match self.format {
            Format::Jsonl => Ok(format!("{}\n", serde_json::to_string(doc)?).into_bytes()),
            _ => self.render_all(std::slice::from_ref(doc)),
        }
    }

    /// The documents as a searchable PDF; each page's picture is taken again from its file.
    fn searchable_pdf(&self, docs: &[Document]) -> anyhow::Result<Vec<u8>> {
        let title = match docs {
            [doc] => searchable::title_of(Path::new(&doc.source)),
            _ => "OCR Desk".to_owned(),
        };
        let sources: Vec<_> = docs.iter().map(|doc| (doc, self.open.clone())).collect();
        let pdf = searchable::searchable_pdf(&sources, &title)?;
        for note in &pdf.notes {
            eprintln!("note: {note}");
        }
        Ok(pdf.bytes)
    }

    /// Writes `doc`, read from `input`, to `target`; never over the input itself.
    /// A bug in an exporter costs this file, not the batch.
    fn write(&self, target: &Path, input: &Path, doc: &Document) -> Result<(), String> {
        if is_same_file(target, input) {
            return Err("the output would replace the input; give another file or folder".into());
        }
        guard::catch(|| {
            self.render_one(doc)
                .map_err(std::io::Error::other)
                .and_then(|bytes| export::write_atomic(target, &bytes))
        })
        .unwrap_or_else(|panic| Err(std::io::Error::other(format!("internal error: {panic}"))))
        .map_err(|e| format!("cannot write {}: {e}", target.display()))
    }
}

/// Whether `a` and `b` are one file (`b` exists and `a` leads to it).
fn is_same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Each input's file name in `--out DIR`: `stem.ext`, `stem-2.ext` when another
/// input already took that name, `stdin.ext` for standard input.
fn output_names(files: &[PathBuf], format: Format) -> Vec<String> {
    let mut used: HashMap<String, usize> = HashMap::new();
    files
        .iter()
        .map(|path| {
            let stem = if path.as_path() == Path::new(STDIN) {
                "stdin".to_owned()
            } else {
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "output".into())
            };
            let n = used.entry(stem.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                format!("{stem}.{}", format.extension())
            } else {
                format!("{stem}-{n}.{}", format.extension())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_are_unique_and_standard_input_is_stdin() {
        let files: Vec<PathBuf> = ["a/scan.png", "b/scan.pdf", "-", "memo.tif"].map(PathBuf::from).into();
        assert_eq!(
            output_names(&files, Format::Txt),
            ["scan.txt", "scan-2.txt", "stdin.txt", "memo.txt"]
        );
    }
}
