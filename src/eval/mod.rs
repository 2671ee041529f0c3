//! Accuracy and speed against ground truth: [`run`] reads folders of images with
//! `NAME.gt.json` beside each, a subset (`dir/prefix`) at a time, and writes one
//! report row per subset. Pages are scored in `score` (CER, word-F1), a peer's
//! results beside ours in `peer`, turned copies made in `rotate`, the table
//! written in `report`.

mod peer;
mod report;
mod rotate;
mod score;
mod work;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use score::{
    PageScore, Sample, Truth, TruthLine, cer, find_samples, load_truth, normalize, page_text, score_page, tokens,
    word_f1,
};

use crate::analysis::Extract;
use crate::document::OpenOptions;
use crate::error::{DocumentError, OcrError};
use crate::geometry::{Affine, Quad};
use crate::ocr::{EngineOptions, OcrEngine, Parallelism};
use crate::pipeline::read_files;
use crate::result::Document;
use peer::PeerResult;
use report::Tally;
use rotate::ScratchDir;

/// What an evaluation run measures (`ocrdesk eval`'s options).
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// Folders of images with `NAME.gt.json` beside each.
    pub dirs: Vec<PathBuf>,
    /// A peer's results on the same images, scored beside ours: the JSON lines
    /// printed by `../shared/peers/run_rapidocr.py`.
    pub compare: Option<PathBuf>,
    /// The engine; its `parallelism` is chosen by `batch`.
    pub engine: EngineOptions,
    /// Write each image's scores too.
    pub per_image: bool,
    /// Read each subset's images in parallel, one per engine thread, and report
    /// wall time per image (throughput); otherwise one at a time (latency).
    pub batch: bool,
    /// Turn every image clockwise by this many degrees (any angle) before reading
    /// it, truth boxes with it.
    pub rotate: Option<f32>,
    /// With `rotate`: turn each image back again before reading it, so that only
    /// the resampling loss is measured.
    pub rotate_and_back: bool,
}

