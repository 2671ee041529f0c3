//! The open and save dialogs and the export written behind them: each asked
//! for once, its answer awaited without blocking the frame.

use std::path::{Path, PathBuf};

use super::OcrDeskApp;
use super::desktop::{self, Answer};
use crate::document::OpenOptions;
use crate::export::{self, ExportFormat};
use crate::pipeline::searchable;

/// The answers the app is waiting for.
#[derive(Default)]
pub struct Dialogs {
    open: Option<Answer<Vec<PathBuf>>>,
    save: Option<Answer<Option<PathBuf>>>,
    folder: Option<Answer<Option<PathBuf>>>,
    export: Option<Answer<Result<String, String>>>,
}

impl Dialogs {
    /// Whether any answer is still awaited.
    pub fn waiting(&self) -> bool {
        self.open.is_some() || self.save.is_some() || self.folder.is_some() || self.export.is_some()
    }
}

impl OcrDeskApp {
    pub(super) fn ask_what_to_open(&mut self) {
        if self.dialogs.open.is_none() {
            self.dialogs.open = Some(self.desktop.pick_files(self.settings.last_folder.as_deref()));
        }
    }

    pub(super) fn ask_folder_for_pdfs(&mut self) {
        if self.is_exporting() {
            return;
        }
        if self.session.documents().is_empty() {
            self.notify("Nothing to export yet", false);
            return;
        }
        self.dialogs.folder = Some(self.desktop.pick_folder(self.settings.last_folder.as_deref()));
    }

    pub(super) fn ask_where_to_export(&mut self) {
        if self.is_exporting() {
            return;
        }
        let docs = self.session.documents();
        let name = match docs.as_slice() {
            [doc] => Path::new(&doc.source)
                .file_stem()
                .map(|s| format!("{}.xlsx", s.to_string_lossy()))
                .unwrap_or_else(|| "ocr-results.xlsx".into()),
            [] => {
                self.notify("Nothing to export yet", false);
                return;
            }
            _ => "ocr-results.xlsx".into(),
        };
        let formats = [
            ExportFormat::Xlsx,
            ExportFormat::Json,
            ExportFormat::Txt,
            ExportFormat::Pdf,
        ];
        self.dialogs.save = Some(
            self.desktop
                .save_file(self.settings.last_folder.as_deref(), &name, &formats),
        );
    }

