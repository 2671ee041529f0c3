//! Where things go on a PDF page: the image scaled (and turned level) onto the
//! page, and each line's text over its printed box.

use crate::geometry::{Affine, Point, median, turn_geometry};
use crate::result::Line;

use super::PdfPage;
use super::glyphless;

/// PDF/A limits a page's sides to this many points (200 inches).
const MAX_PAGE_POINTS: f32 = 14_400.0;
/// ... and to at least this many.
const MIN_PAGE_POINTS: f32 = 3.0;
/// A line's box shorter or lower than this many points holds no text to place.
const MIN_LINE_POINTS: f32 = 0.5;

/// How a page's image sits on the PDF page: scaled to its printed size and,
/// when the engine straightened a skew to read it, turned level by the same
/// angle (the image stream itself is unchanged, a JPEG stays byte for byte).
/// The text then lies level too, which text readers need to keep lines whole.
pub(super) struct Sheet {
    /// The page's size in points (the level canvas that holds the turned image).
    pub(super) size: (f32, f32),
    /// Image pixels (y down) to page points (y up).
    pub(super) to_page: Affine,
}

impl Sheet {
    pub(super) fn new(p: &PdfPage, image_size: (u32, u32)) -> Self {
        let (w, h) = (image_size.0.max(1), image_size.1.max(1));
        // Points per pixel, from the printed size of the image as it lies.
        let scale = (p.size.0 / w as f32, p.size.1 / h as f32);
        let straightened = p.page.orientation.straightened;
        let (canvas_w, canvas_h, back) = turn_geometry(w, h, -straightened);
        let level = if straightened == 0.0 {
            Affine::IDENTITY
        } else {
            back.inverse()
        };
        let size = (
            (canvas_w as f32 * scale.0).clamp(MIN_PAGE_POINTS, MAX_PAGE_POINTS),
            (canvas_h as f32 * scale.1).clamp(MIN_PAGE_POINTS, MAX_PAGE_POINTS),
        );
        let flip = Affine::new([scale.0, 0.0, 0.0, 0.0, -scale.1, size.1]);
        Self {
            size,
            to_page: flip.after(&level),
        }
    }

    /// The `cm` that draws the image (its unit square, row 0 at the top) where its pixels go.
    pub(super) fn image_matrix(&self, image_size: (u32, u32)) -> [f32; 6] {
        let (w, h) = (image_size.0 as f32, image_size.1 as f32);
        let unit = |u: f32, v: f32| self.to_page.apply(Point::new(u * w, (1.0 - v) * h));
        let origin = unit(0.0, 0.0);
        let (x, y) = (unit(1.0, 0.0), unit(0.0, 1.0));
        [
            x.x - origin.x,
            x.y - origin.y,
            y.x - origin.x,
            y.y - origin.y,
            origin.x,
            origin.y,
        ]
    }
}

/// What a placed piece draws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Glyphs<'a> {
    /// Text read on the page.
    Read(&'a str),
    /// One blank glyph that text readers read back as two spaces: it bridges the gap
    /// between two lines read one after the other on one row (see [`bridge_rows`]).
    Bridge,
}

/// Where a piece of a line's text goes on the page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Placed<'a> {
    pub(super) glyphs: Glyphs<'a>,
    /// The box's height: with the font's ascent of one em, a selection covers the box.
    pub(super) font_size: f32,
    /// Horizontal scaling, percent, that makes the text as long as its part of the box.
    pub(super) stretch: f32,
    /// Text matrix: along the baseline, origin where the piece starts on it.
    pub(super) matrix: [f32; 6],
}

/// A line whose baseline is within this many degrees of a quarter turn is laid
/// exactly along that quarter turn, a word at a time: text readers (poppler's
/// pdftotext, viewers' search) cut text at other angles into letter pairs, and
/// over a word the printed text drifts from the axis by at most a sixth of its
/// length (sin 10°).
const SNAP_WITHIN_DEGREES: f32 = 10.0;
/// Most characters in one placed piece of a line without spaces (Chinese), so
/// that a snapped piece drifts from the printed text as little as a word does.
const MAX_PIECE_CHARS: usize = 8;

