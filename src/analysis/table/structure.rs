//! Tables whose structure the table model read from the page (through the layout
//! model's table proposals): the model's rows, cells and spans, each cell filled
//! with the page's lines whose boxes overlap its content most.

use super::fill::{Piece, Placement, in_reading_order, place};
use super::{Item, slot};
use crate::geometry::{Bounds, bounds, box_area, box_overlap, iou, turn_map};
use crate::result::{LayoutProposal, Line, Page, Table, TableCell, TableKind, TableStructure};
use crate::text::join_lines;

/// A line's box is grown by this many pixels on each side before it is matched
/// to the cells: the table model's boxes hug the ink, the detector's run a little
/// outside it (PaddleOCR's table matcher does the same).
const LINE_MARGIN_PX: f32 = 1.0;
/// A line is the table's when its middle lies in the proposal grown by this share
/// of its sides: the margin the table model was shown (`ocr::table`'s crop).
const PROPOSAL_MARGIN: f32 = 0.02;
/// A line whose best cell's content spans this share of its width is that cell's
/// text, whole: the model saw one piece of content there.
const HELD_WHOLE_SHARE: f32 = 0.8;
/// Two tables are one when the overlap covers this share of the smaller.
const SAME_TABLE_SHARE: f32 = 0.5;
/// The model's table stands for a borderless one when it holds at least this share
/// of its lines: a line or two of a caption or a heading may fall either way.
const SAME_LINES_SHARE: f32 = 0.9;

/// Puts in the tables the model read: where a ruled table stands with a grid at
/// least as fine as the model's it keeps it (its rules are exact); a borderless
/// table gives way to the model's when the model's holds its lines (else the
/// alignment saw the table run on further than the model was shown); where none
/// was found, the model's is added.
pub fn adopt_structures(page: &mut Page, proposals: &[LayoutProposal]) {
    let turn_by = page.orientation.level_turn();
    let (_, _, back) = turn_map(page.width, page.height, turn_by);
    let forward = back.inverse();
    let boxes: Vec<Bounds> = page
        .lines
        .iter()
        .map(|l| {
            let (x0, y0, x1, y1) = bounds(&forward.apply_quad(&l.quad));
            [x0, y0, x1, y1]
        })
        .collect();
    for p in proposals {
        let Some(structure) = p.structure.as_ref().filter(|s| !s.cells.is_empty()) else {
            continue;
        };
        // Lines another table keeps (one this one does not stand in for) stay its.
        let mut owned = vec![false; page.lines.len()];
        for t in page.tables.iter().filter(|t| !same_table(&t.bbox, &p.bounds)) {
            for &id in t.cells.iter().flat_map(|c| &c.line_ids) {
                if let Some(slot) = owned.get_mut(id) {
                    *slot = true;
                }
            }
        }
        let mut table = table_of(structure, p.bounds, &boxes, &page.lines, &owned);
        table.turned = turn_by;
        // Rules drawn on the page are exact where they are drawn: a ruled grid at
        // least as fine as the model's stands. A coarser one (a frame, or rules
        // under the header only) leaves rows or columns to the model.
        if page.tables.iter().any(|t| {
            t.kind == TableKind::Ruled
                && same_table(&t.bbox, &table.bbox)
                && t.rows >= table.rows
                && t.columns >= table.columns
        }) {
            continue;
        }
        // A borderless table whose lines the model's leaves out runs on past the
        // layout model's box (a total under the items): the alignment saw more.
        let held: Vec<usize> = table.cells.iter().flat_map(|c| c.line_ids.iter().copied()).collect();
        if page.tables.iter().any(|t| {
            let ids: Vec<usize> = t.cells.iter().flat_map(|c| c.line_ids.iter().copied()).collect();
            let kept = ids.iter().filter(|i| held.contains(i)).count() as f32;
            t.kind == TableKind::Borderless
                && same_table(&t.bbox, &table.bbox)
                && kept < SAME_LINES_SHARE * ids.len() as f32
        }) {
            continue;
        }
        page.tables.retain(|t| !same_table(&t.bbox, &table.bbox));
        page.tables.push(table);
    }
    page.tables.sort_by(|a, b| a.bbox[1].total_cmp(&b.bbox[1]));
}

