//! The OCR engine: an image in, text lines out.
//!
//! Stages: detection (DB) finds line boxes; each box is cut out; the line
//! orientation classifier turns upside-down lines; the recogniser reads each
//! line (CTC). Models load once and are shared; the engine is `Sync`.

mod batch;
pub mod crop;
pub mod ctc;
pub mod detect;
pub mod layout;
pub mod model;
pub mod options;
pub mod orientation;
pub mod page;
pub mod runtime;
pub mod table;
pub mod trace;

use std::path::Path;
use std::time::Instant;

use image::RgbImage;
use ndarray::{Array4, Axis};

use crate::assets;
use crate::error::OcrError;
use crate::imaging::{light_ink, resize};
use crate::result::PageOrientation;
use crate::result::{Line, StageTimings};
use crop::LineCrop;
use ctc::Charset;
use model::{InferenceModel, OrtModel};
pub use options::{DESKEW_ABOVE_DEGREES, EngineOptions, MemoryUse, Parallelism};

/// Height of recogniser input.
pub const REC_HEIGHT: usize = 48;
/// Narrowest recogniser input (PaddleOCR's 3×48×320 shape).
pub const REC_MIN_WIDTH: usize = 320;
/// Height of the second crop of a doubtful line, as a share of its box's height.
const REREAD_HEIGHT: f32 = 0.9;
/// A page orientation the line classifier is less sure of than this is checked
/// with the recogniser.
const VERIFY_BELOW: f32 = 0.95;
/// ... unless the lines, counted one by one, make it at least this likely that
/// most of them read upright: a wrong turn then costs one page in a thousand,
/// and a check costs the recogniser eight crops on every page.
const LINES_SURE_ENOUGH: f32 = 0.999;
/// Lines read both ways round to check a page orientation.
const VERIFY_LINES: usize = 4;
/// ... and only their first this-many heights: enough text to tell.
const VERIFY_MAX_RATIO: f32 = 10.0;
/// Orientation classifier input size.
pub const CLS_HEIGHT: usize = 48;
pub const CLS_WIDTH: usize = 192;

/// What the engine read on one image.
#[derive(Clone, Debug, Default)]
pub struct PageText {
    /// Lines in reading order.
    pub lines: Vec<Line>,
    /// How the page lay, as found (upright unless orientation finding is on).
    pub orientation: PageOrientation,
    pub timings: StageTimings,
    /// The page laid upright and level as the engine read it (turned by
    /// `orientation.level_turn()`), when it was turned at all.
    pub level_view: Option<RgbImage>,
    /// What each stage produced, when [`EngineOptions::trace`] is on.
    pub trace: Option<Box<trace::PageTrace>>,
}

/// The engine. Create once (model loading takes ~150 ms), share freely.
pub struct OcrEngine {
    detector: Box<dyn InferenceModel>,
    classifier: Box<dyn InferenceModel>,
    recognizer: Box<dyn InferenceModel>,
    charset: Charset,
    /// Proposes the page's blocks; `None` when [`EngineOptions::layout`] is off.
    layout: Option<layout::LayoutModel>,
    /// Reads the structure of the tables the layout model proposes; with `layout`.
    table: Option<table::TableModel>,
    options: EngineOptions,
}

impl OcrEngine {
    /// Loads the PP-OCRv6 models found by [`assets`].
    pub fn new(options: EngineOptions) -> Result<Self, OcrError> {
        Self::from_dir(None, options)
    }

