//! What a frame asks of the app, and the one place those requests change it.
//!
//! Panels draw from shared references and push [`Action`]s: a [`Command`]
//! (the labelled actions of the menus and keys), or a change tied to one item on
//! screen (this file, this line, this cell). [`OcrDeskApp::apply`] runs them in
//! order at the end of the frame.

use std::path::PathBuf;

use super::commands::Command;
use super::session::{PageAt, next_to_review};
use super::viewer::Zoom;
use super::worker::{FileId, Job};
use super::{Notice, OcrDeskApp, SideTab};
use crate::document::OpenOptions;
use crate::document::inputs::{self, OPENABLE_EXTENSIONS};

/// One request from a frame's widgets or keys.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A menu entry, button or shortcut.
    Command(Command),
    /// Files or folders dropped on the window.
    AddPaths(Vec<PathBuf>),
    /// Show this file (index into the session's files) from its first page.
    ChooseFile(usize),
    /// Stop reading this file.
    CancelFile(FileId),
    /// The password being typed for a file (index into the session's files).
    TypePassword {
        file: usize,
        password: String,
    },
    /// Read a password-protected file again with the password typed for it.
    Unlock(usize),
    /// Select a line of the page shown, or none; `scroll` brings it into the lines list.
    SelectLine {
        line: Option<usize>,
        scroll: bool,
    },
    /// The lines list has been drawn scrolled to the selected line.
    ScrolledToSelection,
    /// A line's corrected text.
    EditLine {
        at: PageAt,
        line: usize,
        text: String,
    },
    /// A table cell's corrected text (`cell` indexes the table's cells).
    EditCell {
        at: PageAt,
        table: usize,
        cell: usize,
        text: String,
    },
    /// Put `text` on the clipboard; `what` names it in the status bar.
    Copy {
        text: String,
        what: String,
    },
    ShowTab(SideTab),
    /// Mark this box on the page (a seal chosen in the Fields tab), or none.
    Highlight(Option<crate::geometry::Quad>),
    /// Which of the page's tables the Tables tab shows.
    ShowTable(usize),
    DropWatermarks(bool),
    ForceOcr(bool),
    ReviewBelow(f32),
    /// Empty File → Recent files.
    ClearRecentFiles,
}

impl OcrDeskApp {
    /// Runs a frame's actions, in the order they were pushed.
    pub(super) fn apply(&mut self, actions: Vec<Action>) {
        for action in actions {
            self.apply_one(action);
        }
    }

    fn apply_one(&mut self, action: Action) {
        match action {
            Action::Command(command) => self.run_command(command),
            Action::AddPaths(paths) => self.add_paths(&paths),
            Action::ClearRecentFiles => self.settings.recent_files.clear(),
            Action::ChooseFile(index) => {
                self.current = Some(index);
                self.page = 0;
                self.selected_line = None;
            }
            Action::CancelFile(file) => self.worker.cancel(file),
            Action::TypePassword { file, password } => {
                if let Some(typed) = self.session.files.get_mut(file).and_then(|f| f.password.as_mut()) {
                    *typed = password;
                }
            }
            Action::Unlock(index) => self.unlock(index),
            Action::Highlight(quad) => self.highlight = quad,
            Action::SelectLine { line, scroll } => {
                self.highlight = None;
                self.selected_line = line;
                self.side.scroll_to_selected = scroll;
            }
            Action::ScrolledToSelection => self.side.scroll_to_selected = false,
            Action::EditLine { at, line, text } => {
                if let Some(line) = self.session.page_mut(at).and_then(|p| p.page.lines.get_mut(line)) {
                    line.edit(&text);
                }
            }
            Action::EditCell { at, table, cell, text } => {
                let cell = self
                    .session
                    .page_mut(at)
                    .and_then(|p| p.page.tables.get_mut(table))
                    .and_then(|t| t.cells.get_mut(cell));
                if let Some(cell) = cell {
                    cell.text = text;
                    cell.edited = true;
                }
            }
            Action::Copy { text, what } => self.copy(&text, &what),
            Action::ShowTab(tab) => self.side.tab = tab,
            Action::ShowTable(table) => self.side.table = table,
            Action::DropWatermarks(on) => self.settings.drop_watermarks = on,
            Action::ForceOcr(on) => self.settings.force_ocr = on,
            Action::ReviewBelow(bar) => self.settings.review_below = bar,
        }
    }

