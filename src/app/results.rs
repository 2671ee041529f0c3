//! The side panels for what the analyses found: fields (machine-readable zones,
//! contacts, label/value pairs) with a copy button each, and tables as editable
//! grids.

use egui::{RichText, TextEdit, Ui};

use super::actions::Action;
use super::palette;
use super::panels::name_widget;
use super::session::PageAt;
use crate::result::{Field, FieldSource, InkColour, Page, SealShape, Table, TableCell, Verdict};

/// The heading of a group of fields in the Fields tab.
fn source_title(source: FieldSource) -> &'static str {
    match source {
        FieldSource::Mrz => "Machine-readable zone",
        FieldSource::Contacts => "Contact details",
        FieldSource::Fields => "Labelled fields",
    }
}

/// A field's name as a clerk reads it: "date_of_birth" → "Date of birth".
pub fn field_title(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The page's fields, grouped by what found them, each with a copy button; a
/// field whose check digit fails is red.
pub fn fields_panel(ui: &mut Ui, page: &Page, actions: &mut Vec<Action>) {
    seals_section(ui, page, actions);
    if page.fields.is_empty() {
        ui.weak("No fields on this page: no passport or ID zone, contact details or labelled values were found.");
        return;
    }
    let failed = page
        .fields
        .iter()
        .filter(|f| f.verdict == Some(Verdict::Invalid))
        .count();
    if failed > 0 {
        ui.colored_label(
            palette::CHECK_FAILED,
            format!("✖ {failed} field(s) fail their check digit"),
        );
    }
    let mismatched = page.fields.iter().filter(|f| f.mismatch.is_some()).count();
    if mismatched > 0 {
        ui.colored_label(
            palette::UNSURE,
            format!("⚠ {mismatched} field(s) where the printed page and the zone disagree"),
        );
    }
    if ui.button("Copy all fields").clicked() {
        let text: Vec<String> = page
            .fields
            .iter()
            .map(|f| format!("{}\t{}", field_title(&f.name), f.value))
            .collect();
        actions.push(Action::Copy {
            text: text.join("\n"),
            what: "all fields".into(),
        });
    }
    egui::ScrollArea::vertical()
        .id_salt("fields")
        .auto_shrink(false)
        .show(ui, |ui| {
            let mut sources: Vec<FieldSource> = page.fields.iter().map(|f| f.source).collect();
            sources.dedup();
            for source in sources {
                ui.add_space(4.0);
                ui.strong(source_title(source));
                egui::Grid::new(("fields", source.as_str()))
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        for (i, field) in page.fields.iter().enumerate().filter(|(_, f)| f.source == source) {
                            field_row(ui, i, field, actions);
                            ui.end_row();
                        }
                    });
            }
        });
}

/// The page's seals and signatures: what each says, a click marks it on the page.
fn seals_section(ui: &mut Ui, page: &Page, actions: &mut Vec<Action>) {
    if page.seals.is_empty() && page.signatures.is_empty() {
        return;
    }
    ui.strong("Seals and signatures");
    egui::Grid::new("seals").num_columns(3).striped(true).show(ui, |ui| {
        for (i, seal) in page.seals.iter().enumerate() {
            let shape = match seal.shape {
                SealShape::Round => "round",
                SealShape::Oval => "oval",
            };
            let colour = match seal.colour {
                InkColour::Red => "red",
                InkColour::Blue => "blue",
            };
            let name = format!("Seal {} ({shape}, {colour})", i + 1);
            let chosen = ui
                .selectable_label(false, RichText::new(&name).weak())
                .on_hover_text("Show it on the page");
            if chosen.clicked() {
                actions.push(Action::Highlight(Some(seal.quad)));
            }
            let inside: Vec<&str> = seal
                .line_ids
                .iter()
                .filter_map(|&id| page.lines.get(id).map(|l| l.text.as_str()))
                .collect();
            let text = if seal.text.is_empty() {
                "(ring not legible)"
            } else {
                seal.text.as_str()
            };
            ui.label(text).on_hover_text(format!(
                "ring read with {:.0}% confidence; outline {:.0}% inked{}",
                seal.text_confidence * 100.0,
                seal.confidence * 100.0,
                if inside.is_empty() {
                    String::new()
                } else {
                    format!("\ninside: {}", inside.join(" / "))
                }
            ));
            let button = ui
                .small_button(palette::COPY_GLYPH)
                .on_hover_text("Copy the seal's text");
            name_widget(ui, button.id, &format!("Copy seal {}", i + 1));
            if button.clicked() {
                let all: Vec<&str> = std::iter::once(seal.text.as_str())
                    .chain(inside)
                    .filter(|t| !t.is_empty())
                    .collect();
                actions.push(Action::Copy {
                    text: all.join("\n"),
                    what: "the seal's text".into(),
                });
            }
            ui.end_row();
        }
        for (i, signature) in page.signatures.iter().enumerate() {
            let label = signature
                .label_line_id
                .and_then(|id| page.lines.get(id))
                .map_or(String::new(), |l| format!(" under “{}”", l.text));
            let chosen = ui.selectable_label(false, RichText::new(format!("Signature {}", i + 1)).weak());
            if chosen.clicked() {
                actions.push(Action::Highlight(Some(signature.quad)));
            }
            ui.label(format!("signed{label}"));
            ui.label("");
            ui.end_row();
        }
    });
    ui.add_space(6.0);
}

