//! Columns of running text: where lines stand in two or more columns of prose,
//! each column is read to its end before the next, instead of straight across.
//!
//! The page is cut into bands (lines side by side), and a run of bands that
//! share a gutter (an upright strip no line crosses) is a column zone when both
//! sides hold running text: several lines each, much longer than the gutter is
//! wide. A form's labels and values, or a receipt's prices, stand apart by gaps
//! as wide as themselves and so stay read row by row.

/// A line's box: left, top, right, bottom.
pub(super) type Bounds = (f32, f32, f32, f32);

/// How lines outside column zones are ordered (the reading order's rows).
pub(super) type RowOrder = fn(&[Bounds], Vec<usize>) -> Vec<usize>;

/// Fewest lines on each side of a gutter for it to part two columns: fewer is a
/// label beside a value, not a column.
const MIN_COLUMN_LINES: usize = 3;
/// A gutter is at least this many line heights wide: wider than a space between
/// words (a third of a line's height), as narrow as a typeset gutter (about one em).
const MIN_GUTTER_HEIGHTS: f32 = 0.5;
/// A column's lines are at least this many times longer than the gutter beside
/// them: typeset columns run 7–40 times their gutter, the two pages of a book
/// spread 2.5 times the gap between them, while a receipt's prices or a
/// form's values are no longer than the gap before them.
const COLUMN_TO_GUTTER: f32 = 2.0;
/// A column's lines run at least this many line heights (some 20 Latin or a
/// dozen Chinese characters): running text is set in lines that long, a price,
/// a label or a value is a few words.
const MIN_COLUMN_HEIGHTS: f32 = 10.0;
/// A column holds one line a row; the detector may cut one line in two now and
/// then, a table's columns hold several a row.
const MAX_LINES_A_ROW: f32 = 1.2;
/// Share of a column's lines that start at its left edge: running text is set
/// flush left (indents aside), a table's right-aligned figures are not.
const ALIGNED_SHARE: f32 = 0.8;

/// `members` (indices into `boxes`) in reading order: column zones column by
/// column (each column in its own order), everything else by `rows`.
pub(super) fn in_columns(boxes: &[Bounds], members: Vec<usize>, rows: RowOrder) -> Vec<usize> {
    if members.len() < 2 * MIN_COLUMN_LINES {
        return rows(boxes, members);
    }
    let bands = bands(boxes, &members);
    let span = members.iter().fold((f32::MAX, f32::MIN), |(a, b), &i| {
        (a.min(boxes[i].0), b.max(boxes[i].2))
    });
    let open: Vec<Vec<(f32, f32)>> = bands.iter().map(|band| free(boxes, band, span)).collect();
    let (mut order, mut plain) = (Vec::with_capacity(members.len()), Vec::new());
    let mut at = 0;
    while at < bands.len() {
        let Some((count, gutters)) = zone(boxes, &bands[at..], &open[at..], span) else {
            plain.extend_from_slice(&bands[at]);
            at += 1;
            continue;
        };
        order.extend(rows(boxes, std::mem::take(&mut plain)));
        let mut columns = vec![Vec::new(); gutters.len() + 1];
        for &i in bands[at..at + count].iter().flatten() {
            columns[column_of(&gutters, boxes[i].0)].push(i);
        }
        for column in columns {
            order.extend(in_columns(boxes, column, rows));
        }
        at += count;
    }
    order.extend(rows(boxes, plain));
    order
}

/// Lines side by side, top to bottom: the middle halves of their heights
/// overlap, directly or through a third line.
fn bands(boxes: &[Bounds], members: &[usize]) -> Vec<Vec<usize>> {
    let core = |i: usize| {
        let (_, y0, _, y1) = boxes[i];
        let quarter = (y1 - y0) / 4.0;
        (y0 + quarter, y1 - quarter)
    };
    let mut sorted = members.to_vec();
    sorted.sort_by(|&a, &b| core(a).0.total_cmp(&core(b).0));
    let mut bands: Vec<Vec<usize>> = Vec::new();
    let mut bottom = f32::MIN;
    for i in sorted {
        let (top, low) = core(i);
        match bands.last_mut() {
            Some(band) if top <= bottom => band.push(i),
            _ => bands.push(vec![i]),
        }
        bottom = if top <= bottom { bottom.max(low) } else { low };
    }
    bands
}

