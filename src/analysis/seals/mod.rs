//! Official seals and stamps: found by their ink and their outline; their ring
//! text unwrapped into a straight strip for the recogniser.
//!
//! A seal is ink of one colour (red, or blue) laid in a ring: an elliptical
//! outline inked nearly all the way round, sparse inside (text and a star, not a
//! filled shape). So: the paper's colour is found and divided out (a photo taken
//! under warm or blue light is not red); pixels where one channel stands well
//! above the other two are that colour's ink; nearby ink is joined into blobs;
//! each blob's outer edge is fitted with an ellipse (the points off it — a title
//! the seal was stamped over, an edge the scan cut — left out), and the blob is a
//! seal when that outline is inked round most of its turn. The ring text runs
//! clockwise, tops of the letters outwards, from one side of the gap at the
//! bottom to the other: it is sampled along the ellipse, outer edge on top, into
//! a strip of the seal's ink alone (black print under the seal left out).

mod fit;
mod ring;

use image::RgbImage;

use crate::geometry::{Quad, axis_aligned};
use crate::imaging::mask::{Blob, Grid, paper_level, shrink_to};
use crate::result::{InkColour, SealShape};
use fit::fit_ellipse;
pub use ring::{owners, owns_line, ring_strips};

/// Pages are searched at most this many pixels on their long side: a seal is a
/// few percent of the page or more, and at 1000 px its outline is still a few
/// pixels thick.
const WORK_SIDE: u32 = 1000;
/// A pixel is red ink when its red stands this far above its green and blue (of
/// 255, the paper's colour divided out): black and grey print stays within 15,
/// the palest red seal stands 60 and more above.
const RED_STANDS_OUT: f32 = 40.0;
/// Blue ink, likewise: blue-black ballpoint and print stay within 20.
const BLUE_STANDS_OUT: f32 = 30.0;
/// Ink this close is one blob (a share of the page's short side): bridges the
/// gaps between the letters of a ring and between a ring and its outline.
const JOIN_SHARE: f32 = 0.01;
/// A seal's short side is at least this share of the page's short side (a 40 mm
/// seal is 19% of an A4 page's width, a 25 mm date stamp 12%) …
const MIN_SIDE_SHARE: f32 = 0.04;
/// … and at least this many working pixels, enough to read its ring.
const MIN_SIDE_PX: f32 = 24.0;
/// A seal is at most this much wider than tall, or taller than wide: oval seals
/// are 40 × 30 or 45 × 30 mm, with room for one photographed at an angle.
const MAX_ASPECT: f32 = 2.2;
/// A blob that is no seal but spans this share of the page's short side may be
/// a seal joined to a form printed in its colour: it is looked at again without
/// the form's rules.
const SPLIT_SHARE: f32 = 0.25;
/// A straight run of ink this long (a share of the page's short side) is a rule:
/// a seal's outline bends away from a straight line well within it (the flat top
/// of a 40 mm seal on an A4 page runs straight for under 5%).
const RULE_SHARE: f32 = 0.1;
/// The outline is checked in this many sectors (4° each).
const SECTORS: usize = 90;
/// An outer point lies on the fitted ellipse when within this share of its radius.
const ON_OUTLINE: f32 = 0.08;
/// At least this share of the sectors' outer points lie on the ellipse: the blob's
/// outer edge is an ellipse round a good part of its turn (a form's box is not);
/// the rest may be a title or a signature the seal was stamped over.
const MIN_ON_OUTLINE: f32 = 0.4;
/// Ellipses tried through four outer points: with 40% of them on the outline
/// (the fewest accepted), one draw in 39 has all four on it, so 200 draws miss it
/// about once in 180 blobs; with half on it, once in 400 000.
const OUTLINE_DRAWS: usize = 200;
/// The outline counts as inked in a sector where ink lies this close to it
/// (shares of the radius, inside and outside).
const OUTLINE_BAND: (f32, f32) = (0.9, 1.06);
/// At least this share of the sectors in the picture is inked along the outline:
/// a seal's border is drawn all round; a faint stretch or a crossing stroke may
/// lose a few.
const MIN_OUTLINE_INKED: f32 = 0.85;
/// Just outside the outline (shares of the radius) …
const BEYOND_BAND: (f32, f32) = (1.1, 1.3);
/// … at most this share of the sectors holds ink of the colour: a seal's outline
/// is the edge of its ink; a title or a signature it was stamped over reaches out
/// on a side or two, while the text of a form whose box was taken for an outline
/// lies beyond it all round.
const MAX_BEYOND: f32 = 0.5;
/// At least this share of the ellipse is inked: an outline alone, 3% of the
/// radius thick, fills 6% of it; a seal has its text and emblem besides (an
/// empty box of a form, taken for an outline, holds little more than its rules).
const MIN_FILL: f32 = 0.08;
/// At most this share of the ellipse is inked: a seal's ring, text and emblem
/// fill a fifth to a third of it, a little more where it was stamped over print
/// of its colour; a filled logo or a QR code printed in colour fills half or more.
const MAX_FILL: f32 = 0.42;
/// A seal whose sides differ by less than this ratio is round: a round seal
/// photographed a little askew stays within a tenth, oval seals are 4:3 or longer.
const ROUND_RATIO: f32 = 1.15;

