//! The page's regions as a reader sees them — paragraphs, titles, captions,
//! tables, figures, headers and footers — and the reading order across columns,
//! from the lines and the blocks the layout model proposes.
//!
//! The model finds where blocks are and what they are, but merges neighbouring
//! paragraphs into one box, misses some blocks, and now and then puts one box
//! around several. So: a proposal that holds two or more others is a container,
//! not a block, and is dropped; each line goes to the smallest proposal that holds
//! most of it; lines no proposal holds are grouped as [`crate::analysis::blocks`]
//! groups them; text blocks are parted into paragraphs from their lines
//! ([`paragraphs`]); the regions are ordered by a recursive XY-cut ([`order`]).
//! The page's lines are then put in that order, so its text reads as a person
//! reads it.

pub mod order;
pub mod paragraphs;
mod stamps;

use crate::geometry::reading_order::row_order;
use crate::geometry::{Affine, Quad, axis_aligned, bounds, box_area, box_overlap, turn_map};
use crate::result::{LayoutProposal, Page, Region, RegionKind, TableKind};
use order::Bounds;

/// A line belongs to a proposal that covers at least this share of its box.
const LINE_INSIDE_SHARE: f32 = 0.5;
/// A proposal holds another when it covers this share of the other's box: a
/// container of blocks rather than a block (a whole newspaper page called a figure).
const HOLDS_SHARE: f32 = 0.9;
/// Fewest blocks a proposal holds to count as a container.
const CONTAINER_HOLDS: usize = 2;
/// A figure whose lines cover more than this share of it is text: running text's
/// line boxes cover half or more of its block, a chart's labels or a photo's
/// captions a small part.
const FIGURE_TEXT_COVER: f32 = 0.3;
/// Titles whose lines are at most this share of the tallest title's height are
/// headings under it (`sub_title`): display sizes step by a fifth or more.
const SUB_TITLE_RATIO: f32 = 0.85;
/// Lines of one block are at most this much taller than one another: the boxes
/// of small print in one size vary by a third (descenders, a line of capitals), a
/// heading is set half as large again or more.
const LOOSE_SAME_SIZE_RATIO: f32 = 1.5;
/// A line this much taller than the page's usual line is set in a display size.
const TITLE_HEIGHT_RATIO: f32 = 1.3;
/// Running headers and footers sit within this share of the page's height from its
/// top or bottom edge (a 297 mm page's 18 mm margins).
const MARGIN_SHARE: f32 = 0.06;

/// A region being built, in the level frame.
struct Draft {
    kind: RegionKind,
    bounds: Bounds,
    lines: Vec<usize>,
    confidence: f32,
    /// The seal (index in `page.seals`) a stamp region stands for.
    seal: Option<usize>,
}

/// Puts the page's lines into regions and reading order. `proposals` are the layout
/// model's blocks on the page as the engine read it (turned by
/// `page.orientation.level_turn()`); with none, regions come from the lines alone
/// and the lines keep the engine's order. Runs before the analyses that refer to
/// lines by index (tables, fields): it reorders the lines.
pub fn lay_out(page: &mut Page, proposals: &[LayoutProposal]) {
    if page.lines.is_empty() {
        return;
    }
    let (_, level_height, back) = turn_map(page.width, page.height, page.orientation.level_turn());
    let forward = back.inverse();
    let level: Vec<Quad> = page.lines.iter().map(|l| forward.apply_quad(&l.quad)).collect();
    let boxes: Vec<Bounds> = level
        .iter()
        .map(|q| {
            let (x0, y0, x1, y1) = bounds(q);
            [x0, y0, x1, y1]
        })
        .collect();
    // Lines that read downwards: Chinese or Japanese set in columns.
    let downwards: Vec<bool> = level
        .iter()
        .map(|q| {
            let (dx, dy) = (q[1].x - q[0].x, q[1].y - q[0].y);
            dy > dx.abs()
        })
        .collect();
    let (stamps, free) = stamps::stamp_drafts(page, &forward);
    let mut drafts = from_proposals(&boxes, &downwards, proposals, &free);
    drafts.extend(stamps);
    let loose: Vec<usize> = {
        let mut taken = vec![false; boxes.len()];
        drafts.iter().flat_map(|d| &d.lines).for_each(|&i| taken[i] = true);
        (0..boxes.len()).filter(|&i| !taken[i]).collect()
    };
    // Lines read upside down on the level page (the second of two receipts
    // scanned head to foot) were ordered by the engine in their own frame: kept so.
    let upside_down = level.iter().any(|q| q[1].x - q[0].x < -(q[1].y - q[0].y).abs());
    let reorder = !proposals.is_empty() && !upside_down;
    drafts.extend(from_lines(page, &boxes, &downwards, loose, level_height as f32));
    name_titles(&mut drafts, &boxes);
    let drafts = split_paragraphs(drafts, &boxes);
    let vertical: Vec<bool> = drafts
        .iter()
        .map(|d| 2 * d.lines.iter().filter(|&&i| downwards[i]).count() > d.lines.len())
        .collect();
    apply(page, drafts, &boxes, &vertical, &back, reorder);
}

