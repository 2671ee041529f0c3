//! Tables out of the results: CSV (every table, merged cells in their top-left
//! slot) and HTML (each page's reading flow with its tables in place).

use crate::result::{Document, Table};
use crate::text::escape_html;

/// Every table of the documents as CSV. Several tables are separated by an empty
/// record and each is headed by a record naming it (file · page · table).
pub fn to_csv(docs: &[Document]) -> Vec<u8> {
    let tables: Vec<(String, &Table)> = docs
        .iter()
        .flat_map(|doc| {
            doc.pages.iter().flat_map(move |page| {
                page.tables.iter().enumerate().map(move |(t, table)| {
                    let name = format!("{} · page {} · table {}", file_name(&doc.source), page.index + 1, t + 1);
                    (name, table)
                })
            })
        })
        .collect();
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for (i, (name, table)) in tables.iter().enumerate() {
        // Writing records to memory cannot fail.
        if tables.len() > 1 {
            if i > 0 {
                let _ = writer.write_record([""]);
            }
            let _ = writer.write_record([name.as_str()]);
        }
        for row in table.to_grid() {
            let _ = writer.write_record(&row);
        }
    }
    writer.into_inner().unwrap_or_default()
}

/// The file name of a document's source path, for headings and sheet names.
pub(super) fn file_name(source: &str) -> String {
    std::path::Path::new(source)
        .file_name()
        .map_or_else(|| source.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// The documents as one HTML page: per page, its reading flow (headings,
/// paragraphs, each table in place of its lines).
pub fn to_html(docs: &[Document]) -> String {
    let mut html = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>OCR Desk export</title>\n\
         <style>table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #888;padding:2px 6px}</style>\n\
         </head><body>\n",
    );
    for doc in docs {
        html.push_str(&format!("<h1>{}</h1>\n", escape_html(&file_name(&doc.source))));
        for page in &doc.pages {
            html.push_str(&format!("<h2>Page {}</h2>\n", page.index + 1));
            html.push_str(&super::markdown::page_html(page));
        }
    }
    html.push_str("</body></html>\n");
    html
}
