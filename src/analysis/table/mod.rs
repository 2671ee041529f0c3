//! Tables: ruled ones from the lines drawn on the page, borderless ones from the
//! alignment of the text. Both come down to a [`GridSpec`] (row and column edges
//! and the merged cells), which [`fill`] (`fill.rs`) then fills with the page's
//! lines.

mod borderless;
mod fill;
mod ruled;
mod rules;
mod structure;

use image::{GrayImage, RgbImage};

pub use rules::{Rule, find_rules};
pub use structure::{adopt_structures, same_table};

use crate::geometry::{bounds, median};
use crate::result::{Line, Table, TableKind};
use fill::fill;

/// The text height taken on a page without text lines.
const DEFAULT_TEXT_HEIGHT: f32 = 16.0;
/// The text height is taken as at least this many pixels, so that the distances
/// scaled by it never vanish.
const MIN_TEXT_HEIGHT: f32 = 4.0;
/// This share of a line box's height, at its top and at its bottom, is padding
/// around the text: a rule there does not run through the text.
const TEXT_BOX_PADDING: f32 = 0.2;
/// A rule that runs through the middle of text lines for more than this share of
/// its length is the text itself.
const TEXT_STROKE_SHARE: f32 = 0.6;
/// A table has this many columns at least: one column is a list, or a box.
const MIN_COLUMNS: usize = 2;
/// A length that another is divided by counts as this many pixels at least, so
/// that shares and ratios stay finite.
const MIN_DIVISOR_PX: f32 = 1.0;

/// A line's axis-aligned box: what the grid work is done on.
#[derive(Clone, Debug)]
struct Item {
    /// Index into the page's lines.
    id: usize,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    text: String,
}

impl Item {
    fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

/// A table's geometry before its text is filled in.
#[derive(Clone, Debug)]
struct GridSpec {
    kind: TableKind,
    row_edges: Vec<f32>,
    column_edges: Vec<f32>,
    /// Merged cells as (row, column, row span, column span); every other slot is a
    /// cell of its own.
    merged: Vec<(usize, usize, usize, usize)>,
    header_rows: usize,
}

impl GridSpec {
    fn rows(&self) -> usize {
        self.row_edges.len() - 1
    }
    fn columns(&self) -> usize {
        self.column_edges.len() - 1
    }
    fn contains(&self, x: f32, y: f32) -> bool {
        let (x0, x1) = (self.column_edges[0], self.column_edges[self.columns()]);
        let (y0, y1) = (self.row_edges[0], self.row_edges[self.rows()]);
        (x0..=x1).contains(&x) && (y0..=y1).contains(&y)
    }
}

/// The slot (row or column) that `v` falls in, given the edges.
fn slot(edges: &[f32], v: f32) -> usize {
    let n = edges.len() - 1;
    edges[1..n].iter().take_while(|&&e| e <= v).count()
}

/// Finds the tables on a page that lies turned or skewed: the lines are turned
/// `degrees` clockwise to lay the text level (`level_image` is the page image
/// turned so, if any), the tables are found there, and each says how far it was turned
/// (`Table::turned`).
pub fn find_tables_turned(
    lines: &[Line],
    level_image: Option<&RgbImage>,
    width: u32,
    height: u32,
    degrees: f32,
) -> Vec<Table> {
    let (_, _, back) = crate::geometry::turn_map(width, height, degrees);
    let forward = back.inverse();
    let level: Vec<Line> = lines
        .iter()
        .map(|l| {
            let mut line = l.clone();
            line.quad = forward.apply_quad(&l.quad);
            line
        })
        .collect();
    let gray = level_image.map(image::imageops::grayscale);
    let mut tables = find_tables(&level, gray.as_ref());
    for t in &mut tables {
        t.turned = degrees;
    }
    tables
}

/// Finds the tables among a page's lines. With the page `image`, ruled tables are
/// found from their rules; without it (a PDF text layer), only from alignment.
pub fn find_tables(lines: &[Line], image: Option<&GrayImage>) -> Vec<Table> {
    let items = items(lines);
    let text_height = median(items.iter().map(Item::height))
        .unwrap_or(DEFAULT_TEXT_HEIGHT)
        .max(MIN_TEXT_HEIGHT);
    let mut rules = image.map(|img| find_rules(img, text_height)).unwrap_or_default();
    rules.retain(|r| !is_text_stroke(r, &items));

    let mut tables = Vec::new();
    let mut taken = vec![false; items.len()];
    let mut free_rules: Vec<Rule> = rules.clone();
    for (grid, used_rules) in ruled::grids(&rules, text_height) {
        let inside: Vec<usize> = (0..items.len())
            .filter(|&i| !taken[i] && grid.contains(items[i].cx(), items[i].cy()))
            .collect();
        if inside.is_empty() {
            continue;
        }
        for &i in &inside {
            taken[i] = true;
        }
        free_rules.retain(|r| !used_rules.contains(r));
        let members: Vec<&Item> = inside.iter().map(|&i| &items[i]).collect();
        tables.push(fill(&grid, &members, text_height));
    }
    let rest: Vec<Item> = items
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|(i, _)| i.clone())
        .collect();
    let horizontal: Vec<Rule> = free_rules.into_iter().filter(|r| r.horizontal).collect();
    for (grid, members) in borderless::grids(&rest, &horizontal, text_height) {
        let members: Vec<&Item> = members.iter().map(|&i| &rest[i]).collect();
        tables.push(fill(&grid, &members, text_height));
    }
    tables.sort_by(|a, b| a.bbox[1].total_cmp(&b.bbox[1]));
    tables
}

