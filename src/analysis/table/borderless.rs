//! Borderless tables: runs of text rows whose gaps line up in columns.
//!
//! 1. Lines are grouped into visual rows; a row with two or more lines may be a
//!    table row. Three or more such rows close together make a table candidate.
//! 2. Columns are where the candidate's rows leave a common vertical gap (a gap
//!    a heading crosses still counts, so spanning headings do not hide columns).
//! 3. A visual row is the next line of the cell above it (not a new table row)
//!    when it sits closer than rows usually do and only continues cells above.
//! 4. Horizontal rules separate rows; the first full-width one below the top
//!    ends the header. A short rule under a heading gives the columns it spans.

use std::ops::Range;

use super::fill::{Placement, place};
use super::{GridSpec, Item, MIN_COLUMNS, MIN_DIVISOR_PX, Rule, median, slot};
use crate::result::TableKind;

/// Lines overlapping by this share of the lower one's height (a line's, or a
/// row's) lie side by side in one visual row.
const ROW_OVERLAP_SHARE: f32 = 0.5;
/// A visual row of this many lines at least may be a table row.
const MIN_LINES_IN_TABLE_ROW: usize = 2;
/// A table has this many visual rows of several lines at least.
const MIN_TABLE_ROWS: usize = 3;
/// Rows further apart than this many text heights are not one table.
const MAX_ROW_GAP_HEIGHTS: f32 = 2.5;
/// More rows of a single line than this in a row end a table.
const MAX_SINGLE_LINE_ROWS: usize = 2;
/// A single line less than this many text heights below a table's last row
/// continues its cells.
const TRAILING_LINE_GAP_HEIGHTS: f32 = 0.35;
/// Up to this many rows of a lone heading above a table's first row head its columns.
const MAX_HEADING_ROWS: usize = 2;
/// A lone heading at most this many text heights above the table heads its columns.
const HEADING_GAP_HEIGHTS: f32 = 0.6;
/// A lone heading indented more than this many text heights past the table's left
/// edge heads columns (a caption starts at the edge).
const HEADING_INDENT_HEIGHTS: f32 = 1.0;
/// A gap crossed in at most this share of the rows (a heading crossing it, one row
/// in seven) still parts columns.
const GAP_CROSSING_SHARE: f32 = 0.15;
/// A gap this many text heights wide parts columns…
const COLUMN_GAP_HEIGHTS: f32 = 0.25;
/// … and no gap narrower than this many pixels does.
const MIN_COLUMN_GAP_PX: f32 = 2.0;
/// A column whose typical line is this many text heights long at least…
const PROSE_LINE_HEIGHTS: f32 = 8.0;
/// … and in which this many lines in ten…
const EVEN_LINES_IN_TEN: usize = 6;
/// … are within this share of that length is a column of running text.
const EVEN_WIDTH_SHARE: f32 = 0.1;
/// This many columns of running text make running text, not a table (as does a
/// half of the columns or more).
const PROSE_COLUMNS: usize = 2;
/// A rule across this share of the table's width at least is a full-width rule:
/// it can end the header.
const FULL_RULE_SHARE: f32 = 0.5;
/// Sorted row pitches stepping up by this ratio at least part the pitch of the
/// lines inside a cell from the pitch of the rows…
const PITCH_STEP_RATIO: f32 = 1.25;
/// … if one pitch in this many at least lies above the step.
const ROW_PITCH_ONE_IN: usize = 5;
/// The header's end is looked for in the top half of the rows, and in this many
/// rows at least (so always under the first row).
const MIN_HEADER_SEARCH_ROWS: usize = 2;
/// A rule under a heading lies from this many text heights above its bottom…
const HEADING_RULE_ABOVE_HEIGHTS: f32 = 0.2;
/// … to this many below it…
const HEADING_RULE_BELOW_HEIGHTS: f32 = 1.2;
/// … and is shorter than this share of the table's width (not a full-width rule).
const SHORT_RULE_SHARE: f32 = 0.9;

/// Lines side by side on the page, left to right.
struct VisualRow {
    members: Vec<usize>,
    y0: f32,
    y1: f32,
}