fn field_row(ui: &mut Ui, i: usize, field: &Field, actions: &mut Vec<Action>) {
    let title = field_title(&field.name);
    let colour = match (field.verdict, &field.mismatch) {
        (Some(Verdict::Invalid), _) => Some(palette::CHECK_FAILED),
        (_, Some(_)) => Some(palette::UNSURE),
        _ => None,
    };
    ui.label(RichText::new(&title).weak());
    let mut value = RichText::new(&field.value);
    if let Some(c) = colour {
        value = value.color(c).strong();
    }
    let shown = ui.label(value);
    let mut hover = format!(
        "confidence {:.0}% · from line(s) {:?}",
        field.confidence * 100.0,
        field.line_ids
    );
    if let Some(read) = &field.read_as {
        hover.push_str(&format!("\nprinted as “{read}”"));
    }
    if let Some(other) = &field.mismatch {
        hover.push_str(&format!("\n⚠ disagrees: the {other}"));
    }
    match field.verdict {
        Some(Verdict::Invalid) => hover.push_str("\n✖ the check digit does not agree"),
        Some(Verdict::Valid) => hover.push_str("\n✔ the check digit agrees"),
        None => {}
    }
    shown.on_hover_text(hover);
    ui.horizontal(|ui| {
        let button = ui
            .small_button(palette::COPY_GLYPH)
            .on_hover_text(format!("Copy {title}"));
        name_widget(ui, button.id, &format!("Copy {title} ({})", i + 1));
        if button.clicked() {
            actions.push(Action::Copy {
                text: field.value.clone(),
                what: title.to_lowercase(),
            });
        }
        match field.verdict {
            Some(Verdict::Valid) => {
                ui.colored_label(palette::CHECK_PASSED, "✔");
            }
            Some(Verdict::Invalid) => {
                ui.colored_label(palette::CHECK_FAILED, "✖");
            }
            None => {}
        }
        if let Some(other) = &field.mismatch {
            ui.colored_label(palette::UNSURE, "⚠")
                .on_hover_text(format!("the {other}"));
        }
    });
}

/// The table as tab-separated rows, as spreadsheets paste it.
pub fn table_as_tsv(table: &Table) -> String {
    table
        .to_grid()
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| cell.replace(['\t', '\n'], " "))
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page's tables: pick one, correct its cells in a grid, copy it. `at`
/// is where the page is, `salt` keeps each page's widgets apart, `selected`
/// is the table chosen before.
pub fn tables_panel(
    ui: &mut Ui,
    page: &Page,
    at: PageAt,
    salt: (u64, usize),
    selected: usize,
    actions: &mut Vec<Action>,
) {
    if page.tables.is_empty() {
        ui.weak("No tables on this page.");
        return;
    }
    let t = selected.min(page.tables.len() - 1);
    if t != selected {
        actions.push(Action::ShowTable(t));
    }
    ui.horizontal_wrapped(|ui| {
        for (i, table) in page.tables.iter().enumerate() {
            let kind = match table.kind {
                crate::result::TableKind::Ruled => "ruled",
                crate::result::TableKind::Borderless => "borderless",
                crate::result::TableKind::Model => "read by the table model",
            };
            let label = format!("Table {} · {}×{} · {kind}", i + 1, table.rows, table.columns);
            if ui.selectable_label(t == i, label).clicked() {
                actions.push(Action::ShowTable(i));
            }
        }
    });
    let Some(table) = page.tables.get(t) else { return };
    if ui
        .button("Copy table")
        .on_hover_text("Copy as tab-separated rows, to paste into a spreadsheet")
        .clicked()
    {
        actions.push(Action::Copy {
            text: table_as_tsv(table),
            what: format!("table {}", t + 1),
        });
    }
    ui.separator();
    let widths = column_widths(ui, table);
    egui::ScrollArea::both()
        .id_salt(("table", salt, t))
        // A wide table continues to the right: show that there is more.
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
        .auto_shrink(false)
        .show(ui, |ui| {
            egui::Grid::new(("table-grid", salt, t)).striped(true).show(ui, |ui| {
                for row in 0..table.rows {
                    for (column, width) in widths.iter().enumerate() {
                        match table.cells.iter().position(|c| c.row == row && c.column == column) {
                            Some(i) => {
                                let place = CellPlace {
                                    at,
                                    salt,
                                    table: t,
                                    index: i,
                                    header: row < table.header_rows,
                                };
                                cell_field(ui, &table.cells[i], &place, *width, actions);
                            }
                            None => {
                                ui.weak("·").on_hover_text("part of a merged cell");
                            }
                        }
                    }
                    ui.end_row();
                }
            });
        });
}

