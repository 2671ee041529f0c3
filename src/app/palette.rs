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
/// A box marked on the page (a seal chosen in the Fields tab), and its fill.
pub const HIGHLIGHT: Color32 = Color32::from_rgb(255, 170, 0);
pub const HIGHLIGHT_FILL: Color32 = Color32::from_rgba_premultiplied(60, 40, 0, 60);
/// The text of a region's name tag, on the region's colour.
pub const REGION_LABEL: Color32 = Color32::WHITE;

/// A region's outline and name tag: a colour per kind, text kinds in blues and
/// greens, tables as the table grid, pictures brown, running heads grey, stamps red.
pub fn region_colour(kind: crate::result::RegionKind) -> Color32 {
    use crate::result::RegionKind as K;
    match kind {
        K::Title | K::SubTitle => Color32::from_rgb(20, 90, 200),
        K::Text | K::Reference | K::Footnote => Color32::from_rgb(30, 140, 110),
        K::Table | K::TableCaption => TABLE,
        K::Image | K::ImageCaption => Color32::from_rgb(150, 100, 40),
        K::Formula => Color32::from_rgb(200, 60, 150),
        K::Header | K::Footer | K::PageNumber => Color32::from_rgb(110, 110, 110),
        K::Stamp => Color32::from_rgb(210, 30, 40),
    }
}
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
