//! Writers for results. Every file is written to a temporary file in the target
//! folder and renamed into place, so a reader never sees half a file.

mod markdown;
pub mod pdf;
mod tables;
mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use markdown::to_markdown;
pub use tables::{to_csv, to_html};
pub use xlsx::{COLUMNS as XLSX_COLUMNS, to_xlsx};

use crate::result::{Document, Line, Page, TableCell};

/// The file formats results can be exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Txt,
    /// Lines, and a sheet per table with its merged cells.
    Xlsx,
    /// The tables only.
    Csv,
    /// Text and tables, laid out as on the page.
    Html,
    /// Each page's reading flow: headings, paragraphs, tables in place.
    Markdown,
    /// Searchable PDF: the page images with the text over them, invisible. Made
    /// by `pipeline::searchable`, which takes the pictures again from the files.
    Pdf,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 7] = [
        ExportFormat::Json,
        ExportFormat::Txt,
        ExportFormat::Xlsx,
        ExportFormat::Csv,
        ExportFormat::Html,
        ExportFormat::Markdown,
        ExportFormat::Pdf,
    ];

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Txt => "txt",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
            ExportFormat::Html => "html",
            ExportFormat::Markdown => "md",
            ExportFormat::Pdf => "pdf",
        }
    }

    /// What a save dialog calls it.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "JSON",
            ExportFormat::Txt => "Text",
            ExportFormat::Xlsx => "Excel workbook",
            ExportFormat::Csv => "CSV (tables)",
            ExportFormat::Html => "Web page",
            ExportFormat::Markdown => "Markdown",
            ExportFormat::Pdf => "Searchable PDF",
        }
    }

    /// The format a file name asks for, by its extension.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_string_lossy().to_lowercase();
        Self::ALL.into_iter().find(|f| f.extension() == ext)
    }
}

/// Why an export failed; the message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: cannot write: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path}: {source}")]
    Render {
        path: PathBuf,
        #[source]
        source: RenderError,
    },
}

/// Why the results could not be rendered in a format.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot build the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// A searchable PDF is made from the page images too: `pipeline::searchable`.
    #[error("a searchable PDF needs the page images, not only the results")]
    NeedsPageImages,
}

/// The documents in `format`: one JSON object for one document, an array for
/// several; text with a `==> FILE <==` header per document when there are several.
pub fn render(docs: &[Document], format: ExportFormat) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        ExportFormat::Json => match docs {
            [doc] => to_json(doc),
            _ => serde_json::to_string_pretty(docs).unwrap_or_default(),
        }
        .into_bytes(),
        ExportFormat::Txt => {
            let mut out = String::new();
            for doc in docs {
                if docs.len() > 1 {
                    out.push_str(&format!("==> {} <==\n", doc.source));
                }
                out.push_str(&to_txt(doc));
            }
            out.into_bytes()
        }
        ExportFormat::Xlsx => to_xlsx(docs)?,
        ExportFormat::Csv => to_csv(docs),
        ExportFormat::Html => to_html(docs).into_bytes(),
        ExportFormat::Markdown => markdown::to_markdown(docs).into_bytes(),
        ExportFormat::Pdf => return Err(RenderError::NeedsPageImages),
    })
}

/// Writes the documents to `path` in `format`, atomically.
pub fn write_documents(path: &Path, docs: &[Document], format: ExportFormat) -> Result<(), ExportError> {
    let bytes = render(docs, format).map_err(|source| ExportError::Render {
        path: path.to_owned(),
        source,
    })?;
    write_atomic(path, &bytes).map_err(|source| ExportError::Write {
        path: path.to_owned(),
        source,
    })
}