/// Whether two boxes overlap over [`SAME_TABLE_SHARE`] of the smaller: one table.
pub fn same_table(a: &Bounds, b: &Bounds) -> bool {
    box_overlap(a, b) > SAME_TABLE_SHARE * box_area(a).min(box_area(b))
}

/// The table `structure` describes over `bounds` (level page pixels), its cells
/// filled with the lines (`boxes` on the level page) whose middle lies in it and
/// that no other table `owned`. A line across a column boundary of its row is
/// split at the spaces on the boundaries, each word to its column's cell (as in
/// ruled and borderless tables); one whose boundary cuts a word stays whole.
fn table_of(structure: &TableStructure, bounds: Bounds, boxes: &[Bounds], lines: &[Line], owned: &[bool]) -> Table {
    let (mx, my) = (
        (bounds[2] - bounds[0]) * PROPOSAL_MARGIN,
        (bounds[3] - bounds[1]) * PROPOSAL_MARGIN,
    );
    let area = [bounds[0] - mx, bounds[1] - my, bounds[2] + mx, bounds[3] + my];
    let (rows, columns) = structure.size();
    let along = |axis: usize| {
        let spans: Vec<(usize, usize, f32, f32)> = structure
            .cells
            .iter()
            .map(|c| match axis {
                0 => (c.column, c.column_span, c.bounds[0], c.bounds[2]),
                _ => (c.row, c.row_span, c.bounds[1], c.bounds[3]),
            })
            .collect();
        let count = if axis == 0 { columns } else { rows };
        edges(&spans, count, area[axis], area[axis + 2])
    };
    let (row_edges, column_edges) = (along(1), along(0));
    let (mut cells, owner) = skeleton(structure, rows, columns);
    let mut pieces: Vec<Piece> = Vec::new();
    for (id, b) in boxes
        .iter()
        .enumerate()
        .filter(|&(id, _)| !owned.get(id).copied().unwrap_or(false))
    {
        let (cx, cy) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
        if cx < area[0] || cx > area[2] || cy < area[1] || cy > area[3] {
            continue;
        }
        let grown = [
            b[0] - LINE_MARGIN_PX,
            b[1] - LINE_MARGIN_PX,
            b[2] + LINE_MARGIN_PX,
            b[3] + LINE_MARGIN_PX,
        ];
        let Some(best) = best_cell(&grown, structure) else {
            continue;
        };
        pieces.extend(line_pieces(
            structure,
            best,
            (id, b),
            &lines[id].text,
            &column_edges,
            &owner,
        ));
    }
    let text_height = median_height(boxes, &pieces);
    let mut texts: Vec<Vec<String>> = vec![Vec::new(); cells.len()];
    // A cell's pieces top to bottom, then left to right, joined as prose is (no
    // space between CJK characters, a hyphen at a line's end joined).
    for piece in in_reading_order(pieces, text_height) {
        let cell = &mut cells[piece.cell];
        if !cell.line_ids.contains(&piece.line) {
            cell.line_ids.push(piece.line);
        }
        texts[piece.cell].push(piece.text);
    }
    for (cell, text) in cells.iter_mut().zip(texts) {
        cell.text = join_lines(text.iter().map(String::as_str));
    }
    cells.sort_by_key(|c| (c.row, c.column));
    Table {
        kind: TableKind::Model,
        bbox: area,
        rows,
        columns,
        row_edges,
        column_edges,
        header_rows: structure.header_rows.min(rows),
        cells,
        turned: 0.0,
    }
}

