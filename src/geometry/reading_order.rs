//! Reading order: top to bottom, left to right, and column by column where
//! lines stand in columns of running text (see [`super::columns`]).
//!
//! Lines are grouped into rows by vertical overlap (scale-aware, unlike a fixed
//! pixel threshold), rows are read top to bottom, lines in a row left to right.

use crate::geometry::columns::{Bounds, in_columns};
use crate::geometry::{Point, Quad, bounds};

/// Indices of `quads` in reading order.
///
/// ```
/// use ocrdesk::geometry::reading_order::reading_order;
/// use ocrdesk::geometry::axis_aligned as rect;
/// // "Total" and "12.50" share a row (one is a little lower); "Thanks" is below.
/// let quads = [rect(0.0, 40.0, 60.0, 60.0), rect(200.0, 3.0, 260.0, 23.0), rect(0.0, 0.0, 60.0, 20.0)];
/// assert_eq!(reading_order(&quads), vec![2, 1, 0]);
/// ```
pub fn reading_order(quads: &[Quad]) -> Vec<usize> {
    let boxes: Vec<Bounds> = quads.iter().map(|q| bounds(q)).collect();
    in_columns(&boxes, (0..quads.len()).collect(), rows)
}

/// Indices of `quads` row by row (top to bottom, each row left to right), even
/// where they stand in columns.
pub fn row_order(quads: &[Quad]) -> Vec<usize> {
    let boxes: Vec<Bounds> = quads.iter().map(|q| bounds(q)).collect();
    rows(&boxes, (0..quads.len()).collect())
}

/// `members` (indices into `boxes`) row by row: rows top to bottom, each left to right.
fn rows(boxes: &[Bounds], mut members: Vec<usize>) -> Vec<usize> {
    let extent = |i: usize| {
        let (x0, y0, _, y1) = boxes[i];
        (y0, y1, x0)
    };
    let centre = |i: usize| {
        let (y0, y1, _) = extent(i);
        (y0 + y1) / 2.0
    };
    members.sort_by(|&a, &b| centre(a).total_cmp(&centre(b)));
    // Rows: a line joins the current row when its centre lies inside the row's
    // band, the union of the middle halves of the row's lines.
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut band: (f32, f32) = (f32::MIN, f32::MIN);
    for i in members {
        let (y0, y1, _) = extent(i);
        let c = (y0 + y1) / 2.0;
        let joins = rows.last().is_some() && c >= band.0 && c <= band.1;
        let h = (y1 - y0).max(1.0);
        if joins {
            if let Some(row) = rows.last_mut() {
                row.push(i);
            }
            band = (band.0.min(c - h / 4.0), band.1.max(c + h / 4.0));
        } else {
            rows.push(vec![i]);
            band = (c - h / 4.0, c + h / 4.0);
        }
    }
    rows.into_iter()
        .flat_map(|mut row| {
            row.sort_by(|&a, &b| extent(a).2.total_cmp(&extent(b).2));
            row
        })
        .collect()
}

/// Indices of `quads` in reading order on a page tilted `skew` degrees clockwise.
pub fn levelled_order(quads: &[Quad], skew: f32) -> Vec<usize> {
    reading_order(&levelled(quads, skew))
}

/// `quads` turned by `-skew` degrees: a page tilted `skew` degrees clockwise laid level.
fn levelled(quads: &[Quad], skew: f32) -> Vec<Quad> {
    let (sin, cos) = (-skew).to_radians().sin_cos();
    quads
        .iter()
        .map(|q| q.map(|p| Point::new(p.x * cos - p.y * sin, p.x * sin + p.y * cos)))
        .collect()
}

/// Indices of `quads` in reading order on a page whose lines read in different
/// directions. `reads_along[i]` is the quarter turn (0–3, clockwise) line `i`
/// reads along: 0 left to right, 1 downwards, 2 right to left (upside down), 3
/// upwards. Each direction's lines are ordered in their own frame, as if that
/// part of the page were turned upright; they are cut into blocks where a line of
/// another direction lies between two of their rows; the blocks follow each other
/// by where they start on the (levelled) page. With one direction this is
/// [`levelled_order`].
pub fn order_by_direction(quads: &[Quad], reads_along: &[usize], skew: f32) -> Vec<usize> {
    let direction = |i: usize| reads_along.get(i).copied().unwrap_or(0) % 4;
    let mut present = [false; 4];
    for i in 0..quads.len() {
        present[direction(i)] = true;
    }
    if !present[1..].contains(&true) {
        return levelled_order(quads, skew);
    }
    let levelled = levelled(quads, skew);
    let mut blocks: Vec<Vec<usize>> = Vec::new();
    for quarter in (0..4).filter(|&q| present[q]) {
        // The page as this direction's lines see it: turned so that they read left to right.
        let upright: Vec<Quad> = levelled.iter().map(|q| q.map(|p| turn_upright(p, quarter))).collect();
        let members: Vec<usize> = (0..quads.len()).filter(|&i| direction(i) == quarter).collect();
        let member_quads: Vec<Quad> = members.iter().map(|&i| upright[i]).collect();
        let order: Vec<usize> = reading_order(&member_quads).into_iter().map(|k| members[k]).collect();
        let (span_x0, span_x1) = members.iter().fold((f32::MAX, f32::MIN), |(a, b), &i| {
            let (x0, _, x1, _) = bounds(&upright[i]);
            (a.min(x0), b.max(x1))
        });
        let centre_y = |i: usize| {
            let (_, y0, _, y1) = bounds(&upright[i]);
            (y0 + y1) / 2.0
        };
        // The heights of the other directions' lines within this group's width.
        let foreign: Vec<f32> = (0..quads.len())
            .filter(|&f| direction(f) != quarter)
            .filter(|&f| {
                let (x0, _, x1, _) = bounds(&upright[f]);
                x1 > span_x0 && x0 < span_x1
            })
            .map(centre_y)
            .collect();
        // A line of another direction between two rows.
        let between = |above: f32, below: f32| foreign.iter().any(|&y| y > above && y < below);
        let mut block = Vec::new();
        for (k, &i) in order.iter().enumerate() {
            if k > 0 {
                let previous = order[k - 1];
                let (above, below) = (centre_y(previous), centre_y(i));
                if below > above && between(above, below) {
                    blocks.push(std::mem::take(&mut block));
                }
            }
            block.push(i);
        }
        if !block.is_empty() {
            blocks.push(block);
        }
    }
    // Blocks in the order they start on the levelled page: top first, then left.
    let start = |block: &Vec<usize>| {
        block.iter().fold((f32::MAX, f32::MAX), |(top, left), &i| {
            let (x0, y0, _, _) = bounds(&levelled[i]);
            (top.min(y0), left.min(x0))
        })
    };
    let mut starts: Vec<((f32, f32), Vec<usize>)> = blocks.into_iter().map(|b| (start(&b), b)).collect();
    starts.sort_by(|a, b| a.0.0.total_cmp(&b.0.0).then(a.0.1.total_cmp(&b.0.1)));
    starts.into_iter().flat_map(|(_, b)| b).collect()
}