/// A seal found on the page, in page pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundSeal {
    pub centre: (f32, f32),
    /// Half the width and half the height of its outline.
    pub radii: (f32, f32),
    pub shape: SealShape,
    pub colour: InkColour,
    /// Share of its outline found inked.
    pub outline: f32,
    /// The paper's colour on the page, to tell the seal's ink from it.
    paper: [f32; 3],
}

impl FoundSeal {
    /// The box round its outline, clipped to the page.
    pub fn quad(&self, width: u32, height: u32) -> Quad {
        let (cx, cy) = self.centre;
        let (a, b) = self.radii;
        axis_aligned(
            (cx - a).max(0.0),
            (cy - b).max(0.0),
            (cx + a).min(width as f32),
            (cy + b).min(height as f32),
        )
    }

    /// How far (x, y) lies from the centre, as a share of the outline's radius
    /// that way (1 on the outline), and its angle in radians, clockwise from the
    /// right on the page.
    fn polar(&self, x: f32, y: f32) -> (f32, f32) {
        let dx = (x - self.centre.0) / self.radii.0.max(1.0);
        let dy = (y - self.centre.1) / self.radii.1.max(1.0);
        (dx.hypot(dy), dy.atan2(dx))
    }

    /// The point at `angle` on the outline drawn `1 - radius` of the short radius
    /// inside it: an oval seal's text keeps the same distance from its border all
    /// round (it does not shrink with the ellipse).
    fn at(&self, angle: f32, radius: f32) -> (f32, f32) {
        let inset = (1.0 - radius) * self.radii.0.min(self.radii.1);
        (
            self.centre.0 + (self.radii.0 - inset) * angle.cos(),
            self.centre.1 + (self.radii.1 - inset) * angle.sin(),
        )
    }
}

/// How far a pixel's colour stands out as `colour`'s ink, the paper divided out.
fn stands_out(pixel: [u8; 3], paper: &[f32; 3], colour: InkColour) -> f32 {
    let c: [f32; 3] = std::array::from_fn(|i| (pixel[i] as f32 * 255.0 / paper[i].max(1.0)).min(255.0));
    match colour {
        InkColour::Red => c[0] - c[1].max(c[2]),
        InkColour::Blue => c[2] - c[0].max(c[1]),
    }
}

fn threshold(colour: InkColour) -> f32 {
    match colour {
        InkColour::Red => RED_STANDS_OUT,
        InkColour::Blue => BLUE_STANDS_OUT,
    }
}

/// The paper's colour: per channel, the paper's level.
fn paper_colour(image: &RgbImage) -> [f32; 3] {
    let mut histograms = [[0u32; 256]; 3];
    for p in image.pixels() {
        for c in 0..3 {
            histograms[c][p.0[c] as usize] += 1;
        }
    }
    std::array::from_fn(|c| paper_level(&histograms[c]))
}

