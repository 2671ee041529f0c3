//! The `ocrdesk` command line: `ocr` reads files headless, `eval` measures
//! accuracy and speed against ground truth.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use ocrdesk::analysis::Extract;
use ocrdesk::app::{Launch, Repaint};
use ocrdesk::document::{OpenOptions, PageSelection};
use ocrdesk::eval::{self, PageScore};
use ocrdesk::export::ExportFormat;
use ocrdesk::geometry::Affine;
use ocrdesk::geometry::{Point, Quad};
use ocrdesk::ocr::Parallelism;
use ocrdesk::pipeline::{ReadError, read_files};
use ocrdesk::{Document, EngineOptions, OcrEngine, export, guard};

/// OCR Desk: fast, private, offline OCR. Nothing leaves this machine.
///
/// With no subcommand, opens the window (with FILES, if given).
#[derive(Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Images, PDFs or folders to open in the window.
    files: Vec<PathBuf>,
    /// Measure frame times while FILES are read, print them, then close (benchmark).
    #[arg(long, hide = true, value_enum)]
    measure_frames: Option<MeasureRepaint>,
}

/// How the window repaints while `--measure-frames` runs.
#[derive(Clone, Copy, ValueEnum)]
enum MeasureRepaint {
    Continuous,
    OnDemand,
}

#[derive(Subcommand)]
enum Command {
    /// Read text from image files.
    Ocr(OcrArgs),
    /// Measure accuracy (CER, word-F1) and speed on images with NAME.gt.json truth.
    Eval(EvalArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExtractKind {
    Tables,
    Mrz,
    Contacts,
    Fields,
    None,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Txt,
    /// The tables, as CSV.
    Csv,
    /// Text and tables as a web page.
    Html,
    /// Lines, and a sheet per table (merged cells merged).
    Xlsx,
}

impl Format {
    fn export(self) -> ExportFormat {
        match self {
            Format::Json => ExportFormat::Json,
            Format::Txt => ExportFormat::Txt,
            Format::Csv => ExportFormat::Csv,
            Format::Html => ExportFormat::Html,
            Format::Xlsx => ExportFormat::Xlsx,
        }
    }

    fn extension(self) -> &'static str {
        self.export().extension()
    }
}

#[derive(clap::Args)]
struct OcrArgs {
    /// Files to read: images (PNG, JPEG, TIFF, …) and PDFs.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Write one result file per input into this folder instead of printing to stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Analyses of each page: `tables` (to the page's `tables`); `mrz` (passport,
    /// ID-card and visa zones), `contacts` (phones, e-mail, web and postal
    /// addresses) and `fields` (label/value pairs), to its `fields`; or `none`.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "tables,mrz,contacts,fields"
    )]
    extract: Vec<ExtractKind>,
    #[command(flatten)]
    document: DocumentArgs,
    #[command(flatten)]
    engine: EngineArgs,
}

/// How documents are opened.
#[derive(clap::Args, Clone)]
struct DocumentArgs {
    /// Pages of PDFs and multi-page TIFFs to read, e.g. 1,3-5 or 7- (default: all).
    #[arg(long)]
    pages: Option<PageSelection>,
    /// Password of encrypted PDFs.
    #[arg(long)]
    password: Option<String>,
    /// OCR every PDF page, even pages that have a text layer.
    #[arg(long)]
    force_ocr: bool,
    /// Resolution PDF pages are rendered at for OCR.
    #[arg(long, default_value_t = 200.0, value_parser = parse_dpi)]
    pdf_dpi: f32,
}

impl DocumentArgs {
    fn options(&self) -> OpenOptions {
        OpenOptions {
            pages: self.pages.clone().unwrap_or_default(),
            password: self.password.clone(),
            force_ocr: self.force_ocr,
            pdf_dpi: self.pdf_dpi,
            render_text_pages: false,
        }
    }
}

fn parse_dpi(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(d) if (36.0..=1200.0).contains(&d) => Ok(d),
        _ => Err(format!("`{s}` is not a resolution between 36 and 1200 dpi")),
    }
}