impl VisualRow {
    fn is_multi(&self) -> bool {
        self.members.len() >= MIN_LINES_IN_TABLE_ROW
    }
}

/// The borderless tables among `items`, each with the indices of its items.
pub(super) fn grids(items: &[Item], rules: &[Rule], text_height: f32) -> Vec<(GridSpec, Vec<usize>)> {
    let rows = visual_rows(items);
    candidates(&rows, items, text_height)
        .into_iter()
        .filter_map(|range| grid(&rows[range], items, rules, text_height))
        .collect()
}

/// The items in visual rows, top to bottom, each row left to right: a line joins
/// the row above when it overlaps the mean band of the row's lines enough.
fn visual_rows(items: &[Item]) -> Vec<VisualRow> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| items[a].cy().total_cmp(&items[b].cy()));
    let mut rows: Vec<VisualRow> = Vec::new();
    for i in order {
        let it = &items[i];
        let joins = rows.last().is_some_and(|row| {
            let n = row.members.len() as f32;
            let (band0, band1) = (
                row.members.iter().map(|&m| items[m].y0).sum::<f32>() / n,
                row.members.iter().map(|&m| items[m].y1).sum::<f32>() / n,
            );
            let overlap = band1.min(it.y1) - band0.max(it.y0);
            overlap >= ROW_OVERLAP_SHARE * it.height().min(band1 - band0)
        });
        match rows.last_mut() {
            Some(row) if joins => {
                row.members.push(i);
                row.y0 = row.y0.min(it.y0);
                row.y1 = row.y1.max(it.y1);
            }
            _ => rows.push(VisualRow {
                members: vec![i],
                y0: it.y0,
                y1: it.y1,
            }),
        }
    }
    for row in &mut rows {
        row.members.sort_by(|&a, &b| items[a].x0.total_cmp(&items[b].x0));
    }
    rows
}

/// Ranges of visual rows that may be tables: at least three rows of several
/// lines, none far from the next, with at most two single lines in a row, and
/// any column heading alone on the row above.
fn candidates(rows: &[VisualRow], items: &[Item], text_height: f32) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        if !rows[i].is_multi() {
            i += 1;
            continue;
        }
        let (end, multis) = run_from(rows, i, text_height);
        let first = first_heading_row(rows, items, i, out.last(), text_height);
        if multis >= MIN_TABLE_ROWS {
            out.push(first..end + 1);
        }
        i = end + 1;
    }
    out
}

/// The last visual row of the run of table rows that starts at `start`, and how
/// many rows of several lines the run has.
fn run_from(rows: &[VisualRow], start: usize, text_height: f32) -> (usize, usize) {
    let mut end = start;
    let mut singles = 0;
    let mut multis = 1;
    for j in start + 1..rows.len() {
        if rows[j].y0 - rows[j - 1].y1 > MAX_ROW_GAP_HEIGHTS * text_height {
            break;
        }
        if rows[j].is_multi() {
            end = j;
            singles = 0;
            multis += 1;
        } else {
            singles += 1;
            if singles > MAX_SINGLE_LINE_ROWS {
                break;
            }
        }
    }
    // Closely spaced single lines after the last row continue its cells.
    while end + 1 < rows.len()
        && !rows[end + 1].is_multi()
        && rows[end + 1].y0 - rows[end].y1 < TRAILING_LINE_GAP_HEIGHTS * text_height
    {
        end += 1;
    }
    (end, multis)
}

/// The first visual row of a table whose rows start at `start`: a heading alone
/// on the row just above, indented past the first column, heads columns (a
/// caption would start at the left edge). `previous` is the candidate before.
fn first_heading_row(
    rows: &[VisualRow],
    items: &[Item],
    start: usize,
    previous: Option<&Range<usize>>,
    text_height: f32,
) -> usize {
    let mut first = start;
    let left = rows[start]
        .members
        .iter()
        .map(|&m| items[m].x0)
        .fold(f32::MAX, f32::min);
    while first > 0
        && start - first < MAX_HEADING_ROWS
        && !rows[first - 1].is_multi()
        && rows[first].y0 - rows[first - 1].y1 <= HEADING_GAP_HEIGHTS * text_height
        && items[rows[first - 1].members[0]].x0 > left + HEADING_INDENT_HEIGHTS * text_height
        && previous.is_none_or(|r| r.end < first)
    {
        first -= 1;
    }
    first
}