    /// Loads the models from `dir`, or from the usual places when `None`.
    pub fn from_dir(dir: Option<&Path>, options: EngineOptions) -> Result<Self, OcrError> {
        let path = |file: &str| match dir {
            Some(d) => Ok(d.join(file)),
            None => assets::model(file),
        };
        let threads = options.threads.max(1);
        let (det_threads, det_sessions) = match options.parallelism {
            Parallelism::WithinPage => (threads, 1),
            Parallelism::AcrossPages => (1, threads),
        };
        let det_path = path(assets::DETECTION_MODEL)?;
        let rec_path = path(assets::RECOGNITION_MODEL)?;
        let cls_path = path(assets::ORIENTATION_MODEL)?;
        // One image cannot be split, so detection uses every thread in one session;
        // line batches are independent, so each thread gets a session of its own.
        let memory = options.memory;
        let detector = OrtModel::load("detection", &det_path, det_threads, det_sessions, memory)?;
        let recognizer = OrtModel::load("recognition", &rec_path, 1, threads, memory)?;
        let classifier = OrtModel::load("line orientation", &cls_path, 1, threads, memory)?;
        // One page at a time, like detection: every thread on one session.
        let layout = if options.layout {
            Some(layout::LayoutModel::load(
                &path(assets::LAYOUT_MODEL)?,
                threads,
                memory,
            )?)
        } else {
            None
        };
        // Optional, unlike the others: without it tables come from rules and alignment.
        let table = match path(assets::TABLE_MODEL) {
            Ok(found) if options.layout => Some(table::TableModel::load(&found, threads, memory)?),
            _ => None,
        };
        let dictionary = recognizer
            .metadata("character")?
            .ok_or_else(|| OcrError::ModelMetadata {
                model: "recognition",
                what: "`character` dictionary".into(),
            })?;
        let mut engine = Self::with_models(
            Box::new(detector),
            Box::new(classifier),
            Box::new(recognizer),
            Charset::from_metadata(&dictionary),
            options,
        );
        engine.layout = layout;
        engine.table = table;
        Ok(engine)
    }

    /// An engine over any models: fakes in tests, other runtimes later.
    pub fn with_models(
        detector: Box<dyn InferenceModel>,
        classifier: Box<dyn InferenceModel>,
        recognizer: Box<dyn InferenceModel>,
        charset: Charset,
        options: EngineOptions,
    ) -> Self {
        Self {
            detector,
            classifier,
            recognizer,
            charset,
            layout: None,
            table: None,
            options,
        }
    }

    /// The engine with a layout model (a fake in tests).
    pub fn with_layout(mut self, layout: layout::LayoutModel) -> Self {
        self.layout = Some(layout);
        self
    }

    /// Whether the engine has a layout model ([`EngineOptions::layout`]).
    pub fn has_layout(&self) -> bool {
        self.layout.is_some()
    }

    /// The blocks the layout model proposes on `upright` (the page as the engine
    /// read it, laid upright and level), in its pixels, and the milliseconds spent;
    /// nothing when the engine has no layout model.
    pub fn propose_layout(&self, upright: &RgbImage) -> Result<(Vec<crate::result::LayoutProposal>, f64), OcrError> {
        let Some(model) = &self.layout else {
            return Ok((Vec::new(), 0.0));
        };
        let started = Instant::now();
        let (proposals, _) = model.propose(upright)?;
        Ok((proposals, ms(started)))
    }

    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    /// Runs every session of every model once on the largest input the engine ever
    /// gives it, so that a long-running process holds its working memory from the
    /// start instead of growing towards it under load ([`MemoryUse::Steady`]).
    pub fn warm_up(&self) -> Result<(), OcrError> {
        let side = self.options.det_size.largest_tensor_side() as usize;
        self.detector.warm_up(&Array4::zeros((1, 3, side, side)))?;
        // Recognition: a full batch as wide as the output budget lets it be.
        let lines = self.options.batch_size.max(1);
        // Second readings pad to the trained width even when first readings do not.
        let width = (self.rec_max_columns() / lines).max(self.options.rec_min_width.max(REC_MIN_WIDTH));
        self.recognizer.warm_up(&Array4::zeros((lines, 3, REC_HEIGHT, width)))?;
        let lines = self.options.cls_batch_size.max(1);
        self.classifier
            .warm_up(&Array4::zeros((lines, 3, CLS_HEIGHT, CLS_WIDTH)))
    }

