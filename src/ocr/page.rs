//! Reading one page, stage by stage. Each stage is a function with inputs and
//! outputs one can look at (and test with fake models); [`OcrEngine::read_page`]
//! only composes them:
//!
//! detect lines → classify each line's 0/180 → find the page's orientation (a
//! page lying turned or skewed is turned upright and read again) → settle the
//! flips → recognise → second readings (flipped lines both ways, doubtful lines
//! from a tighter crop) → keep what reads → order.

use std::time::Instant;

use image::RgbImage;

use super::crop::LineCrop;
use super::trace::{DetectionMap, PageTrace, PassTrace};
use super::{
    LINES_SURE_ENOUGH, ModelWork, OcrEngine, PageText, REC_MIN_WIDTH, REREAD_HEIGHT, VERIFY_BELOW, ctc, ms, orientation,
};
use crate::error::OcrError;
use crate::geometry::{Affine, Quad, reading_order};
use crate::result::{Line, PageOrientation, StageTimings};

/// One line found by the detector, as it goes through the stages.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// The detector's score for the region, 0 to 1.
    pub score: f32,
    /// The line cut as the detector saw it: on the upright view when the page was
    /// turned, else on the image. Reading order and directions use this.
    pub seen: LineCrop,
    /// The same line cut from the image itself: what the models read.
    pub crop: LineCrop,
    /// The line classifier's probability that `crop` reads upside down as cut.
    pub p_upside_down: f32,
    /// `crop` and `seen` have been turned 180° from how the detector cut them.
    pub flipped: bool,
}

impl Candidate {
    fn flip(&mut self) {
        self.crop = self.crop.rotated_180();
        self.seen = self.seen.rotated_180();
        self.flipped = !self.flipped;
    }
}

/// How a page is turned upright and level before it is read again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UprightTurn {
    /// Clockwise degrees the page is turned by.
    pub by: f32,
    /// The part of it that straightens a skew (the rest is a quarter turn).
    pub straighten: f32,
}

/// A line read and kept, with its crop as seen (for the reading order).
pub type ReadLine = (Line, LineCrop);

impl OcrEngine {
    /// Reads `image`. With a `view` (the page turned upright, and the map from it
    /// back to `image`), lines are found on the view but cut from `image` itself:
    /// a straightened page is resampled once for the detector, never for the
    /// recogniser.
    pub(super) fn read_page(
        &self,
        image: &RgbImage,
        view: Option<(&RgbImage, &Affine)>,
        find_orientation: bool,
        mut trace: Option<&mut PageTrace>,
    ) -> Result<PageText, OcrError> {
        let started = Instant::now();
        let mut timings = StageTimings::default();
        let mut pass = trace.is_some().then(|| PassTrace {
            view: view.map(|v| v.0.clone()),
            ..PassTrace::default()
        });
        let maps = pass.as_mut().map(|p| &mut p.detection_maps);
        let mut lines = self.detect_lines(image, view, maps, &mut timings)?;
        self.classify_lines(image, &mut lines, &mut timings)?;
        let found = self.find_orientation(image, &lines, find_orientation, &mut timings)?;
        if let Some(p) = &mut pass {
            p.detected.clone_from(&lines);
            p.orientation = find_orientation.then_some(found);
        }
        if find_orientation && let Some(turn) = self.upright_turn(&found) {
            if let (Some(trace), Some(mut p)) = (trace.as_deref_mut(), pass) {
                p.upright_turn = Some(turn);
                trace.passes.push(p);
            }
            let mut text = self.read_turned(image, found, turn, trace)?;
            text.timings.detection_ms += timings.detection_ms;
            text.timings.orientation_ms += timings.orientation_ms;
            text.timings.inference_ms += timings.inference_ms;
            text.timings.calls.add(&timings.calls);
            text.timings.total_ms = ms(started);
            return Ok(text);
        }
        settle_flips(&mut lines, self.options.orientation_threshold);
        let t = Instant::now();
        let mut decoded = self.recognise_lines(image, &lines, &mut timings)?;
        if let Some(p) = &mut pass {
            p.recognised = lines.iter().copied().zip(decoded.iter().cloned()).collect();
        }
        self.read_flipped_both_ways(image, &mut lines, &mut decoded, &mut timings)?;
        self.reread_doubtful(image, &lines, &mut decoded, &mut timings)?;
        timings.recognition_ms = ms(t);
        if let Some(p) = &mut pass {
            p.second_readings = lines.iter().copied().zip(decoded.iter().cloned()).collect();
        }
        let (lines, mixed) = order_lines(keep_read(&lines, decoded, self.options.min_confidence), found.skew);
        timings.total_ms = ms(started);
        if let (Some(trace), Some(mut p)) = (trace, pass) {
            p.kept.clone_from(&lines);
            trace.passes.push(p);
        }
        let orientation = if find_orientation {
            PageOrientation { mixed, ..found }
        } else {
            PageOrientation {
                skew: found.skew,
                mixed,
                ..PageOrientation::default()
            }
        };
        Ok(PageText {
            lines,
            orientation,
            timings,
            level_view: None,
            trace: None,
        })
    }

