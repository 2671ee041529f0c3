//! The command line's arguments (clap) and what they turn into: engine, document
//! and evaluation options of the library. `ocr` runs the `ocr` subcommand,
//! `progress` reports on a batch as it goes.

pub mod ocr;
mod progress;
pub mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use ocrdesk::EngineOptions;
use ocrdesk::analysis::Extract;
use ocrdesk::app::Repaint;
use ocrdesk::document::{OpenOptions, PageSelection};
use ocrdesk::eval::EvalOptions;
use ocrdesk::export::ExportFormat;

/// OCR Desk: fast, private, offline OCR. Nothing leaves this machine.
///
/// With no subcommand, opens the window (with FILES, if given).
#[derive(Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Images, PDFs or folders to open in the window.
    pub files: Vec<PathBuf>,
    /// Measure frame times while FILES are read, print them, then close (benchmark).
    #[arg(long, hide = true, value_enum)]
    pub measure_frames: Option<MeasureRepaint>,
}

/// How the window repaints while `--measure-frames` runs.
#[derive(Clone, Copy, ValueEnum)]
pub enum MeasureRepaint {
    Continuous,
    OnDemand,
}

impl MeasureRepaint {
    pub fn repaint(self) -> Repaint {
        match self {
            MeasureRepaint::Continuous => Repaint::Continuous,
            MeasureRepaint::OnDemand => Repaint::OnDemand,
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Read text from images, PDFs and folders of them.
    Ocr(OcrArgs),
    /// Measure accuracy (CER, word-F1) and speed on images with NAME.gt.json truth.
    Eval(EvalArgs),
    /// Answer the cloud OCR API (Huawei Cloud OCR's REST calls) on this machine.
    Serve(serve::ServeArgs),
    /// Write the man pages and shell completions into a folder (for packaging).
    #[command(hide = true)]
    PackageFiles {
        /// Folder to write `man/` and `completions/` into.
        out: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractKind {
    Tables,
    Mrz,
    Contacts,
    Fields,
    None,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    /// One compact JSON document per line, written as each file is done (for streaming).
    Jsonl,
    /// Each page's lines in reading order, a table's rows as tab-separated lines, pages
    /// separated by a form feed.
    Txt,
    /// The tables, as CSV.
    Csv,
    /// Text and tables as a web page.
    Html,
    /// Each page in reading order as Markdown: titles as headings, paragraphs,
    /// tables as HTML tables in place; running headers, footers and page numbers
    /// left out.
    Md,
    /// Lines, and a sheet per table (merged cells merged).
    Xlsx,
    /// Searchable PDF (PDF/A-2b): each page's image with its text, invisible,
    /// over the printed lines.
    Pdf,
}

impl Format {
    pub fn export(self) -> ExportFormat {
        match self {
            Format::Json | Format::Jsonl => ExportFormat::Json,
            Format::Txt => ExportFormat::Txt,
            Format::Csv => ExportFormat::Csv,
            Format::Html => ExportFormat::Html,
            Format::Md => ExportFormat::Markdown,
            Format::Xlsx => ExportFormat::Xlsx,
            Format::Pdf => ExportFormat::Pdf,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            other => other.export().extension(),
        }
    }

    /// Bytes no terminal shows: written only to a file or a redirected output.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Pdf)
    }

    /// The format a file name's extension asks for (`-o out.xlsx`).
    pub fn from_extension(path: &std::path::Path) -> Option<Self> {
        let extension = path.extension()?.to_string_lossy().to_lowercase();
        Self::value_variants()
            .iter()
            .copied()
            .find(|f| f.extension() == extension)
    }
}

#[derive(clap::Args)]
pub struct OcrArgs {
    /// Files to read: images (PNG, JPEG, TIFF, …) and PDFs; folders (searched
    /// recursively, in name order; files in them that are not documents are skipped
    /// and counted); `-` reads one document from standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format [default: json, or what -o FILE's extension names].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write one result file per input into this folder (DIR/NAME.json, …) instead
    /// of printing to standard output.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub out: Option<PathBuf>,
    /// Write the one input's result to this file (its extension sets the format
    /// unless --format is given).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --out: leave out inputs whose output file is already in DIR (counted as
    /// skipped), so that a re-run batch or array job reads only what is missing.
    #[arg(long, requires = "out")]
    pub skip_existing: bool,
    /// Indented JSON (the default only when writing to a terminal).
    #[arg(long)]
    pub pretty: bool,
    /// No progress bar and no summary line on standard error; errors are still printed.
    #[arg(short, long)]
    pub quiet: bool,
    /// Write what each stage of the engine produced on every page into this
    /// folder: the detector's probability map (PNG), each line's crop, and one
    /// JSON file per stage. For finding out why a line reads wrong.
    #[arg(long, value_name = "DIR")]
    pub debug_dir: Option<PathBuf>,
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
    pub document: DocumentArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

impl OcrArgs {
    /// The analyses `--extract` asks for.
    pub fn analyses(&self) -> Extract {
        Extract {
            mrz: self.extract.contains(&ExtractKind::Mrz),
            tables: self.extract.contains(&ExtractKind::Tables),
            contacts: self.extract.contains(&ExtractKind::Contacts),
            fields: self.extract.contains(&ExtractKind::Fields),
        }
    }
}

/// How documents are opened.
#[derive(clap::Args, Clone)]
pub struct DocumentArgs {
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
    pub fn options(&self) -> OpenOptions {
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
pub struct EngineArgs {
    /// ONNX Runtime threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Lines per recognition batch (tuning).
    #[arg(long, hide = true)]
    batch_size: Option<usize>,
    /// Narrowest recognition input of a line's first reading, in pixels (tuning).
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
    /// Leave out the page layout (regions, paragraphs, reading order across
    /// columns): lines are read in rows, and the layout model is not loaded.
    #[arg(long)]
    no_layout: bool,
    /// Read every page as it lies, without finding its orientation (tuning).
    #[arg(long, hide = true)]
    no_page_orientation: bool,
    /// Straighten pages tilted by at least this many degrees (tuning).
    #[arg(long, hide = true)]
    deskew_above: Option<f32>,
}

impl EngineArgs {
    /// The engine these flags ask for (its `parallelism` the default).
    pub fn options(&self) -> EngineOptions {
        let mut options = EngineOptions::default();
        if let Some(t) = self.threads {
            options.threads = t.max(1);
        }
        if let Some(b) = self.batch_size {
            options.batch_size = b.max(1);
        }
        if let Some(w) = self.rec_min_width {
            options.rec_min_width = w;
        }
        if let Some(s) = self.det_max_side {
            options.det_size.max_long_side = s;
        }
        if let Some(s) = self.det_min_side {
            options.det_size.min_short_side = s;
        }
        if let Some(s) = self.det_coarse_side {
            options.det_size.coarse_long_side = s;
        }
        if let Some(h) = self.det_coarse_min_height {
            options.det_size.coarse_min_box_height = h;
        }
        if self.det_refine {
            options.det_size.refine_to_text_size = true;
        }
        if self.drop_watermarks {
            options.drop_light_text = true;
        }
        if self.no_layout {
            options.layout = false;
        }
        if self.no_page_orientation {
            options.page_orientation = false;
        }
        if let Some(d) = self.deskew_above {
            options.deskew_above = d;
        }
        options
    }
}

#[derive(clap::Args)]
pub struct EvalArgs {
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

impl EvalArgs {
    pub fn options(&self) -> EvalOptions {
        EvalOptions {
            dirs: self.dirs.clone(),
            compare: self.compare.clone(),
            engine: self.engine.options(),
            per_image: self.per_image,
            batch: self.batch,
            rotate: self.rotate,
            rotate_and_back: self.rotate_and_back,
        }
    }
}