/// Line boxes of one type size differ in height by up to this ratio (ascenders,
/// descenders, the detector's margin), so lines within it share one font size.
const SAME_TYPE_SIZE: f32 = 1.25;

/// Every line of a page placed (see [`place`]), with the lines of one type size
/// given one font size, the median of their heights: text readers (poppler's
/// pdftotext) keep lines together as one paragraph only when their font sizes
/// agree within a few percent, and otherwise read each line as a block of its own,
/// interleaving the lines of neighbouring columns. Rows the reading order reads
/// across are bridged (see [`bridge_rows`]).
pub(super) fn place_page<'a>(lines: &[&'a Line], to_page: impl Fn(Point) -> Point) -> Vec<Placed<'a>> {
    let mut by_line: Vec<Vec<Placed<'a>>> = lines
        .iter()
        .map(|line| place(line, &to_page))
        .filter(|pieces| !pieces.is_empty())
        .collect();
    let mut all: Vec<&mut Placed<'a>> = by_line.iter_mut().flatten().collect();
    all.sort_by(|a, b| a.font_size.total_cmp(&b.font_size));
    let mut start = 0;
    while start < all.len() {
        let smallest = all[start].font_size;
        let end = start
            + all[start..]
                .iter()
                .take_while(|p| p.font_size <= smallest * SAME_TYPE_SIZE)
                .count();
        let median = all[(start + end) / 2].font_size;
        for p in &mut all[start..end] {
            // The same length at another font size: the stretch scales inversely.
            p.stretch *= p.font_size / median;
            p.font_size = median;
        }
        start = end;
    }
    open_for_leading(&mut by_line);
    bridge_rows(by_line)
}

/// poppler joins two lines into one block only when their baselines are at most
/// 1.5 font sizes apart (`maxLineSpacingDelta`). Lines set further apart than their
/// boxes are high (Chinese text with generous leading) then become a block each,
/// and the lines of neighbouring columns interleave. So a type size whose lines
/// stand further apart gets a font size this many times under its line pitch
/// (under 1.5, as the pitch varies a little within a paragraph).
const MAX_PITCH_EMS: f32 = 1.4;
/// Two lines one under the other further apart than this many ems are not in one
/// paragraph (poppler's `maxBlockSpacing`): their gap says nothing of the leading.
const PARAGRAPH_PITCH_EMS: f32 = 2.5;