/// Engine settings shared by the subcommands.
#[derive(clap::Args, Clone)]
struct EngineArgs {
    /// ONNX Runtime threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Lines per recognition batch (tuning).
    #[arg(long, hide = true)]
    batch_size: Option<usize>,
    /// Narrowest recognition input in pixels (tuning).
    #[arg(long, hide = true)]
    rec_min_width: Option<usize>,
    /// Detection: scale images down to this long side (tuning).
    #[arg(long, hide = true)]
    det_max_side: Option<u32>,
    /// Detection: scale small images up towards this short side (tuning).
    #[arg(long, hide = true)]
    det_min_side: Option<u32>,
    /// Detection: long side of the coarse first pass, 0 for none (tuning).
    #[arg(long, hide = true)]
    det_coarse_side: Option<u32>,
    /// Detection: box height that makes the coarse pass enough (tuning).
    #[arg(long, hide = true)]
    det_coarse_min_height: Option<f32>,
    /// Detection: second pass at the scale the text needs, not the full size (tuning).
    #[arg(long, hide = true)]
    det_refine: bool,
    /// Leave out text printed in light ink: watermarks, pale stamps.
    #[arg(long)]
    drop_watermarks: bool,
    /// Read every page as it lies, without finding its orientation (tuning).
    #[arg(long, hide = true)]
    no_page_orientation: bool,
    /// Straighten pages tilted by at least this many degrees (tuning).
    #[arg(long, hide = true)]
    deskew_above: Option<f32>,
}

#[derive(clap::Args)]
struct EvalArgs {
    /// Folders of images with NAME.gt.json beside each (e.g. ../shared/eval/docs).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Also score a peer's results on the same images: the JSON lines printed by
    /// ../shared/peers/run_rapidocr.py.
    #[arg(long)]
    compare: Option<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
    /// Print each image's scores too.
    #[arg(long)]
    per_image: bool,
    /// Measure batch throughput: read each subset's images in parallel, one per
    /// core, and report wall time per image.
    #[arg(long)]
    batch: bool,
    /// Turn every image clockwise by this many degrees (any angle) before reading
    /// it, truth boxes with it: measures reading pages that lie sideways or skewed.
    #[arg(long, allow_hyphen_values = true)]
    rotate: Option<f32>,
    /// With --rotate: turn each image back again before reading, to measure what
    /// resampling alone costs (a control for the skew figures).
    #[arg(long, requires = "rotate")]
    rotate_and_back: bool,
}

