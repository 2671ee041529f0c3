//! What the app holds: the files of this session, their pages as read (with
//! the person's corrections), the settings that persist, and the statistics.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::worker::{FileId, WorkerEvent};
use crate::result::{Document, Line, Page};

/// Settings kept between sessions (eframe storage).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub dark_theme: bool,
    /// Where the open and save dialogs start.
    pub last_folder: Option<PathBuf>,
    pub drop_watermarks: bool,
    /// OCR PDF pages even when they have a text layer.
    pub force_ocr: bool,
    /// Lines read with less confidence than this are flagged for review.
    pub review_below: f32,
    /// Files and folders opened, the latest first (File → Recent files).
    pub recent_files: Vec<PathBuf>,
    /// Draw the page's regions (paragraphs, titles, tables, stamps) over it.
    pub show_regions: bool,
}

/// How many recent files File → Recent files keeps: a menu longer than this is searched, not glanced at.
pub const RECENT_FILES_KEPT: usize = 10;

impl Settings {
    /// Puts `path` first among the recent files (once), dropping the oldest beyond the limit.
    pub fn remember_opened(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        self.recent_files.retain(|p| *p != path);
        self.recent_files.insert(0, path);
        self.recent_files.truncate(RECENT_FILES_KEPT);
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            dark_theme: false,
            last_folder: None,
            drop_watermarks: false,
            force_ocr: false,
            review_below: 0.8,
            recent_files: Vec::new(),
            show_regions: false,
        }
    }
}

/// Where a file is in its reading.
#[derive(Clone, Debug, PartialEq)]
pub enum FileState {
    Queued,
    Reading { done: usize, of: usize },
    Done,
    Failed(String),
    Cancelled,
}

impl FileState {
    /// Still waiting or being read.
    pub fn is_pending(&self) -> bool {
        matches!(self, FileState::Queued | FileState::Reading { .. })
    }
}

/// A page of a file in the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageAt {
    /// Index into the session's files.
    pub file: usize,
    /// Index into that file's pages read.
    pub page: usize,
}

/// One page as shown: what was read, and the image to draw under it.
pub struct ShownPage {
    pub page: Page,
    pub image: Option<Arc<egui::ColorImage>>,
    /// Uploaded when the page is first shown, dropped when another page is.
    pub texture: Option<egui::TextureHandle>,
}

pub struct FileEntry {
    pub id: FileId,
    pub path: PathBuf,
    pub state: FileState,
    pub page_count: usize,
    /// Pages read, in the order read.
    pub pages: Vec<ShownPage>,
    /// For a password-protected PDF: the password being typed.
    pub password: Option<String>,
    /// The password the file was last opened with, kept in memory (never saved)
    /// so that its pages can be taken again for a searchable PDF.
    pub opened_with: Option<String>,
}

impl FileEntry {
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }

    /// The file's results with the person's corrections: what is copied and exported.
    pub fn document(&self) -> Document {
        Document {
            source: self.path.display().to_string(),
            page_count: self.page_count.max(self.pages.len()),
            pages: self.pages.iter().map(|p| p.page.clone()).collect(),
        }
    }

    /// Every line's text, pages separated by a blank line.
    pub fn all_text(&self) -> String {
        self.pages
            .iter()
            .map(|p| p.page.text())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

/// Figures for the status bar.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SessionStats {
    pub files_read: usize,
    pub files_failed: usize,
    pub pages: usize,
    pub mean_page_ms: f64,
}

#[derive(Default)]
pub struct Session {
    pub files: Vec<FileEntry>,
    next_id: FileId,
}

impl Session {
    /// Adds a file to read unless it is already waiting, being read or read.
    /// Returns its id when it was added.
    pub fn add(&mut self, path: &Path) -> Option<FileId> {
        let already = self.files.iter().any(|f| {
            f.path == path && matches!(f.state, FileState::Queued | FileState::Reading { .. } | FileState::Done)
        });
        if already {
            return None;
        }
        self.next_id += 1;
        self.files.push(FileEntry {
            id: self.next_id,
            path: path.to_owned(),
            state: FileState::Queued,
            page_count: 0,
            pages: Vec::new(),
            password: None,
            opened_with: None,
        });
        Some(self.next_id)
    }