/// Finds the seals on the page, largest first.
pub fn find_seals(image: &RgbImage) -> Vec<FoundSeal> {
    let (w, h) = image.dimensions();
    if w < MIN_SIDE_PX as u32 || h < MIN_SIDE_PX as u32 {
        return Vec::new();
    }
    let (small, scale) = shrink_to(image, WORK_SIDE);
    let (sw, sh) = small.dimensions();
    let paper = paper_colour(&small);
    let mut found = Vec::new();
    for colour in [InkColour::Red, InkColour::Blue] {
        let ink: Vec<bool> = small
            .pixels()
            .map(|p| stands_out(p.0, &paper, colour) > threshold(colour))
            .collect();
        let grid = Grid {
            w: sw as usize,
            h: sh as usize,
        };
        let reach = ((sw.min(sh) as f32 * JOIN_SHARE).round() as usize).max(1);
        let joined = grid.dilate(&ink, reach);
        for blob in grid.components(&joined) {
            let mut seals: Vec<FoundSeal> = test_blob(&grid, &ink, &blob, colour).into_iter().collect();
            let short = sw.min(sh) as f32;
            if seals.is_empty() && (blob.x1 - blob.x0).max(blob.y1 - blob.y0) as f32 >= SPLIT_SHARE * short {
                // A seal stamped on a form printed in its colour is joined to the
                // form's rules: without long straight strokes it stands apart.
                let mut own = vec![false; ink.len()];
                blob.pixels
                    .iter()
                    .for_each(|&(x, y)| own[y * grid.w + x] = ink[y * grid.w + x]);
                let cleaned = grid.without_long_runs(&own, (RULE_SHARE * short) as usize);
                let rejoined = grid.dilate(&cleaned, reach);
                seals.extend(
                    grid.components(&rejoined)
                        .iter()
                        .filter_map(|part| test_blob(&grid, &cleaned, part, colour)),
                );
            }
            for mut seal in seals {
                seal.centre = (seal.centre.0 / scale, seal.centre.1 / scale);
                seal.radii = (seal.radii.0 / scale, seal.radii.1 / scale);
                seal.paper = paper;
                found.push(seal);
            }
        }
    }
    found.sort_by(|a, b| (b.radii.0 * b.radii.1).total_cmp(&(a.radii.0 * a.radii.1)));
    // A blob inside a seal found (its star, its inner text) is part of it.
    let mut kept: Vec<FoundSeal> = Vec::new();
    for seal in found {
        if kept.iter().all(|k| k.polar(seal.centre.0, seal.centre.1).0 > 1.0) {
            kept.push(seal);
        }
    }
    kept
}

/// Whether a blob of `colour`'s ink is a seal, and the seal (in working pixels) if so.
fn test_blob(grid: &Grid, ink: &[bool], blob: &Blob, colour: InkColour) -> Option<FoundSeal> {
    let (bw, bh) = ((blob.x1 - blob.x0 + 1) as f32, (blob.y1 - blob.y0 + 1) as f32);
    let min_side = MIN_SIDE_PX.max(grid.w.min(grid.h) as f32 * MIN_SIDE_SHARE);
    if bw.min(bh) < min_side {
        return None;
    }
    let inked: Vec<(f32, f32)> = blob
        .pixels
        .iter()
        .filter(|&&(x, y)| ink[y * grid.w + x])
        .map(|&(x, y)| (x as f32 + 0.5, y as f32 + 0.5))
        .collect();
    let first = FoundSeal {
        centre: (
            (blob.x0 + blob.x1 + 1) as f32 / 2.0,
            (blob.y0 + blob.y1 + 1) as f32 / 2.0,
        ),
        radii: (bw / 2.0, bh / 2.0),
        shape: SealShape::Round,
        colour,
        outline: 0.0,
        paper: [255.0; 3],
    };
    let clipped = (
        blob.x0 == 0 || blob.x1 + 1 >= grid.w,
        blob.y0 == 0 || blob.y1 + 1 >= grid.h,
    );
    let mut seal = fit_outline(&first, &inked, clipped)?;
    let (a, b) = seal.radii;
    if a.max(b) > MAX_ASPECT * a.min(b) || a.min(b) * 2.0 < min_side {
        return None;
    }
    let mut sector_inked = [false; SECTORS];
    let mut sector_beyond = [false; SECTORS];
    let mut inside = 0usize;
    for &(x, y) in &inked {
        let (r, angle) = seal.polar(x, y);
        if (OUTLINE_BAND.0..=OUTLINE_BAND.1).contains(&r) {
            sector_inked[sector_of(angle)] = true;
        }
        if (BEYOND_BAND.0..=BEYOND_BAND.1).contains(&r) {
            sector_beyond[sector_of(angle)] = true;
        }
        if r <= 1.0 {
            inside += 1;
        }
    }
    let fill = inside as f32 / (std::f32::consts::PI * a * b).max(1.0);
    // Sectors whose outline lies off the picture (a seal cut by the scan's edge) are unknown, not blank.
    let visible: Vec<usize> = (0..SECTORS)
        .filter(|&s| {
            let (x, y) = seal.at(sector_angle(s), 1.0);
            x >= 0.0 && y >= 0.0 && x < grid.w as f32 && y < grid.h as f32
        })
        .collect();
    if visible.len() < SECTORS / 2 {
        return None;
    }
    seal.outline = visible.iter().filter(|&&s| sector_inked[s]).count() as f32 / visible.len() as f32;
    let beyond = visible.iter().filter(|&&s| sector_beyond[s]).count() as f32 / visible.len() as f32;
    seal.shape = if a.max(b) <= ROUND_RATIO * a.min(b) {
        SealShape::Round
    } else {
        SealShape::Oval
    };
    let seal_like = seal.outline >= MIN_OUTLINE_INKED && (MIN_FILL..=MAX_FILL).contains(&fill) && beyond <= MAX_BEYOND;
    seal_like.then_some(seal)
}

