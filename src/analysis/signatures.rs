//! Handwritten signatures: ink on the page that is none of the things the page
//! was read as — no text line found it, it is no seal, no picture the layout
//! model saw, no rule — of a signature's size and as sparse as pen strokes,
//! next to the text. A label line that asks for it ("Signature", "签名") is named
//! when one lies near.
//!
//! What this cannot tell apart: handwriting that is not a signature (a date or a
//! note written by hand), and print the detector missed. It is a first finder,
//! measured by `benches/seals.py`, not a model.

use std::sync::LazyLock;

use image::RgbImage;
use regex::Regex;

use crate::geometry::{axis_aligned, bounds};
use crate::imaging::mask::{Grid, is_black_print, paper_level, shrink_to};
use crate::result::{Page, RegionKind, Signature};

/// Pages are searched at most this many pixels on their long side, as for seals:
/// a signature's strokes stay a pixel or more wide.
const WORK_SIDE: u32 = 1000;
/// Blue ballpoint: blue stands this far above red and green (of 255) …
const BLUE_STANDS_OUT: f32 = 30.0;
/// … and lies at least this far below the paper's brightness.
const BLUE_BELOW_PAPER: f32 = 40.0;
/// A straight run of ink this long (a share of the page's short side) is a rule
/// or the line a signature is written on, not a pen stroke.
const RULE_SHARE: f32 = 0.1;
/// Strokes this close (a share of the page's usual line height) are one signature:
/// the gaps between a signature's letters and its parts are under half a line.
const JOIN_LINE_SHARE: f32 = 0.25;
/// A signature is at least this share of the page's width (initials 10 mm of a
/// 210 mm page) …
const MIN_WIDTH_SHARE: f32 = 0.05;
/// … at most this share (a wide flourish stays within a column) …
const MAX_WIDTH_SHARE: f32 = 0.6;
/// … at least one usual line tall, and at most this share of the page's height.
const MAX_HEIGHT_SHARE: f32 = 0.25;
/// Pen strokes fill at most this share of their box; a stamp's block, a photo or
/// a dense patch of missed print fills more.
const MAX_FILL: f32 = 0.25;
/// A label this many usual line heights away or nearer names the signature.
const LABEL_REACH_LINES: f32 = 4.0;
/// Confidence of a signature found by its ink alone, and beside a label that asks for one.
const ALONE_CONFIDENCE: f32 = 0.5;
const LABELLED_CONFIDENCE: f32 = 0.8;

/// Labels that ask for a signature, in the languages clerks meet most.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(signature|signed|sign here|signatory|podpis|unterschrift|firma|assinatura|handtekening|aláírás)\b|签名|签字|签章|署名|(?i)\bsig\.",
    )
    .expect("the label pattern is valid")
});

/// Whether a line's text asks for a signature.
pub fn is_signature_label(text: &str) -> bool {
    LABEL.is_match(text)
}

/// The handwritten signatures on `page`, whose image is `image` (the page as
/// its lines' boxes measure it).
pub fn find_signatures(image: &RgbImage, page: &Page) -> Vec<Signature> {
    let (w, h) = image.dimensions();
    if page.lines.is_empty() || w == 0 || h == 0 {
        return Vec::new();
    }
    let (small, scale) = shrink_to(image, WORK_SIDE);
    let (sw, sh) = small.dimensions();
    let grid = Grid {
        w: sw as usize,
        h: sh as usize,
    };
    let mut ink = pen_ink(&small);
    // Everything the page was read as is not a signature.
    let mut clear = |quad: &crate::geometry::Quad| {
        let (x0, y0, x1, y1) = bounds(quad);
        let (x0, y0) = (
            (x0 * scale).floor().max(0.0) as usize,
            (y0 * scale).floor().max(0.0) as usize,
        );
        let (x1, y1) = (
            ((x1 * scale).ceil() as usize + 1).min(grid.w),
            ((y1 * scale).ceil() as usize + 1).min(grid.h),
        );
        for y in y0..y1 {
            ink[y * grid.w + x0.min(x1)..y * grid.w + x1].fill(false);
        }
    };
    page.lines.iter().for_each(|l| clear(&l.quad));
    page.seals.iter().for_each(|s| clear(&s.quad));
    page.regions
        .iter()
        .filter(|r| r.kind == RegionKind::Image)
        .for_each(|r| clear(&r.quad));
    let short = sw.min(sh) as f32;
    let ink = grid.without_long_runs(&ink, (RULE_SHARE * short) as usize);
    let heights = page.lines.iter().map(|l| {
        let (_, y0, _, y1) = bounds(&l.quad);
        (y1 - y0) * scale
    });
    let usual = crate::geometry::median(heights).unwrap_or(short * 0.02).max(1.0);
    let joined = grid.dilate(&ink, ((usual * JOIN_LINE_SHARE).round() as usize).max(1));
    let mut found = Vec::new();
    for blob in grid.components(&joined) {
        let (bw, bh) = ((blob.x1 - blob.x0 + 1) as f32, (blob.y1 - blob.y0 + 1) as f32);
        let sized = bw >= MIN_WIDTH_SHARE * sw as f32
            && bw <= MAX_WIDTH_SHARE * sw as f32
            && bh >= usual
            && bh <= MAX_HEIGHT_SHARE * sh as f32;
        // A blob at the picture's edge is the scan's border or a punched hole.
        let inside = blob.x0 > 1 && blob.y0 > 1 && blob.x1 + 2 < grid.w && blob.y1 + 2 < grid.h;
        if !sized || !inside {
            continue;
        }
        let strokes: Vec<(usize, usize)> = blob
            .pixels
            .iter()
            .copied()
            .filter(|&(x, y)| ink[y * grid.w + x])
            .collect();
        if strokes.len() as f32 > MAX_FILL * bw * bh {
            continue;
        }
        // The box of the strokes themselves, not of the joined blob around them.
        let x0 = strokes.iter().map(|p| p.0).min().unwrap_or(blob.x0);
        let x1 = strokes.iter().map(|p| p.0).max().unwrap_or(blob.x1);
        let y0 = strokes.iter().map(|p| p.1).min().unwrap_or(blob.y0);
        let y1 = strokes.iter().map(|p| p.1).max().unwrap_or(blob.y1);
        let quad = axis_aligned(
            x0 as f32 / scale,
            y0 as f32 / scale,
            (x1 + 1) as f32 / scale,
            (y1 + 1) as f32 / scale,
        );
        let label_line_id = nearest_label(page, &quad, usual / scale * LABEL_REACH_LINES);
        found.push(Signature {
            quad,
            label_line_id,
            confidence: if label_line_id.is_some() {
                LABELLED_CONFIDENCE
            } else {
                ALONE_CONFIDENCE
            },
        });
    }
    found.sort_by(|a, b| {
        a.quad[0]
            .y
            .total_cmp(&b.quad[0].y)
            .then(a.quad[0].x.total_cmp(&b.quad[0].x))
    });
    found
}