    /// Queues a file again (after a password was given); its pages so far are dropped.
    pub fn requeue(&mut self, index: usize) -> Option<FileId> {
        let entry = self.files.get_mut(index)?;
        entry.state = FileState::Queued;
        entry.pages.clear();
        entry.page_count = 0;
        Some(entry.id)
    }

    /// The page at `at`, if that file and page exist.
    pub fn page(&self, at: PageAt) -> Option<&ShownPage> {
        self.files.get(at.file)?.pages.get(at.page)
    }

    pub fn page_mut(&mut self, at: PageAt) -> Option<&mut ShownPage> {
        self.files.get_mut(at.file)?.pages.get_mut(at.page)
    }

    pub fn index_of(&self, id: FileId) -> Option<usize> {
        self.files.iter().position(|f| f.id == id)
    }

    /// Applies one worker report. Returns the index of the file it concerned.
    pub fn apply(&mut self, event: WorkerEvent) -> Option<usize> {
        let id = match &event {
            WorkerEvent::EngineReady { .. } | WorkerEvent::EngineFailed(_) => return None,
            WorkerEvent::Started { file }
            | WorkerEvent::Page { file, .. }
            | WorkerEvent::Finished { file, .. }
            | WorkerEvent::Failed { file, .. }
            | WorkerEvent::Cancelled { file } => *file,
        };
        let index = self.index_of(id)?;
        let entry = &mut self.files[index];
        match event {
            WorkerEvent::Started { .. } => entry.state = FileState::Reading { done: 0, of: 0 },
            WorkerEvent::Page {
                page, image, done, of, ..
            } => {
                entry.state = FileState::Reading { done, of };
                entry.pages.push(ShownPage {
                    page: *page,
                    image,
                    texture: None,
                });
            }
            WorkerEvent::Finished { page_count, .. } => {
                entry.state = FileState::Done;
                entry.page_count = page_count;
            }
            WorkerEvent::Failed {
                reason, needs_password, ..
            } => {
                entry.state = FileState::Failed(reason);
                entry.password = needs_password.then(String::new);
            }
            WorkerEvent::Cancelled { .. } => entry.state = FileState::Cancelled,
            WorkerEvent::EngineReady { .. } | WorkerEvent::EngineFailed(_) => {}
        }
        Some(index)
    }

    pub fn is_busy(&self) -> bool {
        self.files.iter().any(|f| f.state.is_pending())
    }

    /// Documents with at least one page read, in the order of the file list.
    pub fn documents(&self) -> Vec<Document> {
        self.read_files().map(FileEntry::document).collect()
    }

    /// The passwords the documents of [`Self::documents`] were opened with, in the same order.
    pub fn passwords(&self) -> Vec<Option<String>> {
        self.read_files().map(|f| f.opened_with.clone()).collect()
    }

    fn read_files(&self) -> impl Iterator<Item = &FileEntry> {
        self.files.iter().filter(|f| !f.pages.is_empty())
    }

    pub fn stats(&self) -> SessionStats {
        let pages: Vec<&Page> = self
            .files
            .iter()
            .flat_map(|f| f.pages.iter().map(|p| &p.page))
            .collect();
        let total_ms: f64 = pages.iter().map(|p| p.timings.total_ms).sum();
        SessionStats {
            files_read: self.files.iter().filter(|f| f.state == FileState::Done).count(),
            files_failed: self
                .files
                .iter()
                .filter(|f| matches!(f.state, FileState::Failed(_)))
                .count(),
            pages: pages.len(),
            mean_page_ms: if pages.is_empty() {
                0.0
            } else {
                total_ms / pages.len() as f64
            },
        }
    }
}