    /// Most input columns (lines × padded width) in one recogniser batch, so that
    /// its output stays within [`EngineOptions::rec_output_budget`].
    fn rec_max_columns(&self) -> usize {
        // Bytes of output per line per pixel of input width (the model emits a step every 8 px).
        let bytes_per_column = self.charset.num_classes() * 4 / 8;
        (self.options.rec_output_budget / bytes_per_column.max(1)).max(1)
    }

    /// Threads that work through one page's line batches.
    fn batch_workers(&self) -> usize {
        match self.options.parallelism {
            Parallelism::WithinPage => self.options.threads,
            Parallelism::AcrossPages => 1,
        }
    }

    /// Reads every text line of an image. With [`EngineOptions::page_orientation`],
    /// a page lying sideways, upside down or skewed is read upright; the boxes are
    /// still in `image`'s coordinates.
    pub fn read(&self, image: &RgbImage) -> Result<PageText, OcrError> {
        let mut trace = self.options.trace.then(Box::<trace::PageTrace>::default);
        let mut text = if self.options.drop_light_text {
            let t = Instant::now();
            let clean = light_ink::whiten_light_ink(image, self.options.light_ink);
            let mut text = self.read_page(&clean, None, self.options.page_orientation, trace.as_deref_mut())?;
            text.timings.detection_ms += ms(t) - text.timings.total_ms;
            text.timings.total_ms = ms(t);
            text
        } else {
            self.read_page(image, None, self.options.page_orientation, trace.as_deref_mut())?
        };
        text.trace = trace;
        Ok(text)
    }

    /// Detection: returns boxes in image coordinates and the model work (passes, time inside).
    /// Each pass's probability map is added to `maps` when given.
    fn detect(
        &self,
        image: &RgbImage,
        mut maps: Option<&mut Vec<trace::DetectionMap>>,
    ) -> Result<(Vec<detect::DetectedBox>, ModelWork), OcrError> {
        let (w, h) = image.dimensions();
        let policy = &self.options.det_size;
        let mut work = ModelWork::default();
        let mut geometry = policy.geometry(w, h);
        if let Some(coarse) = policy.coarse_geometry(w, h) {
            let (boxes, t) = self.detect_at(image, &coarse, maps.as_deref_mut())?;
            work.add_run(t);
            match policy.refine(&boxes, &coarse, w, h) {
                None => return Ok((boxes, work)),
                Some(second) => geometry = second,
            }
        }
        let (boxes, t) = self.detect_at(image, &geometry, maps)?;
        work.add_run(t);
        Ok((boxes, work))
    }

    /// One detection pass at a given input geometry.
    fn detect_at(
        &self,
        image: &RgbImage,
        geometry: &detect::DetGeometry,
        mut maps: Option<&mut Vec<trace::DetectionMap>>,
    ) -> Result<(Vec<detect::DetectedBox>, f64), OcrError> {
        let (w, h) = image.dimensions();
        let geometry = *geometry;
        // DB's minimum region size is meant at the full detection scale; a reduced
        // pass shrinks real glyphs too (a lone "1"), so the filter shrinks with it.
        let mut db = self.options.db.clone();
        db.min_size *= (geometry.scale_y / self.options.det_size.geometry(w, h).scale_y).min(1.0);
        let scaled = resize(image, geometry.scaled_width, geometry.scaled_height);
        let input = detect::detection_input(&scaled, &geometry);
        let expected = [1, 1, geometry.tensor_height as usize, geometry.tensor_width as usize];
        let t = Instant::now();
        let mut found: Result<Vec<detect::DetectedBox>, Vec<usize>> = Err(Vec::new());
        let mut model_done = None;
        self.detector.run(&input, &mut |output| {
            model_done = Some(Instant::now());
            found = match output.into_dimensionality::<ndarray::Ix4>() {
                Ok(map) if map.shape() == expected => {
                    let map = map.index_axis_move(Axis(0), 0).index_axis_move(Axis(0), 0);
                    if let Some(maps) = maps.as_deref_mut() {
                        maps.push(trace::DetectionMap::new(map.view(), geometry));
                    }
                    Ok(detect::boxes_from_map(map, &geometry, w, h, &db))
                }
                Ok(map) => Err(map.shape().to_vec()),
                Err(_) => Err(Vec::new()),
            };
        })?;
        let model_time = model_time_until(t, model_done);
        let boxes = found.map_err(|shape| OcrError::UnexpectedOutput {
            model: "detection",
            shape,
            expected: format!("{expected:?}"),
        })?;
        Ok((boxes, model_time))
    }

