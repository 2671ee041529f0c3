//! A seal's ring text unwrapped into a strip, and the lines printed in its ink.

use image::RgbImage;

use super::{FoundSeal, stands_out, threshold};
use crate::geometry::{Quad, bounds};
use crate::imaging::mask::is_black_print;

/// The ring text lies between these shares of the radius: inside the border,
/// outside the star or the horizontal text.
const RING_TEXT_BAND: (f32, f32) = (0.56, 0.9);
/// A stretch of the ring with less ink than this share of the ring's inked
/// peak is part of the gap between the ring text's ends: a letter's thinnest
/// column still holds a third of its thickest, a stray dot far less.
const GAP_INK_SHARE: f32 = 0.15;
/// Darkness (0 to 1 of the paper's brightness) that counts as ink in the strip:
/// JPEG ringing and paper grain stay under a tenth.
const STRIP_INK: f32 = 0.15;
/// The ring's ink is counted at this many radii across its text band, a degree
/// at a time, and smoothed over this many degrees (about a stroke's width on a
/// 40 mm seal, so the gap between two letters does not count as the ring's ends).
const PROFILE_RADII: usize = 8;
const PROFILE_SMOOTHING: usize = 9;
/// The strip's ink is scaled so that its darkest quarter is black: a faint
/// stamp reads as well as a fresh one.
const STRIP_FULL_INK_QUANTILE: f32 = 0.75;
/// Widest strip: a whole ring of a large seal at the recogniser's height is
/// under 2000 columns; beyond 4096 something was mismeasured.
/// A gap narrower than this (degrees) is a space between words, not the ring's ends.
const MIN_GAP_DEGREES: usize = 20;
/// Rows of the strip the recogniser reads (its input height).
const STRIP_HEIGHT: u32 = 48;
const STRIP_MAX_WIDTH: u32 = 4096;
/// A line is the seal's own when at most this share of its ink is black: the
/// dark fringe of the seal's own strokes stays well under it, a black word the
/// seal was stamped over is most of its line's ink.
const LINE_BLACK_SHARE: f32 = 0.2;

/// The seal's ring text as strips to read left to right (the recogniser's surer
/// reading of them wins): sampled along the ellipse clockwise from the end of
/// the ring's widest gap round to its start, the outer edge at the top, the
/// seal's ink dark on white and nothing else; the whole ring from the bottom
/// where it has no clear gap. None when the ring holds no ink to read.
///
/// Tried and left out: the upper 240° (where most ring text runs) as a second
/// candidate where the ring has no gap — on ../shared/eval/seals it cut a
/// character off as often as it dropped a serial number.
pub fn ring_strips(image: &RgbImage, seal: &FoundSeal) -> Vec<RgbImage> {
    ring_spans(image, seal)
        .into_iter()
        .map(|(start, span)| unwrap(image, seal, start, span))
        .collect()
}

/// Where the ring text starts (degrees clockwise from the right) and how far it runs.
fn ring_spans(image: &RgbImage, seal: &FoundSeal) -> Vec<(f32, f32)> {
    let ink_at = |x: f32, y: f32| -> f32 {
        let (xi, yi) = (x.round() as i64, y.round() as i64);
        if xi < 0 || yi < 0 || xi >= image.width() as i64 || yi >= image.height() as i64 {
            return 0.0;
        }
        stands_out(image.get_pixel(xi as u32, yi as u32).0, &seal.paper, seal.colour).max(0.0)
    };
    // Ink round the ring, degree by degree.
    const STEPS: usize = 360;
    let mut profile = [0f32; STEPS];
    for (deg, slot) in profile.iter_mut().enumerate() {
        let angle = (deg as f32).to_radians();
        *slot = (0..PROFILE_RADII)
            .map(|k| RING_TEXT_BAND.0 + (RING_TEXT_BAND.1 - RING_TEXT_BAND.0) * k as f32 / (PROFILE_RADII - 1) as f32)
            .map(|r| {
                let (x, y) = seal.at(angle, r);
                f32::from(ink_at(x, y) > threshold(seal.colour))
            })
            .sum();
    }
    let smooth: Vec<f32> = (0..STEPS)
        .map(|i| {
            (0..PROFILE_SMOOTHING)
                .map(|k| profile[(i + STEPS + k - PROFILE_SMOOTHING / 2) % STEPS])
                .sum::<f32>()
        })
        .collect();
    let peak = smooth.iter().copied().fold(0.0, f32::max);
    if peak == 0.0 {
        return Vec::new();
    }
    let blank: Vec<bool> = smooth.iter().map(|&v| v < GAP_INK_SHARE * peak).collect();
    let (gap_start, gap_len) = widest_circular_run(&blank);
    if gap_len >= MIN_GAP_DEGREES {
        return vec![((gap_start + gap_len) as f32, (STEPS - gap_len) as f32)];
    }
    // No ends to tell: the whole ring, from the bottom.
    vec![(90.0, 360.0)]
}