/// A line needs a person's eyes: read with low confidence and not yet corrected.
pub fn needs_review(line: &Line, review_below: f32) -> bool {
    line.confidence < review_below && !line.edited
}

/// The next line to review after `(page, line)` in `file`, wrapping around.
pub fn next_to_review(file: &FileEntry, after: Option<(usize, usize)>, review_below: f32) -> Option<(usize, usize)> {
    let all: Vec<(usize, usize)> = file
        .pages
        .iter()
        .enumerate()
        .flat_map(|(p, shown)| {
            shown
                .page
                .lines
                .iter()
                .enumerate()
                .filter(move |(_, line)| needs_review(line, review_below))
                .map(move |(l, _)| (p, l))
        })
        .collect();
    match after {
        Some(current) => all.iter().copied().find(|&at| at > current).or(all.first().copied()),
        None => all.first().copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Point;
    use crate::result::{PageOrientation, StageTimings, TextSource};

    fn page(confidences: &[f32]) -> ShownPage {
        let lines = confidences
            .iter()
            .map(|&c| Line::read(format!("line {c}"), [Point::new(0.0, 0.0); 4], c, 1.0))
            .collect();
        ShownPage {
            page: Page {
                index: 0,
                width: 10,
                height: 10,
                orientation: PageOrientation::default(),
                source: TextSource::Ocr,
                lines,
                fields: Vec::new(),
                tables: Vec::new(),
                warnings: Vec::new(),
                regions: Vec::new(),
                seals: Vec::new(),
                signatures: Vec::new(),
                timings: StageTimings {
                    total_ms: 100.0,
                    ..StageTimings::default()
                },
            },
            image: None,
            texture: None,
        }
    }

    #[test]
    fn review_walks_low_confidence_lines_across_pages_and_wraps() {
        let mut session = Session::default();
        let id = session.add(Path::new("a.png")).expect("added");
        let file = &mut session.files[0];
        assert_eq!(file.id, id);
        file.pages.push(page(&[0.99, 0.5, 0.95]));
        file.pages.push(page(&[0.7, 0.99]));
        assert_eq!(next_to_review(file, None, 0.8), Some((0, 1)));
        assert_eq!(next_to_review(file, Some((0, 1)), 0.8), Some((1, 0)));
        assert_eq!(next_to_review(file, Some((1, 0)), 0.8), Some((0, 1)), "wraps");
        file.pages[0].page.lines[1].edit("corrected");
        assert_eq!(
            next_to_review(file, Some((1, 0)), 0.8),
            Some((1, 0)),
            "edited lines are reviewed"
        );
    }

    #[test]
    fn a_file_is_queued_once_until_it_fails() {
        let mut session = Session::default();
        let first = session.add(Path::new("a.png")).expect("added");
        assert_eq!(session.add(Path::new("a.png")), None);
        session.apply(WorkerEvent::Failed {
            file: first,
            reason: "corrupt".into(),
            needs_password: false,
        });
        assert!(
            session.add(Path::new("a.png")).is_some(),
            "a failed file may be tried again"
        );
        let stats = session.stats();
        assert_eq!((stats.files_read, stats.files_failed), (0, 1));
    }

    #[test]
    fn stats_count_files_and_pages() {
        let mut session = Session::default();
        let id = session.add(Path::new("a.pdf")).expect("added");
        for done in 1..=2 {
            session.apply(WorkerEvent::Page {
                file: id,
                page: Box::new(page(&[0.9]).page),
                image: None,
                done,
                of: 2,
            });
        }
        assert_eq!(session.files[0].state, FileState::Reading { done: 2, of: 2 });
        session.apply(WorkerEvent::Finished {
            file: id,
            page_count: 2,
        });
        let stats = session.stats();
        assert_eq!((stats.files_read, stats.pages, stats.mean_page_ms), (1, 2, 100.0));
        assert_eq!(session.documents()[0].pages.len(), 2);
    }
}
