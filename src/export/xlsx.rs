//! Excel workbooks: one sheet per document, one row per line.

use std::collections::HashSet;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::result::Document;

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
    if docs.is_empty() {
        workbook.add_worksheet();
    }
    workbook.save_to_buffer()
}

/// A valid, unique sheet name from a file path: the file name without the
/// characters Excel forbids (`[]:*?/\`), at most 31 characters.
fn sheet_name(source: &str, used: &mut HashSet<String>) -> String {
    let file = std::path::Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_owned());
    let clean: String = file
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').to_owned();
    let base = if clean.is_empty() { "Document".to_owned() } else { clean };
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!(" ({n})") };
        let keep = 31 - suffix.chars().count();
        let name: String = base.chars().take(keep).collect::<String>() + &suffix;
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
    }
}
