//! The status bar: the models' state, the session's figures, a missing CJK
//! font, the last notice.

use egui::{RichText, Ui};

use crate::app::session::SessionStats;
use crate::app::{EngineState, Notice};

pub fn status_bar(
    ui: &mut Ui,
    engine: &EngineState,
    stats: SessionStats,
    font_warning: Option<&str>,
    notice: Option<&Notice>,
) {
    ui.horizontal(|ui| {
        match engine {
            // No spinners: an animation repaints every frame, and on a
            // software-rendered display that takes the CPU the reading needs.
            EngineState::Loading => {
                ui.label("Loading models…");
            }
            EngineState::Ready { load_ms } => {
                ui.label("Models ready")
                    .on_hover_text(format!("loaded in {load_ms:.0} ms"));
            }
            EngineState::Failed(reason) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("Models unavailable: {reason}"));
            }
        }
        ui.separator();
        ui.label(format!(
            "Files read: {} · failed: {} · pages: {} · mean {:.0} ms/page",
            stats.files_read, stats.files_failed, stats.pages, stats.mean_page_ms
        ));
        if let Some(warning) = font_warning {
            ui.separator();
            ui.colored_label(ui.visuals().warn_fg_color, "No CJK font")
                .on_hover_text(warning);
        }
        if let Some(notice) = notice {
            ui.separator();
            let colour = if notice.is_error {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().text_color()
            };
            ui.add(egui::Label::new(RichText::new(&notice.text).color(colour)).truncate());
        }
    });
}
