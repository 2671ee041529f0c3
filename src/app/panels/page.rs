//! The page in the middle: page turning and zoom buttons, the page's warnings,
//! the page view; or why there is no page yet.

use egui::Ui;

use super::{Showing, command_button, command_icon};
use crate::app::actions::Action;
use crate::app::commands::Command;
use crate::app::session::{FileEntry, FileState};
use crate::app::viewer::Viewer;

pub fn page_panel(ui: &mut Ui, showing: &Showing<'_>, viewer: &mut Viewer, actions: &mut Vec<Action>) {
    let Some((_, file)) = showing.file else {
        ui.centered_and_justified(|ui| {
            let open = Command::Open.shortcut_text(ui.ctx());
            ui.heading(format!(
                "Drop images, PDFs or folders here, or press {open} to open files."
            ));
        });
        return;
    };
    toolbar(ui, file, showing.page_index, viewer.scale(), actions);
    ui.separator();
    let Some((_, shown)) = showing.page else {
        ui.centered_and_justified(|ui| not_yet_shown(ui, file));
        return;
    };
    // What the reader should know about this page (an image whose data ends early).
    for warning in &shown.page.warnings {
        ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {warning}"));
    }
    let output = viewer.show(ui, shown, showing.selected_line, showing.review_below, showing.overlay);
    if let Some(clicked) = output.clicked {
        actions.push(Action::SelectLine {
            line: clicked,
            scroll: clicked.is_some(),
        });
    }
}

/// Previous and next page, "Page n of m", zoom and fit.
fn toolbar(ui: &mut Ui, file: &FileEntry, page: usize, scale: f32, actions: &mut Vec<Action>) {
    let pages = file.pages.len();
    ui.horizontal(|ui| {
        command_icon(ui, "◀", Command::PreviousPage, page > 0, actions);
        ui.label(format!(
            "Page {} of {}",
            (page + 1).min(pages),
            file.page_count.max(pages)
        ));
        command_icon(ui, "▶", Command::NextPage, page + 1 < pages, actions);
        ui.separator();
        command_icon(ui, "−", Command::ZoomOut, true, actions);
        command_icon(ui, "+", Command::ZoomIn, true, actions);
        ui.label(format!("{:.0}%", scale * 100.0));
        command_button(ui, Command::FitWidth, actions);
        command_button(ui, Command::FitPage, actions);
    });
}

/// Why the file has no page to show.
fn not_yet_shown(ui: &mut Ui, file: &FileEntry) {
    match &file.state {
        FileState::Failed(reason) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("{}: {reason}", file.name()));
        }
        FileState::Cancelled => {
            ui.label("Cancelled before any page was read.");
        }
        FileState::Queued => {
            ui.weak("Waiting for the files before it…");
        }
        _ => {
            ui.weak("Reading the first page…");
        }
    }
}