/// Tables found from the text's alignment alone stand where the layout model saw
/// a table too: on a page the model has seen, a borderless table with most of its
/// lines outside the model's tables is columns of prose or a form, not a table.
/// The model takes a dense table for a figure as often as for a table, so its
/// figures count too (prose and forms it calls text). Ruled tables stand on their rules.
pub fn agree_on_tables(page: &mut Page) {
    let mut in_table_region = vec![false; page.lines.len()];
    for r in page
        .regions
        .iter()
        .filter(|r| matches!(r.kind, RegionKind::Table | RegionKind::Image))
    {
        for &id in &r.line_ids {
            if let Some(slot) = in_table_region.get_mut(id) {
                *slot = true;
            }
        }
    }
    page.tables.retain(|t| {
        let ids: Vec<usize> = t.cells.iter().flat_map(|c| c.line_ids.iter().copied()).collect();
        let agreed = ids
            .iter()
            .filter(|&&i| in_table_region.get(i).copied().unwrap_or(false))
            .count();
        t.kind == TableKind::Ruled || 2 * agreed >= ids.len()
    });
}

/// Regions from the model's proposals, each with the lines it holds in their order.
fn from_proposals(boxes: &[Bounds], downwards: &[bool], proposals: &[LayoutProposal], free: &[bool]) -> Vec<Draft> {
    let covered = |outer: &Bounds, inner: &Bounds| box_overlap(outer, inner) / box_area(inner).max(1.0);
    let blocks: Vec<&LayoutProposal> = proposals
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            let held = proposals
                .iter()
                .enumerate()
                .filter(|(j, q)| j != i && covered(&p.bounds, &q.bounds) >= HOLDS_SHARE)
                .count();
            held < CONTAINER_HOLDS
        })
        .map(|(_, p)| p)
        .collect();
    let mut drafts: Vec<Draft> = blocks
        .iter()
        .map(|p| Draft {
            kind: p.kind,
            bounds: p.bounds,
            lines: Vec::new(),
            confidence: p.score,
            seal: None,
        })
        .collect();
    for (i, line) in boxes.iter().enumerate().filter(|&(i, _)| free[i]) {
        let best = (0..blocks.len())
            .filter(|&b| covered(&blocks[b].bounds, line) >= LINE_INSIDE_SHARE)
            .min_by(|&a, &b| box_area(&blocks[a].bounds).total_cmp(&box_area(&blocks[b].bounds)));
        if let Some(b) = best {
            drafts[b].lines.push(i);
        }
    }
    // Text-like blocks the lines left empty were seen where nothing was read; a
    // figure mostly covered by lines is a page of text (a handwritten note, a
    // poem in a frame) the model took for a picture: its lines are read as text.
    let text_cover =
        |d: &Draft| d.lines.iter().map(|&i| box_area(&boxes[i])).sum::<f32>() / box_area(&d.bounds).max(1.0);
    drafts.retain(|d| match d.kind {
        RegionKind::Image => text_cover(d) < FIGURE_TEXT_COVER,
        RegionKind::Table | RegionKind::Formula => true,
        _ => !d.lines.is_empty(),
    });
    for d in &mut drafts {
        d.lines = in_reading_order(boxes, downwards, &d.lines);
        if !d.lines.is_empty() && !matches!(d.kind, RegionKind::Image | RegionKind::Table) {
            // A text block's box is its lines' box: the model's is a few pixels loose.
            d.bounds = union(d.lines.iter().map(|&i| boxes[i]));
        }
    }
    drafts
}

