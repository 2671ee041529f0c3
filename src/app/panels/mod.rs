//! The window's panels. Each draws from shared references to what it shows and
//! pushes [`Action`]s; none changes the app itself.

pub mod files;
pub mod lines;
pub mod menu;
pub mod page;
pub mod reading;
pub mod side;
pub mod status;

use egui::{Id, Ui};

use super::actions::Action;
use super::commands::Command;
use super::session::{FileEntry, PageAt, ShownPage};

/// What the frame shows, looked up once at its start.
#[derive(Clone, Copy)]
pub struct Showing<'a> {
    /// The current file and its index in the session.
    pub file: Option<(usize, &'a FileEntry)>,
    /// The page shown, and where it is; `None` until a page of the file is read.
    pub page: Option<(PageAt, &'a ShownPage)>,
    /// The index of the page to show (it may not be read yet).
    pub page_index: usize,
    pub selected_line: Option<usize>,
    /// Lines read with less confidence are flagged.
    pub review_below: f32,
    /// What is drawn over the page besides the lines.
    pub overlay: crate::app::viewer::Overlay,
}

/// Gives a widget its accessible name (what screen readers say, and what
/// tests find it by) when its visible text is an icon.
pub fn name_widget(ui: &Ui, id: Id, name: &str) {
    ui.ctx().accesskit_node_builder(id, |node| node.set_label(name));
}

/// A menu entry for `command`, its shortcut beside it.
pub fn menu_entry(ui: &mut Ui, command: Command, actions: &mut Vec<Action>) {
    let button = egui::Button::new(command.label()).shortcut_text(command.shortcut_text(ui.ctx()));
    if ui.add(button).clicked() {
        actions.push(Action::Command(command));
    }
}

/// A button for `command` showing its label, its shortcut (if any) on hover.
pub fn command_button(ui: &mut Ui, command: Command, actions: &mut Vec<Action>) {
    let button = ui.button(command.label());
    let shortcut = command.shortcut_text(ui.ctx());
    let button = if shortcut.is_empty() {
        button
    } else {
        button.on_hover_text(shortcut)
    };
    if button.clicked() {
        actions.push(Action::Command(command));
    }
}

/// A button for `command` showing `icon`, named by the command's label, the
/// label and shortcut on hover.
pub fn command_icon(ui: &mut Ui, icon: &str, command: Command, enabled: bool, actions: &mut Vec<Action>) {
    let button = ui.add_enabled(enabled, egui::Button::new(icon));
    name_widget(ui, button.id, command.label());
    if button.on_hover_text(command.tooltip(ui.ctx())).clicked() {
        actions.push(Action::Command(command));
    }
}
