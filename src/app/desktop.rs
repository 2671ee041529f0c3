//! What the app asks of the desktop: the clipboard and file dialogs. Behind a
//! trait so that tests can watch the clipboard and answer dialogs themselves.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};

use crate::document::inputs::OPENABLE_EXTENSIONS;
use crate::export::ExportFormat;

/// A dialog's answer, delivered later: dialogs never block the UI thread.
pub type Answer<T> = Receiver<T>;

pub trait Desktop {
    /// Puts `text` on the system clipboard.
    fn copy_text(&mut self, text: &str) -> Result<(), String>;
    /// Asks for files to open; an empty list when the person cancels.
    fn pick_files(&mut self, start_dir: Option<&Path>) -> Answer<Vec<PathBuf>>;
    /// Asks where to save an export; `None` when the person cancels.
    fn save_file(
        &mut self,
        start_dir: Option<&Path>,
        file_name: &str,
        formats: &[ExportFormat],
    ) -> Answer<Option<PathBuf>>;
    /// Asks for a folder to write into; `None` when the person cancels.
    fn pick_folder(&mut self, start_dir: Option<&Path>) -> Answer<Option<PathBuf>>;
}

/// The real desktop: `arboard` for the clipboard, `rfd` for dialogs (run on a
/// thread of their own, since they block until the person answers).
#[derive(Default)]
pub struct SystemDesktop {
    /// Kept for the whole session: under X11 the clipboard's contents live as
    /// long as this owner does.
    clipboard: Option<arboard::Clipboard>,
}

impl Desktop for SystemDesktop {
    fn copy_text(&mut self, text: &str) -> Result<(), String> {
        if self.clipboard.is_none() {
            self.clipboard = Some(arboard::Clipboard::new().map_err(|e| format!("no clipboard: {e}"))?);
        }
        let clipboard = self.clipboard.as_mut().ok_or("no clipboard")?;
        clipboard.set_text(text).map_err(|e| format!("cannot copy: {e}"))
    }

    fn pick_files(&mut self, start_dir: Option<&Path>) -> Answer<Vec<PathBuf>> {
        let mut dialog = rfd::FileDialog::new()
            .set_title("Open documents")
            .add_filter("Images and PDFs", &OPENABLE_EXTENSIONS)
            .add_filter("All files", &["*"]);
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        in_background(move || dialog.pick_files().unwrap_or_default(), Vec::new())
    }

    fn save_file(
        &mut self,
        start_dir: Option<&Path>,
        file_name: &str,
        formats: &[ExportFormat],
    ) -> Answer<Option<PathBuf>> {
        let mut dialog = rfd::FileDialog::new()
            .set_title("Export results")
            .set_file_name(file_name);
        for format in formats {
            dialog = dialog.add_filter(format.name(), &[format.extension()]);
        }
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        in_background(move || dialog.save_file(), None)
    }

    fn pick_folder(&mut self, start_dir: Option<&Path>) -> Answer<Option<PathBuf>> {
        let mut dialog = rfd::FileDialog::new().set_title("Export each document as a searchable PDF into");
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        in_background(move || dialog.pick_folder(), None)
    }
}

/// Runs a blocking dialog on its own thread; the answer arrives on the receiver.
pub(crate) fn in_background<T: Send + 'static>(ask: impl FnOnce() -> T + Send + 'static, if_no_thread: T) -> Answer<T> {
    let (tx, rx) = mpsc::channel();
    let thread_tx = tx.clone();
    let spawned = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
        let _ = thread_tx.send(ask());
    });
    if spawned.is_err() {
        let _ = tx.send(if_no_thread);
    }
    rx
}
