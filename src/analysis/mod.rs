//! What sits above lines: reading order, tables, machine-readable zones,
//! contact details and label/value fields. Pure functions on lines (and the page
//! image), testable without models.

pub mod blocks;
pub mod cn_id;
pub mod contacts;
pub mod crosscheck;
pub mod dates;
pub mod fields;
pub mod layout;
pub mod mrz;
pub mod receipt;
pub mod seals;
pub mod signatures;
pub mod table;

use image::RgbImage;

use crate::result::Page;

/// Which analyses run on each page's lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extract {
    /// Machine-readable zones of passports, ID cards and visas.
    pub mrz: bool,
    /// Ruled and borderless tables.
    pub tables: bool,
    /// Phone numbers, e-mail and web addresses, postal addresses.
    pub contacts: bool,
    /// Label/value pairs such as "Name: …" or "姓名 …".
    pub fields: bool,
}

impl Extract {
    /// Every analysis there is.
    pub const ALL: Extract = Extract {
        mrz: true,
        tables: true,
        contacts: true,
        fields: true,
    };
}

/// Runs the analyses in `what` on the page's lines and adds what they find to
/// its `fields` and `tables`. The page `image` (as the lines' boxes see it) lets
/// ruled tables be found from their rules; without it tables come from alignment.
/// `level` is the page already laid level as the engine read it (turned by
/// `page.orientation.level_turn()`); without it the image is turned here.
/// [`extract_tables`] then [`extract_fields`], for callers with nothing to do
/// between them.
pub fn extract(page: &mut Page, image: Option<&RgbImage>, level: Option<&RgbImage>, what: Extract) {
    extract_tables(page, image, level, what);
    extract_fields(page, what);
}

/// The first half of [`extract`]: the page's tables, when `what` asks for them.
/// The pipeline lets the table model refine them before the fields are read, so
/// that a label in a table takes its value from its own row.
pub fn extract_tables(page: &mut Page, image: Option<&RgbImage>, level: Option<&RgbImage>, what: Extract) {
    timed(page, |page| {
        if what.tables {
            find_tables(page, image, level);
        }
    });
}

/// The second half of [`extract`]: machine-readable zones, contacts and label/value
/// fields (a label in a table keeps to its row), then the checks between them.
pub fn extract_fields(page: &mut Page, what: Extract) {
    timed(page, |page| fields_untimed(page, what));
}

/// Runs `work` on the page and adds its time to the page's analysis time.
fn timed(page: &mut Page, work: impl FnOnce(&mut Page)) {
    let started = std::time::Instant::now();
    work(page);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    page.timings.analysis_ms += ms;
    page.timings.total_ms += ms;
}

fn find_tables(page: &mut Page, image: Option<&RgbImage>, level: Option<&RgbImage>) {
    // Tables are cut along the axes, so they are found on the page laid
    // upright and level the way the engine read it: one rule decides both.
    let turn_by = page.orientation.level_turn();
    page.tables = if turn_by == 0.0 {
        let gray = image.map(image::imageops::grayscale);
        table::find_tables(&page.lines, gray.as_ref())
    } else {
        let turned = match level {
            Some(_) => None,
            None => image.map(|i| crate::imaging::turn(i, turn_by).0),
        };
        let level = level.or(turned.as_ref());
        table::find_tables_turned(&page.lines, level, page.width, page.height, turn_by)
    };
}

fn fields_untimed(page: &mut Page, what: Extract) {
    if what.mrz
        && let Some(zone) = mrz::read_mrz(&page.lines)
    {
        let fields = zone.to_fields(&page.lines);
        page.fields.extend(fields);
    }
    if what.contacts {
        page.fields.extend(contacts::find_contacts(&page.lines));
    }
    if what.fields {
        let mut in_table = vec![false; page.lines.len()];
        for id in page
            .tables
            .iter()
            .flat_map(|t| t.cells.iter().flat_map(|c| c.line_ids.iter()))
        {
            if let Some(flag) = in_table.get_mut(*id) {
                *flag = true;
            }
        }
        page.fields.extend(fields::find_fields(&page.lines, &in_table));
        let receipt = receipt::find_receipt_fields(&page.lines);
        // Read as a whole receipt, these facts replace what a label or an address
        // pattern alone found: the one amount due, and the same fact from the same lines.
        page.fields.retain(|f| {
            !receipt
                .iter()
                .any(|r| r.name == f.name && (f.name == "total" || r.line_ids.iter().any(|i| f.line_ids.contains(i))))
        });
        page.fields.extend(receipt);
    }
    crosscheck::cross_check(&mut page.fields);
    cn_id::check_card(&mut page.fields);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Point;
    use crate::result::{FieldSource, Line, PageOrientation, StageTimings, TextSource, Verdict};

    fn page(texts: &[(&str, f32)]) -> Page {
        Page {
            index: 0,
            width: 100,
            height: 100,
            orientation: PageOrientation::default(),
            source: TextSource::Ocr,
            lines: texts
                .iter()
                .map(|(t, c)| Line::read((*t).to_owned(), [Point::new(0.0, 0.0); 4], *c, 0.9))
                .collect(),
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: Vec::new(),
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: StageTimings::default(),
        }
    }

    #[test]
    fn zone_fields_join_the_page_with_their_lines_and_verdicts() {
        let mut p = page(&[
            ("PASSPORT", 0.99),
            ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", 0.95),
            ("L898902C36UTO7408122F1204159ZE184226B<<<<<10", 0.88),
        ]);
        extract(&mut p, None, None, Extract::default());
        assert!(p.fields.is_empty(), "nothing asked, nothing found");
        extract(&mut p, None, None, Extract::ALL);
        let number = p
            .fields
            .iter()
            .find(|f| f.name == "document_number")
            .expect("document number");
        assert_eq!(number.value, "L898902C3");
        assert_eq!(number.source, FieldSource::Mrz);
        assert_eq!(number.line_ids, [1, 2]);
        assert_eq!(number.confidence, 0.88);
        assert_eq!(number.verdict, Some(Verdict::Valid));
        let json = serde_json::to_value(&p).expect("serialises");
        assert_eq!(json["fields"][4]["verdict"], "valid");
        assert!(json["fields"][0].get("verdict").is_none(), "no check digit, no verdict");
    }

    #[test]
    fn a_page_without_fields_keeps_its_json_as_before() {
        let mut p = page(&[("Pallets received: 12 of 12", 0.99)]);
        extract(&mut p, None, None, Extract::ALL);
        let json = serde_json::to_value(&p).expect("serialises");
        assert!(json.get("fields").is_none());
    }
}