/// Why an evaluation run (or a truth file) failed; the message names the file.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Engine(#[from] OcrError),
    #[error("cannot list {}", dir.display())]
    ListFolder {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Shown as the path, then (as a source) why it cannot be read.
    #[error("{}", path.display())]
    ReadTruth {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Shown as the path, then (as a source) what is wrong in it.
    #[error("{}", path.display())]
    ParseTruth {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot read {}", path.display())]
    ReadPeer {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: not a peer result line", path.display())]
    ParsePeer {
        path: PathBuf,
        line: usize,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot create {}", dir.display())]
    CreateScratch {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Open(#[from] DocumentError),
    #[error("{}: no page", path.display())]
    NoPage { path: PathBuf },
    #[error("cannot write {}", path.display())]
    WriteTurned {
        path: PathBuf,
        #[source]
        source: image::ImageError,
    },
    #[error("cannot write the report")]
    Report(#[source] std::io::Error),
}

/// The samples of one subset (`dir/prefix`), in name order.
struct Subset {
    name: String,
    samples: Vec<(Sample, Truth)>,
}

/// What reading one subset gave.
struct Reading {
    /// Each sample's score and the seconds its pages took; `None` when it failed.
    scored: Vec<Option<(PageScore, f64)>>,
    /// Wall and CPU time of reading the whole subset.
    wall_seconds: f64,
    cpu_seconds: f64,
    failed: usize,
}

/// Reads and scores every sample in `options.dirs`, writes the report to `out`
/// and an `error: …` line to `errors` for each truth file or image that could
/// not be read; returns how many of those there were. Each subset is read as one
/// batch and timed as a whole.
pub fn run(options: &EvalOptions, out: &mut impl Write, errors: &mut impl Write) -> Result<usize, EvalError> {
    let parallelism = if options.batch {
        Parallelism::AcrossPages
    } else {
        Parallelism::WithinPage
    };
    let engine = OcrEngine::new(EngineOptions {
        parallelism,
        ..options.engine.clone()
    })?;
    let workers = if options.batch { engine.options().threads } else { 1 };
    let peer = options.compare.as_deref().map(peer::load_peer).transpose()?;
    let (mut subsets, mut failed) = load_subsets(&options.dirs, errors)?;
    // Rotated copies live in a scratch folder for the length of the run.
    // Boxes read on a turned copy are scored after being turned back, so both the
    // truth and the prediction are put in reading order on the upright page.
    let scratch = options.rotate.map(|_| ScratchDir::new()).transpose()?;
    let mut original_from_copy: HashMap<PathBuf, Vec<Affine>> = HashMap::new();
    if let (Some(degrees), Some(scratch)) = (options.rotate, &scratch) {
        for subset in &mut subsets {
            for (sample, _) in &mut subset.samples {
                let maps = rotate::rotate_sample(sample, degrees, options.rotate_and_back, scratch.path())?;
                original_from_copy.insert(sample.image.clone(), maps);
            }
        }
    }
    let mut ours: Vec<(String, Tally)> = Vec::new();
    let mut theirs: HashMap<String, Tally> = HashMap::new();
    for subset in subsets {
        let mut tally = Tally::default();
        let reading = read_subset(&engine, workers, &subset, &original_from_copy, &mut tally, errors);
        failed += reading.failed;
        let peer_tally = score_subset(&subset, &reading, peer.as_ref(), options.per_image, &mut tally, out)?;
        if let Some(peer_tally) = peer_tally {
            theirs.insert(subset.name.clone(), peer_tally);
        }
        ours.push((subset.name, tally));
    }
    if options.batch {
        writeln!(
            out,
            "batch mode: each subset read in parallel ({workers} pages at a time); times are wall time per image"
        )
        .map_err(EvalError::Report)?;
    }
    write!(out, "{}", report::report(&ours, &theirs, peer.is_some())).map_err(EvalError::Report)?;
    let work: Vec<(String, work::WorkTally)> = ours.iter().map(|(name, t)| (name.clone(), t.work.clone())).collect();
    write!(out, "{}", work::work_table(&work)).map_err(EvalError::Report)?;
    Ok(failed)
}

/// The samples with line-level truth in `dirs`, grouped by subset in the order
/// first seen; a truth file that cannot be read is an `error: …` line and counted.
fn load_subsets(dirs: &[PathBuf], errors: &mut impl Write) -> Result<(Vec<Subset>, usize), EvalError> {
    let mut subsets: Vec<Subset> = Vec::new();
    let mut failed = 0;
    for dir in dirs {
        let samples = find_samples(dir).map_err(|source| EvalError::ListFolder {
            dir: dir.clone(),
            source,
        })?;
        for sample in samples {
            match load_truth(&sample.truth) {
                Ok(Some(truth)) => match subsets.iter_mut().find(|s| s.name == sample.subset) {
                    Some(subset) => subset.samples.push((sample, truth)),
                    None => subsets.push(Subset {
                        name: sample.subset.clone(),
                        samples: vec![(sample, truth)],
                    }),
                },
                Ok(None) => {}
                Err(e) => {
                    let _ = writeln!(errors, "error: {}", with_causes(&e));
                    failed += 1;
                }
            }
        }
    }
    Ok((subsets, failed))
}

/// Reads a subset as one batch (`workers` images at a time) and scores each
/// page as it arrives; the pages' stage timings go to `tally`.
fn read_subset(
    engine: &OcrEngine,
    workers: usize,
    subset: &Subset,
    original_from_copy: &HashMap<PathBuf, Vec<Affine>>,
    tally: &mut Tally,
    errors: &mut impl Write,
) -> Reading {
    let paths: Vec<PathBuf> = subset.samples.iter().map(|(s, _)| s.image.clone()).collect();
    let mut scored: Vec<Option<(PageScore, f64)>> = subset.samples.iter().map(|_| None).collect();
    let mut failed = 0;
    let (started, cpu_at_start) = (Instant::now(), cpu_seconds());
    read_files(
        engine,
        &paths,
        &OpenOptions::default(),
        Extract::default(),
        workers,
        &|_, _| (),
        |i, result| match result {
            Ok(doc) => {
                let predicted = predicted_lines(&doc, original_from_copy.get(&paths[i]));
                for page in &doc.pages {
                    tally.inference_ms += page.timings.inference_ms;
                    tally.total_ms += page.timings.total_ms;
                    tally.work.add(&page.timings);
                }
                let seconds = doc.pages.iter().map(|p| p.timings.total_ms).sum::<f64>() / 1000.0;
                scored[i] = Some((score_page(&subset.samples[i].1, &predicted), seconds));
            }
            Err(e) => {
                let _ = writeln!(errors, "error: {e}");
                failed += 1;
            }
        },
    );
    Reading {
        scored,
        wall_seconds: started.elapsed().as_secs_f64(),
        cpu_seconds: cpu_seconds().zip(cpu_at_start).map_or(0.0, |(end, start)| end - start),
        failed,
    }
}

/// Every line of the document with its box, taken back through
/// `original_from_copy` (in order) when the document is a turned copy.
fn predicted_lines(doc: &Document, original_from_copy: Option<&Vec<Affine>>) -> Vec<(String, Quad)> {
    doc.pages
        .iter()
        .flat_map(|p| p.lines.iter())
        .map(|line| {
            let quad = match original_from_copy {
                Some(maps) => maps.iter().fold(line.quad, |q, map| map.apply_quad(&q)),
                None => line.quad,
            };
            (line.text.clone(), quad)
        })
        .collect()
}

/// Adds each read sample to `tally`, sharing the subset's wall and CPU time
/// equally, and scores the peer's result on it; with `per_image`, writes a row
/// per image. Returns the peer's tally when it had any of these images.
fn score_subset(
    subset: &Subset,
    reading: &Reading,
    peer: Option<&HashMap<String, PeerResult>>,
    per_image: bool,
    tally: &mut Tally,
    out: &mut impl Write,
) -> Result<Option<Tally>, EvalError> {
    let read = reading.scored.iter().flatten().count().max(1) as f64;
    let mut peer_tally: Option<Tally> = None;
    for ((sample, truth), scored) in subset.samples.iter().zip(&reading.scored) {
        let Some((score, seconds)) = *scored else { continue };
        tally.add(score, reading.wall_seconds / read, reading.cpu_seconds / read);
        let mut peer_note = String::new();
        if let Some(result) = peer.and_then(|p| p.get(&file_name(&sample.image))) {
            let s = score_page(truth, &result.lines());
            peer_tally
                .get_or_insert_default()
                .add(s, result.seconds, result.cpu_seconds);
            peer_note = format!("  peer CER {:.3} F1 {:.3} {:.2}s", s.cer, s.word_f1, result.seconds);
        }
        if per_image {
            writeln!(
                out,
                "{:<40} CER {:.3} F1 {:.3} {:.2}s{peer_note}",
                file_name(&sample.image),
                score.cer,
                score.word_f1,
                seconds
            )
            .map_err(EvalError::Report)?;
        }
    }
    Ok(peer_tally)
}

/// The last component of `path`, or nothing.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `error` and its causes, joined by `: `.
fn with_causes(error: &dyn std::error::Error) -> String {
    std::iter::successors(Some(error), |e| e.source())
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
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