/// Narrowest and widest a table column is drawn: room for a short number, and no
/// column so wide that the next ones leave the panel (the whole text shows on hover).
const COLUMN_WIDTH: std::ops::RangeInclusive<f32> = 40.0..=320.0;
/// A cell field's inner margin, each side (egui's default for `TextEdit`).
const CELL_MARGIN: f32 = 4.0;

/// Each column as wide as its widest cell's text (merged cells left out: a grid
/// slot holds their first column only), within [`COLUMN_WIDTH`].
fn column_widths(ui: &Ui, table: &Table) -> Vec<f32> {
    let mut widths = vec![*COLUMN_WIDTH.start(); table.columns];
    for cell in table.cells.iter().filter(|c| c.column_span == 1) {
        let style = if cell.row < table.header_rows {
            egui::TextStyle::Button
        } else {
            egui::TextStyle::Body
        };
        let font = style.resolve(ui.style());
        let text = ui.fonts_mut(|f| {
            f.layout_no_wrap(cell.text.clone(), font, egui::Color32::PLACEHOLDER)
                .size()
                .x
        });
        if let Some(width) = widths.get_mut(cell.column) {
            *width = width.max((text + 2.0 * CELL_MARGIN + 2.0).clamp(*COLUMN_WIDTH.start(), *COLUMN_WIDTH.end()));
        }
    }
    widths
}

/// Where a cell is, for its widget and its correction.
struct CellPlace {
    at: PageAt,
    salt: (u64, usize),
    table: usize,
    /// Index into the table's cells.
    index: usize,
    /// In a header row: drawn in the button font.
    header: bool,
}

/// One cell's editable text, blue once corrected.
fn cell_field(ui: &mut Ui, cell: &TableCell, place: &CellPlace, width: f32, actions: &mut Vec<Action>) {
    let (row, column) = (cell.row, cell.column);
    let mut text = cell.text.clone();
    let mut edit = TextEdit::singleline(&mut text)
        .id_salt(("cell", place.salt, place.table, row, column))
        .margin(egui::vec2(CELL_MARGIN, 2.0))
        .desired_width(width);
    if place.header {
        edit = edit.font(egui::TextStyle::Button);
    }
    if cell.edited {
        edit = edit.text_color(palette::EDITED);
    }
    let size = egui::vec2(width, ui.spacing().interact_size.y);
    let response = ui.add_sized(size, edit);
    name_widget(ui, response.id, &format!("Row {} column {}", row + 1, column + 1));
    let spans = match (cell.row_span, cell.column_span) {
        (1, 1) => String::new(),
        (r, c) => format!("\nmerged: {r} row(s) × {c} column(s)"),
    };
    let response = response.on_hover_text(format!("{}\nrow {}, column {}{spans}", cell.text, row + 1, column + 1));
    if response.changed() && text != cell.text {
        actions.push(Action::EditCell {
            at: place.at,
            table: place.table,
            cell: place.index,
            text,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::{TableCell, TableKind};

    #[test]
    fn field_titles_and_table_text_for_the_clipboard() {
        assert_eq!(field_title("date_of_birth"), "Date of birth");
        let cell = |row, column, column_span, text: &str| TableCell {
            row,
            column,
            row_span: 1,
            column_span,
            text: text.into(),
            ..TableCell::default()
        };
        let table = Table {
            kind: TableKind::Ruled,
            bbox: [0.0; 4],
            rows: 2,
            columns: 2,
            row_edges: vec![0.0, 1.0, 2.0],
            column_edges: vec![0.0, 1.0, 2.0],
            header_rows: 1,
            cells: vec![
                cell(0, 0, 2, "Price\tlist"),
                cell(1, 0, 1, "Tea"),
                cell(1, 1, 1, "2.50"),
            ],
            turned: 0.0,
        };
        assert_eq!(table_as_tsv(&table), "Price list\t\nTea\t2.50");
    }
}
