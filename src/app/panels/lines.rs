//! The Lines tab: every line of the page as an editable row, flagged when it
//! needs review, marked when corrected, with a copy button each. A long line
//! wraps: rows are as tall as their text, and only those in view are built.

use egui::{Align, RichText, TextEdit, Ui, UiBuilder};

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
    /// Width of the text field; its text wraps at it.
    text_width: f32,
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
    let layout = RowLayout::measure(ui, lines);
    let mut scroll = egui::ScrollArea::vertical()
        .id_salt(("lines", file.id, at.page))
        .auto_shrink(false);
    let selected = showing.selected_line;
    if scroll_to_selected && let Some(top) = selected.and_then(|line| layout.tops.get(line)) {
        scroll = scroll.vertical_scroll_offset((top - 120.0).max(0.0));
    }
    scroll.show_viewport(ui, |ui, viewport| {
        ui.set_height(layout.total_height);
        let origin = ui.max_rect().min;
        let width = ui.max_rect().width();
        for index in layout.rows_in(viewport.min.y, viewport.max.y) {
            let Some(line) = lines.get(index) else { continue };
            let row = Row {
                at,
                file: file.id,
                index,
                height: layout.heights[index],
                text_width: layout.text_width,
                review_below,
            };
            let rect = egui::Rect::from_min_size(
                origin + egui::vec2(0.0, layout.tops[index]),
                egui::vec2(width, row.height),
            );
            let mut row_ui = ui.new_child(
                UiBuilder::new()
                    .max_rect(rect)
                    .id_salt(("line-row", index))
                    .layout(egui::Layout::left_to_right(Align::Min)),
            );
            let drawn = line_row(&mut row_ui, line, &row, actions);
            if selected == Some(index) {
                ui.painter()
                    .rect_filled(drawn.expand(1.0), 2.0, palette::selected_row(ui.visuals()));
                if scroll_to_selected {
                    ui.scroll_to_rect(drawn, Some(Align::Center));
                }
            }
        }
    });
    if scroll_to_selected {
        actions.push(Action::ScrolledToSelection);
    }
}

/// Room beside a line's text: the review flag, the copy button and the edited mark.
const ROW_CONTROLS_WIDTH: f32 = 64.0;
/// A text field's inner margin, each side (egui's default for `TextEdit`).
const TEXT_MARGIN: egui::Vec2 = egui::vec2(4.0, 2.0);
/// Space between a row's field and the next row.
const ROW_GAP: f32 = 4.0;

/// Where each row goes: its text wrapped to the panel's width makes it as tall as needed.
struct RowLayout {
    text_width: f32,
    heights: Vec<f32>,
    /// Top of each row from the top of the list.
    tops: Vec<f32>,
    total_height: f32,
}

impl RowLayout {
    fn measure(ui: &Ui, lines: &[Line]) -> Self {
        let text_width = (ui.available_width() - ROW_CONTROLS_WIDTH).max(60.0);
        let font = egui::TextStyle::Body.resolve(ui.style());
        let one_line = ui.spacing().interact_size.y + ROW_GAP;
        let spacing = ui.spacing().item_spacing.y;
        let heights: Vec<f32> = lines
            .iter()
            .map(|line| {
                // Laid out as the field lays it out (egui caches the layout).
                let galley = ui.fonts_mut(|f| {
                    f.layout(
                        line.text.clone(),
                        font.clone(),
                        egui::Color32::PLACEHOLDER,
                        text_width - 2.0 * TEXT_MARGIN.x,
                    )
                });
                (galley.size().y + 2.0 * TEXT_MARGIN.y + ROW_GAP).max(one_line)
            })
            .collect();
        let mut tops = Vec::with_capacity(heights.len());
        let mut top = 0.0;
        for height in &heights {
            tops.push(top);
            top += height + spacing;
        }
        Self {
            text_width,
            heights,
            tops,
            total_height: (top - spacing).max(0.0),
        }
    }

    /// The rows that show between `from` and `to` (list coordinates).
    fn rows_in(&self, from: f32, to: f32) -> std::ops::Range<usize> {
        let first = self.tops.partition_point(|top| *top <= from).saturating_sub(1);
        let end = self.tops.partition_point(|top| *top < to);
        first..end.max(first)
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
        let mut text = line.text.clone();
        let edit = ui.add(
            TextEdit::multiline(&mut text)
                .id_salt(("line", row.file, row.at.page, i))
                .desired_width(row.text_width)
                .desired_rows(1)
                .margin(TEXT_MARGIN)
                .text_color_opt(line.edited.then_some(palette::EDITED)),
        );
        name_widget(ui, edit.id, &format!("Line {}", i + 1));
        // The field wraps, but a line holds no line break: Enter ends the edit.
        if text.contains('\n') {
            text.retain(|c| c != '\n' && c != '\r');
            edit.surrender_focus();
        }
        if edit.changed() && text != line.text {
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
        let button = ui.small_button(palette::COPY_GLYPH).on_hover_text("Copy this line");
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
