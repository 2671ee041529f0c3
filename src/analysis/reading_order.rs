//! Reading order: top to bottom, left to right.
//!
//! Lines are grouped into rows by vertical overlap (scale-aware, unlike a fixed
//! pixel threshold), rows are read top to bottom, lines in a row left to right.

use crate::ocr::geometry::{Point, Quad, bounds};

/// Vertical extent and left edge of a box.
fn extent(q: &Quad) -> (f32, f32, f32) {
    let (x0, y0, _, y1) = bounds(q);
    (y0, y1, x0)
}

/// Indices of `quads` in reading order.
///
/// ```
/// use ocrdesk::analysis::reading_order::reading_order;
/// use ocrdesk::ocr::geometry::axis_aligned as rect;
/// // "Total" and "12.50" share a row (one is a little lower); "Thanks" is below.
/// let quads = [rect(0.0, 40.0, 60.0, 60.0), rect(200.0, 3.0, 260.0, 23.0), rect(0.0, 0.0, 60.0, 20.0)];
/// assert_eq!(reading_order(&quads), vec![2, 1, 0]);
/// ```
pub fn reading_order(quads: &[Quad]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..quads.len()).collect();
    let centre = |i: usize| {
        let (y0, y1, _) = extent(&quads[i]);
        (y0 + y1) / 2.0
    };
    order.sort_by(|&a, &b| centre(a).total_cmp(&centre(b)));
    // Rows: a line joins the current row when its centre lies inside the row's
    // band, the union of the middle halves of the row's lines.
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut band: (f32, f32) = (f32::MIN, f32::MIN);
    for i in order {
        let (y0, y1, _) = extent(&quads[i]);
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
            row.sort_by(|&a, &b| extent(&quads[a]).2.total_cmp(&extent(&quads[b]).2));
            row
        })
        .collect()
}

/// Indices of `quads` in reading order on a page tilted `skew` degrees clockwise.
pub fn levelled_order(quads: &[Quad], skew: f32) -> Vec<usize> {
    let (sin, cos) = (-skew).to_radians().sin_cos();
    let level = |q: &Quad| q.map(|p| Point::new(p.x * cos - p.y * sin, p.x * sin + p.y * cos));
    let levelled: Vec<Quad> = quads.iter().map(level).collect();
    reading_order(&levelled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::geometry::axis_aligned as rect;

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
}
