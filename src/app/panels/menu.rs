//! The menu bar: File, Edit, View and Options.

use egui::Ui;

use super::menu_entry;
use crate::app::actions::Action;
use crate::app::commands::Command;
use crate::app::session::Settings;

pub fn menu_bar(ui: &mut Ui, settings: &Settings, actions: &mut Vec<Action>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            menu_entry(ui, Command::Open, actions);
            ui.menu_button("Recent files", |ui| recent_files(ui, settings, actions));
            menu_entry(ui, Command::Export, actions);
            menu_entry(ui, Command::ExportEachPdf, actions);
            ui.separator();
            menu_entry(ui, Command::CancelAll, actions);
        });
        ui.menu_button("Edit", |ui| {
            for command in [Command::CopySelection, Command::CopyAll, Command::NextToReview] {
                menu_entry(ui, command, actions);
            }
        });
        ui.menu_button("View", |ui| {
            for command in [
                Command::PreviousPage,
                Command::NextPage,
                Command::ZoomIn,
                Command::ZoomOut,
                Command::FitWidth,
                Command::FitPage,
            ] {
                menu_entry(ui, command, actions);
            }
            ui.separator();
            let mut dark = settings.dark_theme;
            if ui.checkbox(&mut dark, Command::ToggleTheme.label()).changed() {
                actions.push(Action::Command(Command::ToggleTheme));
            }
            let mut regions = settings.show_regions;
            if ui
                .checkbox(&mut regions, Command::ToggleRegions.label())
                .on_hover_text("Paragraphs, titles, tables, figures and stamps, a colour each")
                .changed()
            {
                actions.push(Action::Command(Command::ToggleRegions));
            }
        });
        ui.menu_button("Options", |ui| options(ui, settings, actions));
    });
}

/// File → Recent files: each opens again; one no longer there is greyed out.
fn recent_files(ui: &mut Ui, settings: &Settings, actions: &mut Vec<Action>) {
    if settings.recent_files.is_empty() {
        ui.label("No recent files");
        return;
    }
    for path in &settings.recent_files {
        let name = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let response = ui
            .add_enabled(path.exists(), egui::Button::new(name))
            .on_hover_text(path.display().to_string())
            .on_disabled_hover_text(format!("{} is no longer there", path.display()));
        if response.clicked() {
            actions.push(Action::AddPaths(vec![path.clone()]));
        }
    }
    ui.separator();
    if ui.button("Clear recent files").clicked() {
        actions.push(Action::ClearRecentFiles);
    }
}

/// The reading options, each change an action.
fn options(ui: &mut Ui, settings: &Settings, actions: &mut Vec<Action>) {
    let mut drop_watermarks = settings.drop_watermarks;
    if ui
        .checkbox(&mut drop_watermarks, "Leave out watermarks (light ink)")
        .on_hover_text("For files opened from now on")
        .changed()
    {
        actions.push(Action::DropWatermarks(drop_watermarks));
    }
    let mut force_ocr = settings.force_ocr;
    if ui
        .checkbox(&mut force_ocr, "OCR PDF pages that have a text layer")
        .on_hover_text("For files opened from now on")
        .changed()
    {
        actions.push(Action::ForceOcr(force_ocr));
    }
    let mut review_below = settings.review_below;
    if ui
        .add(egui::Slider::new(&mut review_below, 0.5..=1.0).text("Review lines below this confidence"))
        .changed()
    {
        actions.push(Action::ReviewBelow(review_below));
    }
}