/// `ids` in the order their lines are read: row by row, or column by column from
/// the right when most of them read downwards.
fn in_reading_order(boxes: &[Bounds], downwards: &[bool], ids: &[usize]) -> Vec<usize> {
    let down = ids.iter().filter(|&&i| downwards[i]).count();
    if 2 * down > ids.len() {
        let mut ids = ids.to_vec();
        ids.sort_by(|&a, &b| {
            boxes[b][2]
                .total_cmp(&boxes[a][2])
                .then(boxes[a][1].total_cmp(&boxes[b][1]))
        });
        return ids;
    }
    let quads: Vec<Quad> = ids.iter().map(|&i| quad_of(&boxes[i])).collect();
    row_order(&quads).into_iter().map(|k| ids[k]).collect()
}

fn quad_of(b: &Bounds) -> Quad {
    axis_aligned(b[0], b[1], b[2], b[3])
}

fn union(bs: impl Iterator<Item = Bounds>) -> Bounds {
    bs.fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |u, b| {
        [u[0].min(b[0]), u[1].min(b[1]), u[2].max(b[2]), u[3].max(b[3])]
    })
}

/// Regions for the lines no proposal holds: runs of lines that continue one
/// another, named by size and place on the page.
fn from_lines(page: &Page, boxes: &[Bounds], downwards: &[bool], loose: Vec<usize>, level_height: f32) -> Vec<Draft> {
    let usual = crate::geometry::median(boxes.iter().map(|b| b[3] - b[1])).unwrap_or(0.0);
    let (down, across): (Vec<usize>, Vec<usize>) = loose.into_iter().partition(|&i| downwards[i]);
    // Columns of vertical text run from right to left as rows run from top to
    // bottom: turned a quarter, they are grouped the same way.
    let turned: Vec<Bounds> = boxes.iter().map(|b| [b[1], -b[2], b[3], -b[0]]).collect();
    let mut runs = runs_of(boxes, across);
    runs.extend(runs_of(&turned, down));
    runs.into_iter()
        .map(|lines| {
            let b = union(lines.iter().map(|&i| boxes[i]));
            let tall = lines
                .iter()
                .all(|&i| boxes[i][3] - boxes[i][1] >= TITLE_HEIGHT_RATIO * usual);
            let text: String = lines.iter().map(|&i| page.lines[i].text.as_str()).collect();
            let top = b[3] <= level_height * MARGIN_SHARE;
            let bottom = b[1] >= level_height * (1.0 - MARGIN_SHARE);
            let number = !text.trim().is_empty() && text.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
            let kind = match () {
                _ if (top || bottom) && number => RegionKind::PageNumber,
                _ if bottom && lines.len() == 1 => RegionKind::Footer,
                _ if top && lines.len() == 1 && !tall => RegionKind::Header,
                _ if tall && lines.len() <= 2 => RegionKind::Title,
                _ => RegionKind::Text,
            };
            let confidence = lines.iter().map(|&i| page.lines[i].detection_score).sum::<f32>() / lines.len() as f32;
            Draft {
                kind,
                bounds: b,
                lines,
                confidence,
                seal: None,
            }
        })
        .collect()
}

/// `lines` grouped into runs: top to bottom, each line continues the run it sits
/// under (columns side by side grow side by side), or starts one.
fn runs_of(boxes: &[Bounds], mut lines: Vec<usize>) -> Vec<Vec<usize>> {
    let mut runs: Vec<Vec<usize>> = Vec::new();
    lines.sort_by(|&a, &b| boxes[a][1].total_cmp(&boxes[b][1]));
    for i in lines {
        let overlap = |last: usize| boxes[last][2].min(boxes[i][2]) - boxes[last][0].max(boxes[i][0]);
        let under = runs
            .iter()
            .enumerate()
            .filter_map(|(r, run)| run.last().map(|&last| (r, last)))
            .filter(|&(_, last)| continues(&boxes[last], &boxes[i]))
            .max_by(|a, b| overlap(a.1).total_cmp(&overlap(b.1)));
        match under {
            Some((r, _)) => runs[r].push(i),
            None => runs.push(vec![i]),
        }
    }
    runs
}

