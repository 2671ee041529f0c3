//! Excel workbooks: one sheet per document, one row per line; then one sheet per
//! table, laid out as its grid with merged cells merged.

use std::collections::HashSet;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::tables::file_name;
use crate::result::{Document, Table};

/// Column headings, in order. The box is its four corners, x then y, as the line reads.
pub const COLUMNS: [&str; 14] = [
    "Page",
    "Line",
    "Text",
    "Confidence",
    "Edited",
    "Read as",
    "x1",
    "y1",
    "x2",
    "y2",
    "x3",
    "y3",
    "x4",
    "y4",
];

/// The documents as an .xlsx workbook: a sheet per document named after its file.
pub fn to_xlsx(docs: &[Document]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let heading = Format::new().set_bold();
    let mut used = HashSet::new();
    for doc in docs {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&doc.source, &mut used))?;
        for (col, title) in COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *title, &heading)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.set_column_width(2, 60)?;
        sheet.set_column_width(5, 30)?;
        let mut row = 1u32;
        for page in &doc.pages {
            for (n, line) in page.lines.iter().enumerate() {
                sheet.write_number(row, 0, (page.index + 1) as f64)?;
                sheet.write_number(row, 1, (n + 1) as f64)?;
                sheet.write_string(row, 2, &line.text)?;
                // Three decimals: what a reviewer can tell apart.
                sheet.write_number(row, 3, (line.confidence as f64 * 1000.0).round() / 1000.0)?;
                sheet.write_boolean(row, 4, line.edited)?;
                if let Some(read) = &line.ocr_text {
                    sheet.write_string(row, 5, read)?;
                }
                for (i, corner) in line.quad.iter().enumerate() {
                    let col = 6 + 2 * i as u16;
                    sheet.write_number(row, col, corner.x.round() as f64)?;
                    sheet.write_number(row, col + 1, corner.y.round() as f64)?;
                }
                row += 1;
            }
        }
    }
    for doc in docs {
        for page in &doc.pages {
            for (t, table) in page.tables.iter().enumerate() {
                let sheet = workbook.add_worksheet();
                let base = format!("{} p{} table {}", file_name(&doc.source), page.index + 1, t + 1);
                sheet.set_name(unique_sheet_name(&clean_sheet_name(&base), &mut used))?;
                write_table(sheet, table, &heading)?;
            }
        }
    }
    if docs.is_empty() {
        workbook.add_worksheet();
    }
    workbook.save_to_buffer()
}

/// A table on its own sheet: each cell in its slot, merged cells merged, header
/// rows bold, text wrapped.
fn write_table(sheet: &mut rust_xlsxwriter::Worksheet, table: &Table, heading: &Format) -> Result<(), XlsxError> {
    let body = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let head = heading
        .clone()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    for cell in &table.cells {
        let format = if cell.row < table.header_rows { &head } else { &body };
        let (r, c) = (cell.row as u32, cell.column as u16);
        if cell.row_span > 1 || cell.column_span > 1 {
            let (r1, c1) = (r + cell.row_span as u32 - 1, c + cell.column_span as u16 - 1);
            sheet.merge_range(r, c, r1, c1, &cell.text, format)?;
        } else {
            sheet.write_string_with_format(r, c, &cell.text, format)?;
        }
    }
    // Columns wide enough for their longest single-column cell, within reason.
    for c in 0..table.columns {
        let longest = table
            .cells
            .iter()
            .filter(|cell| cell.column == c && cell.column_span == 1)
            .map(|cell| cell.text.chars().count())
            .max()
            .unwrap_or(0);
        sheet.set_column_width(c as u16, (longest as f64 + 2.0).clamp(6.0, 50.0))?;
    }
    Ok(())
}

/// A name without the characters Excel forbids in sheet names (`[]:*?/\`).
fn clean_sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    clean.trim_matches('\'').to_owned()
}

/// A valid, unique sheet name from a file path: the file name without the
/// characters Excel forbids, at most 31 characters.
fn sheet_name(source: &str, used: &mut HashSet<String>) -> String {
    unique_sheet_name(&clean_sheet_name(&file_name(source)), used)
}

/// `clean`, cut to 31 characters and numbered " (2)", " (3)"… if already used.
/// A table sheet keeps its " p1 table 2" ending when the file name is cut.
fn unique_sheet_name(clean: &str, used: &mut HashSet<String>) -> String {
    let base = if clean.is_empty() {
        "Document".to_owned()
    } else {
        clean.to_owned()
    };
    let (head, tail) = match base.rfind(" p").filter(|&i| base[i..].contains(" table ")) {
        Some(i) => (base[..i].to_owned(), base[i..].to_owned()),
        None => (base, String::new()),
    };
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!(" ({n})") };
        let keep = 31usize.saturating_sub(suffix.chars().count() + tail.chars().count());
        let name: String = head.chars().take(keep).collect::<String>() + &tail + &suffix;
        if used.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(sheet_name("/scans/a[1]:b.png", &mut used), "a_1__b.png");
        assert_eq!(sheet_name("/other/A[1]:B.png", &mut used), "A_1__B.png (2)");
        let long = sheet_name("/x/an-invoice-with-a-very-long-file-name-2026.pdf", &mut used);
        assert_eq!(long.chars().count(), 31);
        assert_eq!(sheet_name("'", &mut used), "Document");
        let table = unique_sheet_name("an-invoice-with-a-very-long-file-name.pdf p12 table 3", &mut used);
        assert_eq!(table, "an-invoice-with-a-v p12 table 3");
        assert_eq!(table.chars().count(), 31);
    }
}
