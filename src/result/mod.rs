//! The result model shared by the CLI, the app and every exporter:
//! `Document → pages → lines`. Its JSON form is documented in the README.

use serde::{Deserialize, Serialize};

use crate::geometry::Quad;
use crate::text::escape_html;

mod layout;
mod timings;
pub use layout::{
    InkColour, LayoutProposal, Region, RegionKind, Seal, SealShape, Signature, StructureCell, TableStructure,
};
pub use timings::{ModelCalls, StageTimings};

/// How the page lies, as found by the engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageOrientation {
    /// Clockwise rotation, in degrees, that makes the page upright: 0, 90, 180 or 270.
    pub direction: u16,
    /// Remaining clockwise tilt of the text, in degrees (the page was turned by
    /// `-skew` more to straighten it when that was worth doing).
    #[serde(serialize_with = "rounded::degrees")]
    pub skew: f32,
    /// Share of the voting line length that agrees on `direction`, 0 to 1.
    #[serde(serialize_with = "rounded::share")]
    pub confidence: f32,
    /// Too few or disagreeing lines: the app offers a one-click override.
    pub unsure: bool,
    /// How many voting lines are tilted within a few degrees of
    /// `skew`: many on a document lying askew, a few on a photo of signs seen at
    /// an angle (where straightening loses more than it finds).
    #[serde(skip)]
    pub skew_lines: usize,
    /// Lines on the page read in more than one direction (an open passport with
    /// the facing page upside down, a sideways stamp, two receipts head to foot):
    /// each group was read, and is ordered, the way it runs. Left out when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mixed: bool,
    /// The part of `skew` the engine straightened before reading (0 when the tilt
    /// was too small to be worth a resampling): the page was read turned by
    /// [`PageOrientation::level_turn`], and analyses that cut along the axes use
    /// the same turn.
    #[serde(skip)]
    pub straightened: f32,
}

impl PageOrientation {
    /// Clockwise degrees that lay the page upright and level, as the engine
    /// read it: its direction, and its skew when that was straightened.
    pub fn level_turn(&self) -> f32 {
        f32::from(self.direction) - self.straightened
    }

    /// Clockwise degrees the text still tilts on the view the engine read (and
    /// found tables on): the skew it did not straighten.
    pub fn unstraightened_skew(&self) -> f32 {
        self.skew - self.straightened
    }
}

/// One text line as read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub text: String,
    /// Corners in source-image pixels: top-left, top-right, bottom-right, bottom-left
    /// as the line reads.
    #[serde(rename = "box", with = "quad_as_pairs")]
    pub quad: Quad,
    /// Recognition confidence, 0 to 1 (mean probability of the characters read).
    #[serde(serialize_with = "rounded::share")]
    pub confidence: f32,
    /// Mean text probability of the detected region, 0 to 1.
    #[serde(serialize_with = "rounded::share")]
    pub detection_score: f32,
    /// The line was printed upside down and was turned before reading.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub upside_down: bool,
    /// A person corrected the text; `ocr_text` keeps what the engine read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub edited: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr_text: Option<String>,
    /// The page region the line belongs to (an index into `regions`); left out
    /// when the page's layout was not analysed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<usize>,
    /// The paragraph the line belongs to, counted from 0 in reading order over
    /// the page; left out for lines outside paragraphs (titles, tables, headers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
}

impl Line {
    /// A line as the engine read it.
    pub fn read(text: String, quad: Quad, confidence: f32, detection_score: f32) -> Self {
        Self {
            text,
            quad,
            confidence,
            detection_score,
            upside_down: false,
            edited: false,
            ocr_text: None,
            region: None,
            paragraph: None,
        }
    }

    /// Replaces the text with a correction, remembering what was read. Setting the
    /// text back to what was read clears the edit.
    pub fn edit(&mut self, text: &str) {
        if text == self.text {
            return;
        }
        let read = self.ocr_text.take().unwrap_or_else(|| std::mem::take(&mut self.text));
        self.text = text.to_owned();
        if self.text == read {
            self.edited = false;
        } else {
            self.edited = true;
            self.ocr_text = Some(read);
        }
    }
}

