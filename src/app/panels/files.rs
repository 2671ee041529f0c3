//! The file list (each file's state, a cancel button while it is read, a
//! password field when it is locked) and the overlay while files are dragged in.

use egui::{Align, Layout, TextEdit, Ui};

use super::name_widget;
use crate::app::actions::Action;
use crate::app::commands::Command;
use crate::app::palette;
use crate::app::session::{FileEntry, FileState};

pub fn file_list(ui: &mut Ui, files: &[FileEntry], current: Option<usize>, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.heading("Files");
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            super::command_button(ui, Command::Open, actions);
        });
    });
    ui.separator();
    if files.is_empty() {
        let open = Command::Open.shortcut_text(ui.ctx());
        ui.weak(format!("Drop images, PDFs or folders here, or press {open}."));
        return;
    }
    egui::ScrollArea::vertical().id_salt("file-list").show(ui, |ui| {
        for (index, file) in files.iter().enumerate() {
            file_entry(ui, index, file, current == Some(index), actions);
            ui.add_space(4.0);
        }
    });
}

/// One file: its name (click to show it), cancel while pending, its state,
/// the password field of a locked PDF.
fn file_entry(ui: &mut Ui, index: usize, file: &FileEntry, chosen: bool, actions: &mut Vec<Action>) {
    let name = file.name();
    ui.horizontal(|ui| {
        if ui
            .selectable_label(chosen, &name)
            .on_hover_text(file.path.display().to_string())
            .clicked()
        {
            actions.push(Action::ChooseFile(index));
        }
        if file.state.is_pending() {
            let button = ui.small_button("✖").on_hover_text(format!("Cancel {name}"));
            name_widget(ui, button.id, &format!("Cancel {name}"));
            if button.clicked() {
                actions.push(Action::CancelFile(file.id));
            }
        }
    });
    file_state(ui, file);
    if let Some(password) = &file.password {
        ui.horizontal(|ui| {
            let mut typed = password.clone();
            let field = ui.add(
                TextEdit::singleline(&mut typed)
                    .password(true)
                    .hint_text("Password")
                    .desired_width(120.0),
            );
            name_widget(ui, field.id, &format!("Password for {name}"));
            if field.changed() {
                actions.push(Action::TypePassword {
                    file: index,
                    password: typed,
                });
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let button = ui.button("Unlock");
            name_widget(ui, button.id, &format!("Unlock {name}"));
            if entered || button.clicked() {
                actions.push(Action::Unlock(index));
            }
        });
    }
}

fn file_state(ui: &mut Ui, file: &FileEntry) {
    match &file.state {
        FileState::Queued => {
            ui.weak("queued");
        }
        FileState::Reading { done, of } => {
            let progress = if *of > 0 { *done as f32 / *of as f32 } else { 0.0 };
            ui.add(egui::ProgressBar::new(progress).text(format!("reading page {} of {}", done + 1, of.max(&1))));
        }
        FileState::Done => {
            let lines: usize = file.pages.iter().map(|p| p.page.lines.len()).sum();
            ui.weak(format!("done · {} page(s) · {lines} lines", file.pages.len()));
        }
        FileState::Failed(reason) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("failed: {reason}"));
        }
        FileState::Cancelled => {
            ui.weak(format!("cancelled after {} page(s)", file.pages.len()));
        }
    }
}

/// A shade over the window while files are dragged over it.
pub fn drop_overlay(ctx: &egui::Context) {
    let hovering = ctx.input(|i| i.raw.hovered_files.len());
    if hovering == 0 {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop-overlay"),
    ));
    let screen = ctx.content_rect();
    painter.rect_filled(screen, 0.0, palette::DROP_SHADE);
    painter.text(
        screen.center(),
        egui::Align2::CENTER_CENTER,
        format!("Drop to read {hovering} file(s) or folder(s)"),
        egui::FontId::proportional(26.0),
        palette::DROP_TEXT,
    );
}
