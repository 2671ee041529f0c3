//! The panel beside the page: tabs for its lines, fields and tables.

use egui::{RichText, Ui};

use super::Showing;
use super::lines::lines_panel;
use super::reading::reading_panel;
use crate::app::actions::Action;
use crate::app::{palette, results};
use crate::result::Verdict;

/// What the panel beside the page shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SideTab {
    #[default]
    Lines,
    Fields,
    Tables,
    /// The page's text as a person reads it, paragraph by paragraph.
    Reading,
}

/// The panel's own state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SideState {
    pub tab: SideTab,
    /// The table the Tables tab shows.
    pub table: usize,
    /// The lines list should scroll to the selected line this frame.
    pub scroll_to_selected: bool,
}

pub fn side_panel(ui: &mut Ui, showing: &Showing<'_>, state: &SideState, actions: &mut Vec<Action>) {
    let shown = showing.page.map(|(_, shown)| &shown.page);
    let (fields, failed, tables) = shown.map_or((0, 0, 0), |page| {
        let failed = page
            .fields
            .iter()
            .filter(|f| f.verdict == Some(Verdict::Invalid))
            .count();
        (
            page.fields.len() + page.seals.len() + page.signatures.len(),
            failed,
            page.tables.len(),
        )
    });
    ui.horizontal(|ui| {
        let fields_label = if failed > 0 {
            RichText::new(format!("Fields ({fields}) ✖")).color(palette::CHECK_FAILED)
        } else {
            RichText::new(format!("Fields ({fields})"))
        };
        let tabs = [
            (SideTab::Lines, RichText::new("Lines")),
            (SideTab::Fields, fields_label),
            (SideTab::Tables, RichText::new(format!("Tables ({tables})"))),
            (SideTab::Reading, RichText::new("Reading")),
        ];
        for (tab, label) in tabs {
            if ui.selectable_label(state.tab == tab, label).clicked() && state.tab != tab {
                actions.push(Action::ShowTab(tab));
            }
        }
    });
    ui.separator();
    match (state.tab, showing.page) {
        (SideTab::Lines, _) => lines_panel(ui, showing, state.scroll_to_selected, actions),
        (SideTab::Fields, Some((_, shown))) => results::fields_panel(ui, &shown.page, actions),
        (SideTab::Tables, Some((at, shown))) => {
            let salt = showing.file.map_or(0, |(_, file)| file.id);
            results::tables_panel(ui, &shown.page, at, (salt, at.page), state.table, actions);
        }
        (SideTab::Reading, Some((_, shown))) => reading_panel(ui, &shown.page, actions),
        _ => {}
    }
}
