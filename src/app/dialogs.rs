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
    export: Option<Answer<Result<String, String>>>,
}

impl Dialogs {
    /// Whether any answer is still awaited.
    pub fn waiting(&self) -> bool {
        self.open.is_some() || self.save.is_some() || self.export.is_some()
    }
}

impl OcrDeskApp {
    pub(super) fn ask_what_to_open(&mut self) {
        if self.dialogs.open.is_none() {
            self.dialogs.open = Some(self.desktop.pick_files(self.settings.last_folder.as_deref()));
        }
    }

    pub(super) fn ask_where_to_export(&mut self) {
        if self.dialogs.save.is_some() || self.dialogs.export.is_some() {
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
        let open = OpenOptions {
            force_ocr: self.settings.force_ocr,
            ..OpenOptions::default()
        };
        // Written off the UI thread: a big workbook or PDF takes a moment.
        self.dialogs.export = Some(desktop::in_background(
            move || {
                crate::guard::catch(|| {
                    write_export(&path, &docs, format, &open)
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

    /// Whether an export is still being written.
    pub fn is_exporting(&self) -> bool {
        self.dialogs.export.is_some() || self.dialogs.save.is_some()
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
/// documents, titled after the file), or the results in `format`. Returns what
/// the user should know about how it was written.
fn write_export(
    path: &Path,
    docs: &[crate::result::Document],
    format: ExportFormat,
    open: &OpenOptions,
) -> Result<Vec<String>, String> {
    if format != ExportFormat::Pdf {
        return export::write_documents(path, docs, format)
            .map(|()| Vec::new())
            .map_err(|e| e.to_string());
    }
    let pdf = searchable::searchable_pdf(docs, open, &searchable::title_of(path)).map_err(|e| e.to_string())?;
    export::write_atomic(path, &pdf.bytes).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    Ok(pdf.notes)
}
