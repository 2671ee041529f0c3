//! Line batches: crops grouped by width, run on up to one thread per core, and
//! packed into the `[N, 3, H, W]` tensors the classifier and recogniser take;
//! the classifier's and the recogniser's calls over a page's crops.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use image::RgbImage;
use ndarray::{Array4, Axis, Ix3};

use super::crop::LineCrop;
use super::{CLS_HEIGHT, CLS_WIDTH, ModelWork, OcrEngine, REC_HEIGHT, ctc, model_time_until, ms};
use crate::error::OcrError;

/// Runs `work` on every batch, on up to `workers` threads, and returns the
/// results in batch order with the wall time attributable to the models: the
/// stage's wall time × (time inside models ÷ time working), so that the figure
/// stays comparable with single-threaded stages.
pub(super) fn run_batches<T: Send>(
    batches: &[Vec<usize>],
    workers: usize,
    work: impl Fn(&[usize]) -> Result<(T, f64), OcrError> + Sync,
) -> Result<(Vec<T>, f64), OcrError> {
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    type Slot<T> = Mutex<Option<Result<(T, f64), OcrError>>>;
    let slots: Vec<Slot<T>> = batches.iter().map(|_| Mutex::new(None)).collect();
    let busy_ms = Mutex::new(0.0f64);
    let worker = || {
        let t = Instant::now();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(batch) = batches.get(i) else { break };
            let result = work(batch);
            let failed = result.is_err();
            *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
            if failed {
                // Stop handing out work; the error is reported below.
                next.store(batches.len(), Ordering::Relaxed);
                break;
            }
        }
        *busy_ms.lock().unwrap_or_else(|p| p.into_inner()) += ms(t);
    };
    let workers = workers.clamp(1, batches.len().max(1));
    if workers == 1 {
        worker();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(worker);
            }
        });
    }
    let mut results = Vec::with_capacity(batches.len());
    let mut model_ms = 0.0;
    for slot in slots {
        match slot.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(Ok((value, t))) => {
                results.push(value);
                model_ms += t;
            }
            Some(Err(e)) => return Err(e),
            // A batch left undone because another failed first; that error was returned above.
            None => continue,
        }
    }
    let busy = busy_ms.into_inner().unwrap_or_else(|p| p.into_inner());
    let share = if busy > 0.0 { (model_ms / busy).min(1.0) } else { 0.0 };
    Ok((results, ms(started) * share))
}

impl OcrEngine {
    /// Line orientation: the probability that each crop reads upside down.
    pub(super) fn classify(&self, image: &RgbImage, crops: &[LineCrop]) -> Result<(Vec<f32>, ModelWork), OcrError> {
        let batches = batches_by_width(crops, self.options.cls_batch_size);
        let (per_batch, model_time) = run_batches(&batches, self.batch_workers(), |batch| {
            let input = crops_tensor(image, crops, batch, CLS_HEIGHT, CLS_WIDTH);
            let t = Instant::now();
            let mut model_done = None;
            let mut verdicts: Result<Vec<f32>, Vec<usize>> = Err(Vec::new());
            self.classifier.run(&input, &mut |output| {
                model_done = Some(Instant::now());
                verdicts = if output.shape() == [batch.len(), 2] {
                    Ok((0..batch.len())
                        .map(|slot| {
                            let (p0, p180) = (output[[slot, 0]], output[[slot, 1]]);
                            p180 / (p0 + p180).max(f32::MIN_POSITIVE)
                        })
                        .collect())
                } else {
                    Err(output.shape().to_vec())
                };
            })?;
            let verdicts = verdicts.map_err(|shape| OcrError::UnexpectedOutput {
                model: "line orientation",
                shape,
                expected: format!("[{}, 2]", batch.len()),
            })?;
            Ok((verdicts, model_time_until(t, model_done)))
        })?;
        let mut p_upside_down = vec![0.0; crops.len()];
        for (batch, verdicts) in batches.iter().zip(per_batch) {
            for (&i, p) in batch.iter().zip(verdicts) {
                p_upside_down[i] = p;
            }
        }
        let work = ModelWork {
            model_ms: model_time,
            runs: batches.len() as u32,
            inputs: crops.len() as u32,
            ..ModelWork::default()
        };
        Ok((p_upside_down, work))
    }

