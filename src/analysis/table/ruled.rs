//! Ruled tables: rules that cross one another make a grid; a missing stretch of
//! rule between two slots merges them into one cell.

use super::{GridSpec, MIN_COLUMNS, MIN_DIVISOR_PX, Rule};
use crate::result::TableKind;

/// Rules cross when one reaches within this many text heights of the other
/// (a drawn grid's rules stop a little short of each other, or overshoot)…
const CROSSING_TOLERANCE_HEIGHTS: f32 = 0.4;
/// … but never closer than this many pixels (small print still has stroke width)…
const MIN_CROSSING_TOLERANCE: f32 = 3.0;
/// … nor further than this many (large print does not make rules meet from afar).
const MAX_CROSSING_TOLERANCE: f32 = 12.0;
/// A grid narrower than this many text heights holds no table (a box, a frame).
const MIN_GRID_WIDTH_HEIGHTS: f32 = 3.0;
/// A grid lower than this many text heights holds no row of text.
const MIN_GRID_HEIGHT_HEIGHTS: f32 = 1.5;
/// A grid has this many horizontal rules at least: a top and a bottom.
const MIN_HORIZONTAL_RULES: usize = 2;
/// Slots narrower or shorter than this many text heights are double rules, not slots.
const MIN_SLOT_HEIGHTS: f32 = 0.5;
/// Rules covering less than this share of the edge between two slots leave them
/// one cell.
const SEPARATING_COVERAGE: f32 = 0.5;

/// Merged cells as (row, column, row span, column span), as in [`GridSpec`].
type Merged = (usize, usize, usize, usize);

/// The representative of `i`'s set in a union-find forest, halving paths on the way.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The grids the rules draw, each with the rules that drew it.
pub(super) fn grids(rules: &[Rule], text_height: f32) -> Vec<(GridSpec, Vec<Rule>)> {
    let tolerance = (CROSSING_TOLERANCE_HEIGHTS * text_height).clamp(MIN_CROSSING_TOLERANCE, MAX_CROSSING_TOLERANCE);
    crossing_groups(rules, tolerance)
        .into_iter()
        .filter_map(|group| grid(&group, text_height, tolerance).map(|g| (g, group)))
        .collect()
}

/// The rules in groups that cross one another (within `tolerance`), each group
/// in the rules' order, the groups in the order of their first rules.
fn crossing_groups(rules: &[Rule], tolerance: f32) -> Vec<Vec<Rule>> {
    let n = rules.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&rules[i], &rules[j]);
            if a.horizontal == b.horizontal {
                continue;
            }
            let (h, v) = if a.horizontal { (a, b) } else { (b, a) };
            let crosses = v.position >= h.start - tolerance
                && v.position <= h.end + tolerance
                && h.position >= v.start - tolerance
                && h.position <= v.end + tolerance;
            if crosses {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                parent[ri] = rj;
            }
        }
    }
    let mut groups: Vec<Vec<Rule>> = Vec::new();
    let mut group_of_root = vec![usize::MAX; n];
    for (i, rule) in rules.iter().enumerate() {
        let r = root(&mut parent, i);
        if group_of_root[r] == usize::MAX {
            group_of_root[r] = groups.len();
            groups.push(Vec::new());
        }
        groups[group_of_root[r]].push(*rule);
    }
    groups
}

/// Positions closer than `tolerance` become one (their mean).
fn cluster(mut values: Vec<f32>, tolerance: f32) -> Vec<f32> {
    values.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, usize)> = Vec::new();
    for v in values {
        match out.last_mut() {
            Some((sum, count)) if v - *sum / *count as f32 <= tolerance => {
                *sum += v;
                *count += 1;
            }
            _ => out.push((v, 1)),
        }
    }
    out.into_iter().map(|(s, c)| s / c as f32).collect()
}

/// The share of `from..to` that rules at `position` (± tolerance) cover.
fn coverage(rules: &[&Rule], position: f32, from: f32, to: f32, tolerance: f32) -> f32 {
    let mut spans: Vec<(f32, f32)> = rules
        .iter()
        .filter(|r| (r.position - position).abs() <= tolerance)
        .map(|r| (r.start.max(from), r.end.min(to)))
        .filter(|(a, b)| b > a)
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut covered = 0.0;
    let mut reach = from;
    for (a, b) in spans {
        let a = a.max(reach);
        if b > a {
            covered += b - a;
            reach = b;
        }
    }
    covered / (to - from).max(MIN_DIVISOR_PX)
}

/// The grid a group of crossing rules draws, if it is a table's.
fn grid(group: &[Rule], text_height: f32, tolerance: f32) -> Option<GridSpec> {
    let horizontal: Vec<&Rule> = group.iter().filter(|r| r.horizontal).collect();
    let vertical: Vec<&Rule> = group.iter().filter(|r| !r.horizontal).collect();
    if horizontal.len() < MIN_HORIZONTAL_RULES || vertical.is_empty() {
        return None;
    }
    let (x0, y0, x1, y1) = extent(&horizontal, &vertical);
    if x1 - x0 < MIN_GRID_WIDTH_HEIGHTS * text_height || y1 - y0 < MIN_GRID_HEIGHT_HEIGHTS * text_height {
        return None;
    }
    let min_slot = (MIN_SLOT_HEIGHTS * text_height).max(tolerance);
    let column_edges = cluster(
        [x0, x1]
            .into_iter()
            .chain(vertical.iter().map(|r| r.position))
            .collect(),
        min_slot,
    );
    let row_edges = cluster(
        [y0, y1]
            .into_iter()
            .chain(horizontal.iter().map(|r| r.position))
            .collect(),
        min_slot,
    );
    let (rows, columns) = (row_edges.len() - 1, column_edges.len() - 1);
    if rows < 1 || columns < MIN_COLUMNS {
        return None;
    }
    let mut groups = slots_no_rule_separates(&horizontal, &vertical, &row_edges, &column_edges, tolerance);
    let merged = rectangles(&mut groups, rows, columns);
    let header_rows = header_rows(&merged, rows);
    Some(GridSpec {
        kind: TableKind::Ruled,
        row_edges,
        column_edges,
        merged,
        header_rows,
    })
}