/// Writes `bytes` to `path` atomically, so that `path` is always either the old
/// file or the whole new one, even if the process or the machine stops midway:
/// the bytes go to a temporary file in the same folder, which is flushed to disk,
/// renamed over `path`, and then the folder itself is flushed so that the rename
/// is on disk too. Temporary files that killed earlier runs left for `path` are
/// removed first.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temporaries(dir, &name);
    let tmp = dir.join(temporary_name(&name, std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        sync_folder(dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The temporary file process `pid` writes `name` through: hidden, beside it.
fn temporary_name(name: &str, pid: u32) -> String {
    format!(".{name}.{pid}.tmp")
}

/// Removes the temporary files of `name` in `dir` whose writer is gone (a run
/// that was killed before its rename). A live process's file is left alone: two
/// runs may write into one folder at once.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_is_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn process_is_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_is_alive(_pid: u32) -> bool {
    // Without /proc nothing tells: a leftover is only removed by its own process id.
    true
}

/// Flushes a folder's entries (a rename into it) to disk.
#[cfg(unix)]
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_dir: &Path) -> std::io::Result<()> {
    // Folders cannot be opened as files here; the rename is as durable as the OS makes it.
    Ok(())
}

/// The document as pretty JSON (schema in the README).
pub fn to_json(doc: &Document) -> String {
    // Serialising plain data with string keys cannot fail.
    serde_json::to_string_pretty(doc).unwrap_or_default()
}

/// The document as plain text: each page's lines in reading order, pages separated by a form feed.
pub fn to_txt(doc: &Document) -> String {
    let mut out = String::new();
    for (i, page) in doc.pages.iter().enumerate() {
        if i > 0 {
            out.push(PAGE_SEPARATOR);
        }
        for item in text_items(page) {
            match item {
                TextItem::Line(line) => {
                    out.push_str(&page.lines[line].text);
                    out.push('\n');
                }
                TextItem::Table(table) => out.push_str(&table_as_tsv(&page.tables[table])),
            }
        }
    }
    out
}

/// One piece of a page's text, in the order the text export writes it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum TextItem {
    /// A line outside every table (index into the page's lines).
    Line(usize),
    /// A table, written whole, one row a line (index into the page's tables).
    Table(usize),
}

/// The page's text in reading order: each line outside tables where it comes, and
/// each table whole where its first line comes (its lines are not repeated).
fn text_items(page: &Page) -> Vec<TextItem> {
    let mut table_of = vec![None; page.lines.len()];
    for (t, table) in page.tables.iter().enumerate() {
        for id in table.cells.iter().flat_map(|c| &c.line_ids) {
            if let Some(slot) = table_of.get_mut(*id) {
                *slot = Some(t);
            }
        }
    }
    let mut written = vec![false; page.tables.len()];
    let mut items = Vec::with_capacity(page.lines.len());
    for (line, table) in table_of.into_iter().enumerate() {
        match table {
            None => items.push(TextItem::Line(line)),
            Some(t) if !written[t] => {
                written[t] = true;
                items.push(TextItem::Table(t));
            }
            Some(_) => {}
        }
    }
    items
}

/// The page's lines in the order its text is written (see [`to_txt`]): a table's
/// lines cell by cell, row by row, where the table comes. The searchable PDF lays
/// its text out in this order, so that text readers give the same text.
pub(crate) fn lines_in_text_order(page: &Page) -> Vec<&Line> {
    let mut lines = Vec::with_capacity(page.lines.len());
    for item in text_items(page) {
        match item {
            TextItem::Line(line) => lines.push(&page.lines[line]),
            TextItem::Table(table) => {
                let mut cells: Vec<&TableCell> = page.tables[table].cells.iter().collect();
                cells.sort_by_key(|c| (c.row, c.column));
                let mut seen = vec![false; page.lines.len()];
                for &id in cells.iter().flat_map(|c| &c.line_ids) {
                    // A line in two cells (or listed twice) is written once.
                    if id < seen.len() && !std::mem::replace(&mut seen[id], true) {
                        lines.push(&page.lines[id]);
                    }
                }
            }
        }
    }
    lines
}

/// What separates pages in the text export: a form feed, as `pdftotext` writes.
pub const PAGE_SEPARATOR: char = '\u{c}';

