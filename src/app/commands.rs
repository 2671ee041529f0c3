//! Every action a person can take, defined once with its label and shortcut,
//! so that menus, buttons, tooltips and keys cannot disagree. Widgets emit
//! commands (as [`super::actions::Action::Command`]); the frame applies them.

use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Open,
    Export,
    ExportEachPdf,
    CopySelection,
    CopyAll,
    NextToReview,
    PreviousPage,
    NextPage,
    ZoomIn,
    ZoomOut,
    FitWidth,
    FitPage,
    CancelAll,
    ToggleTheme,
    ToggleRegions,
}

impl Command {
    /// Commands reached by keyboard, in the order their shortcuts are checked.
    pub const WITH_SHORTCUTS: [Command; 11] = [
        Command::Open,
        Command::Export,
        Command::CopySelection,
        Command::NextToReview,
        Command::PreviousPage,
        Command::NextPage,
        Command::ZoomIn,
        Command::ZoomOut,
        Command::FitWidth,
        Command::FitPage,
        Command::CancelAll,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Command::Open => "Open…",
            Command::Export => "Export…",
            Command::ExportEachPdf => "Export each as searchable PDF…",
            Command::CopySelection => "Copy selected line",
            Command::CopyAll => "Copy all",
            Command::NextToReview => "Next to review",
            Command::PreviousPage => "Previous page",
            Command::NextPage => "Next page",
            Command::ZoomIn => "Zoom in",
            Command::ZoomOut => "Zoom out",
            Command::FitWidth => "Fit width",
            Command::FitPage => "Fit page",
            Command::CancelAll => "Cancel all",
            Command::ToggleTheme => "Dark theme",
            Command::ToggleRegions => "Show regions",
        }
    }

    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let key = |m, k| Some(KeyboardShortcut::new(m, k));
        match self {
            Command::Open => key(Modifiers::COMMAND, Key::O),
            Command::Export => key(Modifiers::COMMAND, Key::S),
            Command::CopySelection => key(Modifiers::COMMAND, Key::C),
            Command::NextToReview => key(Modifiers::NONE, Key::F8),
            Command::PreviousPage => key(Modifiers::NONE, Key::PageUp),
            Command::NextPage => key(Modifiers::NONE, Key::PageDown),
            Command::ZoomIn => key(Modifiers::NONE, Key::Plus),
            Command::ZoomOut => key(Modifiers::NONE, Key::Minus),
            Command::FitWidth => key(Modifiers::COMMAND, Key::Num1),
            Command::FitPage => key(Modifiers::COMMAND, Key::Num0),
            Command::CancelAll => key(Modifiers::NONE, Key::Escape),
            Command::CopyAll | Command::ToggleTheme | Command::ToggleRegions | Command::ExportEachPdf => None,
        }
    }

    /// Shortcuts without Ctrl would type into a text field: they only act when
    /// no text field has the keyboard.
    pub fn types_text(self) -> bool {
        self.shortcut().is_some_and(|s| s.modifiers.is_none())
    }

    /// The shortcut as this platform writes it ("Ctrl+O", "F8"), or "" when
    /// there is none: beside menu entries, in hints, as a button's tooltip.
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        self.shortcut().map(|s| ctx.format_shortcut(&s)).unwrap_or_default()
    }

    /// The label with its shortcut ("Next page (PageDown)"), or the label
    /// alone: the tooltip of a button that shows an icon instead of the label.
    pub fn tooltip(self, ctx: &egui::Context) -> String {
        match self.shortcut_text(ctx) {
            shortcut if shortcut.is_empty() => self.label().to_owned(),
            shortcut => format!("{} ({shortcut})", self.label()),
        }
    }

    /// Whether this command's shortcut was pressed this frame (and consumes it).
    /// Ctrl+C usually arrives as a copy event, not as a key.
    pub fn pressed(self, input: &mut egui::InputState, text_has_focus: bool) -> bool {
        let Some(shortcut) = self.shortcut() else {
            return false;
        };
        if text_has_focus && (self.types_text() || self == Command::CopySelection) {
            return false;
        }
        if self == Command::CopySelection {
            let before = input.events.len();
            input.events.retain(|e| !matches!(e, egui::Event::Copy));
            if input.events.len() != before {
                return true;
            }
        }
        // `=` is where `+` sits unshifted on most keyboards.
        if self == Command::ZoomIn && input.consume_key(Modifiers::NONE, Key::Equals) {
            return true;
        }
        input.consume_shortcut(&shortcut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shortcut_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for command in Command::WITH_SHORTCUTS {
            let s = command.shortcut().expect("listed commands have shortcuts");
            assert!(
                seen.insert((s.modifiers.ctrl, s.modifiers.command, s.logical_key)),
                "{command:?}"
            );
        }
    }

    #[test]
    fn tooltips_name_the_shortcut_when_there_is_one() {
        let ctx = egui::Context::default();
        assert_eq!(Command::NextPage.tooltip(&ctx), "Next page (PageDown)");
        assert_eq!(Command::CopyAll.tooltip(&ctx), "Copy all");
        assert_eq!(Command::CopyAll.shortcut_text(&ctx), "");
    }

    #[test]
    fn plain_keys_give_way_to_text_fields() {
        assert!(Command::NextPage.types_text());
        assert!(!Command::Open.types_text());
    }
}