    /// Recognition in width-sorted batches, each line padded to at least
    /// `min_width`; results in the crops' order.
    pub(super) fn recognize(
        &self,
        image: &RgbImage,
        crops: &[LineCrop],
        min_width: usize,
    ) -> Result<(Vec<ctc::Decoded>, ModelWork), OcrError> {
        let min_ratio = min_width as f32 / REC_HEIGHT as f32;
        let classes = self.charset.num_classes();
        let max_columns = self.rec_max_columns();
        let batches = split_wide_batches(
            batches_by_width(crops, self.options.batch_size),
            |i| ((REC_HEIGHT as f32 * crops[i].aspect_ratio().max(min_ratio)) as usize).max(REC_HEIGHT),
            max_columns,
        );
        let (per_batch, model_time) = run_batches(&batches, self.batch_workers(), |batch| {
            let max_ratio = batch.iter().map(|&i| crops[i].aspect_ratio()).fold(min_ratio, f32::max);
            let width = ((REC_HEIGHT as f32 * max_ratio) as usize).max(REC_HEIGHT);
            let text_columns: usize = batch.iter().map(|&i| crops[i].scaled_width(REC_HEIGHT, width)).sum();
            let columns = (width * batch.len(), text_columns);
            let input = crops_tensor(image, crops, batch, REC_HEIGHT, width);
            let t = Instant::now();
            let mut model_done = None;
            let mut decoded: Result<Vec<ctc::Decoded>, Vec<usize>> = Err(Vec::new());
            self.recognizer.run(&input, &mut |output| {
                model_done = Some(Instant::now());
                decoded = match output.into_dimensionality::<Ix3>() {
                    Ok(probs) if probs.shape()[0] == batch.len() && probs.shape()[2] == classes => {
                        Ok(probs.outer_iter().map(|p| ctc::decode(p, &self.charset)).collect())
                    }
                    Ok(probs) => Err(probs.shape().to_vec()),
                    Err(_) => Err(Vec::new()),
                };
            })?;
            let decoded = decoded.map_err(|shape| OcrError::UnexpectedOutput {
                model: "recognition",
                shape,
                expected: format!("[{}, T, {classes}]", batch.len()),
            })?;
            Ok(((decoded, columns), model_time_until(t, model_done)))
        })?;
        let mut results: Vec<ctc::Decoded> = vec![ctc::Decoded::default(); crops.len()];
        let mut work = ModelWork {
            model_ms: model_time,
            runs: batches.len() as u32,
            inputs: crops.len() as u32,
            ..ModelWork::default()
        };
        for (batch, (decoded, (columns, text_columns))) in batches.iter().zip(per_batch) {
            work.columns += columns as u64;
            work.text_columns += text_columns as u64;
            for (&i, d) in batch.iter().zip(decoded) {
                results[i] = d;
            }
        }
        Ok((results, work))
    }
}

/// An `[N, 3, height, width]` tensor holding the lines of `batch`, each scaled to
/// `height` (at most `width` wide) and left-aligned on zero padding.
pub(super) fn crops_tensor(
    image: &RgbImage,
    crops: &[LineCrop],
    batch: &[usize],
    height: usize,
    width: usize,
) -> Array4<f32> {
    let mut input = Array4::<f32>::zeros((batch.len(), 3, height, width));
    for (slot, &i) in batch.iter().enumerate() {
        let w = crops[i].scaled_width(height, width);
        let mut view = input.index_axis_mut(Axis(0), slot);
        if let Some(buf) = view.as_slice_mut() {
            crops[i].sample_into(image, buf, w, height, width);
        }
    }
    input
}

/// Crop indices sorted by aspect ratio, cut into batches: lines of similar width
/// share a batch, so little of each batch is padding.
pub(super) fn batches_by_width(crops: &[LineCrop], batch_size: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..crops.len()).collect();
    order.sort_by(|&a, &b| crops[a].aspect_ratio().total_cmp(&crops[b].aspect_ratio()));
    order.chunks(batch_size.max(1)).map(<[usize]>::to_vec).collect()
}

/// Splits batches whose padded input (lines × widest line) is wider than
/// `max_columns` into smaller ones, keeping the width order.
pub(super) fn split_wide_batches(
    batches: Vec<Vec<usize>>,
    width: impl Fn(usize) -> usize,
    max_columns: usize,
) -> Vec<Vec<usize>> {
    let mut out = Vec::with_capacity(batches.len());
    for batch in batches {
        let mut current: Vec<usize> = Vec::new();
        let mut widest = 0;
        for i in batch {
            let w = width(i).max(widest);
            if !current.is_empty() && w * (current.len() + 1) > max_columns {
                out.push(std::mem::take(&mut current));
                widest = 0;
            }
            widest = widest.max(width(i));
            current.push(i);
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_group_similar_widths() {
        let crop = |w: f32| LineCrop {
            corners: [crate::geometry::Point::default(); 4],
            width: w,
            height: 10.0,
        };
        let crops = vec![crop(100.0), crop(10.0), crop(50.0), crop(12.0)];
        assert_eq!(batches_by_width(&crops, 2), vec![vec![1, 3], vec![2, 0]]);
    }

    #[test]
    fn wide_batches_are_split_to_fit_the_output_budget() {
        let widths = [100, 200, 300, 1000, 1000, 1000];
        let batches = vec![vec![0, 1, 2], vec![3, 4, 5]];
        // 2000 columns: three narrow lines fit (3 × 300); wide ones go two by two, then one.
        assert_eq!(
            split_wide_batches(batches, |i| widths[i], 2000),
            vec![vec![0, 1, 2], vec![3, 4], vec![5]]
        );
        // A single line wider than the budget still gets a batch of its own.
        assert_eq!(split_wide_batches(vec![vec![3]], |i| widths[i], 10), vec![vec![3]]);
    }
}
