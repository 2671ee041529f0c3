//! Page orientation (0/90/180/270) and skew, from the lines the detector found.
//!
//! Each line crop knows the direction its text reads once the 0/180 classifier
//! has turned it: from its first corner to its second. The page's orientation is
//! the quarter turn most of the line length agrees on; its skew is the
//! length-weighted median of the lines' remaining angles. A page that is not
//! upright is turned upright (quarter turns are exact pixel moves, skew is
//! resampled) and read again; boxes are mapped back to the original image.

use image::{Rgb, RgbImage};
use serde::{Deserialize, Serialize};

use super::crop::LineCrop;
use super::geometry::{Point, Quad};

/// Lines shorter than this many heights say little about their direction (a
/// lone digit is as tall as it is wide) and do not vote.
const MIN_VOTING_ASPECT: f32 = 2.0;

/// How the page lies, as found by the engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageOrientation {
    /// Clockwise rotation, in degrees, that makes the page upright: 0, 90, 180 or 270.
    pub direction: u16,
    /// Remaining clockwise tilt of the text, in degrees (the page was turned by
    /// `-skew` more to straighten it when that was worth doing).
    pub skew: f32,
    /// Share of the voting line length that agrees on `direction`, 0 to 1.
    pub confidence: f32,
    /// Too few or disagreeing lines: the app offers a one-click override.
    pub unsure: bool,
    /// How many voting lines are tilted within [`SKEW_AGREEMENT_DEGREES`] of
    /// `skew`: many on a document lying askew, a few on a photo of signs seen at
    /// an angle (where straightening loses more than it finds).
    #[serde(skip)]
    pub skew_lines: usize,
    /// Lines on the page read in more than one direction (an open passport with
    /// the facing page upside down, a sideways stamp, two receipts head to foot):
    /// each group was read, and is ordered, the way it runs. Left out when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mixed: bool,
}

/// How far a line's tilt may be from the page's skew and still agree with it.
pub const SKEW_AGREEMENT_DEGREES: f32 = 3.0;

/// Estimates the page's orientation from its line crops as cut (before any
/// 0/180 turn) and the classifier's probability that each reads upside down.
/// The evidence is soft: an unsure line votes a little for both ways.
pub fn estimate(crops: &[LineCrop], p_upside_down: &[f32], unsure_below: f32) -> PageOrientation {
    let mut weight = [0f32; 4];
    let mut residuals: [Vec<(f32, f32)>; 2] = Default::default();
    for (i, crop) in crops.iter().enumerate() {
        if crop.aspect_ratio() < MIN_VOTING_ASPECT {
            continue;
        }
        let angle = reading_angle(crop);
        let quarter = (angle / 90.0).round();
        let q = (quarter as i32).rem_euclid(4) as usize;
        let p = p_upside_down.get(i).copied().unwrap_or(0.0).clamp(0.0, 1.0);
        weight[q] += crop.width * (1.0 - p);
        weight[(q + 2) % 4] += crop.width * p;
        // The tilt is the same whichever way the line reads.
        residuals[q % 2].push((angle - quarter * 90.0, crop.width));
    }
    let total: f32 = weight.iter().sum();
    if total <= 0.0 {
        return PageOrientation {
            // Boxes but no line long enough to vote: say so.
            unsure: !crops.is_empty(),
            ..PageOrientation::default()
        };
    }
    let best = (0..4).max_by(|&a, &b| weight[a].total_cmp(&weight[b])).unwrap_or(0);
    let confidence = weight[best] / total;
    let along = &mut residuals[best % 2];
    let skew = weighted_median(along);
    let agree = |r: &&(f32, f32)| (r.0 - skew).abs() <= SKEW_AGREEMENT_DEGREES;
    let skew_lines = along.iter().filter(agree).count();
    PageOrientation {
        direction: ((4 - best) % 4) as u16 * 90,
        skew,
        confidence,
        unsure: confidence < unsure_below,
        skew_lines,
        mixed: false,
    }
}

/// The quarter turn (0–3, clockwise) a crop reads along as cut.
pub fn quarter_of(crop: &LineCrop) -> usize {
    ((reading_angle(crop) / 90.0).round() as i32).rem_euclid(4) as usize
}