/// Column edges: the middles of the gaps that the multi-line rows share.
fn column_edges(rows: &[VisualRow], items: &[Item], x0: f32, x1: f32, text_height: f32) -> Vec<f32> {
    let width = (x1 - x0).ceil() as usize + 1;
    let mut count = vec![0usize; width];
    let multi: Vec<&VisualRow> = rows.iter().filter(|r| r.is_multi()).collect();
    for row in &multi {
        let mut covered = vec![false; width];
        for &m in &row.members {
            let a = ((items[m].x0 - x0).floor().max(0.0) as usize).min(width - 1);
            let b = ((items[m].x1 - x0).ceil().max(0.0) as usize).min(width - 1);
            covered[a..=b].iter_mut().for_each(|c| *c = true);
        }
        for (c, hit) in count.iter_mut().zip(covered) {
            *c += usize::from(hit);
        }
    }
    // A heading that crosses a gap (one row in seven) does not close it.
    let allowed = (GAP_CROSSING_SHARE * multi.len() as f32) as usize;
    let min_gap = (COLUMN_GAP_HEIGHTS * text_height).max(MIN_COLUMN_GAP_PX) as usize;
    let mut edges = vec![x0];
    let mut run_start = None;
    for (x, &c) in count.iter().enumerate() {
        match (c <= allowed, run_start) {
            (true, None) => run_start = Some(x),
            (false, Some(s)) => {
                if s > 0 && x - s >= min_gap {
                    edges.push(x0 + (s + x) as f32 / 2.0);
                }
                run_start = None;
            }
            _ => {}
        }
    }
    edges.push(x1);
    edges
}

/// The table a candidate's visual rows make, with the indices of its items, or
/// `None` when they make fewer than two columns or are running text.
fn grid(rows: &[VisualRow], items: &[Item], rules: &[Rule], text_height: f32) -> Option<(GridSpec, Vec<usize>)> {
    let members: Vec<usize> = rows.iter().flat_map(|r| r.members.iter().copied()).collect();
    let x0 = members.iter().map(|&m| items[m].x0).fold(f32::MAX, f32::min);
    let x1 = members.iter().map(|&m| items[m].x1).fold(f32::MIN, f32::max);
    let edges = column_edges(rows, items, x0, x1, text_height);
    if edges.len() - 1 < MIN_COLUMNS || is_running_text(&members, items, &edges, text_height) {
        return None;
    }
    let frame = Frame {
        rows,
        items,
        rules,
        edges,
        x0,
        x1,
        text_height,
    };
    let logical = logical_rows(&frame);
    let header_rows = header_rows(&frame, &logical);
    let merged = merged_cells(&frame, &logical, header_rows);
    Some((
        GridSpec {
            kind: TableKind::Borderless,
            row_edges: row_edges(rows, &logical),
            column_edges: frame.edges,
            merged,
            header_rows,
        },
        members,
    ))
}

/// Columns of long lines of even width are columns of running text (a
/// newspaper page, a two-column paper), not a table.
fn is_running_text(members: &[usize], items: &[Item], edges: &[f32], text_height: f32) -> bool {
    let columns = edges.len() - 1;
    let prose_columns = (0..columns)
        .filter(|&c| {
            let widths: Vec<f32> = members
                .iter()
                .filter(|&&m| slot(edges, items[m].cx()) == c)
                .map(|&m| items[m].x1 - items[m].x0)
                .collect();
            let typical = median(widths.iter().copied()).unwrap_or(0.0);
            let even = widths
                .iter()
                .filter(|&&w| (w - typical).abs() <= EVEN_WIDTH_SHARE * typical)
                .count();
            typical >= PROSE_LINE_HEIGHTS * text_height && even * 10 >= widths.len() * EVEN_LINES_IN_TEN
        })
        .count();
    prose_columns >= PROSE_COLUMNS || prose_columns * 2 >= columns
}

