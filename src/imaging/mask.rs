//! Masks (one flag per pixel, row by row): grown, cleared of long straight runs,
//! and parted into 4-connected blobs; and what they are made from: a page shrunk
//! to a working size, its paper's level, black print told from coloured ink.

use std::borrow::Cow;

use image::RgbImage;

/// Black and grey print: its channels lie within this of one another (of 255); a
/// seal's coloured ink, even a dark red stroke, spreads well beyond.
pub const BLACK_SPREAD: f32 = 60.0;
/// Dark ink lies this far below the paper's brightness (of 255): print and
/// ballpoint lie 120 and more below it, shadows and stains less than 60.
pub const DARK_BELOW_PAPER: f32 = 80.0;
/// Most of a page is paper: its level is the one this share of the pixels is no brighter than.
const PAPER_SHARE: f32 = 0.9;

/// `image` shrunk (never enlarged) so that its long side is at most `long_side`,
/// and the scale from the image's pixels to the result's.
pub fn shrink_to(image: &RgbImage, long_side: u32) -> (Cow<'_, RgbImage>, f32) {
    let (w, h) = image.dimensions();
    let scale = (long_side as f32 / w.max(h).max(1) as f32).min(1.0);
    let (sw, sh) = (
        ((w as f32 * scale).round() as u32).max(1),
        ((h as f32 * scale).round() as u32).max(1),
    );
    (super::resize(image, sw, sh), scale)
}

/// The paper's level in a histogram of 256 levels: the one `PAPER_SHARE` of the
/// counted pixels are at or below.
pub fn paper_level(histogram: &[u32; 256]) -> f32 {
    let total: u32 = histogram.iter().sum();
    let wanted = (total as f32 * PAPER_SHARE) as u32;
    let mut seen = 0;
    histogram
        .iter()
        .position(|&n| {
            seen += n;
            seen >= wanted
        })
        .unwrap_or(255) as f32
}

/// Whether a pixel of brightness `light` is black or grey print on paper of
/// brightness `paper_light`.
pub fn is_black_print(pixel: [u8; 3], light: f32, paper_light: f32) -> bool {
    let [r, g, b] = pixel.map(f32::from);
    let spread = r.max(g).max(b) - r.min(g).min(b);
    light < paper_light - DARK_BELOW_PAPER && spread < BLACK_SPREAD
}

/// A blob of joined ink: its box and its ink pixels.
pub struct Blob {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
    pub pixels: Vec<(usize, usize)>,
}

/// A working image's size, for the mask operations.
pub struct Grid {
    pub w: usize,
    pub h: usize,
}

impl Grid {
    /// `mask` grown by `reach` pixels every way (a square), rows then columns.
    pub fn dilate(&self, mask: &[bool], reach: usize) -> Vec<bool> {
        let grow = |get: &dyn Fn(usize) -> bool, n: usize| -> Vec<bool> {
            let mut out = vec![false; n];
            let mut last_ink: Option<usize> = None;
            for (i, slot) in out.iter_mut().enumerate() {
                if get(i) {
                    last_ink = Some(i);
                }
                *slot = last_ink.is_some_and(|l| i - l <= reach);
            }
            let mut next_ink: Option<usize> = None;
            for i in (0..n).rev() {
                if get(i) {
                    next_ink = Some(i);
                }
                out[i] |= next_ink.is_some_and(|l| l - i <= reach);
            }
            out
        };
        let mut rows = vec![false; mask.len()];
        for y in 0..self.h {
            let row = grow(&|x| mask[y * self.w + x], self.w);
            rows[y * self.w..(y + 1) * self.w].copy_from_slice(&row);
        }
        let mut out = vec![false; mask.len()];
        for x in 0..self.w {
            let col = grow(&|y| rows[y * self.w + x], self.h);
            for (y, v) in col.into_iter().enumerate() {
                out[y * self.w + x] = v;
            }
        }
        out
    }

    /// `mask` without its horizontal and vertical runs of at least `min_run` pixels.
    pub fn without_long_runs(&self, mask: &[bool], min_run: usize) -> Vec<bool> {
        let mut out = mask.to_vec();
        let mut clear_runs = |index: &dyn Fn(usize, usize) -> usize, lines: usize, len: usize| {
            for line in 0..lines {
                let mut start = 0;
                while start < len {
                    if !mask[index(line, start)] {
                        start += 1;
                        continue;
                    }
                    let end = (start..len).find(|&k| !mask[index(line, k)]).unwrap_or(len);
                    if end - start >= min_run.max(1) {
                        (start..end).for_each(|k| out[index(line, k)] = false);
                    }
                    start = end;
                }
            }
        };
        clear_runs(&|y, x| y * self.w + x, self.h, self.w);
        clear_runs(&|x, y| y * self.w + x, self.w, self.h);
        out
    }

    /// The 4-connected blobs of `mask`.
    pub fn components(&self, mask: &[bool]) -> Vec<Blob> {
        let mut seen = vec![false; mask.len()];
        let mut blobs = Vec::new();
        let mut stack = Vec::new();
        for start in 0..mask.len() {
            if !mask[start] || seen[start] {
                continue;
            }
            seen[start] = true;
            stack.push(start);
            let mut blob = Blob {
                x0: usize::MAX,
                y0: usize::MAX,
                x1: 0,
                y1: 0,
                pixels: Vec::new(),
            };
            while let Some(i) = stack.pop() {
                let (x, y) = (i % self.w, i / self.w);
                blob.x0 = blob.x0.min(x);
                blob.y0 = blob.y0.min(y);
                blob.x1 = blob.x1.max(x);
                blob.y1 = blob.y1.max(y);
                blob.pixels.push((x, y));
                let mut visit = |j: usize| {
                    if mask[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                };
                if x > 0 {
                    visit(i - 1);
                }
                if x + 1 < self.w {
                    visit(i + 1);
                }
                if y > 0 {
                    visit(i - self.w);
                }
                if y + 1 < self.h {
                    visit(i + self.w);
                }
            }
            blobs.push(blob);
        }
        blobs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_go_and_short_ones_stay() {
        let grid = Grid { w: 6, h: 3 };
        #[rustfmt::skip]
        let mask = [
            true, true, true, true, true, false,
            false, true, false, false, false, false,
            false, true, false, true, true, false,
        ];
        let out = grid.without_long_runs(&mask, 3);
        #[rustfmt::skip]
        let expected = [
            false, false, false, false, false, false,
            false, false, false, false, false, false,
            false, false, false, true, true, false,
        ];
        assert_eq!(out, expected);
        assert_eq!(grid.components(&out).len(), 1);
        assert_eq!(grid.dilate(&out, 1).iter().filter(|&&v| v).count(), 8);
    }
}
