//! Filling a grid with text: each line goes to the cell under it, a line across
//! a column edge split at its spaces (or spanning, when the edge cuts a word),
//! and each cell's pieces joined in reading order.

use super::{GridSpec, Item, slot};
use crate::result::{Table, TableCell};
use crate::text::is_cjk;

/// A line's ends are padded: an edge this many text heights inside either end
/// does not put the line in the next column.
const END_PADDING_HEIGHTS: f32 = 0.3;
/// Character positions are estimates: an edge this many character widths inside
/// a word still counts as falling on the space next to it.
const WORD_EDGE_TOLERANCE_CHARS: f32 = 1.5;
/// Pieces of a cell whose centres lie this many text heights apart are on
/// different lines of the cell (the next row of a wrapped cell).
const SAME_ROW_HEIGHTS: f32 = 0.5;

/// How a line's text lies across column edges.
pub(super) enum Placement {
    /// Within one column, or split between columns at spaces that fall on the
    /// edges: each word with its estimated centre.
    Words(Vec<(String, f32)>),
    /// One piece of text across the columns in this range (a spanning heading).
    Spans(usize, usize),
}

/// Places a line's text in the columns. Character positions are estimated by
/// spreading the characters evenly over the line's width; a column edge inside
/// the line that falls on a space splits it, one that falls inside a word makes
/// the line span those columns.
pub(super) fn place(item: &Item, column_edges: &[f32], text_height: f32) -> Placement {
    let n = column_edges.len() - 1;
    let first = slot(column_edges, item.x0 + text_height * END_PADDING_HEIGHTS);
    let last = slot(column_edges, item.x1 - text_height * END_PADDING_HEIGHTS).max(first);
    if first == last || n == 1 {
        return Placement::Words(vec![(item.text.clone(), item.cx())]);
    }
    let chars: Vec<char> = item.text.chars().collect();
    let per_char = (item.x1 - item.x0) / chars.len().max(1) as f32;
    let tolerance = per_char * WORD_EDGE_TOLERANCE_CHARS;
    let words = words_with_extents(item, &chars, per_char);
    let edges_inside = &column_edges[first + 1..=last];
    let cuts_a_word = edges_inside
        .iter()
        .any(|&e| words.iter().any(|(_, a, b)| e > a + tolerance && e < b - tolerance));
    if cuts_a_word || words.len() < 2 {
        return Placement::Spans(first, last);
    }
    Placement::Words(words.into_iter().map(|(w, a, b)| (w, (a + b) / 2.0)).collect())
}

/// The words of a line's text (`chars`, each `per_char` wide) with their x ranges.
fn words_with_extents(item: &Item, chars: &[char], per_char: f32) -> Vec<(String, f32, f32)> {
    let mut words: Vec<(String, f32, f32)> = Vec::new();
    let mut start = None;
    for (i, ch) in chars.iter().chain(std::iter::once(&' ')).enumerate() {
        match (ch.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let word: String = chars[s..i].iter().collect();
                words.push((word, item.x0 + s as f32 * per_char, item.x0 + i as f32 * per_char));
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// Fills a grid with the text of the lines inside it.
pub(super) fn fill(grid: &GridSpec, members: &[&Item], text_height: f32) -> Table {
    let (rows, columns) = (grid.rows(), grid.columns());
    let (owner, mut cells) = cells(grid);
    let pieces = pieces(grid, &owner, members, text_height);
    for piece in in_reading_order(pieces, text_height) {
        let c = &mut cells[piece.cell];
        join_text(&mut c.text, &piece.text);
        if c.line_ids.last() != Some(&piece.line) && !c.line_ids.contains(&piece.line) {
            c.line_ids.push(piece.line);
        }
    }
    let last_row = grid.row_edges.len() - 1;
    let last_column = grid.column_edges.len() - 1;
    Table {
        kind: grid.kind,
        bbox: [
            grid.column_edges[0],
            grid.row_edges[0],
            grid.column_edges[last_column],
            grid.row_edges[last_row],
        ],
        rows,
        columns,
        row_edges: grid.row_edges.clone(),
        column_edges: grid.column_edges.clone(),
        header_rows: grid.header_rows.min(rows),
        cells,
        turned: 0.0,
    }
}

/// The grid's empty cells, row by row (a merged cell where it starts), and which
/// of them owns each slot, by row and column.
fn cells(grid: &GridSpec) -> (Vec<Vec<usize>>, Vec<TableCell>) {
    let (rows, columns) = (grid.rows(), grid.columns());
    let mut owner = vec![vec![usize::MAX; columns]; rows];
    let mut cells: Vec<TableCell> = Vec::new();
    let mut spans: Vec<(usize, usize, usize, usize)> = grid.merged.clone();
    spans.sort();
    for row in 0..rows {
        for column in 0..columns {
            if owner[row][column] != usize::MAX {
                continue;
            }
            let (row_span, column_span) = spans
                .iter()
                .find(|s| s.0 == row && s.1 == column)
                .map(|s| (s.2, s.3))
                .unwrap_or((1, 1));
            let id = cells.len();
            for owners in owner.iter_mut().skip(row).take(row_span) {
                for slot in owners.iter_mut().skip(column).take(column_span) {
                    *slot = id;
                }
            }
            cells.push(TableCell {
                row,
                column,
                row_span,
                column_span,
                ..TableCell::default()
            });
        }
    }
    (owner, cells)
}

/// The members' text cut into pieces, each in the cell (of `owner`) it falls in.
fn pieces(grid: &GridSpec, owner: &[Vec<usize>], members: &[&Item], text_height: f32) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    for item in members {
        let row = slot(&grid.row_edges, item.cy());
        match place(item, &grid.column_edges, text_height) {
            Placement::Words(words) => {
                for (word, x) in words {
                    let cell = owner[row][slot(&grid.column_edges, x)];
                    pieces.push(Piece {
                        cell,
                        y: item.cy(),
                        x,
                        text: word,
                        line: item.id,
                    });
                }
            }
            Placement::Spans(..) => {
                let cell = owner[row][slot(&grid.column_edges, item.cx())];
                pieces.push(Piece {
                    cell,
                    y: item.cy(),
                    x: item.x0,
                    text: item.text.clone(),
                    line: item.id,
                });
            }
        }
    }
    pieces
}

/// A piece of a cell's text: a line, or a word of a line split across columns.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Piece {
    /// Index of the cell it falls in.
    pub cell: usize,
    /// Its centre's height and its left edge, page pixels.
    pub y: f32,
    pub x: f32,
    pub text: String,
    /// Id of the line it comes from.
    pub line: usize,
}

/// A cell's pieces of text in reading order: top to bottom by rows, left to right
/// within a row. Pieces whose centres lie within half a text height of the
/// previous piece share its row. ("Within half a height" is not transitive, so
/// rows are formed first, walking down each cell, and then sorted: a comparator
/// saying "equal" for nearby rows is no total order and makes `sort_by` panic.)
pub(super) fn in_reading_order(mut pieces: Vec<Piece>, text_height: f32) -> impl Iterator<Item = Piece> {
    pieces.sort_by(|a, b| a.cell.cmp(&b.cell).then(a.y.total_cmp(&b.y)));
    let mut rows = Vec::with_capacity(pieces.len());
    let mut row = 0usize;
    for (k, piece) in pieces.iter().enumerate() {
        if k > 0 {
            let previous = &pieces[k - 1];
            if previous.cell != piece.cell || piece.y - previous.y >= text_height * SAME_ROW_HEIGHTS {
                row += 1;
            }
        }
        rows.push(row);
    }
    let mut keyed: Vec<(usize, Piece)> = rows.into_iter().zip(pieces).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.x.total_cmp(&b.1.x)));
    keyed.into_iter().map(|(_, piece)| piece)
}