/// The boxes of the lines that have text, each with its line's index.
fn items(lines: &[Line]) -> Vec<Item> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.text.trim().is_empty())
        .map(|(id, l)| {
            let (x0, y0, x1, y1) = bounds(&l.quad);
            Item {
                id,
                x0,
                y0,
                x1,
                y1,
                text: l.text.trim().to_owned(),
            }
        })
        .collect()
}

/// A "rule" that runs mostly through the middle of text lines is the text itself
/// (small print is a row of thin strokes) or strokes of its letters.
fn is_text_stroke(rule: &Rule, items: &[Item]) -> bool {
    let inside: f32 = items
        .iter()
        .map(|it| {
            let margin = TEXT_BOX_PADDING * it.height();
            let (across0, across1, along0, along1) = if rule.horizontal {
                (it.y0 + margin, it.y1 - margin, it.x0, it.x1)
            } else {
                (it.x0 + margin, it.x1 - margin, it.y0, it.y1)
            };
            if rule.position > across0 && rule.position < across1 {
                (rule.end.min(along1) - rule.start.max(along0)).max(0.0)
            } else {
                0.0
            }
        })
        .sum();
    inside > TEXT_STROKE_SHARE * rule.length()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned;

    pub(super) fn line(text: &str, x0: f32, y0: f32, x1: f32, y1: f32) -> Line {
        Line::read(text.to_owned(), axis_aligned(x0, y0, x1, y1), 0.95, 0.9)
    }

    fn blank(w: u32, h: u32) -> GrayImage {
        GrayImage::from_pixel(w, h, image::Luma([255]))
    }

    fn hline(img: &mut GrayImage, y: u32, x0: u32, x1: u32) {
        for x in x0..=x1 {
            img.put_pixel(x, y, image::Luma([0]));
        }
    }

    fn vline(img: &mut GrayImage, x: u32, y0: u32, y1: u32) {
        for y in y0..=y1 {
            img.put_pixel(x, y, image::Luma([0]));
        }
    }

    /// A results table as a journal prints it: a heading over two columns with a
    /// short rule under it, a full rule under the header, a label that wraps onto
    /// a second line, a paragraph above and a note below that are not the table.
    #[test]
    fn a_borderless_table_with_a_spanning_heading_and_a_wrapped_label() {
        let lines = vec![
            line(
                "Table 2. Outcomes by treatment group in the trial",
                0.0,
                0.0,
                420.0,
                16.0,
            ),
            line("Drug", 200.0, 40.0, 240.0, 56.0),
            line("Outcome", 0.0, 60.0, 70.0, 76.0),
            line("n", 180.0, 60.0, 190.0, 76.0),
            line("%", 260.0, 60.0, 272.0, 76.0),
            line("p", 380.0, 60.0, 390.0, 76.0),
            line("Recovered within", 0.0, 90.0, 140.0, 106.0),
            line("12", 180.0, 90.0, 196.0, 106.0),
            line("40.0", 260.0, 90.0, 292.0, 106.0),
            line("0.01", 380.0, 90.0, 412.0, 106.0),
            line("two weeks", 0.0, 108.0, 80.0, 124.0),
            line("Relapsed", 0.0, 132.0, 72.0, 148.0),
            line("3", 180.0, 132.0, 190.0, 148.0),
            line("10.0", 260.0, 132.0, 292.0, 148.0),
            line("0.20", 380.0, 132.0, 412.0, 148.0),
            line("Died", 0.0, 156.0, 40.0, 172.0),
            line("1", 180.0, 156.0, 190.0, 172.0),
            line("3.3", 260.0, 156.0, 284.0, 172.0),
            line("0.90", 380.0, 156.0, 412.0, 172.0),
            line(
                "Values are counts and shares of the 30 patients given the drug, by outcome.",
                0.0,
                260.0,
                600.0,
                276.0,
            ),
        ];
        let mut page = blank(640, 300);
        hline(&mut page, 58, 175, 300); // under "Drug": it spans n and %
        hline(&mut page, 82, 0, 420); // under the header
        let tables = find_tables(&lines, Some(&page));
        assert_eq!(tables.len(), 1, "{tables:#?}");
        let t = &tables[0];
        assert_eq!(t.kind, TableKind::Borderless);
        assert_eq!((t.rows, t.columns, t.header_rows), (5, 4, 2));
        let text = |r, c| t.cell_at(r, c).map(|c| c.text.as_str());
        let drug = t.cell_at(0, 1).expect("heading");
        assert_eq!((drug.text.as_str(), drug.column_span), ("Drug", 2));
        assert_eq!(text(1, 0), Some("Outcome"));
        assert_eq!(text(2, 0), Some("Recovered within two weeks"));
        assert_eq!(t.cell_at(2, 0).map(|c| c.line_ids.clone()), Some(vec![6, 10]));
        assert_eq!(text(2, 3), Some("0.01"));
        assert_eq!(text(4, 0), Some("Died"));
        assert_eq!(text(4, 2), Some("3.3"));
        assert_eq!(text(0, 0), Some(""), "the empty corner is a cell");
        let html = t.to_html();
        assert!(
            html.starts_with("<table><thead><tr><th></th><th colspan=\"2\">Drug</th><th></th></tr>"),
            "{html}"
        );
    }

    #[test]
    fn a_ruled_grid_with_a_merged_heading_cell() {
        // Three columns, three rows; the top row's last two slots are one cell.
        let mut page = blank(320, 140);
        for y in [10, 50, 90, 130] {
            hline(&mut page, y, 10, 310);
        }
        for x in [10, 110, 310] {
            vline(&mut page, x, 10, 130);
        }
        vline(&mut page, 210, 50, 130);
        let lines = vec![
            line("Item", 20.0, 22.0, 60.0, 38.0),
            line("Price", 180.0, 22.0, 230.0, 38.0),
            line("Tea", 20.0, 62.0, 50.0, 78.0),
            line("2.50", 120.0, 62.0, 160.0, 78.0),
            line("EUR", 220.0, 62.0, 250.0, 78.0),
            line("Cake", 20.0, 102.0, 60.0, 118.0),
            line("4.00", 120.0, 102.0, 160.0, 118.0),
            line("EUR", 220.0, 102.0, 250.0, 118.0),
        ];
        let tables = find_tables(&lines, Some(&page));
        assert_eq!(tables.len(), 1, "{tables:#?}");
        let t = &tables[0];
        assert_eq!((t.kind, t.rows, t.columns), (TableKind::Ruled, 3, 3));
        let price = t.cell_at(0, 2).expect("merged");
        assert_eq!(
            (price.row, price.column, price.column_span, price.text.as_str()),
            (0, 1, 2, "Price")
        );
        assert_eq!(t.to_grid()[2], ["Cake", "4.00", "EUR"]);
        assert_eq!(t.to_grid()[0], ["Item", "Price", ""]);
        // Without the image there are no rules, and alignment alone finds it.
        let aligned = find_tables(&lines, None);
        assert_eq!(aligned.len(), 1);
        assert_eq!(aligned[0].kind, TableKind::Borderless);
    }

    #[test]
    fn running_text_in_two_columns_is_not_a_table() {
        let mut lines = Vec::new();
        for i in 0..8 {
            let y = i as f32 * 20.0;
            lines.push(line(
                "The committee met on Tuesday to discuss the",
                0.0,
                y,
                300.0,
                y + 16.0,
            ));
            lines.push(line(
                "budget for next year, which was agreed after",
                330.0,
                y,
                630.0,
                y + 16.0,
            ));
        }
        assert!(find_tables(&lines, None).is_empty());
    }

    #[test]
    fn a_table_on_a_page_lying_sideways_is_found_level_and_drawn_where_it_is() {
        // A 300×200 page with a 3×3 borderless table, turned a quarter clockwise
        // (as a scan fed sideways): the page is then 200×300 and reads upright
        // after a 270° clockwise turn.
        let level = [
            ("Item", 10.0, 10.0, 60.0),
            ("Qty", 120.0, 10.0, 150.0),
            ("Price", 220.0, 10.0, 270.0),
            ("Tea", 10.0, 40.0, 40.0),
            ("2", 120.0, 40.0, 130.0),
            ("2.50", 220.0, 40.0, 260.0),
            ("Cake", 10.0, 70.0, 50.0),
            ("1", 120.0, 70.0, 130.0),
            ("4.00", 220.0, 70.0, 260.0),
        ];
        let (_, _, to_sideways) = crate::geometry::turn_map(300, 200, 90.0);
        let to_sideways = to_sideways.inverse();
        let lines: Vec<Line> = level
            .iter()
            .map(|(t, x0, y0, x1)| {
                let mut l = line(t, *x0, *y0, *x1, y0 + 16.0);
                l.quad = to_sideways.apply_quad(&l.quad);
                l
            })
            .collect();
        let sideways = find_tables(&lines, None);
        assert!(
            sideways
                .iter()
                .all(|t| t.to_grid().get(2).is_none_or(|r| r != &["Cake", "1", "4.00"])),
            "read as it lies, the rows are columns"
        );
        let tables = find_tables_turned(&lines, None, 200, 300, 270.0);
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!((t.rows, t.columns, t.turned), (3, 3, 270.0));
        assert_eq!(t.to_grid()[2], ["Cake", "1", "4.00"]);
        // The "Cake" cell's corners on the sideways page surround its line.
        let cake = t.cell_at(2, 0).expect("cell");
        let quad = t.cell_quad(cake, 200, 300).expect("quad");
        let (x0, y0, x1, y1) = bounds(&quad);
        let centre = crate::geometry::quad_center(&lines[6].quad);
        assert!(
            x0 <= centre.x && centre.x <= x1 && y0 <= centre.y && centre.y <= y1,
            "{quad:?} {centre:?}"
        );
    }
}