/// Each type size given a font size of at least its median line pitch over
/// [`MAX_PITCH_EMS`], the pitch taken between lines read one under the other.
fn open_for_leading(by_line: &mut [Vec<Placed<'_>>]) {
    let mut pitches: Vec<(f32, f32)> = Vec::new();
    for pair in by_line.windows(2) {
        let (upper, lower) = (&pair[0], &pair[1]);
        let (a, b) = (upper[0], lower[0]);
        if !is_upright(&a) || !is_upright(&b) || a.font_size != b.font_size {
            continue;
        }
        let pitch = a.matrix[5] - b.matrix[5];
        let (a0, a1) = extent(upper);
        let (b0, b1) = extent(lower);
        if pitch > 0.0 && pitch <= PARAGRAPH_PITCH_EMS * a.font_size && a1.min(b1) > a0.max(b0) {
            pitches.push((a.font_size, pitch));
        }
    }
    let mut sizes: Vec<f32> = pitches.iter().map(|&(size, _)| size).collect();
    sizes.sort_by(f32::total_cmp);
    sizes.dedup();
    for size in sizes {
        let Some(pitch) = median(pitches.iter().filter(|&&(s, _)| s == size).map(|&(_, p)| p)) else {
            continue;
        };
        if pitch <= MAX_PITCH_EMS * size {
            continue;
        }
        let opened = pitch / MAX_PITCH_EMS;
        for piece in by_line.iter_mut().flatten().filter(|p| p.font_size == size) {
            piece.stretch *= piece.font_size / opened;
            piece.font_size = opened;
        }
    }
}

/// Whether a piece lies level and upright on the page.
fn is_upright(p: &Placed) -> bool {
    p.matrix[0] > 0.0 && p.matrix[1] == 0.0 && p.matrix[2] == 0.0
}

/// Where a line's pieces start and end along the page's width.
fn extent(pieces: &[Placed]) -> (f32, f32) {
    let start = pieces.iter().map(|p| p.matrix[4]).fold(f32::INFINITY, f32::min);
    let end = pieces
        .iter()
        .map(|p| p.matrix[4] + p.advance())
        .fold(f32::NEG_INFINITY, f32::max);
    (start, end)
}

/// A gap along a row wider than this many ems parts it for text readers: poppler
/// pulls a word into a block only within 0.7 em (`minColSpacing1`), and beyond it
/// reads the words left and right of the gap as separate columns.
const ROW_GAP_EMS: f32 = 0.7;
/// A bridge keeps this far (ems) from the words either side: over poppler's word
/// break (0.1 em), so it stays a word of its own and the words' boxes stay on
/// their print, and well under [`ROW_GAP_EMS`], so the row holds together.
const BRIDGE_MARGIN_EMS: f32 = 0.2;
/// Two pieces are on one row when their baselines differ by at most this many
/// ems: poppler's `maxIntraLineDelta`, the most it allows within one line.
const SAME_BASELINE_EMS: f32 = 0.5;

/// Text left or right of a block joins it only when its font size is within this
/// share of the block's (poppler's `maxBlockFontSizeDelta3`): a bridge to a line of
/// another size would not hold the row together, only add a blank word.
const SIDE_FONT_SIZE_DELTA: f32 = 0.2;

/// The lines' pieces in order, with a [`Glyphs::Bridge`] over each wide gap between
/// a line and the next when the reading order goes on along the same row (a label
/// and its value, an item and its price). Text readers such as pdftotext cut a row
/// at wide gaps and read the two sides as columns, all labels before all values;
/// the bridge keeps the row whole, so they read the page in the order the engine
/// did, the order of `--format txt`.
fn bridge_rows(by_line: Vec<Vec<Placed<'_>>>) -> Vec<Placed<'_>> {
    let mut out = Vec::with_capacity(by_line.iter().map(Vec::len).sum::<usize>() + by_line.len());
    let mut previous: Option<Placed> = None;
    for pieces in by_line {
        if let (Some(left), Some(right)) = (previous, pieces.first()) {
            out.extend(bridge(&left, right));
        }
        previous = pieces.last().copied();
        out.extend(pieces);
    }
    out
}

/// The bridge from the end of `left` to the start of `right`, when both lie level,
/// upright, on one baseline, with a gap too wide for text readers between them.
fn bridge<'a>(left: &Placed<'a>, right: &Placed<'a>) -> Option<Placed<'a>> {
    if !is_upright(left) || !is_upright(right) {
        return None;
    }
    let em = left.font_size.min(right.font_size);
    if (left.matrix[5] - right.matrix[5]).abs() > SAME_BASELINE_EMS * em
        || (left.font_size - right.font_size).abs() > SIDE_FONT_SIZE_DELTA * left.font_size
    {
        return None;
    }
    let from = left.matrix[4] + left.advance() + BRIDGE_MARGIN_EMS * left.font_size;
    let to = right.matrix[4] - BRIDGE_MARGIN_EMS * left.font_size;
    if right.matrix[4] - (left.matrix[4] + left.advance()) <= ROW_GAP_EMS * em || to <= from {
        return None;
    }
    let glyph = left.font_size * glyphless::PDF_WIDTH as f32 / 1000.0;
    Some(Placed {
        glyphs: Glyphs::Bridge,
        font_size: left.font_size,
        stretch: 100.0 * (to - from) / glyph,
        matrix: [1.0, 0.0, 0.0, 1.0, from, left.matrix[5]],
    })
}

impl Placed<'_> {
    /// How far the piece runs along its baseline, in page points.
    fn advance(&self) -> f32 {
        let glyphs = match self.glyphs {
            Glyphs::Read(text) => text.chars().count(),
            Glyphs::Bridge => 1,
        };
        glyphs as f32 * self.font_size * glyphless::PDF_WIDTH as f32 / 1000.0 * self.stretch / 100.0
    }
}

/// The pieces of a line's text and where each goes: the whole line along its
/// baseline, or (near a quarter turn) word by word along that quarter turn,
/// each word where it falls on the baseline.
pub(super) fn place<'a>(line: &'a Line, to_page: impl Fn(Point) -> Point) -> Vec<Placed<'a>> {
    let characters = line.text.chars().count();
    if characters == 0 {
        return Vec::new();
    }
    let [tl, tr, br, bl] = line.quad.map(&to_page);
    // Along the baseline and up the line, averaged over both edges of the box.
    let along = Point::new((tr.x - tl.x + br.x - bl.x) / 2.0, (tr.y - tl.y + br.y - bl.y) / 2.0);
    let up = Point::new((tl.x - bl.x + tr.x - br.x) / 2.0, (tl.y - bl.y + tr.y - br.y) / 2.0);
    let length = along.x.hypot(along.y);
    if length < MIN_LINE_POINTS {
        return Vec::new();
    }
    let (cos, sin) = (along.x / length, along.y / length);
    // The height is measured square to the baseline (a sheared box reads as its height).
    let height = (up.y * cos - up.x * sin).abs();
    if height < MIN_LINE_POINTS {
        return Vec::new();
    }
    let angle = sin.atan2(cos).to_degrees();
    let quarter = (angle / 90.0).round() * 90.0;
    let per_char = length / characters as f32;
    let piece = |text: &'a str, start: usize, (c, s): (f32, f32)| {
        let origin = Point::new(
            bl.x + cos * per_char * start as f32,
            bl.y + sin * per_char * start as f32,
        );
        Placed {
            glyphs: Glyphs::Read(text),
            font_size: height,
            stretch: 100.0 * per_char / (height * glyphless::PDF_WIDTH as f32 / 1000.0),
            matrix: [c, s, -s, c, origin.x, origin.y],
        }
    };
    if (angle - quarter).abs() > SNAP_WITHIN_DEGREES {
        return vec![piece(&line.text, 0, (cos, sin))];
    }
    let radians = quarter.to_radians();
    let snapped = (radians.cos().round(), radians.sin().round());
    pieces(&line.text)
        .map(|(start, text)| piece(text, start, snapped))
        .collect()
}