fn sector_of(angle: f32) -> usize {
    let turn = angle.rem_euclid(std::f32::consts::TAU) / std::f32::consts::TAU;
    ((turn * SECTORS as f32) as usize).min(SECTORS - 1)
}

fn sector_angle(sector: usize) -> f32 {
    (sector as f32 + 0.5) / SECTORS as f32 * std::f32::consts::TAU
}

/// The ellipse through the blob's outer edge: the farthest ink in each sector
/// from the blob's centre, most of which lie on the seal's outline and the rest
/// on ink beyond it (a title the seal was stamped over, a side the scan cut
/// straight). The ellipse through four of them that the most others agree
/// with (a fixed sequence of draws, so the same page gives the same seal), fitted
/// again by least squares to those that agree.
fn fit_outline(first: &FoundSeal, inked: &[(f32, f32)], clipped: (bool, bool)) -> Option<FoundSeal> {
    let mut outer: [Option<(f32, f32, f32)>; SECTORS] = [None; SECTORS];
    for &(x, y) in inked {
        let (r, angle) = first.polar(x, y);
        let s = sector_of(angle);
        if outer[s].is_none_or(|(_, _, best)| r > best) {
            outer[s] = Some((x, y, r));
        }
    }
    let points: Vec<(f32, f32)> = outer.iter().flatten().map(|&(x, y, _)| (x, y)).collect();
    if points.len() < 5 {
        return None;
    }
    let mut seal = first.clone();
    let agreeing = |seal: &FoundSeal| -> Vec<(f32, f32)> {
        points
            .iter()
            .copied()
            .filter(|&(x, y)| (seal.polar(x, y).0 - 1.0).abs() <= ON_OUTLINE)
            .collect()
    };
    // A seal's outline is the edge of its blob (a tenth more for the fit's slack),
    // or reaches beyond a side the scan cut.
    let plausible = |radii: (f32, f32)| {
        // A seal cut by the scan's edge may have lost up to a third of its width.
        let room = |clipped: bool| if clipped { 1.5 } else { 1.1 };
        radii.0 <= room(clipped.0) * first.radii.0 && radii.1 <= room(clipped.1) * first.radii.1
    };
    let mut best: Vec<(f32, f32)> = Vec::new();
    let mut draw = Draws(0x2545_F491);
    for _ in 0..OUTLINE_DRAWS {
        let four: Vec<(f32, f32)> = (0..4).map(|_| points[draw.below(points.len())]).collect();
        let Some((centre, radii)) = fit_ellipse(&four, first.centre, first.radii) else {
            continue;
        };
        if !plausible(radii) {
            continue;
        }
        seal.centre = centre;
        seal.radii = radii;
        let on = agreeing(&seal);
        if on.len() > best.len() {
            best = on;
        }
    }
    // Refitted twice: the points that agree settle after one refit, the second confirms.
    for _ in 0..2 {
        let (centre, radii) = fit_ellipse(&best, first.centre, first.radii)?;
        seal.centre = centre;
        seal.radii = radii;
        best = agreeing(&seal);
    }
    (best.len() as f32 >= MIN_ON_OUTLINE * SECTORS as f32 && plausible(seal.radii)).then_some(seal)
}