    /// Stage 1: the lines on the page (on `view` when given, cut from `image`).
    /// Each detection pass's probability map is added to `maps` when given.
    pub fn detect_lines(
        &self,
        image: &RgbImage,
        view: Option<(&RgbImage, &Affine)>,
        maps: Option<&mut Vec<DetectionMap>>,
        timings: &mut StageTimings,
    ) -> Result<Vec<Candidate>, OcrError> {
        let t = Instant::now();
        let (boxes, work) = self.detect(view.map_or(image, |v| v.0), maps)?;
        timings.detection_ms = ms(t);
        timings.inference_ms += work.model_ms;
        timings.calls.detections += work.runs;
        Ok(boxes
            .iter()
            .map(|b| {
                let seen = LineCrop::from_quad(&b.quad);
                let crop = match view {
                    Some((_, back)) => LineCrop {
                        corners: back.apply_quad(&seen.corners),
                        ..seen
                    },
                    None => seen,
                };
                Candidate {
                    score: b.score,
                    seen,
                    crop,
                    p_upside_down: 0.0,
                    flipped: false,
                }
            })
            .collect())
    }

    /// Stage 2: each line's probability of reading upside down (0/180 classifier).
    pub fn classify_lines(
        &self,
        image: &RgbImage,
        lines: &mut [Candidate],
        timings: &mut StageTimings,
    ) -> Result<(), OcrError> {
        if !self.options.line_orientation || lines.is_empty() {
            return Ok(());
        }
        let t = Instant::now();
        let crops: Vec<LineCrop> = lines.iter().map(|c| c.crop).collect();
        let (p, work) = self.classify(image, &crops)?;
        for (line, p) in lines.iter_mut().zip(p) {
            line.p_upside_down = p;
        }
        timings.orientation_ms = ms(t);
        timings.inference_ms += work.model_ms;
        timings.calls.classifier_batches += work.runs;
        Ok(())
    }

    /// Stage 3: how the page lies, from the lines' directions; when the classifier
    /// is unsure or says "turned", the recogniser settles which way round the
    /// longest lines read.
    pub fn find_orientation(
        &self,
        image: &RgbImage,
        lines: &[Candidate],
        verify: bool,
        timings: &mut StageTimings,
    ) -> Result<PageOrientation, OcrError> {
        let seen: Vec<LineCrop> = lines.iter().map(|c| c.seen).collect();
        let p: Vec<f32> = lines.iter().map(|c| c.p_upside_down).collect();
        let (found, lines_sure) = orientation::estimate(&seen, &p, self.options.orientation_unsure_below);
        // Upright is settled when nearly all the text's length agrees, or when the
        // page is not unsure and so many lines agree that the few dissenting ones
        // could hardly be most (a page of lines each only 70% sure stays checked:
        // the check is for a classifier wrong the same way on every line).
        let settled = found.direction == 0
            && (found.confidence >= VERIFY_BELOW || (!found.unsure && lines_sure >= LINES_SURE_ENOUGH));
        if !verify || settled {
            return Ok(found);
        }
        let t = Instant::now();
        let crops: Vec<LineCrop> = lines.iter().map(|c| c.crop).collect();
        let (checked, work) = self.verify_direction(image, &crops, found)?;
        timings.orientation_ms += ms(t);
        timings.inference_ms += work.model_ms;
        // Its time stays in the orientation stage, so its columns stay out of the
        // recogniser's tally.
        timings.calls.orientation_checks += work.inputs;
        Ok(checked)
    }

    /// The turn that brings the page upright and level, or `None` when it lies
    /// well enough. Quarter turns move pixels exactly; a skew is resampled away
    /// only from `deskew_above` on and when `deskew_min_lines` lines agree on it
    /// (below that, rows are simply formed along it).
    pub fn upright_turn(&self, found: &PageOrientation) -> Option<UprightTurn> {
        let straighten =
            if found.skew.abs() >= self.options.deskew_above && found.skew_lines >= self.options.deskew_min_lines {
                found.skew
            } else {
                0.0
            };
        let by = found.direction as f32 - straighten;
        (by != 0.0).then_some(UprightTurn { by, straighten })
    }