/// The quarter turn (0–3, clockwise) each line reads along, as its crop is cut
/// once turned the way it reads, and whether the page holds more than one. A
/// line too short to show its direction (a lone digit is as tall as it is wide)
/// takes the direction of the nearest line that shows one.
pub fn line_directions(crops: &[LineCrop]) -> (Vec<usize>, bool) {
    let shows = |c: &LineCrop| c.aspect_ratio() >= MIN_VOTING_ASPECT;
    let centre = |c: &LineCrop| {
        let sum = c
            .corners
            .iter()
            .fold(Point::new(0.0, 0.0), |s, p| Point::new(s.x + p.x, s.y + p.y));
        Point::new(sum.x / 4.0, sum.y / 4.0)
    };
    let showing: Vec<(Point, usize)> = crops
        .iter()
        .filter(|c| shows(c))
        .map(|c| (centre(c), quarter_of(c)))
        .collect();
    let directions = crops
        .iter()
        .map(|c| {
            if shows(c) {
                return quarter_of(c);
            }
            let at = centre(c);
            showing
                .iter()
                .min_by(|a, b| distance2(a.0, at).total_cmp(&distance2(b.0, at)))
                .map_or(0, |&(_, q)| q)
        })
        .collect();
    let first = showing.first().map(|s| s.1);
    let mixed = showing.iter().any(|s| Some(s.1) != first);
    (directions, mixed)
}

fn distance2(a: Point, b: Point) -> f32 {
    (a.x - b.x).powi(2) + (a.y - b.y).powi(2)
}

/// Clockwise angle, in degrees, of the direction a crop reads in (image y points down).
fn reading_angle(crop: &LineCrop) -> f32 {
    let (a, b) = (crop.corners[0], crop.corners[1]);
    (b.y - a.y).atan2(b.x - a.x).to_degrees()
}

fn weighted_median(values: &mut [(f32, f32)]) -> f32 {
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = values.iter().map(|v| v.1).sum::<f32>() / 2.0;
    let mut acc = 0.0;
    for &(v, w) in values.iter() {
        acc += w;
        if acc >= half {
            return v;
        }
    }
    0.0
}

/// An affine map of the plane: `(x, y) → (a·x + b·y + c, d·x + e·y + f)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Affine([f32; 6]);

impl Affine {
    pub fn apply(&self, p: Point) -> Point {
        let [a, b, c, d, e, f] = self.0;
        Point::new(a * p.x + b * p.y + c, d * p.x + e * p.y + f)
    }

    pub fn apply_quad(&self, q: &Quad) -> Quad {
        q.map(|p| self.apply(p))
    }

    /// The same map for coordinates where (x, y) is the centre of pixel (x, y),
    /// as the detector and the line sampler use, rather than its corner.
    fn in_pixel_centres(&self) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        Affine([a, b, c + 0.5 * (a + b) - 0.5, d, e, f + 0.5 * (d + e) - 0.5])
    }

    pub fn inverse(&self) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let det = a * e - b * d;
        let (ia, ib, id, ie) = (e / det, -b / det, -d / det, a / det);
        Affine([ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)])
    }
}

/// The page turned clockwise by `degrees` (any angle) on a canvas that holds all
/// of it, paper-white where the turn uncovers nothing, and the map from the
/// turned image's coordinates back to the original's (with (x, y) the centre of
/// pixel (x, y), as boxes and crops use). Multiples of 90° move pixels exactly.
pub fn turn(image: &RgbImage, degrees: f32) -> (RgbImage, Affine) {
    let (out_w, out_h, back) = turn_geometry(image.width(), image.height(), degrees);
    let normalised = degrees.rem_euclid(360.0);
    let exact = (0..4u8).find(|&q| (normalised - q as f32 * 90.0).abs() < 1e-3);
    let turned = match exact {
        Some(0) => image.clone(),
        Some(1) => image::imageops::rotate90(image),
        Some(2) => image::imageops::rotate180(image),
        Some(_) => image::imageops::rotate270(image),
        None => resample(image, &back, out_w, out_h),
    };
    (turned, back.in_pixel_centres())
}

/// Where [`turn`] puts a `width`×`height` page: the turned canvas's size and
/// the map from the turned page's coordinates back to the original's, with
/// (x, y) the centre of pixel (x, y). Needs no pixels.
pub fn turn_map(width: u32, height: u32, degrees: f32) -> (u32, u32, Affine) {
    let (w, h, back) = turn_geometry(width, height, degrees);
    (w, h, back.in_pixel_centres())
}