fn main() -> ExitCode {
    let started = Instant::now();
    switch_off_onnx_runtime_telemetry();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Ocr(args)) => run_ocr(args),
        Some(Command::Eval(args)) => run_eval(args),
        None => run_app(Launch {
            files: cli.files,
            started,
            measure_frames: cli.measure_frames.map(|m| match m {
                MeasureRepaint::Continuous => Repaint::Continuous,
                MeasureRepaint::OnDemand => Repaint::OnDemand,
            }),
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

fn engine(args: &EngineArgs, parallelism: Parallelism) -> anyhow::Result<OcrEngine> {
    let mut options = EngineOptions {
        parallelism,
        ..EngineOptions::default()
    };
    if let Some(t) = args.threads {
        options.threads = t.max(1);
    }
    if let Some(b) = args.batch_size {
        options.batch_size = b.max(1);
    }
    if let Some(w) = args.rec_min_width {
        options.rec_min_width = w;
    }
    if let Some(s) = args.det_max_side {
        options.det_size.max_long_side = s;
    }
    if let Some(s) = args.det_min_side {
        options.det_size.min_short_side = s;
    }
    if let Some(s) = args.det_coarse_side {
        options.det_size.coarse_long_side = s;
    }
    if let Some(h) = args.det_coarse_min_height {
        options.det_size.coarse_min_box_height = h;
    }
    if args.det_refine {
        options.det_size.refine_to_text_size = true;
    }
    if args.drop_watermarks {
        options.drop_light_text = true;
    }
    if args.no_page_orientation {
        options.page_orientation = false;
    }
    if let Some(d) = args.deskew_above {
        options.deskew_above = d;
    }
    Ok(OcrEngine::new(options)?)
}

/// `ocrdesk ocr`: every input is tried; each failure is one line on stderr.
/// Several files are read in parallel, one per core.
fn run_ocr(args: OcrArgs) -> anyhow::Result<ExitCode> {
    let parallelism = if args.files.len() > 1 {
        Parallelism::AcrossPages
    } else {
        Parallelism::WithinPage
    };
    let engine = engine(&args.engine, parallelism)?;
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
    let extract = Extract {
        mrz: args.extract.contains(&ExtractKind::Mrz),
        tables: args.extract.contains(&ExtractKind::Tables),
        contacts: args.extract.contains(&ExtractKind::Contacts),
        fields: args.extract.contains(&ExtractKind::Fields),
    };
    let mut failed = 0usize;
    read_files(
        &engine,
        &args.files,
        &args.document.options(),
        extract,
        engine.options().threads,
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
                    let target = dir.join(&names[i]);
                    // A bug in an exporter costs this file, not the batch.
                    let written = guard::catch(|| {
                        render(&doc, args.format)
                            .map_err(std::io::Error::other)
                            .and_then(|bytes| export::write_atomic(&target, &bytes))
                    })
                    .unwrap_or_else(|panic| Err(std::io::Error::other(format!("internal error: {panic}"))));
                    if let Err(e) = written {
                        eprintln!(
                            "error: {}: cannot write {}: {e}",
                            args.files[i].display(),
                            target.display()
                        );
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
            other => out.write_all(&export::render(&docs, other.export())?)?,
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn render(doc: &Document, format: Format) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    export::render(std::slice::from_ref(doc), format.export())
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

/// Per-subset sums for `eval`.
#[derive(Default)]
struct Tally {
    images: usize,
    cer: f64,
    word_f1: f64,
    seconds: f64,
    cpu_seconds: f64,
    inference_ms: f64,
    total_ms: f64,
}

impl Tally {
    fn add(&mut self, s: PageScore, seconds: f64, cpu_seconds: f64) {
        self.images += 1;
        self.cer += s.cer;
        self.word_f1 += s.word_f1;
        self.seconds += seconds;
        self.cpu_seconds += cpu_seconds;
    }
    fn mean(&self, v: f64) -> f64 {
        if self.images == 0 { 0.0 } else { v / self.images as f64 }
    }
}

/// One peer result line from run_rapidocr.py.
#[derive(serde::Deserialize)]
struct PeerResult {
    image: String,
    lines: Vec<PeerLine>,
    seconds: f64,
    #[serde(default)]
    cpu_seconds: f64,
}

#[derive(serde::Deserialize)]
struct PeerLine {
    text: String,
    #[serde(rename = "box")]
    quad: [[f32; 2]; 4],
}

fn load_peer(path: &Path) -> anyhow::Result<HashMap<String, PeerResult>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut by_name = HashMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let r: PeerResult = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a peer result line", path.display(), i + 1))?;
        by_name.insert(file_name(Path::new(&r.image)), r);
    }
    Ok(by_name)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// CPU time of this process so far (Linux; `None` elsewhere).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// `ocrdesk eval`: accuracy and speed per subset, optionally beside a peer.
/// Each subset is read as one batch and timed as a whole: one image at a time
/// (latency) by default, or in parallel with `--batch` (throughput).
fn run_eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let parallelism = if args.batch {
        Parallelism::AcrossPages
    } else {
        Parallelism::WithinPage
    };
    let engine = engine(&args.engine, parallelism)?;
    let workers = if args.batch { engine.options().threads } else { 1 };
    let peer = args.compare.as_deref().map(load_peer).transpose()?;
    let mut ours: Vec<(String, Tally)> = Vec::new();
    let mut theirs: HashMap<String, Tally> = HashMap::new();
    let mut failed = 0usize;
    let mut subsets: Vec<(String, Vec<(eval::Sample, eval::Truth)>)> = Vec::new();
    for dir in &args.dirs {
        for sample in eval::find_samples(dir).with_context(|| format!("cannot list {}", dir.display()))? {
            match eval::load_truth(&sample.truth) {
                Ok(Some(truth)) => match subsets.iter_mut().find(|(name, _)| *name == sample.subset) {
                    Some((_, list)) => list.push((sample, truth)),
                    None => subsets.push((sample.subset.clone(), vec![(sample, truth)])),
                },
                Ok(None) => {}
                Err(e) => {
                    eprintln!("error: {e}");
                    failed += 1;
                }
            }
        }
    }
    // Rotated copies live in a scratch folder for the length of the run.
    // Boxes read on a turned copy are scored after being turned back, so both the
    // truth and the prediction are put in reading order on the upright page.
    let scratch = args.rotate.map(|_| ScratchDir::new()).transpose()?;
    let mut turned_back: HashMap<PathBuf, Vec<Affine>> = HashMap::new();
    if let (Some(degrees), Some(scratch)) = (args.rotate, &scratch) {
        for (_, samples) in &mut subsets {
            for (sample, _) in samples.iter_mut() {
                let back = rotate_sample(sample, degrees, args.rotate_and_back, &scratch.0)?;
                turned_back.insert(sample.image.clone(), back);
            }
        }
    }
    for (name, samples) in subsets {
        let paths: Vec<PathBuf> = samples.iter().map(|(s, _)| s.image.clone()).collect();
        let mut tally = Tally::default();
        let (t, c) = (Instant::now(), cpu_seconds());
        let mut scored: Vec<Option<(PageScore, f64)>> = samples.iter().map(|_| None).collect();
        read_files(
            &engine,
            &paths,
            &OpenOptions::default(),
            Extract::default(),
            workers,
            |i, result| match result {
                Ok(doc) => {
                    let predicted: Vec<(String, Quad)> = doc
                        .pages
                        .iter()
                        .flat_map(|p| p.lines.iter().map(|l| (l.text.clone(), l.quad)))
                        .map(|(text, quad)| match turned_back.get(&paths[i]) {
                            Some(maps) => (text, maps.iter().fold(quad, |q, back| back.apply_quad(&q))),
                            None => (text, quad),
                        })
                        .collect();
                    for page in &doc.pages {
                        tally.inference_ms += page.timings.inference_ms;
                        tally.total_ms += page.timings.total_ms;
                    }
                    let seconds = doc.pages.iter().map(|p| p.timings.total_ms).sum::<f64>() / 1000.0;
                    scored[i] = Some((eval::score_page(&samples[i].1, &predicted), seconds));
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    failed += 1;
                }
            },
        );
        let wall = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(c).map_or(0.0, |(b, a)| b - a);
        let read = scored.iter().flatten().count().max(1) as f64;
        for (i, (sample, truth)) in samples.iter().enumerate() {
            let Some((score, seconds)) = scored[i] else { continue };
            tally.add(score, wall / read, cpu / read);
            let mut peer_note = String::new();
            if let Some(result) = peer.as_ref().and_then(|p| p.get(&file_name(&sample.image))) {
                let lines: Vec<(String, Quad)> = result
                    .lines
                    .iter()
                    .map(|l| (l.text.clone(), l.quad.map(|[x, y]| Point::new(x, y))))
                    .collect();
                let s = eval::score_page(truth, &lines);
                theirs
                    .entry(name.clone())
                    .or_default()
                    .add(s, result.seconds, result.cpu_seconds);
                peer_note = format!("  peer CER {:.3} F1 {:.3} {:.2}s", s.cer, s.word_f1, result.seconds);
            }
            if args.per_image {
                writeln!(
                    std::io::stdout(),
                    "{:<40} CER {:.3} F1 {:.3} {:.2}s{peer_note}",
                    file_name(&sample.image),
                    score.cer,
                    score.word_f1,
                    seconds
                )?;
            }
        }
        ours.push((name, tally));
    }
    if args.batch {
        writeln!(
            std::io::stdout(),
            "batch mode: each subset read in parallel ({workers} pages at a time); times are wall time per image"
        )?;
    }
    write!(std::io::stdout(), "{}", report(&ours, &theirs, peer.is_some()))?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Replaces the sample's image by a copy turned by `degrees` (and, with
/// `and_back`, turned back again: the resampling loss alone); returns the maps
/// that take the copy's coordinates back to the original's, in order.
fn rotate_sample(sample: &mut eval::Sample, degrees: f32, and_back: bool, dir: &Path) -> anyhow::Result<Vec<Affine>> {
    let pages = ocrdesk::document::open(&sample.image)?;
    let page = pages.first().context("no page")?;
    let (mut turned, back) = ocrdesk::imaging::turn(&page.image, degrees);
    let mut maps = vec![back];
    if and_back {
        let (again, back_again) = ocrdesk::imaging::turn(&turned, -degrees);
        turned = again;
        maps.insert(0, back_again);
    }
    let target = dir.join(format!("{}.png", file_name(&sample.image)));
    turned
        .save(&target)
        .with_context(|| format!("cannot write {}", target.display()))?;
    sample.image = target;
    Ok(maps)
}

/// A folder removed when dropped.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("ocrdesk-eval-{}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Self(dir))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The report table, one row per subset and a total.
fn report(ours: &[(String, Tally)], theirs: &HashMap<String, Tally>, with_peer: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut total = Tally::default();
    let mut peer_total = Tally::default();
    let _ = write!(
        out,
        "{:<14} {:>6} {:>7} {:>8} {:>9} {:>9}",
        "subset", "images", "CER", "word-F1", "s/image", "cpu-s/img"
    );
    if with_peer {
        let _ = write!(
            out,
            " | {:>8} {:>8} {:>9} {:>9} {:>7}",
            "peer CER", "peer F1", "s/image", "cpu-s/img", "speedup"
        );
    }
    out.push('\n');
    let row = |out: &mut String, name: &str, t: &Tally, p: Option<&Tally>| {
        let _ = write!(
            out,
            "{:<14} {:>6} {:>7.3} {:>8.3} {:>9.3} {:>9.3}",
            name,
            t.images,
            t.mean(t.cer),
            t.mean(t.word_f1),
            t.mean(t.seconds),
            t.mean(t.cpu_seconds)
        );
        if let Some(p) = p {
            let speedup = if t.seconds > 0.0 {
                p.mean(p.seconds) / t.mean(t.seconds)
            } else {
                0.0
            };
            let _ = write!(
                out,
                " | {:>8.3} {:>8.3} {:>9.3} {:>9.3} {:>6.2}x",
                p.mean(p.cer),
                p.mean(p.word_f1),
                p.mean(p.seconds),
                p.mean(p.cpu_seconds),
                speedup
            );
        }
        out.push('\n');
    };
    for (name, t) in ours {
        let p = theirs.get(name).filter(|p| p.images == t.images);
        row(&mut out, name, t, p);
        merge(&mut total, t);
        if let Some(p) = p {
            merge(&mut peer_total, p);
        }
    }
    row(
        &mut out,
        "total",
        &total,
        (peer_total.images == total.images && with_peer).then_some(&peer_total),
    );
    if total.total_ms > 0.0 {
        let _ = writeln!(
            out,
            "time inside ONNX Runtime sessions: {:.1}% (overhead {:.1}%)",
            100.0 * total.inference_ms / total.total_ms,
            100.0 * (1.0 - total.inference_ms / total.total_ms)
        );
    }
    out
}

fn merge(into: &mut Tally, t: &Tally) {
    into.images += t.images;
    into.cer += t.cer;
    into.word_f1 += t.word_f1;
    into.seconds += t.seconds;
    into.cpu_seconds += t.cpu_seconds;
    into.inference_ms += t.inference_ms;
    into.total_ms += t.total_ms;
}