/// The words of `text` with the spaces after each (and runs without spaces cut
/// every [`MAX_PIECE_CHARS`]), as (index of the first character, piece).
fn pieces(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut cuts = Vec::new();
    let (mut count, mut in_piece, mut previous_space) = (0usize, 0usize, false);
    for (at, c) in text.char_indices() {
        let space = c.is_whitespace();
        if count > 0 && !space && (previous_space || in_piece >= MAX_PIECE_CHARS) {
            cuts.push((count, at));
            in_piece = 0;
        }
        previous_space = space;
        in_piece += usize::from(!space);
        count += 1;
    }
    let mut starts = vec![(0usize, 0usize)];
    starts.extend(cuts);
    let ends: Vec<usize> = starts.iter().skip(1).map(|&(_, at)| at).chain([text.len()]).collect();
    starts
        .into_iter()
        .zip(ends)
        .map(move |((first, from), to)| (first, &text[from..to]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned;

    fn flip(p: Point) -> Point {
        Point::new(p.x, 1000.0 - p.y)
    }

    #[test]
    fn a_level_line_is_placed_word_by_word_over_its_box() {
        let line = Line::read("ab cd".into(), axis_aligned(100.0, 50.0, 300.0, 70.0), 0.9, 0.9);
        // Image 1000 px high mapped 1:1 onto a page 1000 pt high.
        let placed = place(&line, flip);
        assert_eq!(
            placed.iter().map(|p| p.glyphs).collect::<Vec<_>>(),
            [Glyphs::Read("ab "), Glyphs::Read("cd")]
        );
        assert_eq!(placed[0].font_size, 20.0);
        // Five half-em glyphs at 20 pt are 50 pt; the box is 200 pt long.
        assert!((placed[0].stretch - 400.0).abs() < 1e-3, "{placed:?}");
        assert_eq!(placed[0].matrix, [1.0, 0.0, -0.0, 1.0, 100.0, 930.0]);
        // "cd" starts three characters (120 pt) along.
        assert_eq!(placed[1].matrix[4], 220.0);
    }

    #[test]
    fn a_slightly_skewed_line_is_laid_level_word_by_word_along_its_baseline() {
        let (c, s) = (3f32.to_radians().cos(), 3f32.to_radians().sin());
        // 300 px long, 20 px high, rising 3° to the right (y runs down in the image).
        let bl = Point::new(100.0, 100.0);
        let along = Point::new(300.0 * c, -300.0 * s);
        let up = Point::new(-20.0 * s, -20.0 * c);
        let quad = [
            Point::new(bl.x + up.x, bl.y + up.y),
            Point::new(bl.x + up.x + along.x, bl.y + up.y + along.y),
            Point::new(bl.x + along.x, bl.y + along.y),
            bl,
        ];
        let line = Line::read("one two".into(), quad, 0.9, 0.9);
        let placed = place(&line, flip);
        assert_eq!(placed.len(), 2);
        for p in &placed {
            assert_eq!(&p.matrix[..4], &[1.0, 0.0, -0.0, 1.0], "laid level");
        }
        // "two" starts 4/7 of the way along, raised as the baseline rises there.
        let rise = 300.0 * s * 4.0 / 7.0;
        assert!((placed[1].matrix[5] - (900.0 + rise)).abs() < 1e-3, "{placed:?}");
    }

    #[test]
    fn an_upside_down_line_runs_right_to_left() {
        let [a, b, c, d] = axis_aligned(100.0, 50.0, 300.0, 70.0);
        // Read upside down: its first corner is the box's bottom-right.
        let line = Line::read("ab".into(), [c, d, a, b], 0.9, 0.9);
        let placed = place(&line, flip);
        assert_eq!(placed.len(), 1);
        assert!((placed[0].matrix[0] + 1.0).abs() < 1e-6 && placed[0].matrix[1].abs() < 1e-6);
        // Its baseline starts at the top-right of the box on the page.
        assert_eq!((placed[0].matrix[4], placed[0].matrix[5]), (300.0, 950.0));
    }

    #[test]
    fn a_steep_line_keeps_its_angle() {
        // A sign seen at 30°: snapping it would put the text far off the print.
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        let bl = Point::new(100.0, 400.0);
        let quad = [
            Point::new(bl.x - 20.0 * s, bl.y - 20.0 * c),
            Point::new(bl.x - 20.0 * s + 200.0 * c, bl.y - 20.0 * c - 200.0 * s),
            Point::new(bl.x + 200.0 * c, bl.y - 200.0 * s),
            bl,
        ];
        let line = Line::read("open late".into(), quad, 0.9, 0.9);
        let placed = place(&line, flip);
        assert_eq!(placed.len(), 1);
        assert!((placed[0].matrix[0] - c).abs() < 1e-5 && (placed[0].matrix[1] - s).abs() < 1e-5);
    }

    #[test]
    fn lines_of_one_type_size_share_a_font_size_and_keep_their_length() {
        let lines = [
            Line::read("abcd".into(), axis_aligned(0.0, 0.0, 200.0, 20.0), 0.9, 0.9),
            Line::read("efgh".into(), axis_aligned(0.0, 26.0, 200.0, 48.0), 0.9, 0.9),
            Line::read("ijkl".into(), axis_aligned(0.0, 52.0, 200.0, 76.0), 0.9, 0.9),
            Line::read("Title".into(), axis_aligned(0.0, 100.0, 400.0, 160.0), 0.9, 0.9),
        ];
        let placed = place_page(&lines.iter().collect::<Vec<_>>(), flip);
        let sizes: Vec<f32> = placed.iter().map(|p| p.font_size).collect();
        assert_eq!(sizes, [22.0, 22.0, 22.0, 60.0]);
        // Four half-em glyphs stretched to the 200-pt box at the shared size.
        let length = |p: &Placed| 4.0 * p.font_size * 0.5 * p.stretch / 100.0;
        for p in &placed[..3] {
            assert!((length(p) - 200.0).abs() < 1e-3, "{p:?}");
        }
    }

    #[test]
    fn a_row_read_across_a_wide_gap_is_bridged_and_lines_one_under_another_are_not() {
        let lines = [
            // A label and its value far to its right, on one row...
            Line::read("Date:".into(), axis_aligned(100.0, 100.0, 200.0, 120.0), 0.9, 0.9),
            Line::read("12/05/24".into(), axis_aligned(500.0, 101.0, 700.0, 121.0), 0.9, 0.9),
            // ... the next row starts under the label: no bridge back across the page.
            Line::read("Total:".into(), axis_aligned(100.0, 140.0, 220.0, 160.0), 0.9, 0.9),
            // A word closer than the row gap: text readers keep it on the row anyway.
            Line::read("9.50".into(), axis_aligned(230.0, 140.0, 310.0, 160.0), 0.9, 0.9),
        ];
        let placed = place_page(&lines.iter().collect::<Vec<_>>(), flip);
        let kinds: Vec<Glyphs> = placed.iter().map(|p| p.glyphs).collect();
        assert_eq!(
            kinds,
            [
                Glyphs::Read("Date:"),
                Glyphs::Bridge,
                Glyphs::Read("12/05/24"),
                Glyphs::Read("Total:"),
                Glyphs::Read("9.50")
            ]
        );
        // The bridge spans the gap, kept 0.2 em (4 pt) from the words either side.
        let bridge = placed[1];
        assert!((bridge.matrix[4] - 204.0).abs() < 1e-3, "{bridge:?}");
        assert!((bridge.matrix[4] + bridge.advance() - 496.0).abs() < 1e-2, "{bridge:?}");
        assert_eq!(bridge.matrix[5], placed[0].matrix[5], "on the label's baseline");
    }

    #[test]
    fn lines_set_far_apart_get_a_font_size_their_pitch_keeps_in_one_paragraph() {
        // Chinese body text: 20 px boxes on a 36 px pitch (1.8 ems, over poppler's 1.5).
        let lines: Vec<Line> = (0..4)
            .map(|i| {
                let top = 100.0 + 36.0 * i as f32;
                Line::read(
                    "一二三四五".into(),
                    axis_aligned(100.0, top, 300.0, top + 20.0),
                    0.9,
                    0.9,
                )
            })
            .collect();
        let placed = place_page(&lines.iter().collect::<Vec<_>>(), flip);
        for p in &placed {
            assert!((p.font_size - 36.0 / MAX_PITCH_EMS).abs() < 1e-3, "{p:?}");
            // Still as long as the box.
            assert!((p.advance() - 200.0).abs() < 1e-2, "{p:?}");
        }
        // Lines 1.2 ems apart keep their height as the font size.
        let close: Vec<Line> = (0..3)
            .map(|i| {
                let top = 100.0 + 24.0 * i as f32;
                Line::read("abc".into(), axis_aligned(100.0, top, 300.0, top + 20.0), 0.9, 0.9)
            })
            .collect();
        let placed = place_page(&close.iter().collect::<Vec<_>>(), flip);
        assert!(placed.iter().all(|p| p.font_size == 20.0), "{placed:?}");
    }

    #[test]
    fn long_runs_without_spaces_are_cut_into_pieces() {
        let text = "发票号码一二三四五六 ab";
        let got: Vec<(usize, &str)> = pieces(text).collect();
        assert_eq!(got, [(0, "发票号码一二三四"), (8, "五六 "), (11, "ab")]);
    }
}