/// The turned canvas's size and the map back, in corner coordinates.
fn turn_geometry(width: u32, height: u32, degrees: f32) -> (u32, u32, Affine) {
    let (w, h) = (width as f32, height as f32);
    let normalised = degrees.rem_euclid(360.0);
    // Which quarter turn (0–3) this is, if it is one.
    let exact = (0..4u8).find(|&q| (normalised - q as f32 * 90.0).abs() < 1e-3);
    let (sin, cos) = degrees.to_radians().sin_cos();
    // Output size: the rotated bounding box.
    let (out_w, out_h) = match exact {
        Some(1 | 3) => (h, w),
        Some(_) => (w, h),
        None => (
            (w * cos.abs() + h * sin.abs()).ceil(),
            (w * sin.abs() + h * cos.abs()).ceil(),
        ),
    };
    // Forward map (original → turned): rotate about the centre, move to the new centre.
    let (cx, cy, ox, oy) = (w / 2.0, h / 2.0, out_w / 2.0, out_h / 2.0);
    let forward = Affine([cos, -sin, ox - cos * cx + sin * cy, sin, cos, oy - sin * cx - cos * cy]);
    (out_w as u32, out_h as u32, forward.inverse())
}

/// Resampling of `image` through `back` (output pixel → source point) with the
/// Lanczos-3 kernel: sharper than bilinear or cubic, so the thin strokes of
/// small print survive a turn. Outside the image is white paper.
fn resample(image: &RgbImage, back: &Affine, out_w: u32, out_h: u32) -> RgbImage {
    const RADIUS: i64 = 3;
    const TAPS: usize = 2 * RADIUS as usize;
    let (w, h) = (image.width() as i64, image.height() as i64);
    let raw = image.as_raw();
    let px = |x: i64, y: i64| -> [f32; 3] {
        if x < 0 || y < 0 || x >= w || y >= h {
            return [255.0; 3];
        }
        let i = ((y * w + x) * 3) as usize;
        [raw[i] as f32, raw[i + 1] as f32, raw[i + 2] as f32]
    };
    // Lanczos-3 weights of the taps at x0 - 2 ..= x0 + 3 for a point at x0 + t,
    // tabulated for PHASES values of t and normalised to sum 1.
    const PHASES: usize = 64;
    let lanczos = |d: f32| {
        if d.abs() < 1e-6 {
            return 1.0;
        }
        let a = RADIUS as f32;
        let pd = std::f32::consts::PI * d;
        a * pd.sin() * (pd / a).sin() / (pd * pd)
    };
    let table: Vec<[f32; TAPS]> = (0..=PHASES)
        .map(|phase| {
            let t = phase as f32 / PHASES as f32;
            let mut k = [0f32; TAPS];
            for (i, k) in k.iter_mut().enumerate() {
                *k = lanczos(t - (i as f32 - (RADIUS as f32 - 1.0)));
            }
            let sum: f32 = k.iter().sum();
            k.map(|v| v / sum)
        })
        .collect();
    let weights = |t: f32| table[(t * PHASES as f32).round() as usize];
    RgbImage::from_fn(out_w, out_h, |u, v| {
        let p = back.apply(Point::new(u as f32 + 0.5, v as f32 + 0.5));
        let (x, y) = (p.x - 0.5, p.y - 0.5);
        let (x0, y0) = (x.floor(), y.floor());
        let (wx, wy) = (weights(x - x0), weights(y - y0));
        let (x0, y0) = (x0 as i64, y0 as i64);
        let mut acc = [0f32; 3];
        for (j, wyj) in wy.iter().enumerate() {
            let mut row = [0f32; 3];
            for (i, wxi) in wx.iter().enumerate() {
                let s = px(x0 - RADIUS + 1 + i as i64, y0 - RADIUS + 1 + j as i64);
                for c in 0..3 {
                    row[c] += s[c] * wxi;
                }
            }
            for c in 0..3 {
                acc[c] += row[c] * wyj;
            }
        }
        Rgb(acc.map(|a| a.round().clamp(0.0, 255.0) as u8))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crop of a line `len` long and 20 high reading at `angle` degrees clockwise.
    fn crop_at(angle: f32, len: f32) -> LineCrop {
        let (s, c) = angle.to_radians().sin_cos();
        let a = Point::new(500.0, 500.0);
        let b = Point::new(a.x + c * len, a.y + s * len);
        let d = Point::new(a.x - s * 20.0, a.y + c * 20.0);
        let e = Point::new(b.x - s * 20.0, b.y + c * 20.0);
        LineCrop {
            corners: [a, b, e, d],
            width: len,
            height: 20.0,
        }
    }

    fn estimate(crops: &[LineCrop], unsure_below: f32) -> PageOrientation {
        super::estimate(crops, &vec![0.0; crops.len()], unsure_below)
    }

    #[test]
    fn the_classifier_decides_between_opposite_turns_softly() {
        // Two lines cut reading left to right; the classifier thinks both are
        // probably upside down, though neither clears a 0.9 threshold.
        let crops = [crop_at(0.0, 300.0), crop_at(0.0, 300.0)];
        let found = super::estimate(&crops, &[0.8, 0.85], 0.8);
        assert_eq!(found.direction, 180);
        assert!((found.confidence - 0.825).abs() < 1e-3);
    }

    #[test]
    fn the_page_turn_is_the_one_most_line_length_agrees_on() {
        let upright = estimate(&[crop_at(0.5, 300.0), crop_at(-0.5, 200.0), crop_at(0.0, 100.0)], 0.8);
        assert_eq!(upright.direction, 0);
        assert!(upright.skew.abs() < 0.6 && upright.confidence == 1.0 && !upright.unsure);

        // Text reading downwards: the page was turned a quarter clockwise, so a
        // quarter anticlockwise (270° clockwise) makes it upright.
        let down = estimate(
            &[crop_at(93.0, 400.0), crop_at(92.0, 300.0), crop_at(-90.0, 100.0)],
            0.8,
        );
        assert_eq!(down.direction, 270);
        assert!((down.skew - 2.0).abs() < 1.1, "{down:?}");
        assert!((down.confidence - 0.875).abs() < 1e-3);

        assert_eq!(estimate(&[crop_at(180.0, 300.0)], 0.8).direction, 180);
        assert_eq!(estimate(&[crop_at(-88.0, 300.0)], 0.8).direction, 90);
        // Half the text one way, half the other: unsure.
        assert!(estimate(&[crop_at(0.0, 300.0), crop_at(90.0, 300.0)], 0.8).unsure);
        // Short boxes do not vote.
        let short = estimate(&[crop_at(90.0, 30.0)], 0.8);
        assert_eq!((short.direction, short.unsure), (0, true));
    }

    #[test]
    fn a_turn_maps_points_back_to_the_original() {
        let mut img = RgbImage::from_pixel(40, 20, Rgb([255, 255, 255]));
        img.put_pixel(3, 5, Rgb([0, 0, 0]));
        for degrees in [90.0, 180.0, 270.0] {
            let (turned, back) = turn(&img, degrees);
            let (x, y) = turned
                .enumerate_pixels()
                .find(|(_, _, p)| p.0 == [0, 0, 0])
                .map(|(x, y, _)| (x, y))
                .expect("the dark pixel survives a quarter turn");
            // Pixel centres map to pixel centres.
            let p = back.apply(Point::new(x as f32, y as f32));
            assert!((p.x - 3.0).abs() < 1e-3 && (p.y - 5.0).abs() < 1e-3, "{degrees}: {p:?}");
        }
        let (turned, back) = turn(&img, 7.0);
        assert!(turned.width() > 40 && turned.height() > 20);
        // Corners uncovered by the turn are white paper.
        assert_eq!(turned.get_pixel(0, 0).0, [255, 255, 255]);
        let centre = back.apply(Point::new(turned.width() as f32 / 2.0, turned.height() as f32 / 2.0));
        assert!((centre.x - 20.0).abs() < 1.0 && (centre.y - 10.0).abs() < 1.0);
    }

    #[test]
    fn a_skew_turn_keeps_flat_paper_flat_and_a_dark_dot_dark_where_it_lands() {
        // Interior of a flat grey page stays exactly that grey (the weights sum to 1).
        let grey = RgbImage::from_pixel(60, 60, Rgb([100, 100, 100]));
        let (turned, _) = turn(&grey, 7.0);
        let (cx, cy) = (turned.width() / 2, turned.height() / 2);
        assert_eq!(turned.get_pixel(cx, cy).0, [100, 100, 100]);

        // A 3×3 dark dot lands where the map says and stays dark there.
        let mut img = RgbImage::from_pixel(60, 60, Rgb([255, 255, 255]));
        for (x, y) in (19..22).flat_map(|x| (29..32).map(move |y| (x, y))) {
            img.put_pixel(x, y, Rgb([0, 0, 0]));
        }
        let (turned, back) = turn(&img, -7.0);
        let darkest = turned
            .enumerate_pixels()
            .min_by_key(|(_, _, p)| p.0[0])
            .map(|(x, y, p)| (x, y, p.0[0]))
            .unwrap();
        let p = back.apply(Point::new(darkest.0 as f32, darkest.1 as f32));
        assert!((p.x - 20.0).abs() <= 1.0 && (p.y - 30.0).abs() <= 1.0, "{p:?}");
        assert!(darkest.2 < 40, "{darkest:?}");
    }
}