/// The box the rules span: (left, top, right, bottom).
fn extent(horizontal: &[&Rule], vertical: &[&Rule]) -> (f32, f32, f32, f32) {
    let x0 = horizontal
        .iter()
        .map(|r| r.start)
        .chain(vertical.iter().map(|r| r.position))
        .fold(f32::MAX, f32::min);
    let x1 = horizontal
        .iter()
        .map(|r| r.end)
        .chain(vertical.iter().map(|r| r.position))
        .fold(f32::MIN, f32::max);
    let y0 = vertical
        .iter()
        .map(|r| r.start)
        .chain(horizontal.iter().map(|r| r.position))
        .fold(f32::MAX, f32::min);
    let y1 = vertical
        .iter()
        .map(|r| r.end)
        .chain(horizontal.iter().map(|r| r.position))
        .fold(f32::MIN, f32::max);
    (x0, y0, x1, y1)
}

/// The grid's slots (row by row, `columns` a row) in a union-find forest where
/// neighbouring slots that no rule separates are one set.
fn slots_no_rule_separates(
    horizontal: &[&Rule],
    vertical: &[&Rule],
    row_edges: &[f32],
    column_edges: &[f32],
    tolerance: f32,
) -> Vec<usize> {
    let (rows, columns) = (row_edges.len() - 1, column_edges.len() - 1);
    let index = |r: usize, c: usize| r * columns + c;
    let mut parent: Vec<usize> = (0..rows * columns).collect();
    let join = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        parent[ra] = rb;
    };
    for r in 0..rows {
        for c in 0..columns {
            if c + 1 < columns
                && coverage(vertical, column_edges[c + 1], row_edges[r], row_edges[r + 1], tolerance)
                    < SEPARATING_COVERAGE
            {
                join(&mut parent, index(r, c), index(r, c + 1));
            }
            if r + 1 < rows
                && coverage(
                    horizontal,
                    row_edges[r + 1],
                    column_edges[c],
                    column_edges[c + 1],
                    tolerance,
                ) < SEPARATING_COVERAGE
            {
                join(&mut parent, index(r, c), index(r + 1, c));
            }
        }
    }
    parent
}

/// The merged cells: each set of more than one slot that is a rectangle, sorted.
/// Sets of other shapes stay unmerged.
fn rectangles(parent: &mut [usize], rows: usize, columns: usize) -> Vec<Merged> {
    // Per set: first row, first column, last row, last column, slots.
    let mut extent: std::collections::HashMap<usize, (usize, usize, usize, usize, usize)> = Default::default();
    for r in 0..rows {
        for c in 0..columns {
            let g = root(parent, r * columns + c);
            let e = extent.entry(g).or_insert((r, c, r, c, 0));
            e.0 = e.0.min(r);
            e.1 = e.1.min(c);
            e.2 = e.2.max(r);
            e.3 = e.3.max(c);
            e.4 += 1;
        }
    }
    let mut merged: Vec<Merged> = extent
        .values()
        .filter(|e| (e.2 - e.0 + 1) * (e.3 - e.1 + 1) == e.4 && e.4 > 1)
        .map(|e| (e.0, e.1, e.2 - e.0 + 1, e.3 - e.1 + 1))
        .collect();
    merged.sort();
    merged
}

/// The header: the rows that the first row's cells reach down to.
fn header_rows(merged: &[Merged], rows: usize) -> usize {
    merged
        .iter()
        .filter(|m| m.0 == 0)
        .map(|m| m.2)
        .max()
        .unwrap_or(1)
        .min(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(y: f32, x0: f32, x1: f32) -> Rule {
        Rule {
            horizontal: true,
            position: y,
            start: x0,
            end: x1,
        }
    }
    fn v(x: f32, y0: f32, y1: f32) -> Rule {
        Rule {
            horizontal: false,
            position: x,
            start: y0,
            end: y1,
        }
    }

    #[test]
    fn missing_rules_merge_slots_into_spanning_cells() {
        // Three columns, three rows, no outer verticals (open sides). The first
        // column's heading spans the two header rows; the second header row is split
        // under a heading that spans columns 1 and 2.
        let rules = [
            h(0.0, 0.0, 300.0),
            h(40.0, 100.0, 300.0),
            h(80.0, 0.0, 300.0),
            h(120.0, 0.0, 300.0),
            v(100.0, 0.0, 120.0),
            v(200.0, 40.0, 120.0),
        ];
        let found = grids(&rules, 16.0);
        assert_eq!(found.len(), 1);
        let g = &found[0].0;
        assert_eq!(g.column_edges, [0.0, 100.0, 200.0, 300.0]);
        assert_eq!(g.row_edges, [0.0, 40.0, 80.0, 120.0]);
        assert_eq!(g.merged, [(0, 0, 2, 1), (0, 1, 1, 2)]);
        assert_eq!(g.header_rows, 2);
    }

    #[test]
    fn rules_that_do_not_cross_make_no_table() {
        // Booktabs-style rules: horizontal only.
        let rules = [h(0.0, 0.0, 300.0), h(40.0, 0.0, 300.0), h(200.0, 0.0, 300.0)];
        assert!(grids(&rules, 16.0).is_empty());
    }
}