/// What a check digit says about a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The field agrees with its check digit.
    Valid,
    /// It does not: the field (or its digit) was misread, or the document is forged.
    Invalid,
}

/// What found a field; the JSON writes it in snake case (`mrz`, `contacts`, `fields`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldSource {
    /// A machine-readable zone (passport, ID card, visa).
    Mrz,
    /// Contact details: phones, e-mail and web addresses, postal addresses.
    Contacts,
    /// Label/value pairs such as "Name: …" or "姓名 …".
    Fields,
}

impl FieldSource {
    /// The name the JSON gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldSource::Mrz => "mrz",
            FieldSource::Contacts => "contacts",
            FieldSource::Fields => "fields",
        }
    }
}

impl std::fmt::Display for FieldSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value pulled out of a page's lines, such as a passport zone's document number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// What found it.
    pub source: FieldSource,
    pub name: String,
    pub value: String,
    /// The lowest confidence of the lines it came from.
    #[serde(serialize_with = "rounded::share")]
    pub confidence: f32,
    /// Indices into the page's `lines`.
    pub line_ids: Vec<usize>,
    /// Present where a check digit covers the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// The text as printed, where `value` is a normalised form of it (a phone
    /// number in E.164, a date in ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_as: Option<String>,
    /// Where another statement of the same fact on the page says otherwise (the
    /// printed page against the machine-readable zone): what it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mismatch: Option<String>,
}

impl Field {
    /// A field read from `lines[line_ids]`, as confident as the least confident of
    /// them, with no verdict, nothing printed otherwise and no disagreement yet.
    pub fn from_lines(source: FieldSource, name: &str, value: String, line_ids: Vec<usize>, lines: &[Line]) -> Field {
        Field {
            source,
            name: name.to_owned(),
            value,
            confidence: line_ids
                .iter()
                .filter_map(|&i| lines.get(i).map(|l| l.confidence))
                .fold(1.0, f32::min),
            line_ids,
            verdict: None,
            read_as: None,
            mismatch: None,
        }
    }
}

/// How a table's grid was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableKind {
    /// From the ruling lines drawn on the page.
    Ruled,
    /// From the alignment of the text (and any horizontal rules).
    Borderless,
    /// Read by the table structure model from the table's picture.
    Model,
}

/// A table found on a page: its grid and the text of every cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub kind: TableKind,
    /// Left, top, right, bottom in page pixels.
    #[serde(serialize_with = "rounded::pixels")]
    pub bbox: [f32; 4],
    pub rows: usize,
    pub columns: usize,
    /// The y of each row boundary, top to bottom: `rows + 1` values.
    #[serde(serialize_with = "rounded::pixels")]
    pub row_edges: Vec<f32>,
    /// The x of each column boundary, left to right: `columns + 1` values.
    #[serde(serialize_with = "rounded::pixels")]
    pub column_edges: Vec<f32>,
    /// How many leading rows head the table.
    pub header_rows: usize,
    /// Every cell, row by row; a merged cell appears once, at its top-left slot.
    pub cells: Vec<TableCell>,
    /// Degrees clockwise the page was turned to lay the table level (the page's
    /// `orientation`: its direction less its skew). `bbox`, `row_edges` and
    /// `column_edges` are measured on the page so turned (as `imaging::turn`
    /// turns it); [`Table::cell_quad`] gives a cell's corners on the page as it is.
    /// Left out when 0: an upright page.
    #[serde(default, skip_serializing_if = "is_zero", serialize_with = "rounded::degrees")]
    pub turned: f32,
}

fn is_zero(v: &f32) -> bool {
    *v == 0.0
}

/// One cell of a [`Table`], possibly spanning several rows or columns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TableCell {
    pub row: usize,
    pub column: usize,
    pub row_span: usize,
    pub column_span: usize,
    /// The cell's lines joined in reading order; empty for an empty cell.
    pub text: String,
    /// Indices into the page's `lines` that the text came from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_ids: Vec<usize>,
    /// A person corrected the text in the table grid.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub edited: bool,
}

