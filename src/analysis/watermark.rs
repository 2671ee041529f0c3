//! Light text: watermarks and stamps printed in pale ink.
//!
//! Before detection, every pixel at least as light as the light-ink limit is
//! made paper-white ([`whiten_light_ink`]): a watermark crossing dark text
//! would otherwise merge with it into one detected line. Dark strokes keep
//! their pixels, so the text under a watermark reads as before.
//!
//! After recognition, a line's ink is measured inside its box: pixels clearly darker than the
//! paper around them are ink, and the brightness of their darker third (stroke
//! cores, not anti-aliased edges) is the ink's. A pale
//! watermark keeps pale ink even where dark text crosses it (the dark strokes are
//! a minority of its box), and dark text keeps dark ink where a watermark crosses
//! it, so only the watermark goes.

use image::RgbImage;

use crate::ocr::geometry::{Quad, bounds};

/// Ink this bright (0–255 luminance) or brighter is light: a watermark.
pub const DEFAULT_LIGHT_INK: u8 = 150;
/// A pixel is ink when it is at least this much darker than the paper.
const INK_CONTRAST: u8 = 24;

/// Share of the ink pixels, darkest first, whose brightness is the ink's.
const INK_PERCENTILE: f32 = 0.35;

/// Luminance of the ink inside `quad`'s bounding box, or `None` when
/// there is no ink there (nothing darker than the paper).
pub fn ink_luminance(image: &RgbImage, quad: &Quad) -> Option<u8> {
    let (x0, y0, x1, y1) = bounds(quad);
    let (w, h) = image.dimensions();
    let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
    let (x0, x1) = (clamp(x0.floor(), w), clamp(x1.ceil(), w));
    let (y0, y1) = (clamp(y0.floor(), h), clamp(y1.ceil(), h));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let mut histogram = [0u32; 256];
    for y in y0..y1 {
        for x in x0..x1 {
            let [r, g, b] = image.get_pixel(x, y).0;
            let l = (299 * r as u32 + 587 * g as u32 + 114 * b as u32) / 1000;
            histogram[l as usize] += 1;
        }
    }
    let total: u32 = histogram.iter().sum();
    // The paper: the brightness that 90% of the box is at or below.
    let paper = percentile(&histogram, total, 0.9)?;
    let ink_limit = paper.saturating_sub(INK_CONTRAST) as usize;
    let ink = &histogram[..=ink_limit];
    let ink_total: u32 = ink.iter().sum();
    if ink_total == 0 {
        return None;
    }
    percentile(ink, ink_total, INK_PERCENTILE)
}

fn percentile(histogram: &[u32], total: u32, share: f32) -> Option<u8> {
    let target = (total as f32 * share).ceil().max(1.0) as u32;
    let mut acc = 0;
    for (value, &count) in histogram.iter().enumerate() {
        acc += count;
        if acc >= target {
            return Some(value as u8);
        }
    }
    None
}

/// A copy of `image` with every pixel of luminance `light_ink` or more made white.
pub fn whiten_light_ink(image: &RgbImage, light_ink: u8) -> RgbImage {
    let mut out = image.clone();
    for p in out.pixels_mut() {
        let [r, g, b] = p.0;
        let l = (299 * r as u32 + 587 * g as u32 + 114 * b as u32) / 1000;
        if l >= light_ink as u32 {
            p.0 = [255, 255, 255];
        }
    }
    out
}

/// Whether the line in `quad` is printed in light ink.
pub fn is_light(image: &RgbImage, quad: &Quad, light_ink: u8) -> bool {
    ink_luminance(image, quad).is_some_and(|l| l >= light_ink)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::geometry::axis_aligned;
    use image::Rgb;

    /// A white sheet with horizontal strokes of `ink` every other row in the box.
    fn striped(ink: u8, dark_columns: u32) -> RgbImage {
        let mut img = RgbImage::from_pixel(100, 20, Rgb([255, 255, 255]));
        for y in (4..16).step_by(2) {
            for x in 0..100 {
                let v = if x < dark_columns { 20 } else { ink };
                img.put_pixel(x, y, Rgb([v, v, v]));
            }
        }
        img
    }

    #[test]
    fn pale_ink_is_light_even_where_dark_text_crosses_it() {
        let quad = axis_aligned(0.0, 0.0, 100.0, 20.0);
        assert_eq!(ink_luminance(&striped(200, 0), &quad), Some(200));
        // A fifth of the watermark's box is crossed by dark strokes.
        assert!(is_light(&striped(200, 20), &quad, DEFAULT_LIGHT_INK));
        // Mostly dark strokes with a pale watermark through part of them.
        assert!(!is_light(&striped(200, 70), &quad, DEFAULT_LIGHT_INK));
        assert!(!is_light(&striped(40, 0), &quad, DEFAULT_LIGHT_INK));
    }

    #[test]
    fn whitening_removes_pale_ink_and_keeps_dark() {
        let img = striped(200, 20);
        let clean = whiten_light_ink(&img, DEFAULT_LIGHT_INK);
        assert_eq!(clean.get_pixel(50, 4).0, [255, 255, 255]);
        assert_eq!(clean.get_pixel(10, 4).0, [20, 20, 20]);
    }

    #[test]
    fn blank_paper_and_boxes_off_the_page_have_no_ink() {
        let img = RgbImage::from_pixel(50, 50, Rgb([240, 240, 240]));
        assert_eq!(ink_luminance(&img, &axis_aligned(0.0, 0.0, 50.0, 50.0)), None);
        assert_eq!(ink_luminance(&img, &axis_aligned(60.0, 60.0, 90.0, 90.0)), None);
    }
}
