//! The engine's settings: what a caller may tune, and how work is spread over the cores.

use super::REC_HEIGHT;
#[cfg(doc)]
use super::REC_MIN_WIDTH;
use super::detect::{DbParams, DetSizePolicy};
use crate::imaging::light_ink;

/// A page whose text tilts at least this much is laid level once, by the engine,
/// and both reading and table finding work on that view: tables are cut into
/// rows and columns along the axes, and a degree across a table 600 px wide
/// moves its far end by 10 px, most of a line. (On the table set turned 1.5°,
/// levelling lifts TEDS with content from 0.718 to 0.799; text reads the same.)
pub const DESKEW_ABOVE_DEGREES: f32 = 1.0;
/// Tunable settings of the engine.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// CPU cores to use.
    pub threads: usize,
    /// How the cores are shared out; see [`Parallelism`].
    pub parallelism: Parallelism,
    pub det_size: DetSizePolicy,
    pub db: DbParams,
    /// Run the 0/180 line classifier.
    pub line_orientation: bool,
    /// A "180" verdict turns a line only when at least this sure.
    pub orientation_threshold: f32,
    /// Lines read with lower confidence than this are dropped.
    pub min_confidence: f32,
    /// Lines read with less confidence than this are read again from a slightly
    /// shorter crop, keeping the surer reading (above 1.0: every line; 0: none).
    pub reread_below: f32,
    /// Lines per recogniser batch (lines in a batch are padded to the widest).
    pub batch_size: usize,
    /// Lines per orientation-classifier batch (fixed input size, so no padding cost).
    pub cls_batch_size: usize,
    /// Narrowest recogniser input of a line's first reading; short lines are
    /// padded to it. Second readings (and the page-direction check) pad to the
    /// width the model was trained at, [`REC_MIN_WIDTH`].
    pub rec_min_width: usize,
    /// Most bytes one recogniser output may take (`lines × steps × classes × 4`):
    /// batches of very wide lines are made smaller so that memory stays bounded.
    pub rec_output_budget: usize,
    /// Find the page's orientation (0/90/180/270) and skew, and read a page that
    /// is not upright turned upright.
    pub page_orientation: bool,
    /// Straighten a page whose text tilts by at least this many degrees: it is
    /// read, and its tables are found, laid level ([`DESKEW_ABOVE_DEGREES`]).
    pub deskew_above: f32,
    /// ... and only when at least this many lines are tilted alike: a document
    /// lying askew, not a photo of a few signs seen at an angle.
    pub deskew_min_lines: usize,
    /// A page orientation backed by less than this share of the lines is unsure.
    pub orientation_unsure_below: f32,
    /// Drop lines printed in light ink (watermarks, pale stamps).
    pub drop_light_text: bool,
    /// Ink at least this bright (0–255) is light.
    pub light_ink: u8,
    /// Keep what each stage produced in [`PageText::trace`](super::PageText::trace) (for `--debug-dir`).
    pub trace: bool,
    /// How ONNX Runtime holds the memory of its inferences; see [`MemoryUse`].
    pub memory: MemoryUse,
    /// Load the layout model, which proposes the page's blocks (paragraphs, titles,
    /// tables, figures, headers) for its regions and reading order across columns.
    pub layout: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            parallelism: Parallelism::WithinPage,
            det_size: DetSizePolicy::default(),
            db: DbParams::default(),
            line_orientation: true,
            orientation_threshold: 0.9,
            min_confidence: 0.5,
            reread_below: 0.9,
            batch_size: 6,
            cls_batch_size: 24,
            // A batch padded only to its widest line: on the evaluation sets, with
            // doubtful lines read again at the trained width, as accurate on every
            // subset as padding every line to 320 px, and 12% faster (a fifth of
            // the recogniser's columns were padding).
            rec_min_width: REC_HEIGHT,
            rec_output_budget: 48 << 20,
            page_orientation: true,
            deskew_above: DESKEW_ABOVE_DEGREES,
            deskew_min_lines: 5,
            orientation_unsure_below: 0.8,
            drop_light_text: false,
            light_ink: light_ink::DEFAULT_LIGHT_INK,
            trace: false,
            memory: MemoryUse::Fastest,
            layout: true,
        }
    }
}

/// How the engine spreads its work over the cores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Parallelism {
    /// One page at a time as fast as possible: detection uses every core in one
    /// session; line batches run on one single-threaded session per core. For
    /// reading one document while a person waits.
    #[default]
    WithinPage,
    /// Several pages at once (one per core), each on single-threaded sessions:
    /// no core idles during the serial parts of a page. For batches.
    AcrossPages,
}

/// How ONNX Runtime holds the memory of inferences between one and the next.
///
/// Measured on the detection model, one thread, the same 16 page sizes in each
/// case: with memory plans 620 MiB; without them 380 MiB at the same speed; with
/// the arena given back after each inference 320 MiB and 15–25% slower; with no
/// arena at all 410 MiB and 25–35% slower.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MemoryUse {
    /// Each session keeps its arena (grown to the largest input it has seen, never
    /// shrunk) and a memory plan per input shape: for a process that reads some
    /// documents and ends (the command line, the window).
    #[default]
    Fastest,
    /// The arena without the per-shape plans, which keep growing as new shapes
    /// arrive: for a long-running server, whose sessions [`warm_up`] to their
    /// largest input at start, so that memory is at its working size from the first
    /// request on.
    ///
    /// [`warm_up`]: super::OcrEngine::warm_up
    Steady,
    /// The arena given back after each inference (ONNX Runtime's arena shrinkage):
    /// a server on little memory, a little slower.
    Low,
}