/// Whether a line `next` continues the block whose last line is `last`: just below
/// it (within [`paragraphs::PARAGRAPH_GAP_RATIO`] line heights), overlapping it
/// across, in the same type size.
fn continues(last: &Bounds, next: &Bounds) -> bool {
    let (ha, hb) = (last[3] - last[1], next[3] - next[1]);
    let same_size = ha.max(hb) <= LOOSE_SAME_SIZE_RATIO * ha.min(hb);
    let below = next[1] >= last[3] - ha * 0.5 && next[1] - last[3] <= paragraphs::PARAGRAPH_GAP_RATIO * ha;
    let overlaps = next[0] < last[2] && last[0] < next[2];
    same_size && below && overlaps
}

/// Titles set smaller than the page's largest title are headings under it.
fn name_titles(drafts: &mut [Draft], boxes: &[Bounds]) {
    let line_height =
        |d: &Draft| crate::geometry::median(d.lines.iter().map(|&i| boxes[i][3] - boxes[i][1])).unwrap_or(0.0);
    let tallest = drafts
        .iter()
        .filter(|d| d.kind == RegionKind::Title)
        .map(line_height)
        .fold(0.0, f32::max);
    for d in drafts.iter_mut().filter(|d| d.kind == RegionKind::Title) {
        if line_height(d) <= SUB_TITLE_RATIO * tallest {
            d.kind = RegionKind::SubTitle;
        }
    }
}

/// Text blocks parted into one region per paragraph.
fn split_paragraphs(drafts: Vec<Draft>, boxes: &[Bounds]) -> Vec<Draft> {
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        if !matches!(d.kind, RegionKind::Text | RegionKind::Reference) || d.lines.len() < 2 {
            out.push(d);
            continue;
        }
        let line_boxes: Vec<Bounds> = d.lines.iter().map(|&i| boxes[i]).collect();
        let mut starts = paragraphs::paragraph_starts(&line_boxes);
        starts.push(d.lines.len());
        for w in starts.windows(2) {
            let lines = d.lines[w[0]..w[1]].to_vec();
            out.push(Draft {
                kind: d.kind,
                bounds: union(lines.iter().map(|&i| boxes[i])),
                lines,
                confidence: d.confidence,
                seal: None,
            });
        }
    }
    out
}

/// The regions in reading order (headers first, then the flow, then footers and
/// page numbers), and the lines in that order:
/// region by region, and where no cut parts regions (labels beside their values),
/// their lines together row by row. Without `reorder`, the lines keep their order
/// and the regions follow their first lines.
fn rank(drafts: &[Draft], boxes: &[Bounds], vertical: &[bool], reorder: bool) -> (Vec<usize>, Vec<usize>) {
    let first_line = |d: &Draft| d.lines.iter().min().copied().unwrap_or(usize::MAX);
    let flow: Vec<usize> = (0..drafts.len()).filter(|&i| drafts[i].kind.in_flow()).collect();
    let groups: Vec<Vec<usize>> = if reorder {
        let flow_boxes: Vec<Bounds> = flow.iter().map(|&i| drafts[i].bounds).collect();
        let flow_vertical: Vec<bool> = flow.iter().map(|&i| vertical[i]).collect();
        order::xy_cut(&flow_boxes, &flow_vertical)
            .into_iter()
            .map(|group| group.into_iter().map(|k| flow[k]).collect())
            .collect()
    } else {
        let mut f = flow.clone();
        f.sort_by_key(|&i| first_line(&drafts[i]));
        f.into_iter().map(|i| vec![i]).collect()
    };
    let (mut above, mut below): (Vec<usize>, Vec<usize>) = (0..drafts.len())
        .filter(|&i| !drafts[i].kind.in_flow())
        .partition(|&i| drafts[i].kind == RegionKind::Header);
    above.sort_by(|&a, &b| drafts[a].bounds[1].total_cmp(&drafts[b].bounds[1]));
    below.sort_by(|&a, &b| drafts[a].bounds[1].total_cmp(&drafts[b].bounds[1]));
    let groups: Vec<Vec<usize>> = above
        .into_iter()
        .map(|i| vec![i])
        .chain(groups)
        .chain(below.into_iter().map(|i| vec![i]))
        .collect();
    let mut ranked = Vec::with_capacity(drafts.len());
    let mut lines = Vec::with_capacity(boxes.len());
    for group in groups {
        if let [only] = group[..] {
            ranked.push(only);
            lines.extend(&drafts[only].lines);
            continue;
        }
        let members: Vec<usize> = group.iter().flat_map(|&r| drafts[r].lines.iter().copied()).collect();
        let start = lines.len();
        lines.extend(in_reading_order(boxes, &vec![false; boxes.len()], &members));
        let mut group = group;
        group.sort_by_key(|&r| {
            let first = drafts[r].lines.first().copied().unwrap_or(usize::MAX);
            lines[start..].iter().position(|&l| l == first).unwrap_or(usize::MAX)
        });
        ranked.extend(group);
    }
    if !reorder {
        lines = (0..boxes.len()).collect();
    }
    (ranked, lines)
}

