//! Line batches: crops grouped by width, run on up to one thread per core, and
//! packed into the `[N, 3, H, W]` tensors the classifier and recogniser take.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use image::RgbImage;
use ndarray::{Array4, Axis};

use super::crop::LineCrop;
use super::ms;
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