    /// Writes every document read so far (with corrections) to `path`; the format
    /// follows the extension (`.xlsx` is added when there is none we know).
    pub fn export_to(&mut self, mut path: PathBuf) {
        let format = ExportFormat::from_path(&path).unwrap_or_else(|| {
            path.as_mut_os_string().push(".xlsx");
            ExportFormat::Xlsx
        });
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.settings.last_folder = Some(parent.to_owned());
        }
        let docs = self.session.documents();
        let opened = self.opened_with();
        // Written off the UI thread: a big workbook or PDF takes a moment.
        self.dialogs.export = Some(desktop::in_background(
            move || {
                crate::guard::catch(|| {
                    write_export(&path, &docs, &opened, format)
                        .map(|notes| {
                            let mut message = format!("Exported {} document(s) to {}", docs.len(), path.display());
                            for note in notes {
                                message.push_str(&format!("\n{note}"));
                            }
                            message
                        })
                        .map_err(|e| format!("Export failed: {e}"))
                })
                .unwrap_or_else(|panic| Err(format!("Export failed: internal error: {panic}")))
            },
            Err("Export failed: cannot start a thread".into()),
        ));
    }

    /// Whether an export is being asked about or written.
    pub fn is_exporting(&self) -> bool {
        self.dialogs.export.is_some() || self.dialogs.save.is_some() || self.dialogs.folder.is_some()
    }

    /// How each document of the session was opened (its PDF password kept), to
    /// take its pages again for a searchable PDF.
    fn opened_with(&self) -> Vec<OpenOptions> {
        self.session
            .passwords()
            .into_iter()
            .map(|password| OpenOptions {
                force_ocr: self.settings.force_ocr,
                password,
                ..OpenOptions::default()
            })
            .collect()
    }

    /// Writes a searchable PDF of each document into `folder`, next to none it
    /// would replace, off the UI thread.
    pub fn export_each_pdf(&mut self, folder: PathBuf) {
        self.settings.last_folder = Some(folder.clone());
        let docs = self.session.documents();
        let opened = self.opened_with();
        self.dialogs.export = Some(desktop::in_background(
            move || {
                crate::guard::catch(|| write_each_pdf(&folder, &docs, &opened))
                    .unwrap_or_else(|panic| Err(format!("Export failed: internal error: {panic}")))
            },
            Err("Export failed: cannot start a thread".into()),
        ));
    }

    /// Takes in the answers that have arrived.
    pub(super) fn receive_answers(&mut self) {
        if let Some(answer) = &self.dialogs.open
            && let Ok(paths) = answer.try_recv()
        {
            self.dialogs.open = None;
            self.add_paths(&paths);
        }
        if let Some(answer) = &self.dialogs.save
            && let Ok(path) = answer.try_recv()
        {
            self.dialogs.save = None;
            if let Some(path) = path {
                self.export_to(path);
            }
        }
        if let Some(answer) = &self.dialogs.folder
            && let Ok(folder) = answer.try_recv()
        {
            self.dialogs.folder = None;
            if let Some(folder) = folder {
                self.export_each_pdf(folder);
            }
        }
        if let Some(answer) = &self.dialogs.export
            && let Ok(result) = answer.try_recv()
        {
            self.dialogs.export = None;
            match result {
                Ok(message) => self.notify(&message, false),
                Err(message) => self.notify(&message, true),
            }
        }
    }
}

/// Writes `docs` to `path`: a searchable PDF of every page (one PDF for all
/// documents, titled after the file; each document's pages taken again from its
/// file, opened as `opened` says), or the results in `format`. Returns what the
/// user should know about how it was written.
fn write_export(
    path: &Path,
    docs: &[crate::result::Document],
    opened: &[OpenOptions],
    format: ExportFormat,
) -> Result<Vec<String>, String> {
    if format != ExportFormat::Pdf {
        return export::write_documents(path, docs, format)
            .map(|()| Vec::new())
            .map_err(|e| e.to_string());
    }
    let sources: Vec<_> = docs.iter().zip(opened.iter().cloned()).collect();
    let pdf = searchable::searchable_pdf(&sources, &searchable::title_of(path)).map_err(|e| e.to_string())?;
    export::write_atomic(path, &pdf.bytes).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    Ok(pdf.notes)
}

/// A searchable PDF of each of `docs` in `folder`: the message to show. A
/// document that fails is named in it; the others are still written.
fn write_each_pdf(folder: &Path, docs: &[crate::result::Document], opened: &[OpenOptions]) -> Result<String, String> {
    let (mut written, mut lines) = (0, Vec::new());
    for (doc, open) in docs.iter().zip(opened) {
        let source = Path::new(&doc.source);
        let path = searchable::free_pdf_path(folder, source);
        let result = searchable::searchable_pdf(&[(doc, open.clone())], &searchable::title_of(source))
            .map_err(|e| e.to_string())
            .and_then(|pdf| {
                export::write_atomic(&path, &pdf.bytes)
                    .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
                Ok(pdf.notes)
            });
        match result {
            Ok(notes) => {
                written += 1;
                lines.extend(notes);
            }
            Err(e) => lines.push(format!("{}: not exported: {e}", source.display())),
        }
    }
    let summary = format!(
        "Exported {written} of {} document(s) as PDFs into {}",
        docs.len(),
        folder.display()
    );
    let message = std::iter::once(summary).chain(lines).collect::<Vec<_>>().join("\n");
    match written {
        0 => Err(message),
        _ => Ok(message),
    }
}