/// The ring from `start_deg` clockwise for `span_deg`, unwrapped into a strip.
fn unwrap(image: &RgbImage, seal: &FoundSeal, start_deg: f32, span_deg: f32) -> RgbImage {
    let mean_radius = (seal.radii.0 + seal.radii.1) / 2.0;
    // The band is measured inwards in shares of the short radius (see `FoundSeal::at`).
    let band_px = (RING_TEXT_BAND.1 - RING_TEXT_BAND.0) * seal.radii.0.min(seal.radii.1);
    let mid = (RING_TEXT_BAND.0 + RING_TEXT_BAND.1) / 2.0;
    let arc_px = mid * mean_radius * span_deg.to_radians();
    let width = ((arc_px * STRIP_HEIGHT as f32 / band_px.max(1.0)).round() as u32).clamp(STRIP_HEIGHT, STRIP_MAX_WIDTH);
    // How dark the seal's ink is at a pixel: its darkness against the paper where
    // the colour is the seal's (the colour alone is too coarse to draw letters
    // with: JPEG keeps it at half the resolution or less), nothing where it is not.
    let paper_light = (seal.paper[0] + seal.paper[1] + seal.paper[2]) / 3.0;
    let seal_ink_at = |x: f32, y: f32| -> f32 {
        let (xi, yi) = (x as i64, y as i64);
        if xi < 0 || yi < 0 || xi >= image.width() as i64 || yi >= image.height() as i64 {
            return 0.0;
        }
        let p = image.get_pixel(xi as u32, yi as u32).0;
        let light = 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
        let darkness = (1.0 - light / paper_light.max(1.0)).max(0.0);
        let colour = (stands_out(p, &seal.paper, seal.colour) / threshold(seal.colour)).clamp(0.0, 1.0);
        darkness * colour
    };
    let strength = |x: f32, y: f32| -> f32 {
        // Bilinear: a small seal's band is a few pixels tall, stretched to the strip's rows.
        let (fx, fy) = (x - 0.5, y - 0.5);
        let (x0, y0) = (fx.floor(), fy.floor());
        let (tx, ty) = (fx - x0, fy - y0);
        seal_ink_at(x0, y0) * (1.0 - tx) * (1.0 - ty)
            + seal_ink_at(x0 + 1.0, y0) * tx * (1.0 - ty)
            + seal_ink_at(x0, y0 + 1.0) * (1.0 - tx) * ty
            + seal_ink_at(x0 + 1.0, y0 + 1.0) * tx * ty
    };
    let samples: Vec<f32> = (0..STRIP_HEIGHT)
        .flat_map(|row| (0..width).map(move |col| (col, row)))
        .map(|(col, row)| {
            let angle = (start_deg + span_deg * (col as f32 + 0.5) / width as f32).to_radians();
            let r = RING_TEXT_BAND.1 - (RING_TEXT_BAND.1 - RING_TEXT_BAND.0) * (row as f32 + 0.5) / STRIP_HEIGHT as f32;
            let (x, y) = seal.at(angle, r);
            strength(x, y)
        })
        .collect();
    // The seal's own ink at full strength is black, however faint the stamp.
    let mut inked: Vec<f32> = samples.iter().copied().filter(|&v| v > STRIP_INK).collect();
    inked.sort_by(f32::total_cmp);
    let quantile = (inked.len() as f32 * STRIP_FULL_INK_QUANTILE) as usize;
    let full = inked.get(quantile).copied().unwrap_or(1.0).max(STRIP_INK);
    RgbImage::from_fn(width, STRIP_HEIGHT, |col, row| {
        let v = samples[(row * width + col) as usize] / full;
        image::Rgb([(255.0 * (1.0 - v.clamp(0.0, 1.0))) as u8; 3])
    })
}

/// The start and length of the longest run of `true` in a ring of flags (0 when none).
fn widest_circular_run(flags: &[bool]) -> (usize, usize) {
    let n = flags.len();
    if flags.iter().all(|&f| f) {
        return (0, 0);
    }
    let (mut best, mut run_start, mut run) = ((0, 0), 0, 0);
    for i in 0..2 * n {
        if flags[i % n] {
            if run == 0 {
                run_start = i % n;
            }
            run += 1;
            if run > best.1 && run < n {
                best = (run_start, run);
            }
        } else {
            run = 0;
        }
    }
    best
}

