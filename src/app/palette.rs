//! Every colour the app chooses, named for what it means. Drawing code takes
//! its colours from here (or from the theme's `Visuals`), never a literal.

use egui::Color32;

/// A line read with confidence at or above [`super::viewer::CONFIDENT`].
pub const SURE: Color32 = Color32::from_rgb(30, 160, 70);
/// A line read fairly surely: below [`super::viewer::CONFIDENT`], above the review bar.
pub const UNSURE: Color32 = Color32::from_rgb(225, 150, 0);
/// A line below the review bar, not yet corrected: its box, its flag, the count.
pub const NEEDS_REVIEW: Color32 = Color32::from_rgb(220, 50, 50);
/// Text a person corrected (a line or a table cell) and its box.
pub const EDITED: Color32 = Color32::from_rgb(60, 120, 230);
/// The cell outlines of a table drawn over the page.
pub const TABLE: Color32 = Color32::from_rgb(150, 70, 200);
/// A field whose check digit agrees.
pub const CHECK_PASSED: Color32 = Color32::from_rgb(40, 160, 70);
/// A field whose check digit fails, and the Fields tab that holds one.
pub const CHECK_FAILED: Color32 = Color32::from_rgb(220, 50, 50);

/// The paper under the boxes while a page has no image.
pub const PAPER: Color32 = Color32::WHITE;
/// The tint a page image is drawn with: none.
pub const UNTINTED: Color32 = Color32::WHITE;

/// The shade over the window while files are dragged over it, and its text.
pub const DROP_SHADE: Color32 = Color32::from_black_alpha(170);
pub const DROP_TEXT: Color32 = Color32::WHITE;

/// The inside of the selected line's box: its outline colour, faint.
pub fn selected_box_fill(outline: Color32) -> Color32 {
    outline.gamma_multiply(0.18)
}

/// Behind the selected row of the lines list: the theme's selection, faint.
pub fn selected_row(visuals: &egui::Visuals) -> Color32 {
    visuals.selection.bg_fill.gamma_multiply(0.35)
}

/// The copy buttons' glyph: two overlapping pages, from the icon font egui ships
/// (its clipboard emoji reads as a tag at button size).
pub const COPY_GLYPH: &str = "🗐";