impl Table {
    /// The corners of `cell` (top-left, top-right, bottom-right, bottom-left as the
    /// table reads) in the pixels of the page it was found on, `page_width` by
    /// `page_height`.
    pub fn cell_quad(&self, cell: &TableCell, page_width: u32, page_height: u32) -> Option<Quad> {
        self.cell_quad_along(cell, page_width, page_height, 0.0)
    }

    /// As [`Table::cell_quad`], with the grid first tilted `skew` degrees clockwise
    /// about the table's centre: the tilt left on the page the table was found on
    /// ([`PageOrientation::unstraightened_skew`]), so that a grid is drawn along
    /// its text as the line boxes are.
    pub fn cell_quad_along(&self, cell: &TableCell, page_width: u32, page_height: u32, skew: f32) -> Option<Quad> {
        let x0 = *self.column_edges.get(cell.column)?;
        let x1 = *self.column_edges.get(cell.column + cell.column_span)?;
        let y0 = *self.row_edges.get(cell.row)?;
        let y1 = *self.row_edges.get(cell.row + cell.row_span)?;
        let mut level = crate::geometry::axis_aligned(x0, y0, x1, y1);
        if skew != 0.0 {
            let [left, top, right, bottom] = self.bbox;
            let (cx, cy) = ((left + right) / 2.0, (top + bottom) / 2.0);
            // Image y points down, so this turn is clockwise on the page.
            let (sin, cos) = skew.to_radians().sin_cos();
            level = level.map(|p| {
                let (dx, dy) = (p.x - cx, p.y - cy);
                crate::geometry::Point::new(cx + dx * cos - dy * sin, cy + dx * sin + dy * cos)
            });
        }
        if self.turned == 0.0 {
            return Some(level);
        }
        let (_, _, back) = crate::geometry::turn_map(page_width, page_height, self.turned);
        Some(back.apply_quad(&level))
    }

    /// The cell that covers the slot at `row`, `column`, merged or not.
    pub fn cell_at(&self, row: usize, column: usize) -> Option<&TableCell> {
        self.cells.iter().find(|c| {
            (c.row..c.row + c.row_span).contains(&row) && (c.column..c.column + c.column_span).contains(&column)
        })
    }

    /// The table as rows of strings, one per grid slot: a merged cell's text sits in
    /// its top-left slot and the slots it covers are empty (how CSV shows merges).
    pub fn to_grid(&self) -> Vec<Vec<String>> {
        let mut grid = vec![vec![String::new(); self.columns]; self.rows];
        for c in &self.cells {
            if let Some(slot) = grid.get_mut(c.row).and_then(|r| r.get_mut(c.column)) {
                slot.clone_from(&c.text);
            }
        }
        grid
    }

    /// The table as an HTML `<table>`, header rows in `<thead>`, merges as
    /// `rowspan`/`colspan`; text escaped, line breaks kept as `<br>`.
    pub fn to_html(&self) -> String {
        let mut html = String::from("<table>");
        let mut cells = self.cells.iter().peekable();
        for row in 0..self.rows {
            if row == 0 && self.header_rows > 0 {
                html.push_str("<thead>");
            }
            if row == self.header_rows.min(self.rows) {
                html.push_str("<tbody>");
            }
            html.push_str("<tr>");
            let tag = if row < self.header_rows { "th" } else { "td" };
            while let Some(cell) = cells.next_if(|c| c.row == row) {
                html.push('<');
                html.push_str(tag);
                if cell.row_span > 1 {
                    html.push_str(&format!(" rowspan=\"{}\"", cell.row_span));
                }
                if cell.column_span > 1 {
                    html.push_str(&format!(" colspan=\"{}\"", cell.column_span));
                }
                html.push('>');
                html.push_str(&escape_html(&cell.text).replace('\n', "<br>"));
                html.push_str("</");
                html.push_str(tag);
                html.push('>');
            }
            html.push_str("</tr>");
            if row + 1 == self.header_rows {
                html.push_str("</thead>");
            }
        }
        if self.rows > self.header_rows {
            html.push_str("</tbody>");
        }
        html.push_str("</table>");
        html
    }
}