/// Whether the line with box `quad` is printed in the seal, in the seal's ink:
/// inside the outline from end to end, and next to no black ink in it (black print
/// the seal was stamped over is the document's, however much of the seal's
/// ring and star lie over it).
pub fn owns_line(image: &RgbImage, seal: &FoundSeal, quad: &Quad) -> bool {
    let (x0, y0, x1, y1) = bounds(quad);
    let middle = (y0 + y1) / 2.0;
    // The whole line lies in the seal: a title it was stamped over runs out of it.
    if seal.polar(x0, middle).0 > 1.0 || seal.polar(x1, middle).0 > 1.0 {
        return false;
    }
    let paper_light = (seal.paper[0] + seal.paper[1] + seal.paper[2]) / 3.0;
    let (mut seal_ink, mut black_ink) = (0u32, 0u32);
    // Every pixel of a line up to this many across and down, evenly spread beyond.
    const SAMPLES: (f32, f32) = (240.0, 48.0);
    let (across, down) = (
        (x1 - x0).clamp(1.0, SAMPLES.0) as u32,
        (y1 - y0).clamp(1.0, SAMPLES.1) as u32,
    );
    for j in 0..down {
        for i in 0..across {
            let x = x0 + (x1 - x0) * (i as f32 + 0.5) / across as f32;
            let y = y0 + (y1 - y0) * (j as f32 + 0.5) / down as f32;
            if x < 0.0 || y < 0.0 || x >= image.width() as f32 || y >= image.height() as f32 {
                continue;
            }
            let p = image.get_pixel(x as u32, y as u32).0;
            if stands_out(p, &seal.paper, seal.colour) > threshold(seal.colour) {
                seal_ink += 1;
                continue;
            }
            let light = (p[0] as f32 + p[1] as f32 + p[2] as f32) / 3.0;
            if is_black_print(p, light, paper_light) {
                black_ink += 1;
            }
        }
    }
    seal_ink > 0 && black_ink as f32 <= LINE_BLACK_SHARE * (seal_ink + black_ink) as f32
}

/// The seal each line is printed in (index into `seals`), if any: the seal whose
/// centre it lies nearest, relative to the seal's size, where seals overlap.
pub fn owners(image: &RgbImage, seals: &[FoundSeal], lines: &[crate::result::Line]) -> Vec<Option<usize>> {
    lines
        .iter()
        .map(|line| {
            let (x0, y0, x1, y1) = bounds(&line.quad);
            seals
                .iter()
                .enumerate()
                .filter(|(_, seal)| owns_line(image, seal, &line.quad))
                .min_by(|(_, a), (_, b)| {
                    let at = |s: &FoundSeal| s.polar((x0 + x1) / 2.0, (y0 + y1) / 2.0).0;
                    at(a).total_cmp(&at(b))
                })
                .map(|(k, _)| k)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::find_seals;
    use super::super::tests::drawn_seal;
    use super::*;
    use crate::geometry::axis_aligned;

    #[test]
    fn the_ring_is_unwrapped_from_the_gap_so_the_strip_holds_the_letters_end_to_end() {
        let img = drawn_seal(600, 500, (300.0, 260.0), (100.0, 100.0));
        let seal = &find_seals(&img)[0];
        let strips = ring_strips(&img, seal);
        // A clear gap: one candidate, the ring from the gap's end round to its start.
        assert_eq!(strips.len(), 1);
        let strip = &strips[0];
        assert_eq!(strip.height(), STRIP_HEIGHT);
        // The letters span 260° of 360: the strip starts and ends on them, so its
        // first and last tenth hold ink.
        let ink_in =
            |from: u32, to: u32| (from..to).any(|x| (0..strip.height()).any(|y| strip.get_pixel(x, y).0[0] < 128));
        let w = strip.width();
        assert!(ink_in(0, w / 10) && ink_in(w - w / 10, w), "width {w}");
    }

    #[test]
    fn a_line_in_the_seals_ink_is_its_own_and_black_print_under_it_is_not() {
        let mut img = drawn_seal(600, 500, (300.0, 260.0), (100.0, 100.0));
        // A black date the seal was stamped over, its ring letters across it.
        for y in 170..190 {
            for x in 220..380 {
                if x % 9 < 2 {
                    img.put_pixel(x, y, image::Rgb([20, 20, 20]));
                }
            }
        }
        assert!(!owns_line(
            &img,
            &find_seals(&img)[0],
            &axis_aligned(220.0, 170.0, 380.0, 190.0)
        ));
        for y in 250..270 {
            for x in 240..360 {
                if x % 6 < 3 {
                    img.put_pixel(x, y, image::Rgb([15, 15, 15]));
                }
            }
        }
        for y in 300..315 {
            for x in 250..350 {
                if x % 5 < 3 {
                    img.put_pixel(x, y, image::Rgb([215, 45, 45]));
                }
            }
        }
        let seal = &find_seals(&img)[0];
        assert!(!owns_line(&img, seal, &axis_aligned(240.0, 250.0, 360.0, 270.0)));
        assert!(owns_line(&img, seal, &axis_aligned(250.0, 300.0, 350.0, 315.0)));
        assert!(!owns_line(&img, seal, &axis_aligned(10.0, 10.0, 100.0, 30.0)));
    }

    #[test]
    fn widest_run_wraps_round_the_ring() {
        let flags = [true, true, false, false, true, false, true, true];
        assert_eq!(widest_circular_run(&flags), (6, 4));
        assert_eq!(widest_circular_run(&[false; 4]), (0, 0));
    }
}