    /// Reads the longest lines along the page's text axis both ways round; the
    /// way that reads with more confidence, by line length, is the page's.
    fn verify_direction(
        &self,
        image: &RgbImage,
        crops: &[LineCrop],
        found: PageOrientation,
    ) -> Result<(PageOrientation, ModelWork), OcrError> {
        // Quarter turn (clockwise, of the text) that `found` stands for.
        let quarter = (4 - found.direction as usize / 90) % 4;
        let mut candidates: Vec<(f32, LineCrop)> = crops
            .iter()
            .filter(|c| c.aspect_ratio() >= 2.0)
            .filter_map(|c| {
                let q = orientation::quarter_of(c);
                // Same axis as the page; cut so that it reads the `quarter` way.
                (q % 2 == quarter % 2).then(|| (c.width, if q == quarter { *c } else { c.rotated_180() }))
            })
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        candidates.truncate(VERIFY_LINES);
        if candidates.is_empty() {
            return Ok((found, ModelWork::default()));
        }
        let both_ways: Vec<LineCrop> = candidates
            .iter()
            .map(|(_, c)| c.head(VERIFY_MAX_RATIO))
            .flat_map(|c| [c, c.rotated_180()])
            .collect();
        let (decoded, work) = self.recognize(image, &both_ways, REC_MIN_WIDTH)?;
        let (mut agree, mut total) = (0.0, 0.0);
        for (i, (width, _)) in candidates.iter().enumerate() {
            let (as_found, turned) = (&decoded[2 * i], &decoded[2 * i + 1]);
            let score = |d: &ctc::Decoded| if d.text.trim().is_empty() { 0.0 } else { d.confidence };
            let (a, b) = (score(as_found), score(turned));
            if a == b {
                continue;
            }
            total += width;
            if a > b {
                agree += width;
            }
        }
        if total == 0.0 {
            return Ok((found, work));
        }
        let share = agree / total;
        let (direction, confidence) = if share >= 0.5 {
            (found.direction, share)
        } else {
            ((found.direction + 180) % 360, 1.0 - share)
        };
        Ok((
            PageOrientation {
                direction,
                confidence,
                unsure: confidence < self.options.orientation_unsure_below,
                ..found
            },
            work,
        ))
    }
}

/// What one call of a stage cost: model runs (passes or batches), time inside
/// the model, and for the recogniser its input columns, padding included, and
/// the columns that hold the lines themselves.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ModelWork {
    pub model_ms: f64,
    pub runs: u32,
    /// Images or line crops given to the model.
    pub inputs: u32,
    pub columns: u64,
    pub text_columns: u64,
}

impl ModelWork {
    fn add_run(&mut self, model_ms: f64) {
        self.model_ms += model_ms;
        self.runs += 1;
        self.inputs += 1;
    }
}