/// Where a page's text came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextSource {
    #[default]
    Ocr,
    TextLayer,
}

/// One page of a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// 0-based page index within the document.
    pub index: usize,
    pub width: u32,
    pub height: u32,
    /// How the page lay: the turn that makes it upright, its skew, how sure.
    pub orientation: PageOrientation,
    pub source: TextSource,
    pub lines: Vec<Line>,
    /// Values pulled out of the lines (see `--extract`); left out when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Tables found among the lines (see `--extract`); left out when none. Their
    /// lines stay in `lines` too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Table>,
    /// What the reader should know about the page (e.g. "the image data ends
    /// early: the bottom 40% of the image is blank"); left out when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The page's blocks as a reader sees them (paragraphs, titles, tables,
    /// figures, headers and footers), ordered by `order`; left out when the
    /// layout was not analysed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// Official seals and stamps found on the page; left out when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seals: Vec<Seal>,
    /// Handwritten signatures found on the page; left out when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<Signature>,
    pub timings: StageTimings,
}

impl Page {
    /// The page's text: one line of text per line read, in reading order.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Everything read from one input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The input path as given.
    pub source: String,
    /// Pages the document has; `pages` holds the ones selected for reading.
    pub page_count: usize,
    pub pages: Vec<Page>,
}

/// The JSON's numbers to the precision they mean: a pixel to 0.1, a share
/// (confidence, score) to 4 digits, an angle to 0.01°, a time to 0.1 ms. Past
/// that the digits are noise (`"decode_ms": 7.8649059999999995`), and they make
/// the output long to read and to diff.
mod rounded {
    use serde::{Serialize, Serializer};

    /// Rounds with f32 arithmetic, so the nearest f32 prints short (`12.3`).
    fn to_decimals(v: f32, decimals: i32) -> f32 {
        let scale = 10f32.powi(decimals);
        let r = (v * scale).round() / scale;
        if r.is_finite() { r } else { v }
    }

    pub fn pixel(v: f32) -> f32 {
        to_decimals(v, 1)
    }

    pub fn pixels<S: Serializer, V: AsRef<[f32]>>(values: &V, s: S) -> Result<S::Ok, S::Error> {
        let values: Vec<f32> = values.as_ref().iter().map(|v| pixel(*v)).collect();
        values.serialize(s)
    }

    pub fn share<S: Serializer>(v: &f32, s: S) -> Result<S::Ok, S::Error> {
        to_decimals(*v, 4).serialize(s)
    }

    pub fn degrees<S: Serializer>(v: &f32, s: S) -> Result<S::Ok, S::Error> {
        to_decimals(*v, 2).serialize(s)
    }

    pub fn millis<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        ((v * 10.0).round() / 10.0).serialize(s)
    }
}

