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

use super::{GridSpec, Item, Placement, Rule, place, slot};
use crate::result::TableKind;

/// Lines side by side on the page, left to right.
struct VisualRow {
    members: Vec<usize>,
    y0: f32,
    y1: f32,
}

impl VisualRow {
    fn is_multi(&self) -> bool {
        self.members.len() >= 2
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
            overlap >= 0.5 * it.height().min(band1 - band0)
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
fn candidates(rows: &[VisualRow], items: &[Item], text_height: f32) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        if !rows[i].is_multi() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut singles = 0;
        let mut multis = 1;
        for j in i + 1..rows.len() {
            if rows[j].y0 - rows[j - 1].y1 > 2.5 * text_height {
                break;
            }
            if rows[j].is_multi() {
                end = j;
                singles = 0;
                multis += 1;
            } else {
                singles += 1;
                if singles > 2 {
                    break;
                }
            }
        }
        // Closely spaced single lines after the last row continue its cells.
        while end + 1 < rows.len() && !rows[end + 1].is_multi() && rows[end + 1].y0 - rows[end].y1 < 0.35 * text_height
        {
            end += 1;
        }
        // A heading alone on the row just above, indented past the first column,
        // heads columns (a caption would start at the left edge).
        let mut first = start;
        let left = rows[start]
            .members
            .iter()
            .map(|&m| items[m].x0)
            .fold(f32::MAX, f32::min);
        while first > 0
            && start - first < 2
            && !rows[first - 1].is_multi()
            && rows[first].y0 - rows[first - 1].y1 <= 0.6 * text_height
            && items[rows[first - 1].members[0]].x0 > left + text_height
            && out.last().is_none_or(|r: &std::ops::Range<usize>| r.end < first)
        {
            first -= 1;
        }
        if multis >= 3 {
            out.push(first..end + 1);
        }
        i = end + 1;
    }
    out
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
    let allowed = (0.15 * multi.len() as f32) as usize;
    let min_gap = (0.25 * text_height).max(2.0) as usize;
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

fn grid(rows: &[VisualRow], items: &[Item], rules: &[Rule], text_height: f32) -> Option<(GridSpec, Vec<usize>)> {
    let members: Vec<usize> = rows.iter().flat_map(|r| r.members.iter().copied()).collect();
    let x0 = members.iter().map(|&m| items[m].x0).fold(f32::MAX, f32::min);
    let x1 = members.iter().map(|&m| items[m].x1).fold(f32::MIN, f32::max);
    let edges = column_edges(rows, items, x0, x1, text_height);
    let columns = edges.len() - 1;
    if columns < 2 {
        return None;
    }
    // Columns of long lines of even width are columns of running text (a
    // newspaper page, a two-column paper), not a table.
    let prose_columns = (0..columns)
        .filter(|&c| {
            let widths: Vec<f32> = members
                .iter()
                .filter(|&&m| slot(&edges, items[m].cx()) == c)
                .map(|&m| items[m].x1 - items[m].x0)
                .collect();
            let typical = super::median(widths.iter().copied()).unwrap_or(0.0);
            let even = widths.iter().filter(|&&w| (w - typical).abs() <= 0.1 * typical).count();
            typical >= 8.0 * text_height && even * 10 >= widths.len() * 6
        })
        .count();
    if prose_columns >= 2 || prose_columns * 2 >= columns {
        return None;
    }
    let width = x1 - x0;
    let rule_between = |a: &VisualRow, b: &VisualRow, full: bool| {
        let (ca, cb) = ((a.y0 + a.y1) / 2.0, (b.y0 + b.y1) / 2.0);
        rules.iter().any(|r| {
            r.position > ca
                && r.position < cb
                && r.end > x0
                && r.start < x1
                && (!full || r.end.min(x1) - r.start.max(x0) >= 0.5 * width)
        })
    };

    // Distances between visual rows (centre to centre: detected boxes are padded,
    // so small print leaves no gap between them), and the split between line
    // pitch inside a cell and pitch between rows, if the table has both.
    let gaps: Vec<f32> = rows
        .windows(2)
        .map(|w| (w[1].y0 + w[1].y1 - w[0].y0 - w[0].y1) / 2.0)
        .collect();
    let line_spacing = {
        let mut sorted = gaps.clone();
        sorted.sort_by(f32::total_cmp);
        let best = sorted
            .windows(2)
            .enumerate()
            .map(|(k, w)| (k, w[1] / w[0].max(1.0)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((k, ratio)) if ratio >= 1.25 && (sorted.len() - k - 1) * 5 >= sorted.len() => sorted[k],
            _ => f32::MIN,
        }
    };
    // Logical rows: visual rows, with continuation lines joined to the row above.
    let mut logical: Vec<Vec<usize>> = vec![vec![0]];
    for (k, gap) in gaps.iter().enumerate() {
        let next = &rows[k + 1];
        let current = logical.last().expect("one row at least");
        let filled: Vec<usize> = current
            .iter()
            .flat_map(|&v| rows[v].members.iter().map(|&m| slot(&edges, items[m].cx())))
            .collect();
        // Continuation lines sit closer than rows do, or (where the pitch is even)
        // carry on a sentence: they start in lower case.
        let carries_on = next
            .members
            .iter()
            .all(|&m| items[m].text.chars().next().is_some_and(char::is_lowercase));
        let mut distinct = filled.clone();
        distinct.sort_unstable();
        distinct.dedup();
        // A continuation fills fewer cells than its row: "Subtotal 331.40" under
        // "Total 397.68" is a row of its own, however close.
        let continues = (*gap <= line_spacing || carries_on)
            && !rule_between(&rows[k], next, false)
            && next.members.len() < distinct.len()
            && next
                .members
                .iter()
                .all(|&m| filled.contains(&slot(&edges, items[m].cx())));
        if continues {
            logical.last_mut().expect("one row at least").push(k + 1);
        } else {
            logical.push(vec![k + 1]);
        }
    }
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
    let row_count = logical.len();

    // The header ends at the first full-width rule below the first row.
    let header_rows = (1..row_count.div_ceil(2).max(2).min(row_count))
        .find(|&k| {
            let above = &rows[*logical[k - 1].last().expect("non-empty")];
            let below = &rows[logical[k][0]];
            rule_between(above, below, true)
        })
        .unwrap_or(1);

    // Merged cells: text that spans columns, widened to the rule under it.
    let mut merged: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut claimed = vec![vec![false; columns]; row_count];
    for (r, l) in logical.iter().enumerate() {
        let in_row: Vec<usize> = l.iter().flat_map(|&v| rows[v].members.iter().copied()).collect();
        for &m in &in_row {
            let it = &items[m];
            let (mut first, mut last) = match place(it, &edges, text_height) {
                Placement::Spans(a, b) => (a, b),
                Placement::Words(_) => {
                    let c = slot(&edges, it.cx());
                    (c, c)
                }
            };
            if r < header_rows
                && let Some(rule) = rules.iter().find(|rule| {
                    rule.position > it.y1 - 0.2 * text_height
                        && rule.position < it.y1 + 1.2 * text_height
                        && rule.start <= it.cx()
                        && rule.end >= it.cx()
                        && rule.length() < 0.9 * width
                })
            {
                let centres = (0..columns).filter(|&c| {
                    let mid = (edges[c] + edges[c + 1]) / 2.0;
                    mid >= rule.start && mid <= rule.end
                });
                for c in centres {
                    first = first.min(c);
                    last = last.max(c);
                }
            }
            let others_inside = in_row
                .iter()
                .any(|&o| o != m && (first..=last).contains(&slot(&edges, items[o].cx())));
            let free = (first..=last).all(|c| !claimed[r][c]);
            if last > first && !others_inside && free {
                claimed[r][first..=last].iter_mut().for_each(|c| *c = true);
                merged.push((r, first, 1, last - first + 1));
            }
        }
    }
    Some((
        GridSpec {
            kind: TableKind::Borderless,
            row_edges,
            column_edges: edges,
            merged,
            header_rows,
        },
        members,
    ))
}
