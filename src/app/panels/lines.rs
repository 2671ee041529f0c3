//! The Lines tab: every line of the page as an editable row, flagged when it
//! needs review, marked when corrected, with a copy button each.

use egui::{Align, RichText, TextEdit, Ui};

use super::{Showing, command_button, name_widget};
use crate::app::actions::Action;
use crate::app::commands::Command;
use crate::app::palette;
use crate::app::session::{PageAt, needs_review};
use crate::app::worker::FileId;
use crate::result::Line;

/// What one row needs to know besides its line.
struct Row {
    at: PageAt,
    file: FileId,
    index: usize,
    height: f32,
    review_below: f32,
}

pub fn lines_panel(ui: &mut Ui, showing: &Showing<'_>, scroll_to_selected: bool, actions: &mut Vec<Action>) {
    // A panel shrinks to its content; the line fields should use all of it.
    ui.set_min_width(ui.available_width());
    let (Some((_, file)), Some((at, shown))) = (showing.file, showing.page) else {
        ui.heading("Lines");
        return;
    };
    let lines = &shown.page.lines;
    let review_below = showing.review_below;
    let to_review = lines.iter().filter(|l| needs_review(l, review_below)).count();
    ui.horizontal(|ui| {
        ui.heading(format!("Lines ({})", lines.len()));
        if to_review > 0 {
            ui.colored_label(palette::NEEDS_REVIEW, format!("⚠ {to_review} to review"));
        }
    });
    ui.horizontal(|ui| {
        for command in [Command::CopyAll, Command::NextToReview] {
            command_button(ui, command, actions);
        }
    });
    ui.separator();
    let row_height = ui.spacing().interact_size.y + 4.0;
    let mut scroll = egui::ScrollArea::vertical()
        .id_salt(("lines", file.id, at.page))
        .auto_shrink(false);
    let selected = showing.selected_line;
    if scroll_to_selected && let Some(line) = selected {
        let spacing = ui.spacing().item_spacing.y;
        scroll = scroll.vertical_scroll_offset(((row_height + spacing) * line as f32 - 120.0).max(0.0));
    }
    scroll.show_rows(ui, row_height, lines.len(), |ui, rows| {
        for index in rows {
            let Some(line) = lines.get(index) else { continue };
            let row = Row {
                at,
                file: file.id,
                index,
                height: row_height,
                review_below,
            };
            let rect = line_row(ui, line, &row, actions);
            if selected == Some(index) {
                ui.painter()
                    .rect_filled(rect.expand(1.0), 2.0, palette::selected_row(ui.visuals()));
                if scroll_to_selected {
                    ui.scroll_to_rect(rect, Some(Align::Center));
                }
            }
        }
    });
    if scroll_to_selected {
        actions.push(Action::ScrolledToSelection);
    }
}

/// One line: review flag, editable text, copy button, edited mark. Returns the row's rectangle.
fn line_row(ui: &mut Ui, line: &Line, row: &Row, actions: &mut Vec<Action>) -> egui::Rect {
    let i = row.index;
    let drawn = ui.horizontal(|ui| {
        ui.set_min_height(row.height);
        let flag = if needs_review(line, row.review_below) {
            RichText::new("⚠").color(palette::NEEDS_REVIEW)
        } else {
            RichText::new(" ")
        };
        ui.label(flag)
            .on_hover_text(format!("confidence {:.0}%", line.confidence * 100.0));
        let width = (ui.available_width() - 64.0).max(60.0);
        let mut text = line.text.clone();
        let edit = ui.add(
            TextEdit::singleline(&mut text)
                .id_salt(("line", row.file, row.at.page, i))
                .desired_width(width)
                .text_color_opt(line.edited.then_some(palette::EDITED)),
        );
        name_widget(ui, edit.id, &format!("Line {}", i + 1));
        if edit.changed() {
            actions.push(Action::EditLine {
                at: row.at,
                line: i,
                text,
            });
        }
        if edit.gained_focus() || edit.clicked() {
            actions.push(Action::SelectLine {
                line: Some(i),
                scroll: false,
            });
        }
        let button = ui.small_button("📋").on_hover_text("Copy this line");
        name_widget(ui, button.id, &format!("Copy line {}", i + 1));
        if button.clicked() {
            actions.push(Action::SelectLine {
                line: Some(i),
                scroll: false,
            });
            actions.push(Action::Copy {
                text: line.text.clone(),
                what: format!("line {}", i + 1),
            });
        }
        if line.edited {
            ui.label(RichText::new("✏").color(palette::EDITED))
                .on_hover_text(format!(
                    "Edited; read as “{}”",
                    line.ocr_text.as_deref().unwrap_or_default()
                ));
        }
    });
    drawn.response.rect
}
