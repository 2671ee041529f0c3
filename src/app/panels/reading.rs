//! The Reading tab: the page's text as a person reads it — its regions in
//! reading order, titles as headings, each paragraph whole with a copy button;
//! running heads and stamps left out, as in the Markdown export.

use egui::{RichText, Ui};

use super::name_widget;
use crate::app::actions::Action;
use crate::app::palette;
use crate::result::{Page, RegionKind};
use crate::text::join_lines;

/// The page's flow: (kind, text) of each region in reading order.
pub fn reading_flow(page: &Page) -> Vec<(RegionKind, String)> {
    let mut flow: Vec<_> = page.regions.iter().filter_map(|r| r.order.map(|o| (o, r))).collect();
    flow.sort_by_key(|(order, _)| *order);
    flow.into_iter()
        .filter(|(_, r)| r.kind != RegionKind::Image)
        .map(|(_, r)| {
            let texts = r
                .line_ids
                .iter()
                .filter_map(|&id| page.lines.get(id))
                .map(|l| l.text.as_str());
            (r.kind, join_lines(texts))
        })
        .filter(|(_, text)| !text.is_empty())
        .collect()
}

pub fn reading_panel(ui: &mut Ui, page: &Page, actions: &mut Vec<Action>) {
    let flow = reading_flow(page);
    if flow.is_empty() {
        ui.weak("No reading flow for this page: its layout was not analysed, or it holds no text.");
        return;
    }
    if ui.button("Copy the page as read").clicked() {
        let text: Vec<&str> = flow.iter().map(|(_, t)| t.as_str()).collect();
        actions.push(Action::Copy {
            text: text.join("\n\n"),
            what: "the page's text in reading order".into(),
        });
    }
    egui::ScrollArea::vertical()
        .id_salt("reading")
        .auto_shrink(false)
        .show(ui, |ui| {
            for (i, (kind, text)) in flow.iter().enumerate() {
                ui.add_space(4.0);
                ui.horizontal_top(|ui| {
                    let button = ui
                        .small_button(palette::COPY_GLYPH)
                        .on_hover_text("Copy this paragraph");
                    name_widget(ui, button.id, &format!("Copy paragraph {}", i + 1));
                    if button.clicked() {
                        actions.push(Action::Copy {
                            text: text.clone(),
                            what: format!("paragraph {}", i + 1),
                        });
                    }
                    let shown = match kind {
                        RegionKind::Title => RichText::new(text).heading(),
                        RegionKind::SubTitle => RichText::new(text).strong(),
                        _ => RichText::new(text),
                    };
                    ui.add(egui::Label::new(shown).wrap());
                });
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned;
    use crate::result::{Line, PageOrientation, Region, StageTimings, TextSource};

    #[test]
    fn the_flow_follows_the_order_joins_paragraphs_and_leaves_running_heads_out() {
        let line = |t: &str| Line::read(t.into(), axis_aligned(0.0, 0.0, 10.0, 10.0), 0.99, 0.9);
        let region = |kind, order, line_ids| Region {
            kind,
            quad: axis_aligned(0.0, 0.0, 10.0, 10.0),
            order,
            line_ids,
            confidence: 0.9,
        };
        let page = Page {
            index: 0,
            width: 100,
            height: 100,
            orientation: PageOrientation::default(),
            source: TextSource::Ocr,
            lines: vec![
                line("Page 3"),
                line("Body of the exam-"),
                line("ple text."),
                line("Results"),
            ],
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: vec![
                region(RegionKind::Header, None, vec![0]),
                region(RegionKind::Text, Some(1), vec![1, 2]),
                region(RegionKind::Title, Some(0), vec![3]),
            ],
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: StageTimings::default(),
        };
        assert_eq!(
            reading_flow(&page),
            [
                (RegionKind::Title, "Results".to_owned()),
                (RegionKind::Text, "Body of the example text.".to_owned())
            ]
        );
    }
}