/// The longest run of `bands` from the first that share gutters (`free` holds
/// each band's open stretches), when those gutters part it into columns of
/// running text: (bands in the run, the gutters left to right).
fn zone(
    boxes: &[Bounds],
    bands: &[Vec<usize>],
    free: &[Vec<(f32, f32)>],
    span: (f32, f32),
) -> Option<(usize, Vec<(f32, f32)>)> {
    let mut common = free[0].clone();
    let mut count = 1;
    for open in &free[1..] {
        let next = intersect(&common, open);
        if next.is_empty() {
            break;
        }
        common = next;
        count += 1;
    }
    // Gutters lie between lines, not along the page's margins, and are wider
    // than a gap between words.
    common.retain(|&(x0, x1)| x0 > span.0 && x1 < span.1);
    if count < MIN_COLUMN_LINES || common.is_empty() {
        return None;
    }
    let height = median(bands[..count].iter().flatten().map(|&i| boxes[i].3 - boxes[i].1));
    common.retain(|&(x0, x1)| x1 - x0 >= MIN_GUTTER_HEIGHTS * height);
    common.sort_by(|a, b| a.0.total_cmp(&b.0));
    // A zone starts where every column has begun: a line above the others on
    // one side only (a running header over the right column) is read before it.
    let begun = |k: usize| bands[0].iter().any(|&i| column_of(&common, boxes[i].0) == k);
    if common.is_empty() || !(0..=common.len()).all(begun) {
        return None;
    }
    parts_columns(boxes, &bands[..count], &common, height).then_some((count, common))
}

/// The stretches of `span` no line of `band` covers.
fn free(boxes: &[Bounds], band: &[usize], span: (f32, f32)) -> Vec<(f32, f32)> {
    let mut sorted: Vec<(f32, f32)> = band.iter().map(|&i| (boxes[i].0, boxes[i].2)).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut gaps = Vec::new();
    let mut reached = span.0;
    for (x0, x1) in sorted {
        if x0 > reached {
            gaps.push((reached, x0));
        }
        reached = reached.max(x1);
    }
    if span.1 > reached {
        gaps.push((reached, span.1));
    }
    gaps
}

/// Where stretches of `a` and `b` overlap.
fn intersect(a: &[(f32, f32)], b: &[(f32, f32)]) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    for &(a0, a1) in a {
        for &(b0, b1) in b {
            let (x0, x1) = (a0.max(b0), a1.min(b1));
            if x1 > x0 {
                out.push((x0, x1));
            }
        }
    }
    out
}

/// Whether `gutters` (left to right) part the lines of `bands` into columns of
/// running text, every one of them (`height`: the lines' median height).
fn parts_columns(boxes: &[Bounds], bands: &[Vec<usize>], gutters: &[(f32, f32)], height: f32) -> bool {
    let lines: Vec<usize> = bands.iter().flatten().copied().collect();
    let widest = gutters.iter().fold(0f32, |w, g| w.max(g.1 - g.0));
    let column = |k: usize| {
        let side: Vec<usize> = lines
            .iter()
            .copied()
            .filter(|&i| column_of(gutters, boxes[i].0) == k)
            .collect();
        // Running text has one line a row in each column; a table has several.
        let rows = self::bands(boxes, &side).len();
        // Its lines start at the column's edge, where most of them start (an
        // indent is about one line's height).
        let edge = median(side.iter().map(|&i| boxes[i].0));
        let aligned = side.iter().filter(|&&i| (boxes[i].0 - edge).abs() <= height).count();
        let long = median(side.iter().map(|&i| boxes[i].2 - boxes[i].0));
        side.len() >= MIN_COLUMN_LINES
            && side.len() as f32 <= rows as f32 * MAX_LINES_A_ROW
            && aligned as f32 >= ALIGNED_SHARE * side.len() as f32
            && long >= COLUMN_TO_GUTTER * widest
            && long >= MIN_COLUMN_HEIGHTS * height
    };
    (0..=gutters.len()).all(column)
}