/// A fixed sequence of pseudo-random draws (xorshift).
struct Draws(u32);

impl Draws {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 as usize % n.max(1)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A red ring seal drawn on white paper: outline, a ring of "letters" (short
    /// radial strokes) over the top, a gap at the bottom.
    pub(in crate::analysis::seals) fn drawn_seal(w: u32, h: u32, centre: (f32, f32), radii: (f32, f32)) -> RgbImage {
        let mut img = RgbImage::from_pixel(w, h, image::Rgb([250, 248, 245]));
        let red = image::Rgb([220, 40, 50]);
        for y in 0..h {
            for x in 0..w {
                let dx = (x as f32 - centre.0) / radii.0;
                let dy = (y as f32 - centre.1) / radii.1;
                let r = dx.hypot(dy);
                let deg = dy.atan2(dx).to_degrees().rem_euclid(360.0);
                let outline = (0.93..=1.0).contains(&r);
                let in_text_arc = !(40.0..140.0).contains(&deg);
                let letter = (0.6..0.85).contains(&r) && in_text_arc && (deg % 20.0) < 9.0;
                if outline || letter {
                    img.put_pixel(x, y, red);
                }
            }
        }
        img
    }

    #[test]
    fn a_red_ring_is_a_seal_with_its_outline_fitted() {
        let img = drawn_seal(600, 500, (300.0, 260.0), (100.0, 100.0));
        let seals = find_seals(&img);
        assert_eq!(seals.len(), 1, "{seals:?}");
        let s = &seals[0];
        assert_eq!(s.shape, SealShape::Round);
        assert_eq!(s.colour, InkColour::Red);
        assert!(
            (s.centre.0 - 300.0).abs() < 4.0 && (s.centre.1 - 260.0).abs() < 4.0,
            "{s:?}"
        );
        assert!(
            (s.radii.0 - 100.0).abs() < 5.0 && (s.radii.1 - 100.0).abs() < 5.0,
            "{s:?}"
        );
        assert!(s.outline > 0.95);
    }

    #[test]
    fn an_oval_cut_by_the_edge_is_still_found_and_a_filled_disc_is_not() {
        let img = drawn_seal(400, 300, (330.0, 150.0), (110.0, 70.0));
        let seals = find_seals(&img);
        assert_eq!(seals.len(), 1, "{seals:?}");
        assert_eq!(seals[0].shape, SealShape::Oval);
        assert!((seals[0].radii.0 - 110.0).abs() < 8.0, "{:?}", seals[0]);

        let mut disc = RgbImage::from_pixel(400, 300, image::Rgb([255, 255, 255]));
        for y in 80..220 {
            for x in 130..270 {
                if ((x as f32 - 200.0).hypot(y as f32 - 150.0)) < 70.0 {
                    disc.put_pixel(x, y, image::Rgb([230, 30, 30]));
                }
            }
        }
        assert!(find_seals(&disc).is_empty());
    }

    #[test]
    fn black_print_and_a_red_title_bar_are_not_seals() {
        let mut img = RgbImage::from_pixel(500, 400, image::Rgb([255, 255, 255]));
        for y in 20..60 {
            for x in 20..480 {
                if x % 7 < 4 {
                    img.put_pixel(x, y, image::Rgb([200, 20, 20]));
                }
            }
        }
        for y in 100..300 {
            for x in 100..300 {
                if (x + y) % 5 == 0 {
                    img.put_pixel(x, y, image::Rgb([10, 10, 10]));
                }
            }
        }
        assert!(find_seals(&img).is_empty());
    }
}