    /// Finds the lines again on the page turned upright (the detector and the
    /// reading order work best on level text) and reads them from `image`.
    fn read_turned(
        &self,
        image: &RgbImage,
        found: PageOrientation,
        turn: UprightTurn,
        trace: Option<&mut PageTrace>,
    ) -> Result<PageText, OcrError> {
        let (upright, back) = crate::imaging::turn(image, turn.by);
        let mut text = self.read_page(image, Some((&upright, &back)), false, trace)?;
        for line in &mut text.lines {
            // Upside down as the image was given.
            line.upside_down ^= found.direction == 180;
        }
        text.orientation = PageOrientation {
            // What is left after straightening, measured on the upright page.
            skew: turn.straighten + text.orientation.skew,
            mixed: text.orientation.mixed,
            straightened: turn.straighten,
            ..found
        };
        // Analyses that need the page level use this view rather than turn it again.
        text.level_view = Some(upright);
        Ok(text)
    }

    /// Reads images that each hold one line of text, upright, left to right (a
    /// seal's ring unwrapped): the text and the recogniser's confidence of each,
    /// and the model time taken.
    pub fn read_strips(&self, strips: &[RgbImage]) -> Result<(Vec<(String, f32)>, f64), OcrError> {
        let mut read = Vec::with_capacity(strips.len());
        let mut model_ms = 0.0;
        for strip in strips {
            let (w, h) = (strip.width() as f32, strip.height() as f32);
            let crop = LineCrop::from_quad(&crate::geometry::axis_aligned(0.0, 0.0, w, h));
            let (decoded, work) = self.recognize(strip, &[crop], self.options.rec_min_width)?;
            model_ms += work.model_ms;
            read.extend(decoded.into_iter().map(|d| (d.text, d.confidence)));
        }
        Ok((read, model_ms))
    }

    /// Reads the text in each of `places` on `image` (quads as lines' boxes are:
    /// top-left, top-right, bottom-right, bottom-left): the text and the
    /// recogniser's confidence of each.
    pub fn read_places(&self, image: &RgbImage, places: &[Quad]) -> Result<Vec<(String, f32)>, OcrError> {
        let crops: Vec<LineCrop> = places.iter().map(LineCrop::from_quad).collect();
        let (decoded, _) = self.recognize(image, &crops, self.options.rec_min_width)?;
        Ok(decoded.into_iter().map(|d| (d.text, d.confidence)).collect())
    }

    /// Stage 5: every line read as it is now turned.
    pub fn recognise_lines(
        &self,
        image: &RgbImage,
        lines: &[Candidate],
        timings: &mut StageTimings,
    ) -> Result<Vec<ctc::Decoded>, OcrError> {
        let crops: Vec<LineCrop> = lines.iter().map(|c| c.crop).collect();
        let (decoded, work) = self.recognize(image, &crops, self.options.rec_min_width)?;
        timings.inference_ms += work.model_ms;
        timings.calls.first_reading_batches += work.runs;
        timings.calls.lines_read += crops.len() as u32;
        timings.calls.first_reading_text_columns += work.text_columns;
        count_columns(timings, &work);
        Ok(decoded)
    }

    /// Stage 6a: the classifier flips a few level lines of small, noisy print, so a
    /// flipped line is read the other way round too, and the surer reading wins.
    pub fn read_flipped_both_ways(
        &self,
        image: &RgbImage,
        lines: &mut [Candidate],
        decoded: &mut [ctc::Decoded],
        timings: &mut StageTimings,
    ) -> Result<(), OcrError> {
        let flipped: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].flipped).collect();
        let unflipped: Vec<LineCrop> = flipped.iter().map(|&i| lines[i].crop.rotated_180()).collect();
        let won = self.keep_surer(image, &flipped, &unflipped, decoded, timings)?;
        for (&i, won) in flipped.iter().zip(won) {
            if won {
                lines[i].flip();
            }
        }
        Ok(())
    }

    /// Stage 6b: a doubtful reading is tried again from a crop a little shorter
    /// than the detector's box (less of the neighbouring lines in it); the surer is kept.
    pub fn reread_doubtful(
        &self,
        image: &RgbImage,
        lines: &[Candidate],
        decoded: &mut [ctc::Decoded],
        timings: &mut StageTimings,
    ) -> Result<(), OcrError> {
        let doubtful: Vec<usize> = (0..lines.len())
            .filter(|&i| decoded[i].confidence < self.options.reread_below)
            .collect();
        let tighter: Vec<LineCrop> = doubtful
            .iter()
            .map(|&i| lines[i].crop.with_height(REREAD_HEIGHT))
            .collect();
        self.keep_surer(image, &doubtful, &tighter, decoded, timings)?;
        Ok(())
    }

    /// Reads `variants` (another crop of each line in `lines`) and keeps a
    /// variant's reading where it is surer than the line's; says which won.
    fn keep_surer(
        &self,
        image: &RgbImage,
        lines: &[usize],
        variants: &[LineCrop],
        decoded: &mut [ctc::Decoded],
        timings: &mut StageTimings,
    ) -> Result<Vec<bool>, OcrError> {
        if lines.is_empty() {
            return Ok(Vec::new());
        }
        let (again, work) = self.recognize(image, variants, REC_MIN_WIDTH)?;
        timings.inference_ms += work.model_ms;
        timings.calls.second_reading_batches += work.runs;
        timings.calls.second_readings += variants.len() as u32;
        count_columns(timings, &work);
        Ok(lines
            .iter()
            .zip(again)
            .map(|(&i, reading)| {
                let surer = reading.confidence > decoded[i].confidence;
                if surer {
                    decoded[i] = reading;
                }
                surer
            })
            .collect())
    }
}