/// A borderless table in the making: its visual rows, its column edges, the
/// horizontal rules on the page and its left and right edges.
struct Frame<'a> {
    rows: &'a [VisualRow],
    items: &'a [Item],
    rules: &'a [Rule],
    edges: Vec<f32>,
    x0: f32,
    x1: f32,
    text_height: f32,
}

impl Frame<'_> {
    fn columns(&self) -> usize {
        self.edges.len() - 1
    }

    /// The column item `m`'s centre lies in.
    fn column_of(&self, m: usize) -> usize {
        slot(&self.edges, self.items[m].cx())
    }

    /// The items in a logical row (visual rows by index), row by row.
    fn items_in(&self, logical: &[usize]) -> Vec<usize> {
        logical
            .iter()
            .flat_map(|&v| self.rows[v].members.iter().copied())
            .collect()
    }

    /// Whether a rule lies between the middles of visual rows `a` and `b` and
    /// within the table's width (`full`: across half of it at least).
    fn rule_between(&self, a: &VisualRow, b: &VisualRow, full: bool) -> bool {
        let (x0, x1) = (self.x0, self.x1);
        let width = x1 - x0;
        let (ca, cb) = ((a.y0 + a.y1) / 2.0, (b.y0 + b.y1) / 2.0);
        self.rules.iter().any(|r| {
            r.position > ca
                && r.position < cb
                && r.end > x0
                && r.start < x1
                && (!full || r.end.min(x1) - r.start.max(x0) >= FULL_RULE_SHARE * width)
        })
    }

    /// The first and last column item `m`'s text lies across: where it spans
    /// columns, or its centre's column; in the header, widened to the columns a
    /// short rule right under it spans.
    fn columns_spanned(&self, m: usize, in_header: bool) -> (usize, usize) {
        let it = &self.items[m];
        let (mut first, mut last) = match place(it, &self.edges, self.text_height) {
            Placement::Spans(a, b) => (a, b),
            Placement::Words(_) => {
                let c = slot(&self.edges, it.cx());
                (c, c)
            }
        };
        if in_header && let Some(rule) = self.rule_under(it) {
            let centres = (0..self.columns()).filter(|&c| {
                let mid = (self.edges[c] + self.edges[c + 1]) / 2.0;
                mid >= rule.start && mid <= rule.end
            });
            for c in centres {
                first = first.min(c);
                last = last.max(c);
            }
        }
        (first, last)
    }

    /// A rule shorter than the table right under a heading, across its centre.
    fn rule_under(&self, it: &Item) -> Option<&Rule> {
        let width = self.x1 - self.x0;
        let th = self.text_height;
        self.rules.iter().find(|rule| {
            rule.position > it.y1 - HEADING_RULE_ABOVE_HEIGHTS * th
                && rule.position < it.y1 + HEADING_RULE_BELOW_HEIGHTS * th
                && rule.start <= it.cx()
                && rule.end >= it.cx()
                && rule.length() < SHORT_RULE_SHARE * width
        })
    }
}

/// Distances between visual rows, centre to centre (detected boxes are padded,
/// so small print leaves no gap between them).
fn row_pitches(rows: &[VisualRow]) -> Vec<f32> {
    rows.windows(2)
        .map(|w| (w[1].y0 + w[1].y1 - w[0].y0 - w[0].y1) / 2.0)
        .collect()
}