/// Line `id` (`text`) in its `best` cell, as one piece, or split into its words
/// where it runs across column boundaries (`column_edges`) over content the model
/// saw in each word's cell (`owner`: the cell of each slot, by row and column).
fn line_pieces(
    structure: &TableStructure,
    best: usize,
    (id, b): (usize, &Bounds),
    text: &str,
    column_edges: &[f32],
    owner: &[Vec<usize>],
) -> Vec<Piece> {
    let grown = [
        b[0] - LINE_MARGIN_PX,
        b[1] - LINE_MARGIN_PX,
        b[2] + LINE_MARGIN_PX,
        b[3] + LINE_MARGIN_PX,
    ];
    let cy = (b[1] + b[3]) / 2.0;
    let item = Item {
        id,
        x0: b[0],
        y0: b[1],
        x1: b[2],
        y1: b[3],
        text: text.to_owned(),
    };
    let row = structure.cells[best].row;
    let whole = Piece {
        cell: best,
        y: cy,
        x: b[0],
        text: item.text.clone(),
        line: id,
    };
    let words = match place(&item, column_edges, item.height()) {
        Placement::Words(words) if words.len() > 1 => words,
        _ => Vec::new(),
    };
    let split: Vec<Piece> = words
        .into_iter()
        .map(|(text, x)| Piece {
            cell: owner[row][slot(column_edges, x)],
            y: cy,
            x,
            text,
            line: id,
        })
        .collect();
    // Split only where the model saw each word's content: every word's middle
    // lies over the content of the cell it goes to (within half a character).
    let slack = 0.25 * item.height();
    let over_its_content = |p: &Piece| {
        structure.cells.get(p.cell).is_some_and(|c| {
            c.bounds[0] - slack <= p.x && p.x <= c.bounds[2] + slack && box_overlap(&grown, &c.bounds) > 0.0
        })
    };
    // …and the content of the cell the line matched best leaves words of it out.
    let held = (structure.cells[best].bounds[2].min(b[2]) - structure.cells[best].bounds[0].max(b[0])).max(0.0);
    let overhangs = held < (b[2] - b[0]) * HELD_WHOLE_SHARE;
    if overhangs && split.iter().any(|p| p.cell != best) && split.iter().all(over_its_content) {
        split
    } else {
        vec![whole]
    }
}

/// The table's cells before their text: the model's, then an empty one in every
/// slot the model left uncovered (a row given fewer cells than the others), as
/// every table has; and which cell owns each slot, by row and column.
fn skeleton(structure: &TableStructure, rows: usize, columns: usize) -> (Vec<TableCell>, Vec<Vec<usize>>) {
    let mut cells: Vec<TableCell> = structure
        .cells
        .iter()
        .map(|c| TableCell {
            row: c.row,
            column: c.column,
            row_span: c.row_span,
            column_span: c.column_span,
            ..TableCell::default()
        })
        .collect();
    let mut owner = vec![vec![usize::MAX; columns]; rows];
    for (k, c) in cells.iter().enumerate() {
        for slots in owner.iter_mut().skip(c.row).take(c.row_span) {
            slots.iter_mut().skip(c.column).take(c.column_span).for_each(|s| *s = k);
        }
    }
    for (row, slots) in owner.iter_mut().enumerate() {
        for (column, slot) in slots.iter_mut().enumerate().filter(|(_, s)| **s == usize::MAX) {
            *slot = cells.len();
            cells.push(TableCell {
                row,
                column,
                ..TableCell::default()
            });
        }
    }
    (cells, owner)
}

/// The median height of the lines the pieces come from (1 px when there are none).
fn median_height(boxes: &[Bounds], pieces: &[Piece]) -> f32 {
    let mut heights: Vec<f32> = pieces.iter().map(|p| boxes[p.line][3] - boxes[p.line][1]).collect();
    heights.sort_by(f32::total_cmp);
    heights.get(heights.len() / 2).copied().unwrap_or(1.0).max(1.0)
}

/// The cell whose content overlaps `line` most (intersection over union); where
/// none overlaps, or several equally, the nearest by its corners (the sum of the
/// top-left and bottom-right corners' distances, plus the smaller of the two).
fn best_cell(line: &Bounds, structure: &TableStructure) -> Option<usize> {
    let distance = |a: &Bounds, b: &Bounds| {
        let d1 = (b[0] - a[0]).abs() + (b[1] - a[1]).abs();
        let d2 = (b[2] - a[2]).abs() + (b[3] - a[3]).abs();
        d1 + d2 + d1.min(d2)
    };
    structure
        .cells
        .iter()
        .enumerate()
        .map(|(k, c)| (k, 1.0 - iou(line, &c.bounds), distance(line, &c.bounds)))
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.2.total_cmp(&b.2)))
        .map(|(k, _, _)| k)
}