/// A table as text: a line per row, its cells separated by tabs (a merged cell's
/// text in its first slot, the slots it covers empty); rows with no text left out.
fn table_as_tsv(table: &crate::result::Table) -> String {
    let mut out = String::new();
    for row in table
        .to_grid()
        .iter()
        .filter(|row| row.iter().any(|c| !c.trim().is_empty()))
    {
        let cells: Vec<String> = row.iter().map(|c| c.replace(['\t', '\n'], " ")).collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> crate::result::Line {
        crate::result::Line::read(text.into(), [crate::geometry::Point::new(0.0, 0.0); 4], 1.0, 1.0)
    }

    fn cell(row: usize, column: usize, text: &str, line_ids: Vec<usize>) -> crate::result::TableCell {
        crate::result::TableCell {
            row,
            column,
            row_span: 1,
            column_span: 1,
            text: text.into(),
            line_ids,
            edited: false,
        }
    }

    #[test]
    fn text_keeps_a_tables_rows_whole_and_in_place() {
        let lines = [
            "INVOICE",
            "Item",
            "Amount",
            "Paper",
            "9.90",
            "Total",
            "9.90",
            "Thank you",
        ];
        let table = crate::result::Table {
            kind: crate::result::TableKind::Ruled,
            bbox: [0.0; 4],
            rows: 4,
            columns: 2,
            row_edges: vec![0.0; 5],
            column_edges: vec![0.0; 3],
            header_rows: 1,
            cells: vec![
                cell(0, 0, "Item", vec![1]),
                cell(0, 1, "Amount", vec![2]),
                cell(1, 0, "Paper", vec![3]),
                cell(1, 1, "9.90", vec![4]),
                cell(2, 0, "", vec![]),
                cell(2, 1, "", vec![]),
                cell(3, 0, "Total", vec![5]),
                cell(3, 1, "9.90", vec![6]),
            ],
            turned: 0.0,
        };
        let page = |lines: &[&str], tables: Vec<crate::result::Table>| crate::result::Page {
            index: 0,
            width: 100,
            height: 100,
            orientation: Default::default(),
            source: Default::default(),
            lines: lines.iter().map(|t| line(t)).collect(),
            fields: Vec::new(),
            tables,
            warnings: Vec::new(),
            regions: Vec::new(),
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: Default::default(),
        };
        let doc = Document {
            source: "x.png".into(),
            page_count: 2,
            pages: vec![page(&lines, vec![table]), page(&["Page two"], Vec::new())],
        };
        assert_eq!(
            to_txt(&doc),
            "INVOICE\nItem\tAmount\nPaper\t9.90\nTotal\t9.90\nThank you\n\u{c}Page two\n"
        );
        // The searchable PDF lays the lines out in the same order, the table row by
        // row even when the page lists its lines column by column.
        let mut by_columns = doc.pages[0].clone();
        let order = [0usize, 1, 3, 5, 2, 4, 6, 7];
        by_columns.lines = order.iter().map(|&i| by_columns.lines[i].clone()).collect();
        for c in &mut by_columns.tables[0].cells {
            for id in &mut c.line_ids {
                *id = order.iter().position(|&i| i == *id).expect("listed");
            }
        }
        let texts: Vec<&str> = lines_in_text_order(&by_columns)
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(texts, lines);
    }

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"first").expect("write");
        write_atomic(&path, b"second").expect("overwrite");
        assert_eq!(std::fs::read(&path).expect("read"), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn leftovers_of_a_killed_run_are_removed_and_a_live_writers_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        // No process has this id (above Linux's largest pid_max): a killed run's leftover.
        let dead = dir.path().join(temporary_name("out.xlsx", 4_194_305));
        // This test's own parent is alive: another run writing the same name.
        let live = dir
            .path()
            .join(temporary_name("out.xlsx", std::os::unix::process::parent_id()));
        let other = dir.path().join(temporary_name("other.xlsx", 4_194_305));
        for f in [&dead, &live, &other] {
            std::fs::write(f, b"half").expect("leftover");
        }
        write_atomic(&dir.path().join("out.xlsx"), b"whole").expect("write");
        assert!(!dead.exists(), "the killed run's temporary is gone");
        assert!(live.exists(), "a running writer's temporary stays");
        assert!(
            other.exists(),
            "another output's temporary is left for its own next write"
        );
    }

    #[test]
    fn atomic_write_into_missing_folder_fails_cleanly() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("missing").join("out.txt");
        assert!(write_atomic(&path, b"x").is_err());
    }
}