/// Milliseconds from `start` until the model handed over its output (the time
/// inside the session, not counting what we do with the output).
fn model_time_until(start: Instant, done: Option<Instant>) -> f64 {
    done.map_or(0.0, |d| d.duration_since(start).as_secs_f64() * 1000.0)
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use detect::DetSizePolicy;
    use ndarray::Array4;
    use ndarray::{Array2, Array3, ArrayViewD};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A detector that marks every dark pixel of the input as text.
    struct DarkPixelDetector;
    impl InferenceModel for DarkPixelDetector {
        fn run(&self, input: &Array4<f32>, consume: &mut dyn FnMut(ArrayViewD<f32>)) -> Result<(), OcrError> {
            let (n, _, h, w) = input.dim();
            let mut out = Array4::<f32>::zeros((n, 1, h, w));
            for y in 0..h {
                for x in 0..w {
                    if input[[0, 0, y, x]] < 0.0 {
                        out[[0, 0, y, x]] = 0.95;
                    }
                }
            }
            consume(out.view().into_dyn());
            Ok(())
        }
    }

    /// A classifier that always says "upright".
    struct Upright;
    impl InferenceModel for Upright {
        fn run(&self, input: &Array4<f32>, consume: &mut dyn FnMut(ArrayViewD<f32>)) -> Result<(), OcrError> {
            let mut out = Array2::<f32>::zeros((input.dim().0, 2));
            out.column_mut(0).fill(1.0);
            consume(out.view().into_dyn());
            Ok(())
        }
    }

    /// A recogniser that "reads" the crop width class: emits class 1 ("a") once per
    /// 100 input columns of ink, and counts the batches it sees.
    struct CountingRecognizer(AtomicUsize);
    impl InferenceModel for CountingRecognizer {
        fn run(&self, input: &Array4<f32>, consume: &mut dyn FnMut(ArrayViewD<f32>)) -> Result<(), OcrError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            let (n, _, _, w) = input.dim();
            let t = w / 8;
            let mut out = Array3::<f32>::zeros((n, t, 4));
            for b in 0..n {
                for step in 0..t {
                    let ink = input[[b, 0, 24, step * 8]] < 0.0;
                    out[[b, step, if ink && step % 2 == 0 { 1 } else { 0 }]] = 0.9;
                }
            }
            consume(out.view().into_dyn());
            Ok(())
        }
    }

    fn engine() -> OcrEngine {
        OcrEngine::with_models(
            Box::new(DarkPixelDetector),
            Box::new(Upright),
            Box::new(CountingRecognizer(AtomicUsize::new(0))),
            Charset::from_metadata("a\nb"),
            EngineOptions {
                det_size: DetSizePolicy {
                    min_short_side: 0,
                    max_upscale: 1.0,
                    ..DetSizePolicy::default()
                },
                ..EngineOptions::default()
            },
        )
    }

    #[test]
    fn pipeline_finds_each_dark_bar_in_reading_order() {
        let mut img = RgbImage::from_pixel(320, 160, image::Rgb([255, 255, 255]));
        // Two bars: the lower one first in memory order does not matter.
        for (x0, x1, y0, y1) in [(20, 300, 100, 120), (20, 200, 30, 50)] {
            for y in y0..y1 {
                for x in x0..x1 {
                    img.put_pixel(x, y, image::Rgb([0, 0, 0]));
                }
            }
        }
        let page = engine().read(&img).expect("fake models run");
        assert_eq!(page.lines.len(), 2, "{:?}", page.lines);
        // Reading order: the upper bar first.
        assert!(page.lines[0].quad[0].y < page.lines[1].quad[0].y);
        assert!(page.lines.iter().all(|l| l.text.chars().all(|c| c == 'a')));
        assert!(page.timings.total_ms >= page.timings.inference_ms);
        // The work behind it: one detector pass, one classifier batch, both lines read
        // once in one batch (they are short), padded only to the wider of the two.
        let calls = page.timings.calls;
        assert_eq!((calls.detections, calls.classifier_batches), (1, 1), "{calls:?}");
        assert_eq!((calls.lines_read, calls.first_reading_batches), (2, 1), "{calls:?}");
        assert!(calls.first_reading_text_columns <= calls.text_columns, "{calls:?}");
        assert!(calls.text_columns <= calls.recognised_columns, "{calls:?}");
    }

    #[test]
    fn a_short_line_is_read_first_without_padding_to_the_trained_width() {
        let mut img = RgbImage::from_pixel(160, 80, image::Rgb([255, 255, 255]));
        for y in 30..50 {
            for x in 20..60 {
                img.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        let calls = engine().read(&img).expect("fake models run").timings.calls;
        // The fake recogniser is doubtful, so the line is read twice.
        assert_eq!((calls.lines_read, calls.second_readings), (1, 1), "{calls:?}");
        // A bar about twice as wide as tall: under 100 columns at the recogniser's
        // height the first time, unpadded; the second reading at the trained 320.
        assert!(calls.first_reading_text_columns < REC_MIN_WIDTH as u64 / 3, "{calls:?}");
        assert_eq!(
            calls.recognised_columns,
            calls.first_reading_text_columns + REC_MIN_WIDTH as u64,
            "{calls:?}"
        );
    }

    #[test]
    fn a_trace_keeps_each_stage_of_the_pass() {
        let mut img = RgbImage::from_pixel(320, 160, image::Rgb([255, 255, 255]));
        for y in 30..50 {
            for x in 20..200 {
                img.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        let traced = OcrEngine {
            options: EngineOptions {
                trace: true,
                ..engine().options
            },
            ..engine()
        };
        let page = traced.read(&img).expect("fake models run");
        let trace = page.trace.expect("trace asked for");
        assert_eq!(trace.passes.len(), 1, "an upright page is read in one pass");
        let pass = &trace.passes[0];
        let map = &pass.detection_maps.last().expect("a detection map").map;
        // The dark bar is text on the map (0.95 → 242), the white page is not.
        assert_eq!(map.get_pixel(100, 40).0[0], 242);
        assert_eq!(map.get_pixel(100, 100).0[0], 0);
        assert_eq!(pass.detected.len(), 1);
        assert_eq!(pass.recognised.len(), 1);
        assert_eq!(pass.second_readings[0].1.text, page.lines[0].text);
        assert_eq!(pass.kept, page.lines);
        assert!(
            engine().read(&img).expect("runs").trace.is_none(),
            "no trace unless asked"
        );
    }

    /// Remembers the shape of the largest input it was given.
    #[derive(Clone, Default)]
    struct Largest(std::sync::Arc<std::sync::Mutex<Vec<usize>>>);
    impl InferenceModel for Largest {
        fn run(&self, input: &Array4<f32>, _: &mut dyn FnMut(ArrayViewD<f32>)) -> Result<(), OcrError> {
            let mut largest = self.0.lock().expect("not poisoned");
            if input.len() > largest.iter().product::<usize>() {
                *largest = input.shape().to_vec();
            }
            Ok(())
        }
    }

    #[test]
    fn warm_up_gives_each_model_its_largest_input() {
        let (det, cls, rec) = (Largest::default(), Largest::default(), Largest::default());
        // Four classes (blank, a, b, space) at 4 bytes per step of 8 columns: 2 bytes a column.
        let options = EngineOptions {
            rec_output_budget: 12_000,
            ..EngineOptions::default()
        };
        let charset = Charset::from_metadata("a\nb");
        let engine = OcrEngine::with_models(
            Box::new(det.clone()),
            Box::new(cls.clone()),
            Box::new(rec.clone()),
            charset,
            options,
        );
        engine.warm_up().expect("fakes run");
        assert_eq!(*det.0.lock().unwrap(), [1, 3, 2048, 2048]);
        assert_eq!(*cls.0.lock().unwrap(), [24, 3, CLS_HEIGHT, CLS_WIDTH]);
        // A full batch of 6 lines, as wide as the 6000 columns let it be.
        assert_eq!(*rec.0.lock().unwrap(), [6, 3, REC_HEIGHT, 1000]);
    }

    #[test]
    fn blank_image_gives_no_lines() {
        let img = RgbImage::from_pixel(200, 100, image::Rgb([255, 255, 255]));
        assert!(engine().read(&img).expect("runs").lines.is_empty());
    }
}