/// Pen ink: black, grey or blue-black strokes darker than the paper.
fn pen_ink(image: &RgbImage) -> Vec<bool> {
    let mut levels = [0u32; 256];
    let luma = |p: &image::Rgb<u8>| 0.299 * p.0[0] as f32 + 0.587 * p.0[1] as f32 + 0.114 * p.0[2] as f32;
    for p in image.pixels() {
        levels[luma(p).round() as usize] += 1;
    }
    let paper = paper_level(&levels);
    image
        .pixels()
        .map(|p| {
            let l = luma(p);
            let [r, g, b] = p.0.map(f32::from);
            is_black_print(p.0, l, paper) || (b - r.max(g) > BLUE_STANDS_OUT && l < paper - BLUE_BELOW_PAPER)
        })
        .collect()
}

/// The nearest line asking for a signature within `reach` page pixels of `quad`.
fn nearest_label(page: &Page, quad: &crate::geometry::Quad, reach: f32) -> Option<usize> {
    let (x0, y0, x1, y1) = bounds(quad);
    page.lines
        .iter()
        .enumerate()
        .filter(|(_, l)| is_signature_label(&l.text))
        .map(|(i, l)| {
            let (lx0, ly0, lx1, ly1) = bounds(&l.quad);
            let dx = (lx0 - x1).max(x0 - lx1).max(0.0);
            let dy = (ly0 - y1).max(y0 - ly1).max(0.0);
            (i, dx.hypot(dy))
        })
        .filter(|&(_, d)| d <= reach)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::{Line, PageOrientation, StageTimings, TextSource};

    fn page_with(lines: Vec<Line>) -> Page {
        Page {
            index: 0,
            width: 800,
            height: 600,
            orientation: PageOrientation::default(),
            source: TextSource::Ocr,
            lines,
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: Vec::new(),
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: StageTimings::default(),
        }
    }

    /// A page with a printed label (a block where the line was read), a rule to
    /// sign on, and a looping pen stroke above the rule.
    fn signed_form(signed: bool) -> (RgbImage, Page) {
        let mut img = RgbImage::from_pixel(800, 600, image::Rgb([250, 250, 248]));
        let ink = image::Rgb([20, 25, 60]);
        for y in 300..320 {
            for x in 100..260 {
                if x % 4 < 2 {
                    img.put_pixel(x, y, ink);
                }
            }
        }
        for x in 280..700 {
            img.put_pixel(x, 340, ink);
            img.put_pixel(x, 341, ink);
        }
        if signed {
            for t in 0..2000 {
                let t = t as f32 / 2000.0;
                let x = 320.0 + 300.0 * t;
                let y = 320.0 - 15.0 * (t * 40.0).sin() - 10.0 * (t * 7.0).cos();
                img.put_pixel(x as u32, y as u32, ink);
                img.put_pixel(x as u32 + 1, y as u32, ink);
            }
        }
        let label = Line::read("Signature:".into(), axis_aligned(100.0, 300.0, 260.0, 320.0), 0.99, 0.9);
        (img, page_with(vec![label]))
    }

    #[test]
    fn a_pen_stroke_beside_its_label_is_a_signature_and_the_empty_line_is_not() {
        let (img, page) = signed_form(true);
        let found = find_signatures(&img, &page);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].label_line_id, Some(0));
        let (x0, y0, x1, y1) = bounds(&found[0].quad);
        assert!(
            x0 >= 318.0 && x1 <= 625.0 && y0 >= 290.0 && y1 <= 348.0,
            "{:?}",
            found[0].quad
        );

        let (img, page) = signed_form(false);
        assert!(
            find_signatures(&img, &page).is_empty(),
            "the rule alone is no signature"
        );
    }

    #[test]
    fn labels_are_known_in_several_languages() {
        for label in [
            "Signature",
            "Holder's signature",
            "Signed:",
            "签名",
            "签字盖章",
            "Podpis",
            "Unterschrift",
        ] {
            assert!(is_signature_label(label), "{label}");
        }
        assert!(!is_signature_label("Significant figures"));
    }
}