/// Which column a line starting at `x0` stands in: the gutters left of it.
fn column_of(gutters: &[(f32, f32)], x0: f32) -> usize {
    gutters.iter().filter(|g| g.1 <= x0).count()
}

/// The median, 0 of no values.
fn median(values: impl Iterator<Item = f32>) -> f32 {
    super::median(values).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows by top edge, then left edge: enough to see what `in_columns` keeps together.
    fn by_rows(boxes: &[Bounds], mut members: Vec<usize>) -> Vec<usize> {
        members.sort_by(|&a, &b| {
            boxes[a]
                .1
                .total_cmp(&boxes[b].1)
                .then(boxes[a].0.total_cmp(&boxes[b].0))
        });
        members
    }

    /// `rows` rows `pitch` apart from `top`, each `height` high, with a line at
    /// every span of `columns` (left, right), row by row.
    fn rows_of(rows: usize, top: f32, pitch: f32, height: f32, columns: &[(f32, f32)]) -> Vec<Bounds> {
        (0..rows)
            .flat_map(|row| {
                let y = top + pitch * row as f32;
                columns.iter().map(move |&(x0, x1)| (x0, y, x1, y + height))
            })
            .collect()
    }

    fn order(boxes: &[Bounds]) -> Vec<usize> {
        in_columns(boxes, (0..boxes.len()).collect(), by_rows)
    }

    #[test]
    fn two_columns_of_prose_are_read_one_after_the_other() {
        // A title across the page, then four rows of two 400-wide columns with a
        // 30-wide gutter, then a footer across the page.
        let mut boxes = vec![(0.0, 0.0, 830.0, 30.0)];
        boxes.extend(rows_of(4, 50.0, 30.0, 24.0, &[(0.0, 400.0), (430.0, 830.0)]));
        boxes.push((0.0, 200.0, 830.0, 224.0));
        assert_eq!(order(&boxes), vec![0, 1, 3, 5, 7, 2, 4, 6, 8, 9]);
    }

    #[test]
    fn a_receipt_keeps_each_item_beside_its_price() {
        // Item names 300 wide, prices 60 wide, 200 apart.
        let boxes = rows_of(6, 0.0, 30.0, 24.0, &[(0.0, 300.0), (500.0, 560.0)]);
        assert_eq!(order(&boxes), (0..12).collect::<Vec<_>>());
    }

    #[test]
    fn a_header_over_the_right_column_is_read_before_both() {
        let mut boxes = vec![(700.0, 0.0, 830.0, 24.0)];
        boxes.extend(rows_of(4, 30.0, 30.0, 24.0, &[(0.0, 400.0), (430.0, 830.0)]));
        assert_eq!(order(&boxes), vec![0, 1, 3, 5, 7, 2, 4, 6, 8]);
    }

    #[test]
    fn a_form_keeps_each_label_beside_its_value() {
        // Labels and values a few words long, close together, flush left.
        let boxes = rows_of(5, 0.0, 25.0, 20.0, &[(0.0, 170.0), (200.0, 360.0)]);
        assert_eq!(order(&boxes), (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn a_column_with_a_short_last_line_stays_whole() {
        // The right column ends a row early; its gutter still holds.
        let mut boxes = rows_of(3, 0.0, 30.0, 24.0, &[(0.0, 400.0), (430.0, 830.0)]);
        boxes.push((0.0, 90.0, 400.0, 114.0));
        assert_eq!(order(&boxes), vec![0, 2, 4, 6, 1, 3, 5]);
    }

    #[test]
    fn three_columns_are_read_left_to_right() {
        let boxes = rows_of(3, 0.0, 30.0, 24.0, &[(0.0, 300.0), (330.0, 630.0), (660.0, 960.0)]);
        assert_eq!(order(&boxes), vec![0, 3, 6, 1, 4, 7, 2, 5, 8]);
    }
}