/// `count + 1` boundaries from `start` to `end` along one axis, from the cells'
/// content (first slot, span, from, to): each inner boundary halfway between the
/// end of the content before it and the start of the content after it, where
/// single-slot cells show both; others spread evenly between their neighbours.
fn edges(spans: &[(usize, usize, f32, f32)], count: usize, start: f32, end: f32) -> Vec<f32> {
    let mut edges: Vec<Option<f32>> = vec![None; count + 1];
    edges[0] = Some(start);
    edges[count] = Some(end);
    for (k, slot) in edges.iter_mut().enumerate().take(count).skip(1) {
        let before = spans
            .iter()
            .filter(|s| s.1 == 1 && s.0 + 1 == k)
            .map(|s| s.3)
            .fold(f32::NEG_INFINITY, f32::max);
        let after = spans
            .iter()
            .filter(|s| s.1 == 1 && s.0 == k)
            .map(|s| s.2)
            .fold(f32::INFINITY, f32::min);
        if before.is_finite() && after.is_finite() {
            // max/min, not clamp: a box from a failed model run may be NaN.
            *slot = Some(((before + after) / 2.0).max(start).min(end));
        }
    }
    // Unknown boundaries evenly between the known ones; never running backwards.
    let mut out = vec![start; count + 1];
    let mut last_known = 0;
    for (k, known) in edges.iter().enumerate().skip(1) {
        if let Some(v) = *known {
            let from = out[last_known];
            for (j, slot) in out.iter_mut().enumerate().take(k + 1).skip(last_known + 1) {
                *slot = from + (v - from) * (j - last_known) as f32 / (k - last_known) as f32;
            }
            last_known = k;
        }
    }
    for k in 1..out.len() {
        out[k] = out[k].max(out[k - 1]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned;
    use crate::result::{RegionKind, StructureCell};

    fn cell(row: usize, column: usize, column_span: usize, bounds: Bounds) -> StructureCell {
        StructureCell {
            row,
            column,
            row_span: 1,
            column_span,
            bounds,
        }
    }

    fn page(lines: Vec<Line>) -> Page {
        Page {
            index: 0,
            width: 1000,
            height: 600,
            orientation: Default::default(),
            source: Default::default(),
            lines,
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: Vec::new(),
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: Default::default(),
        }
    }

    /// A line read as `text` with an upright box.
    fn line(text: &str, x0: f32, y0: f32, x1: f32, y1: f32) -> Line {
        Line::read(text.into(), axis_aligned(x0, y0, x1, y1), 0.9, 0.9)
    }

    /// The layout model's table proposal over `bounds`, its structure read.
    fn table_at(structure: TableStructure, bounds: Bounds) -> LayoutProposal {
        LayoutProposal {
            kind: RegionKind::Table,
            bounds,
            score: 0.9,
            structure: Some(structure),
        }
    }

    #[test]
    fn the_models_cells_take_the_lines_over_their_content() {
        let mut p = page(vec![
            line("Title above", 100.0, 20.0, 400.0, 50.0),
            line("Results", 210.0, 110.0, 390.0, 130.0),
            line("Item", 110.0, 150.0, 180.0, 170.0),
            line("2024", 210.0, 150.0, 280.0, 170.0),
            line("2025", 310.0, 150.0, 380.0, 170.0),
            line("Paper", 110.0, 190.0, 180.0, 210.0),
            line("12", 212.0, 190.0, 240.0, 210.0),
            line("15", 312.0, 190.0, 340.0, 210.0),
        ]);
        let structure = TableStructure {
            cells: vec![
                cell(0, 0, 1, [0.0; 4]),
                cell(0, 1, 2, [205.0, 108.0, 395.0, 132.0]),
                cell(1, 0, 1, [108.0, 148.0, 182.0, 172.0]),
                cell(1, 1, 1, [208.0, 148.0, 282.0, 172.0]),
                cell(1, 2, 1, [308.0, 148.0, 382.0, 172.0]),
                cell(2, 0, 1, [108.0, 188.0, 182.0, 212.0]),
                cell(2, 1, 1, [208.0, 188.0, 250.0, 212.0]),
                cell(2, 2, 1, [308.0, 188.0, 350.0, 212.0]),
            ],
            header_rows: 1,
        };
        let proposal = table_at(structure, [100.0, 100.0, 400.0, 220.0]);
        adopt_structures(&mut p, &[proposal]);
        let table = &p.tables[0];
        assert_eq!(
            (table.kind, table.rows, table.columns, table.header_rows),
            (TableKind::Model, 3, 3, 1)
        );
        assert_eq!(
            table.to_grid(),
            [["", "Results", ""], ["Item", "2024", "2025"], ["Paper", "12", "15"]]
        );
        // Every slot has a cell; the model's empty first cell is one of them.
        for (r, c) in (0..3).flat_map(|r| (0..3).map(move |c| (r, c))) {
            assert!(table.cell_at(r, c).is_some(), "({r}, {c})");
        }
        // The title above the table is not in it.
        assert!(table.cells.iter().all(|c| !c.line_ids.contains(&0)));
        // Boundaries halfway between the columns' content, in order.
        assert_eq!(table.column_edges.len(), 4);
        assert!((table.column_edges[1] - 195.0).abs() < 1e-3, "{:?}", table.column_edges);
        assert!(
            table.row_edges.windows(2).all(|w| w[0] <= w[1]),
            "{:?}",
            table.row_edges
        );
    }

    #[test]
    fn a_line_across_two_of_the_models_cells_is_split_at_the_space_between_them() {
        // The detector read "Tea 3.50" as one line over the name and price cells;
        // "Green tea leaves" runs past the boundary the content shows, into a slot
        // where the model saw nothing: it stays whole.
        let mut p = page(vec![
            line("Item Price", 110.0, 110.0, 390.0, 130.0),
            line("Tea 3.50", 110.0, 150.0, 390.0, 170.0),
            line("Green tea leaves", 110.0, 190.0, 330.0, 210.0),
        ]);
        let structure = TableStructure {
            cells: vec![
                cell(0, 0, 1, [110.0, 110.0, 180.0, 130.0]),
                cell(0, 1, 1, [300.0, 110.0, 390.0, 130.0]),
                cell(1, 0, 1, [110.0, 150.0, 180.0, 170.0]),
                cell(1, 1, 1, [320.0, 150.0, 390.0, 170.0]),
                cell(2, 0, 1, [110.0, 190.0, 180.0, 210.0]),
            ],
            header_rows: 1,
        };
        adopt_structures(&mut p, &[table_at(structure, [100.0, 100.0, 400.0, 220.0])]);
        let table = &p.tables[0];
        assert_eq!(
            table.to_grid(),
            [["Item", "Price"], ["Tea", "3.50"], ["Green tea leaves", ""]]
        );
        // Both halves keep the line they came from.
        assert_eq!(table.cell_at(1, 0).unwrap().line_ids, [1]);
        assert_eq!(table.cell_at(1, 1).unwrap().line_ids, [1]);
    }

    #[test]
    fn a_ruled_table_keeps_its_grid_and_a_borderless_or_coarser_one_gives_way() {
        let structure = TableStructure {
            cells: vec![
                cell(0, 0, 1, [110.0, 110.0, 180.0, 130.0]),
                cell(1, 0, 1, [110.0, 150.0, 180.0, 170.0]),
            ],
            header_rows: 0,
        };
        let proposal = table_at(structure, [100.0, 100.0, 400.0, 220.0]);
        let found = |kind, rows| Table {
            kind,
            bbox: [98.0, 98.0, 402.0, 222.0],
            rows,
            columns: 1,
            row_edges: vec![98.0; rows + 1],
            column_edges: vec![98.0, 402.0],
            header_rows: 0,
            cells: Vec::new(),
            turned: 0.0,
        };
        for (table, kept) in [
            (found(TableKind::Ruled, 2), TableKind::Ruled),
            (found(TableKind::Borderless, 2), TableKind::Model),
            // A frame with no rules inside: coarser than the model's two rows.
            (found(TableKind::Ruled, 1), TableKind::Model),
        ] {
            let mut p = page(Vec::new());
            p.tables.push(table);
            adopt_structures(&mut p, std::slice::from_ref(&proposal));
            assert_eq!(p.tables.iter().map(|t| t.kind).collect::<Vec<_>>(), [kept]);
        }
    }
}