mod quad_as_pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::geometry::{Point, Quad};

    pub fn serialize<S: Serializer>(q: &Quad, s: S) -> Result<S::Ok, S::Error> {
        let pairs: [[f32; 2]; 4] = q.map(|p| [super::rounded::pixel(p.x), super::rounded::pixel(p.y)]);
        pairs.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Quad, D::Error> {
        let pairs = <[[f32; 2]; 4]>::deserialize(d)?;
        Ok(pairs.map(|[x, y]| Point::new(x, y)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Point;

    #[test]
    fn a_grid_is_drawn_along_the_tilt_left_on_its_page() {
        let table = Table {
            kind: TableKind::Ruled,
            bbox: [0.0, 0.0, 200.0, 20.0],
            rows: 1,
            columns: 1,
            row_edges: vec![0.0, 20.0],
            column_edges: vec![0.0, 200.0],
            header_rows: 0,
            cells: vec![TableCell {
                row: 0,
                column: 0,
                row_span: 1,
                column_span: 1,
                ..TableCell::default()
            }],
            turned: 0.0,
        };
        let cell = &table.cells[0];
        let level = table.cell_quad(cell, 300, 100).expect("quad");
        assert_eq!(level[0].y, level[1].y);
        // Tilted 1° clockwise: the top edge falls to the right by 200 × sin 1°.
        let tilted = table.cell_quad_along(cell, 300, 100, 1.0).expect("quad");
        let fall = tilted[1].y - tilted[0].y;
        assert!((fall - 200.0 * 1f32.to_radians().sin()).abs() < 0.01, "{fall}");
        // About the table's centre, which stays where it was.
        let centre = crate::geometry::quad_center(&tilted);
        assert!((centre.x - 100.0).abs() < 0.01 && (centre.y - 10.0).abs() < 0.01);
    }

    #[test]
    fn json_numbers_stop_at_the_precision_they_mean() {
        let mut line = Line::read("x".into(), [Point::new(1.234_56, 2.0); 4], 0.987_654_3, 0.5);
        line.detection_score = 0.123_456;
        let json = serde_json::to_string(&line).expect("serialises");
        assert!(json.contains("[1.2,2.0]"), "{json}");
        assert!(json.contains("\"confidence\":0.9877"), "{json}");
        assert!(json.contains("\"detection_score\":0.1235"), "{json}");
        let timings = StageTimings {
            decode_ms: 7.864_905_999_999_999_5,
            ..StageTimings::default()
        };
        let json = serde_json::to_string(&timings).expect("serialises");
        assert!(json.contains("\"decode_ms\":7.9,"), "{json}");
    }

    #[test]
    fn line_json_has_box_as_four_pairs() {
        let line = Line::read(
            "TOTAL 12.50".into(),
            [
                Point::new(1.0, 2.0),
                Point::new(30.0, 2.0),
                Point::new(30.0, 12.0),
                Point::new(1.0, 12.0),
            ],
            0.98,
            0.9,
        );
        let json = serde_json::to_value(&line).expect("serialises");
        assert_eq!(
            json["box"],
            serde_json::json!([[1.0, 2.0], [30.0, 2.0], [30.0, 12.0], [1.0, 12.0]])
        );
        assert!(json.get("upside_down").is_none());
        assert!(json.get("edited").is_none());
        let back: Line = serde_json::from_value(json).expect("round-trips");
        assert_eq!(back, line);
    }

    #[test]
    fn a_field_source_is_written_as_its_name() {
        for (source, name) in [
            (FieldSource::Mrz, "mrz"),
            (FieldSource::Contacts, "contacts"),
            (FieldSource::Fields, "fields"),
        ] {
            assert_eq!(serde_json::to_value(source).expect("serialises"), name);
            assert_eq!(source.as_str(), name);
            assert_eq!(source.to_string(), name);
            let back: FieldSource = serde_json::from_value(name.into()).expect("round-trips");
            assert_eq!(back, source);
        }
    }

    #[test]
    fn an_edit_keeps_what_was_read_and_undoing_it_clears_the_mark() {
        let quad = [Point::new(0.0, 0.0); 4];
        let mut line = Line::read("T0TAL".into(), quad, 0.6, 0.9);
        line.edit("TOTAL");
        assert_eq!((line.text.as_str(), line.edited), ("TOTAL", true));
        assert_eq!(line.ocr_text.as_deref(), Some("T0TAL"));
        line.edit("TOTAL:");
        assert_eq!(line.ocr_text.as_deref(), Some("T0TAL"), "the first reading is kept");
        let json = serde_json::to_value(&line).expect("serialises");
        assert_eq!(json["edited"], true);
        assert_eq!(json["ocr_text"], "T0TAL");
        line.edit("T0TAL");
        assert_eq!(
            (line.text.as_str(), line.edited, line.ocr_text.as_deref()),
            ("T0TAL", false, None)
        );
    }
}
