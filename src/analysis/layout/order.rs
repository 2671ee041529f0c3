//! The order a person reads a page's blocks in: a recursive XY-cut that parts
//! columns first. Where an upright gutter runs through every block of a part, the
//! part is read column by column, left to right; else it is cut across where a
//! horizontal gap runs through it, top to bottom (a title spanning two columns
//! comes before them, a figure across the page between what is above and below).
//! Blocks no cut parts are read together, their lines row by row.

/// A block's box: left, top, right, bottom.
pub use crate::geometry::Bounds;

/// A column is at least this many times wider than the gutter beside it: typeset
/// columns run 7–40 times their gutter, a book spread's pages 2.5 times the gap
/// between them, while a form's labels and values stand apart by gaps as wide as
/// themselves (as `geometry::columns` tells columns from a form).
const COLUMN_TO_GUTTER: f32 = 2.0;

/// `boxes` in reading order, as groups: one block each, or blocks no cut parts (a
/// form's labels beside their values, a caption over a figure), whose lines are
/// read together row by row. Where most blocks of a part are set in vertical
/// lines (`vertical`: Chinese or Japanese columns), its columns are read from the right.
pub fn xy_cut(boxes: &[Bounds], vertical: &[bool]) -> Vec<Vec<usize>> {
    let mut order = Vec::with_capacity(boxes.len());
    cut(boxes, vertical, (0..boxes.len()).collect(), &mut order);
    order
}

fn cut(boxes: &[Bounds], vertical: &[bool], members: Vec<usize>, order: &mut Vec<Vec<usize>>) {
    if members.len() <= 1 {
        if !members.is_empty() {
            order.push(members);
        }
        return;
    }
    // Columns first: a gutter no block crosses parts what is read one after the other.
    let right_to_left = 2 * members
        .iter()
        .filter(|&&i| vertical.get(i).copied().unwrap_or(false))
        .count()
        > members.len();
    for axis in [0, 1] {
        let mut parts = split(boxes, &members, axis);
        if axis == 0 {
            parts = join_narrow(boxes, parts);
        }
        if parts.len() > 1 {
            if axis == 0 && right_to_left {
                parts.reverse();
            }
            for part in parts {
                cut(boxes, vertical, part, order);
            }
            return;
        }
    }
    order.push(members);
}

/// Neighbouring parts of a vertical cut joined again where the gap between them is
/// too wide for a gutter beside either ([`COLUMN_TO_GUTTER`]).
fn join_narrow(boxes: &[Bounds], parts: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let extent = |part: &[usize]| {
        part.iter().fold((f32::MAX, f32::MIN), |(a, b), &i| {
            (a.min(boxes[i][0]), b.max(boxes[i][2]))
        })
    };
    let mut joined: Vec<Vec<usize>> = Vec::new();
    for part in parts {
        if let Some(last) = joined.last_mut() {
            let (l0, l1) = extent(last);
            let (p0, p1) = extent(&part);
            let gap = p0 - l1;
            if (l1 - l0).min(p1 - p0) < COLUMN_TO_GUTTER * gap {
                last.extend(part);
                continue;
            }
        }
        joined.push(part);
    }
    joined
}

/// `members` parted at every gap along `axis` (0: across x, columns; 1: across y,
/// bands), in order along it.
fn split(boxes: &[Bounds], members: &[usize], axis: usize) -> Vec<Vec<usize>> {
    let mut sorted = members.to_vec();
    sorted.sort_by(|&a, &b| boxes[a][axis].total_cmp(&boxes[b][axis]));
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut reach = f32::MIN;
    for i in sorted {
        let (start, end) = (boxes[i][axis], boxes[i][axis + 2]);
        match parts.last_mut() {
            Some(part) if start < reach => part.push(i),
            _ => parts.push(vec![i]),
        }
        reach = reach.max(end);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(groups: Vec<Vec<usize>>) -> Vec<usize> {
        assert!(groups.iter().all(|g| g.len() == 1), "{groups:?}");
        groups.into_iter().flatten().collect()
    }

    #[test]
    fn a_title_over_two_columns_then_each_column_to_its_end() {
        let boxes = [
            [600.0, 300.0, 1000.0, 500.0], // right column, first paragraph
            [100.0, 100.0, 1000.0, 150.0], // title across both
            [100.0, 200.0, 500.0, 700.0],  // left column
            [600.0, 520.0, 1000.0, 700.0], // right column, second paragraph
            [100.0, 800.0, 1000.0, 850.0], // footnote across both
        ];
        assert_eq!(flat(xy_cut(&boxes, &[])), [1, 2, 0, 3, 4]);
    }

    #[test]
    fn paragraph_gaps_that_line_up_across_columns_do_not_cut_the_columns() {
        let boxes = [
            [100.0, 100.0, 500.0, 300.0],
            [600.0, 100.0, 1000.0, 300.0],
            [100.0, 320.0, 500.0, 600.0],
            [600.0, 320.0, 1000.0, 600.0],
        ];
        assert_eq!(flat(xy_cut(&boxes, &[])), [0, 2, 1, 3]);
    }

    #[test]
    fn a_figure_across_the_page_parts_the_columns_above_from_those_below() {
        let boxes = [
            [100.0, 100.0, 500.0, 300.0],
            [600.0, 100.0, 1000.0, 300.0],
            [100.0, 350.0, 1000.0, 600.0],
            [100.0, 650.0, 500.0, 900.0],
            [600.0, 650.0, 1000.0, 900.0],
        ];
        assert_eq!(flat(xy_cut(&boxes, &[])), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn columns_of_vertical_text_are_read_from_the_right() {
        let boxes = [
            [100.0, 0.0, 300.0, 500.0],
            [340.0, 0.0, 540.0, 500.0],
            [580.0, 0.0, 780.0, 400.0],
        ];
        assert_eq!(flat(xy_cut(&boxes, &[true; 3])), [2, 1, 0]);
        assert_eq!(flat(xy_cut(&boxes, &[false; 3])), [0, 1, 2]);
    }

    #[test]
    fn overlapping_blocks_are_read_together() {
        let boxes = [[0.0, 50.0, 100.0, 100.0], [50.0, 0.0, 150.0, 80.0]];
        assert_eq!(xy_cut(&boxes, &[]), [vec![0, 1]]);
    }

    #[test]
    fn labels_and_values_far_apart_are_not_columns() {
        // "VAT" and "Total" over one another, their amounts far to the right.
        let boxes = [
            [100.0, 0.0, 200.0, 60.0],
            [600.0, 0.0, 680.0, 60.0],
            [100.0, 100.0, 900.0, 130.0],
        ];
        assert_eq!(xy_cut(&boxes, &[]), [vec![0, 1], vec![2]]);
    }
}