/// The pitch of the lines inside a cell, if the table has both that and a
/// larger pitch between rows: the pitch below the largest step between sorted
/// pitches. `f32::MIN` (no pitch is a line's) if there is no such step.
fn line_spacing(pitches: &[f32]) -> f32 {
    let mut sorted = pitches.to_vec();
    sorted.sort_by(f32::total_cmp);
    let best = sorted
        .windows(2)
        .enumerate()
        .map(|(k, w)| (k, w[1] / w[0].max(MIN_DIVISOR_PX)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    match best {
        Some((k, ratio)) if ratio >= PITCH_STEP_RATIO && (sorted.len() - k - 1) * ROW_PITCH_ONE_IN >= sorted.len() => {
            sorted[k]
        }
        _ => f32::MIN,
    }
}

/// Logical rows (each the indices of its visual rows): visual rows, with
/// continuation lines joined to the row above.
fn logical_rows(frame: &Frame) -> Vec<Vec<usize>> {
    let pitches = row_pitches(frame.rows);
    let line_spacing = line_spacing(&pitches);
    let mut logical: Vec<Vec<usize>> = vec![vec![0]];
    for (k, &pitch) in pitches.iter().enumerate() {
        let current = logical.last().expect("one row at least");
        if continues(frame, current, k + 1, pitch <= line_spacing) {
            logical.last_mut().expect("one row at least").push(k + 1);
        } else {
            logical.push(vec![k + 1]);
        }
    }
    logical
}

/// Whether visual row `next` continues the cells of the logical row `current`
/// just above it. Continuation lines sit closer than rows do (`at_line_pitch`)
/// or, where the pitch is even, carry on a sentence: they start in lower case.
/// No rule lies above them, and they fill fewer cells than their row, all of
/// them cells it filled: "Subtotal 331.40" under "Total 397.68" is a row of its
/// own, however close.
fn continues(frame: &Frame, current: &[usize], next: usize, at_line_pitch: bool) -> bool {
    let (rows, items) = (frame.rows, frame.items);
    let filled: Vec<usize> = frame
        .items_in(current)
        .into_iter()
        .map(|m| frame.column_of(m))
        .collect();
    let carries_on = rows[next]
        .members
        .iter()
        .all(|&m| items[m].text.chars().next().is_some_and(char::is_lowercase));
    let mut distinct = filled.clone();
    distinct.sort_unstable();
    distinct.dedup();
    (at_line_pitch || carries_on)
        && !frame.rule_between(&rows[next - 1], &rows[next], false)
        && rows[next].members.len() < distinct.len()
        && rows[next].members.iter().all(|&m| filled.contains(&frame.column_of(m)))
}

/// Row edges: the top of the first logical row, the middles between rows, the
/// bottom of the last.
fn row_edges(rows: &[VisualRow], logical: &[Vec<usize>]) -> Vec<f32> {
    let extent = |l: &[usize]| {
        (
            l.iter().map(|&v| rows[v].y0).fold(f32::MAX, f32::min),
            l.iter().map(|&v| rows[v].y1).fold(f32::MIN, f32::max),
        )
    };
    let spans: Vec<(f32, f32)> = logical.iter().map(|l| extent(l)).collect();
    let mut row_edges = vec![spans[0].0];
    row_edges.extend(spans.windows(2).map(|w| (w[0].1 + w[1].0) / 2.0));
    row_edges.push(spans[spans.len() - 1].1);
    row_edges
}

/// The header rows: the header ends at the first full-width rule below the
/// first row (in the top half of the rows); one row without such a rule.
fn header_rows(frame: &Frame, logical: &[Vec<usize>]) -> usize {
    let row_count = logical.len();
    (1..row_count.div_ceil(2).max(MIN_HEADER_SEARCH_ROWS).min(row_count))
        .find(|&k| {
            let above = &frame.rows[*logical[k - 1].last().expect("non-empty")];
            let below = &frame.rows[logical[k][0]];
            frame.rule_between(above, below, true)
        })
        .unwrap_or(1)
}

/// Merged cells: text that spans columns (in the header, widened to the rule
/// under it), when no other text of its row lies in those columns and no merged
/// cell before it in the row took them.
fn merged_cells(frame: &Frame, logical: &[Vec<usize>], header_rows: usize) -> Vec<(usize, usize, usize, usize)> {
    let mut merged: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (r, l) in logical.iter().enumerate() {
        let in_row = frame.items_in(l);
        let mut claimed = vec![false; frame.columns()];
        for &m in &in_row {
            let (first, last) = frame.columns_spanned(m, r < header_rows);
            let others_inside = in_row
                .iter()
                .any(|&o| o != m && (first..=last).contains(&frame.column_of(o)));
            let free = (first..=last).all(|c| !claimed[c]);
            if last > first && !others_inside && free {
                claimed[first..=last].iter_mut().for_each(|c| *c = true);
                merged.push((r, first, 1, last - first + 1));
            }
        }
    }
    merged
}