/// Orders the regions, puts the page's lines in their order (when `reorder`), and
/// sets the page's regions (boxes mapped `back` to the page) and each line's
/// region and paragraph.
fn apply(page: &mut Page, mut drafts: Vec<Draft>, boxes: &[Bounds], vertical: &[bool], back: &Affine, reorder: bool) {
    let (ranked, order) = rank(&drafts, boxes, vertical, reorder);
    let mut new_of_old = vec![usize::MAX; page.lines.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old] = new;
    }
    let mut old_lines: Vec<Option<crate::result::Line>> =
        std::mem::take(&mut page.lines).into_iter().map(Some).collect();
    page.lines = order.iter().filter_map(|&old| old_lines[old].take()).collect();
    let mut paragraph = 0;
    let mut position = 0;
    page.regions = ranked
        .iter()
        .enumerate()
        .map(|(rank, &r)| {
            let d = &mut drafts[r];
            let mut line_ids: Vec<usize> = d.lines.iter().map(|&old| new_of_old[old]).collect();
            line_ids.sort_unstable();
            let in_flow = d.kind.in_flow();
            let is_paragraph = matches!(d.kind, RegionKind::Text | RegionKind::Reference);
            for &id in &line_ids {
                page.lines[id].region = Some(rank);
                page.lines[id].paragraph = is_paragraph.then_some(paragraph);
            }
            if is_paragraph && !line_ids.is_empty() {
                paragraph += 1;
            }
            let order = in_flow.then(|| {
                position += 1;
                position - 1
            });
            if let Some(seal) = d.seal.and_then(|k| page.seals.get_mut(k)) {
                seal.line_ids = line_ids.clone();
            }
            let [x0, y0, x1, y1] = d.bounds;
            Region {
                kind: d.kind,
                quad: back.apply_quad(&axis_aligned(x0, y0, x1, y1)),
                order,
                line_ids,
                confidence: d.confidence,
            }
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::{Line, PageOrientation, StageTimings, Table, TableCell, TextSource};

    fn page(lines: &[(&str, [f32; 4])]) -> Page {
        Page {
            index: 0,
            width: 1000,
            height: 1400,
            orientation: PageOrientation::default(),
            source: TextSource::Ocr,
            lines: lines
                .iter()
                .map(|&(t, [x0, y0, x1, y1])| Line::read(t.into(), axis_aligned(x0, y0, x1, y1), 0.99, 0.9))
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

    fn proposal(kind: RegionKind, bounds: [f32; 4]) -> LayoutProposal {
        LayoutProposal {
            kind,
            bounds,
            score: 0.8,
            structure: None,
        }
    }

    /// A title over two columns, the left of two paragraphs, read row by row by the engine.
    fn two_columns() -> Page {
        page(&[
            ("A Title", [100.0, 100.0, 900.0, 160.0]),
            ("left one", [100.0, 200.0, 480.0, 230.0]),
            ("right one", [520.0, 200.0, 900.0, 230.0]),
            ("left two", [100.0, 238.0, 480.0, 268.0]),
            ("right two", [520.0, 238.0, 900.0, 268.0]),
            ("left three", [140.0, 276.0, 480.0, 306.0]),
            ("right three", [520.0, 276.0, 900.0, 306.0]),
            ("left four", [100.0, 314.0, 480.0, 344.0]),
            ("3", [490.0, 1350.0, 510.0, 1380.0]),
        ])
    }

    #[test]
    fn columns_are_read_to_their_end_and_paragraphs_parted_at_an_indent() {
        let mut p = two_columns();
        let proposals = [
            proposal(RegionKind::Title, [95.0, 95.0, 905.0, 165.0]),
            proposal(RegionKind::Text, [95.0, 195.0, 485.0, 350.0]),
            proposal(RegionKind::Text, [515.0, 195.0, 905.0, 310.0]),
        ];
        lay_out(&mut p, &proposals);
        let texts: Vec<&str> = p.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "A Title",
                "left one",
                "left two",
                "left three",
                "left four",
                "right one",
                "right two",
                "right three",
                "3"
            ]
        );
        let regions: Vec<_> = p
            .regions
            .iter()
            .map(|r| (r.kind, r.order, r.line_ids.clone()))
            .collect();
        assert_eq!(
            regions,
            [
                (RegionKind::Title, Some(0), vec![0]),
                (RegionKind::Text, Some(1), vec![1, 2]),
                (RegionKind::Text, Some(2), vec![3, 4]),
                (RegionKind::Text, Some(3), vec![5, 6, 7]),
                (RegionKind::PageNumber, None, vec![8]),
            ]
        );
        assert_eq!(p.lines[3].region, Some(2));
        assert_eq!(p.lines[3].paragraph, Some(1));
        assert_eq!(p.lines[0].paragraph, None, "a title is not a paragraph");
    }

    #[test]
    fn without_proposals_the_engine_order_stays_and_regions_come_from_the_lines() {
        let mut p = two_columns();
        let before: Vec<String> = p.lines.iter().map(|l| l.text.clone()).collect();
        lay_out(&mut p, &[]);
        let after: Vec<String> = p.lines.iter().map(|l| l.text.clone()).collect();
        assert_eq!(before, after);
        assert!(
            p.regions
                .iter()
                .any(|r| r.kind == RegionKind::Title && r.line_ids == [0])
        );
        assert!(p.lines.iter().all(|l| l.region.is_some()));
    }

    #[test]
    fn a_box_holding_other_blocks_and_a_picture_full_of_text_are_not_blocks() {
        let mut p = two_columns();
        let proposals = [
            // The whole page called a figure, around the blocks the model also saw.
            proposal(RegionKind::Image, [0.0, 0.0, 1000.0, 1400.0]),
            proposal(RegionKind::Title, [95.0, 95.0, 905.0, 165.0]),
            proposal(RegionKind::Text, [95.0, 195.0, 485.0, 350.0]),
            // A right column the model took for a picture: its lines cover it.
            proposal(RegionKind::Image, [515.0, 195.0, 905.0, 310.0]),
        ];
        lay_out(&mut p, &proposals);
        assert!(p.regions.iter().all(|r| r.kind != RegionKind::Image), "{:?}", p.regions);
        let right = p.lines.iter().position(|l| l.text == "right one").expect("kept");
        let region = &p.regions[p.lines[right].region.expect("has a region")];
        assert_eq!(region.kind, RegionKind::Text);
    }

    #[test]
    fn a_borderless_table_stands_only_where_the_model_saw_a_table() {
        let mut p = two_columns();
        lay_out(&mut p, &[proposal(RegionKind::Text, [95.0, 195.0, 905.0, 350.0])]);
        let cell = |line_ids: Vec<usize>, column| TableCell {
            row: 0,
            column,
            row_span: 1,
            column_span: 1,
            text: String::new(),
            line_ids,
            edited: false,
        };
        let table = |kind| Table {
            kind,
            bbox: [100.0, 200.0, 900.0, 344.0],
            rows: 1,
            columns: 2,
            row_edges: vec![200.0, 344.0],
            column_edges: vec![100.0, 500.0, 900.0],
            header_rows: 0,
            cells: vec![cell(vec![1], 0), cell(vec![2], 1)],
            turned: 0.0,
        };
        p.tables = vec![table(TableKind::Borderless), table(TableKind::Ruled)];
        agree_on_tables(&mut p);
        assert_eq!(p.tables.len(), 1);
        assert_eq!(p.tables[0].kind, TableKind::Ruled);
    }
}