/// Adds a recogniser call's input columns to the page's tally.
fn count_columns(timings: &mut StageTimings, work: &ModelWork) {
    timings.calls.recognised_columns += work.columns;
    timings.calls.text_columns += work.text_columns;
}

/// Stage 4: a line the classifier is sure enough reads upside down is turned.
pub fn settle_flips(lines: &mut [Candidate], threshold: f32) {
    for line in lines {
        if line.p_upside_down > 0.5 && line.p_upside_down > threshold {
            line.flip();
        }
    }
}

/// Stage 7: the lines that read as something, surely enough, with their boxes
/// starting where their text starts.
pub fn keep_read(lines: &[Candidate], decoded: Vec<ctc::Decoded>, min_confidence: f32) -> Vec<ReadLine> {
    lines
        .iter()
        .zip(decoded)
        .filter_map(|(c, d)| {
            let text = d.text.trim().to_owned();
            (!text.is_empty() && d.confidence >= min_confidence).then_some((
                Line {
                    upside_down: c.flipped,
                    ..Line::read(text, c.crop.corners, d.confidence, c.score)
                },
                c.seen,
            ))
        })
        .collect()
}

/// Stage 8: reading order. Rows of a tilted page are found along the tilt; lines
/// that read in another direction (a facing page upside down, a sideways stamp)
/// in their own frame. Says whether the page holds more than one direction.
pub fn order_lines(lines: Vec<ReadLine>, skew: f32) -> (Vec<Line>, bool) {
    let seen: Vec<LineCrop> = lines.iter().map(|(_, c)| *c).collect();
    let quads: Vec<Quad> = seen.iter().map(|c| c.corners).collect();
    let (reads_along, mixed) = orientation::line_directions(&seen);
    let mut taken: Vec<Option<Line>> = lines.into_iter().map(|(l, _)| Some(l)).collect();
    let ordered = reading_order::order_by_direction(&quads, &reads_along, skew)
        .into_iter()
        .filter_map(|i| taken[i].take())
        .collect();
    (ordered, mixed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned;

    fn candidate(x: f32, y: f32, p_upside_down: f32) -> Candidate {
        let crop = LineCrop::from_quad(&axis_aligned(x, y, x + 200.0, y + 20.0));
        Candidate {
            score: 0.9,
            seen: crop,
            crop,
            p_upside_down,
            flipped: false,
        }
    }

    #[test]
    fn only_lines_the_classifier_is_sure_of_are_flipped() {
        let mut lines = vec![
            candidate(0.0, 0.0, 0.95),
            candidate(0.0, 40.0, 0.7),
            candidate(0.0, 80.0, 0.1),
        ];
        settle_flips(&mut lines, 0.9);
        assert_eq!(
            lines.iter().map(|c| c.flipped).collect::<Vec<_>>(),
            [true, false, false]
        );
        // Turned: the crop now starts at the right end.
        assert!(lines[0].crop.corners[0].x > lines[0].crop.corners[1].x);
    }

    #[test]
    fn empty_and_unsure_readings_are_dropped_and_the_rest_ordered() {
        let lines = vec![
            candidate(0.0, 40.0, 0.0),
            candidate(0.0, 0.0, 0.0),
            candidate(0.0, 80.0, 0.0),
        ];
        let read = |text: &str, confidence: f32| ctc::Decoded {
            text: text.to_owned(),
            confidence,
            ..ctc::Decoded::default()
        };
        let kept = keep_read(
            &lines,
            vec![read("second", 0.9), read("first", 0.95), read(" ", 0.99)],
            0.5,
        );
        let (ordered, mixed) = order_lines(kept, 0.0);
        assert_eq!(
            ordered.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
            ["first", "second"]
        );
        assert!(!mixed);
    }
}
