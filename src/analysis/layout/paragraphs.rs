//! A text block's lines parted into paragraphs, as a reader tells them apart: a
//! wider gap between lines, a change of type size, an indented first line, or a
//! line that stops short of a justified block's right edge.

use super::order::Bounds;

/// A gap between lines wider than this many line heights starts a paragraph:
/// leading is at most about half a line, a paragraph break more.
pub(super) const PARAGRAPH_GAP_RATIO: f32 = 0.8;
/// Lines whose heights differ by more than this ratio are in different type sizes.
const SAME_SIZE_RATIO: f32 = 1.3;
/// A first line indented by at least this many line heights starts a paragraph:
/// an indent is one or two ems (a Chinese paragraph two characters), while the
/// left edges of a block's lines vary by a fraction of one.
const INDENT_HEIGHTS: f32 = 0.8;
/// A block is justified when this share of its lines (all but its last) reach its
/// right edge; only then does a line stopping short end a paragraph.
const JUSTIFIED_SHARE: f32 = 0.7;
/// A line reaches the right edge when it ends within this many line heights of it
/// (a justified line's end varies by a character's width at most).
const FLUSH_HEIGHTS: f32 = 1.0;
/// A line that ends more than this many line heights short of a justified block's
/// edge is the last of its paragraph (two characters or more left blank).
const SHORT_HEIGHTS: f32 = 2.0;

fn height(b: &Bounds) -> f32 {
    (b[3] - b[1]).max(1.0)
}

/// `lines` (boxes of one block's lines, in reading order) parted into paragraphs:
/// the index at which each paragraph starts, the first always 0.
pub fn paragraph_starts(lines: &[Bounds]) -> Vec<usize> {
    if lines.is_empty() {
        return Vec::new();
    }
    let left = lines.iter().map(|b| b[0]).fold(f32::MAX, f32::min);
    let right = lines.iter().map(|b| b[2]).fold(f32::MIN, f32::max);
    let flush = |b: &Bounds| right - b[2] <= FLUSH_HEIGHTS * height(b);
    let body = &lines[..lines.len() - 1];
    let justified =
        body.len() >= 2 && body.iter().filter(|b| flush(b)).count() as f32 >= JUSTIFIED_SHARE * body.len() as f32;
    let mut starts = vec![0];
    for i in 1..lines.len() {
        let (before, line) = (&lines[i - 1], &lines[i]);
        let (hb, hl) = (height(before), height(line));
        let gap = line[1] - before[3];
        let resized = hb.max(hl) > SAME_SIZE_RATIO * hb.min(hl);
        let wide_gap = gap > PARAGRAPH_GAP_RATIO * hb.min(hl);
        let indent = |b: &Bounds| b[0] - left >= INDENT_HEIGHTS * height(b);
        let indented = indent(line) && !indent(before);
        let short = justified && right - before[2] > SHORT_HEIGHTS * hb;
        if resized || wide_gap || indented || short {
            starts.push(i);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x0: f32, y0: f32, x1: f32) -> Bounds {
        [x0, y0, x1, y0 + 30.0]
    }

    #[test]
    fn an_indented_line_after_a_short_one_starts_a_paragraph() {
        let lines = [
            line(140.0, 0.0, 1000.0),
            line(100.0, 40.0, 1000.0),
            line(100.0, 80.0, 600.0),
            line(140.0, 120.0, 1000.0),
            line(100.0, 160.0, 998.0),
        ];
        assert_eq!(paragraph_starts(&lines), [0, 3]);
    }

    #[test]
    fn a_wide_gap_or_a_new_type_size_starts_a_paragraph() {
        let lines = [
            line(100.0, 0.0, 900.0),
            line(100.0, 80.0, 900.0),
            [100.0, 120.0, 900.0, 180.0],
        ];
        assert_eq!(paragraph_starts(&lines), [0, 1, 2]);
    }

    #[test]
    fn ragged_lines_without_indents_stay_one_paragraph() {
        let lines = [
            line(100.0, 0.0, 700.0),
            line(100.0, 40.0, 950.0),
            line(100.0, 80.0, 500.0),
            line(100.0, 120.0, 800.0),
        ];
        assert_eq!(paragraph_starts(&lines), [0]);
    }
}