/// A point as seen with the page turned so that text reading along `quarter`
/// (clockwise quarter turns from left-to-right) reads left to right.
fn turn_upright(p: Point, quarter: usize) -> Point {
    match quarter % 4 {
        0 => p,
        1 => Point::new(p.y, -p.x),
        2 => Point::new(-p.x, -p.y),
        _ => Point::new(-p.y, p.x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned as rect;

    #[test]
    fn rows_top_to_bottom_then_left_to_right() {
        let quads = vec![
            rect(300.0, 52.0, 400.0, 70.0), // row 2, right, slightly lower
            rect(10.0, 10.0, 100.0, 30.0),  // row 1, left
            rect(10.0, 50.0, 100.0, 68.0),  // row 2, left
            rect(200.0, 12.0, 300.0, 31.0), // row 1, right
        ];
        assert_eq!(reading_order(&quads), vec![1, 3, 2, 0]);
    }

    #[test]
    fn tall_neighbour_does_not_swallow_the_next_row() {
        let quads = vec![rect(0.0, 0.0, 50.0, 20.0), rect(60.0, 22.0, 120.0, 42.0)];
        assert_eq!(reading_order(&quads), vec![0, 1]);
    }

    /// A line's box as the detector gives it: corners from where the text starts,
    /// so an upside-down line's first corner is its bottom right.
    fn upside_down(x0: f32, y0: f32, x1: f32, y1: f32) -> Quad {
        let q = rect(x0, y0, x1, y1);
        [q[2], q[3], q[0], q[1]]
    }

    #[test]
    fn one_direction_is_the_levelled_order() {
        let quads = vec![rect(0.0, 50.0, 90.0, 70.0), rect(0.0, 0.0, 90.0, 20.0)];
        assert_eq!(order_by_direction(&quads, &[0, 0], 0.0), levelled_order(&quads, 0.0));
    }

    #[test]
    fn an_upside_down_part_below_is_read_after_and_in_its_own_order() {
        // Upright receipt on top (lines 0, 1); below it one turned head to foot,
        // whose first line (2) is the lowest on the page and whose columns run
        // right to left.
        let quads = vec![
            rect(10.0, 10.0, 200.0, 30.0),
            rect(10.0, 40.0, 200.0, 60.0),
            upside_down(10.0, 200.0, 200.0, 220.0),
            upside_down(10.0, 160.0, 200.0, 180.0),
            upside_down(150.0, 120.0, 200.0, 140.0), // a row's first word, on the right
            upside_down(10.0, 120.0, 100.0, 140.0),
        ];
        assert_eq!(
            order_by_direction(&quads, &[0, 0, 2, 2, 2, 2], 0.0),
            vec![0, 1, 2, 3, 4, 5]
        );
    }

    #[test]
    fn a_part_in_another_direction_splits_the_rows_around_it() {
        // Upright, upside down, upright again: three blocks in page order.
        let quads = vec![
            rect(10.0, 10.0, 200.0, 30.0),
            upside_down(10.0, 60.0, 200.0, 80.0),
            rect(10.0, 110.0, 200.0, 130.0),
        ];
        assert_eq!(order_by_direction(&quads, &[0, 2, 0], 0.0), vec![0, 1, 2]);
    }

    #[test]
    fn a_sideways_column_reads_top_to_bottom_beside_the_text() {
        // A stamp reading downwards in the right margin (lines 2, 3: the second to
        // its left), beside two upright lines.
        let quads = vec![
            rect(10.0, 10.0, 200.0, 30.0),
            rect(10.0, 40.0, 200.0, 60.0),
            [
                Point::new(300.0, 0.0),
                Point::new(300.0, 100.0),
                Point::new(280.0, 100.0),
                Point::new(280.0, 0.0),
            ],
            [
                Point::new(270.0, 0.0),
                Point::new(270.0, 100.0),
                Point::new(250.0, 100.0),
                Point::new(250.0, 0.0),
            ],
        ];
        // The stamp starts higher, so it comes first; its lines in their own order.
        assert_eq!(order_by_direction(&quads, &[0, 0, 1, 1], 0.0), vec![2, 3, 0, 1]);
    }
}