    /// Runs `command` now (menus and keys queue them; tests may call this).
    pub fn run_command(&mut self, command: Command) {
        match command {
            Command::Open => self.ask_what_to_open(),
            Command::Export => self.ask_where_to_export(),
            Command::ExportEachPdf => self.ask_folder_for_pdfs(),
            Command::CopySelection => match self.selected_text() {
                Some(text) => self.copy(&text, "the selected line"),
                None => self.notify("Select a line first: click its box or its row", false),
            },
            Command::CopyAll => match self.current_file() {
                Some(file) if !file.pages.is_empty() => {
                    let text = file.all_text();
                    let what = format!("all lines of {}", file.name());
                    self.copy(&text, &what);
                }
                _ => self.notify("Nothing read yet", false),
            },
            Command::NextToReview => self.go_to_next_review(),
            Command::PreviousPage => self.turn_page(-1),
            Command::NextPage => self.turn_page(1),
            Command::ZoomIn => self.viewer.zoom_by(1.25),
            Command::ZoomOut => self.viewer.zoom_by(0.8),
            Command::FitWidth => self.viewer.fit(Zoom::FitWidth),
            Command::FitPage => self.viewer.fit(Zoom::FitPage),
            Command::CancelAll => self.cancel_all(),
            Command::ToggleTheme => self.settings.dark_theme = !self.settings.dark_theme,
            Command::ToggleRegions => self.settings.show_regions = !self.settings.show_regions,
        }
    }

    /// Queues files (folders are searched for images and PDFs).
    pub fn add_paths(&mut self, paths: &[PathBuf]) {
        let files = inputs::expand(paths, &OPENABLE_EXTENSIONS).files;
        if files.is_empty() && !paths.is_empty() {
            self.notify("No images or PDFs there", true);
        }
        // What the person opened (a folder stays one entry), the latest first.
        for path in paths.iter().rev().filter(|p| p.exists()) {
            self.settings.remember_opened(path);
        }
        for path in files {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                self.settings.last_folder = Some(parent.to_owned());
            }
            if let Some(file) = self.session.add(&path) {
                self.submit(file, path, None);
            }
        }
        if self.current.is_none() && !self.session.files.is_empty() {
            self.current = Some(0);
        }
    }

    fn submit(&self, file: FileId, path: PathBuf, password: Option<String>) {
        self.worker.submit(Job {
            file,
            path,
            open: OpenOptions {
                force_ocr: self.settings.force_ocr,
                render_text_pages: true,
                password,
                ..OpenOptions::default()
            },
            drop_watermarks: self.settings.drop_watermarks,
        });
    }

    /// Reads a password-protected file again with the password typed for it.
    pub fn unlock(&mut self, index: usize) {
        let Some(entry) = self.session.files.get_mut(index) else {
            return;
        };
        let Some(password) = entry.password.take() else { return };
        entry.opened_with = Some(password.clone());
        let path = entry.path.clone();
        if let Some(file) = self.session.requeue(index) {
            self.submit(file, path, Some(password));
        }
    }

    fn cancel_all(&mut self) {
        let pending: Vec<_> = self
            .session
            .files
            .iter()
            .filter(|f| f.state.is_pending())
            .map(|f| f.id)
            .collect();
        for file in &pending {
            self.worker.cancel(*file);
        }
        if !pending.is_empty() {
            self.notify(&format!("Cancelling {} file(s)", pending.len()), false);
        }
    }

    pub(super) fn copy(&mut self, text: &str, what: &str) {
        match self.desktop.copy_text(text) {
            Ok(()) => self.notify(&format!("Copied {what}"), false),
            Err(e) => self.notify(&format!("Could not copy {what}: {e}"), true),
        }
    }

    pub(super) fn notify(&mut self, text: &str, is_error: bool) {
        self.notice = Some(Notice {
            text: text.to_owned(),
            is_error,
        });
    }

    fn selected_text(&self) -> Option<String> {
        let line = self.current_page()?.page.lines.get(self.selected_line?)?;
        Some(line.text.clone())
    }

    fn turn_page(&mut self, by: isize) {
        let Some(file) = self.current_file() else { return };
        let last = file.pages.len().saturating_sub(1);
        let page = (self.page as isize + by).clamp(0, last as isize) as usize;
        if page != self.page {
            self.page = page;
            self.selected_line = None;
        }
    }

    fn go_to_next_review(&mut self) {
        let Some(file) = self.current_file() else { return };
        let after = self.selected_line.map(|l| (self.page, l));
        match next_to_review(file, after, self.settings.review_below) {
            Some((page, line)) => {
                self.page = page;
                self.selected_line = Some(line);
                self.side.scroll_to_selected = true;
            }
            None => self.notify("Nothing left to review in this file", false),
        }
    }
}