/// Appends a piece of a cell's text: with a space between words, with nothing
/// between Chinese or Japanese characters.
fn join_text(text: &mut String, piece: &str) {
    if let (Some(a), Some(b)) = (text.chars().last(), piece.chars().next())
        && !is_cjk(a)
        && !is_cjk(b)
    {
        text.push(' ');
    }
    text.push_str(piece);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(cell: usize, y: f32, x: f32, line: usize) -> Piece {
        Piece {
            cell,
            y,
            x,
            text: format!("w{line}"),
            line,
        }
    }

    #[test]
    fn pieces_on_staggered_heights_are_ordered_as_one_row_per_cell() {
        // Each piece sits a sixth of a text height below the last of its cell: every
        // neighbour is "the same row", the first and the last are not.
        let pieces: Vec<_> = (0..40)
            .map(|k| piece(k % 2, k as f32 * 2.0, (40 - k) as f32, k))
            .collect();
        let ordered: Vec<_> = in_reading_order(pieces, 12.0).map(|p| p.line).collect();
        assert_eq!(ordered.len(), 40);
        let (first_cell, second_cell) = ordered.split_at(20);
        assert!(first_cell.iter().all(|id| id % 2 == 0), "cell 0 first");
        assert!(second_cell.iter().all(|id| id % 2 == 1));
        // One chained row per cell: left to right.
        assert_eq!(first_cell[0], 38);
        assert_eq!(first_cell[19], 0);
    }

    #[test]
    fn pieces_rows_apart_read_top_to_bottom_then_left_to_right() {
        let pieces = vec![piece(0, 30.0, 0.0, 2), piece(0, 10.0, 50.0, 1), piece(0, 12.0, 0.0, 0)];
        let lines: Vec<_> = in_reading_order(pieces, 12.0).map(|p| p.line).collect();
        assert_eq!(lines, [0, 1, 2]);
    }

    #[test]
    fn a_line_across_a_column_edge_splits_at_the_space_on_it_or_spans() {
        let edges = [0.0, 100.0, 200.0, 300.0];
        let item = |text: &str, x0, x1| Item {
            id: 0,
            x0,
            y0: 0.0,
            x1,
            y1: 10.0,
            text: text.to_owned(),
        };
        // "45 35": the edge at 100 falls on the space.
        match place(&item("45 35", 80.0, 130.0), &edges, 10.0) {
            Placement::Words(w) => assert_eq!(w.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["45", "35"]),
            Placement::Spans(..) => panic!("should split"),
        }
        // A heading centred over three columns: an edge cuts a word.
        assert!(matches!(
            place(&item("General Practitioners", 40.0, 250.0), &edges, 10.0),
            Placement::Spans(0, 2)
        ));
        // Within one column.
        assert!(matches!(place(&item("7.1", 10.0, 40.0), &edges, 10.0), Placement::Words(w) if w.len() == 1));
    }

    #[test]
    fn cell_text_joins_words_with_spaces_and_chinese_without() {
        let mut t = String::new();
        join_text(&mut t, "most effective");
        join_text(&mut t, "way");
        assert_eq!(t, "most effective way");
        let mut t = String::from("丘陵");
        join_text(&mut t, "沟壑区");
        assert_eq!(t, "丘陵沟壑区");
    }
}
