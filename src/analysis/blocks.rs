//! Blocks of a page from its lines: tables, and runs of lines that stand together as
//! a paragraph, a title, a running header or footer, or a page number. Until the
//! layout model lands, this is what `smart-document-recognizer`'s layout answers with.

use crate::geometry::{Quad, axis_aligned, bounds, median};
use crate::result::Page;

/// A line this much taller than the page's usual line is set in a display size (a
/// title): body text varies by a few percent, headings by a third or more.
const TITLE_HEIGHT_RATIO: f32 = 1.3;
/// A paragraph's next line starts within this many of its lines' heights below the
/// last one: leading is at most about half a line, a paragraph break more.
const PARAGRAPH_GAP_RATIO: f32 = 0.8;
/// Lines whose heights differ by more than this ratio are in different type sizes,
/// so they are not one paragraph.
const SAME_SIZE_RATIO: f32 = 1.25;
/// Running headers and footers sit within this share of the page's height from its
/// top or bottom edge (a 297 mm page's 18 mm margins).
const MARGIN_SHARE: f32 = 0.06;

/// One block of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The cloud's layout type: `text`, `title`, `table`, `header`, `footer`, `page_number`.
    pub kind: &'static str,
    pub quad: Quad,
    /// Indices into the page's lines, in reading order.
    pub line_ids: Vec<usize>,
    /// The lines' text, one per line.
    pub text: String,
    /// Index into the page's tables, for a table block.
    pub table: Option<usize>,
}

fn height(quad: &Quad) -> f32 {
    quad[0].distance(quad[3]).max(quad[1].distance(quad[2]))
}

/// The page's blocks in reading order (the page's lines are in reading order).
pub fn blocks(page: &Page) -> Vec<Block> {
    let mut in_table = vec![None; page.lines.len()];
    for (t, table) in page.tables.iter().enumerate() {
        for id in table.cells.iter().flat_map(|c| &c.line_ids) {
            if let Some(slot) = in_table.get_mut(*id) {
                *slot = Some(t);
            }
        }
    }
    // The body text's size, measured outside tables (tables are often set in another).
    let usual = median(
        (0..page.lines.len())
            .filter(|&i| in_table[i].is_none())
            .map(|i| height(&page.lines[i].quad)),
    )
    .unwrap_or(0.0);
    // (first line in reading order, block)
    let mut out: Vec<(usize, Block)> = Vec::new();
    for (t, table) in page.tables.iter().enumerate() {
        let ids: Vec<usize> = (0..page.lines.len()).filter(|&i| in_table[i] == Some(t)).collect();
        let [x0, y0, x1, y1] = table.bbox;
        let block = Block {
            kind: "table",
            quad: axis_aligned(x0, y0, x1, y1),
            text: String::new(),
            table: Some(t),
            line_ids: ids.clone(),
        };
        out.push((ids.first().copied().unwrap_or(usize::MAX), block));
    }
    let mut run: Vec<usize> = Vec::new();
    for i in (0..page.lines.len()).filter(|&i| in_table[i].is_none()) {
        if let Some(&last) = run.last()
            && !continues(page, last, i)
        {
            out.push((run[0], text_block(page, std::mem::take(&mut run), usual)));
        }
        run.push(i);
    }
    if !run.is_empty() {
        out.push((run[0], text_block(page, run, usual)));
    }
    out.sort_by_key(|(first, _)| *first);
    out.into_iter().map(|(_, b)| b).collect()
}

/// Whether line `next` goes on the paragraph whose last line is `last`: just below
/// it, overlapping it across, in the same type size.
fn continues(page: &Page, last: usize, next: usize) -> bool {
    let (a, b) = (&page.lines[last].quad, &page.lines[next].quad);
    let (ha, hb) = (height(a), height(b));
    let (ax0, _, ax1, ay1) = bounds(a);
    let (bx0, by0, bx1, _) = bounds(b);
    let same_size = ha.max(hb) <= SAME_SIZE_RATIO * ha.min(hb);
    let below = by0 >= ay1 - ha * 0.5 && by0 - ay1 <= PARAGRAPH_GAP_RATIO * ha;
    let overlaps = bx0 < ax1 && ax0 < bx1;
    same_size && below && overlaps
}

fn text_block(page: &Page, ids: Vec<usize>, usual: f32) -> Block {
    let corners: Vec<_> = ids.iter().flat_map(|&i| page.lines[i].quad).collect();
    let (x0, y0, x1, y1) = bounds(&corners);
    let text: Vec<&str> = ids.iter().map(|&i| page.lines[i].text.as_str()).collect();
    let text = text.join("\n");
    let tall = ids
        .iter()
        .all(|&i| height(&page.lines[i].quad) >= TITLE_HEIGHT_RATIO * usual);
    let page_height = page.height as f32;
    let in_margin_top = y1 <= page_height * MARGIN_SHARE;
    let in_margin_bottom = y0 >= page_height * (1.0 - MARGIN_SHARE);
    let kind = if in_margin_bottom && text.trim().chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ') {
        "page_number"
    } else if in_margin_bottom && ids.len() == 1 {
        "footer"
    } else if in_margin_top && ids.len() == 1 && !tall {
        "header"
    } else if tall && ids.len() <= 2 {
        "title"
    } else {
        "text"
    };
    Block {
        kind,
        quad: axis_aligned(x0, y0, x1, y1),
        line_ids: ids,
        text,
        table: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::{Line, PageOrientation, StageTimings, TextSource};

    fn page(lines: &[(&str, f32, f32, f32, f32)]) -> Page {
        Page {
            index: 0,
            width: 1000,
            height: 1400,
            orientation: PageOrientation::default(),
            source: TextSource::Ocr,
            lines: lines
                .iter()
                .map(|&(t, x0, y0, x1, y1)| Line::read(t.into(), axis_aligned(x0, y0, x1, y1), 0.99, 0.9))
                .collect(),
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: Vec::new(),
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: StageTimings::default(),
        }
    }

    #[test]
    fn a_title_two_paragraphs_and_a_page_number() {
        let p = page(&[
            ("Annual report", 100.0, 100.0, 600.0, 160.0),
            ("First paragraph line one", 100.0, 200.0, 900.0, 230.0),
            ("and line two", 100.0, 238.0, 500.0, 268.0),
            ("Second paragraph", 100.0, 330.0, 900.0, 360.0),
            ("continues here", 100.0, 368.0, 700.0, 398.0),
            ("7", 490.0, 1350.0, 510.0, 1380.0),
        ]);
        let kinds: Vec<_> = blocks(&p).iter().map(|b| (b.kind, b.line_ids.clone())).collect();
        assert_eq!(
            kinds,
            [
                ("title", vec![0]),
                ("text", vec![1, 2]),
                ("text", vec![3, 4]),
                ("page_number", vec![5])
            ]
        );
    }

    #[test]
    fn lines_side_by_side_are_not_one_paragraph() {
        let p = page(&[
            ("left column", 100.0, 200.0, 400.0, 230.0),
            ("right column", 600.0, 238.0, 900.0, 268.0),
        ]);
        assert_eq!(blocks(&p).len(), 2);
    }
}
