//! The page view: the page image with every line's box drawn over it, zoom
//! (wheel, pinch, keys, fit width, fit page), pan by dragging, hover to see a
//! line's text, click to select it.

use egui::{Color32, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2, vec2};

use super::palette;
use super::session::{ShownPage, needs_review};
use crate::geometry::Quad;
use crate::result::Line;

/// How the page is scaled to the view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Zoom {
    FitWidth,
    FitPage,
    /// Screen points per page pixel.
    Scale(f32),
}

const MIN_SCALE: f32 = 0.02;
const MAX_SCALE: f32 = 16.0;
/// Space around the page in the fit modes.
const MARGIN: f32 = 8.0;

/// Confidence at or above which a line's box is green.
pub const CONFIDENT: f32 = 0.9;

/// What is drawn over the page besides the lines' boxes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Overlay {
    /// The page's regions, outlined in a colour per kind and named.
    pub regions: bool,
    /// A box to mark (a seal chosen in the Fields tab).
    pub highlight: Option<Quad>,
}

/// What happened in the view this frame.
#[derive(Default)]
pub struct ViewerOutput {
    /// A click on the page: the line under it, or `None` on bare paper.
    pub clicked: Option<Option<usize>>,
}

pub struct Viewer {
    pub zoom: Zoom,
    /// Offset from where the zoom mode places the page.
    pan: Vec2,
    /// Last frame's placement, so that zoom keeps a point fixed and tests can click a box.
    origin: Pos2,
    scale: f32,
    view: Rect,
}

impl Default for Viewer {
    fn default() -> Self {
        Self {
            zoom: Zoom::FitWidth,
            pan: Vec2::ZERO,
            origin: Pos2::ZERO,
            scale: 1.0,
            view: Rect::NOTHING,
        }
    }
}

impl Viewer {
    /// Sets a fit mode (and forgets any panning).
    pub fn fit(&mut self, zoom: Zoom) {
        self.zoom = zoom;
        self.pan = Vec2::ZERO;
    }

    /// Zooms by `factor` around the middle of the view.
    pub fn zoom_by(&mut self, factor: f32) {
        self.zoom_around(self.view.center(), factor);
    }

    /// The scale shown last frame, in screen points per page pixel.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// Where page pixel `p` was drawn last frame.
    pub fn to_screen(&self, p: crate::geometry::Point) -> Pos2 {
        self.origin + vec2(p.x, p.y) * self.scale
    }

    fn zoom_around(&mut self, fixed: Pos2, factor: f32) {
        if !self.view.is_positive() {
            return;
        }
        let scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        // The page point under `fixed` stays under it.
        let page_point = (fixed - self.origin) / self.scale;
        let origin = fixed - page_point * scale;
        self.zoom = Zoom::Scale(scale);
        self.pan = origin - self.view.min;
        self.origin = origin;
        self.scale = scale;
    }

    /// Shows `shown` filling the rest of `ui`; `selected` is the selected line.
    /// Only the view itself (zoom, pan) changes here; a click is reported.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        shown: &ShownPage,
        selected: Option<usize>,
        review_below: f32,
        overlay: Overlay,
    ) -> ViewerOutput {
        let view = ui.available_rect_before_wrap();
        let response = ui.allocate_rect(view, Sense::click_and_drag());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Page view"));
        self.view = view;
        let page_size = vec2(shown.page.width.max(1) as f32, shown.page.height.max(1) as f32);
        self.zoom_and_pan(ui, &response);
        let page_rect = self.place(view, page_size);

        let painter = ui.painter_at(view);
        match &shown.texture {
            Some(texture) => {
                let uv = Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0));
                painter.image(texture.id(), page_rect, uv, palette::UNTINTED);
            }
            None => {
                painter.rect_filled(page_rect, 0.0, palette::PAPER);
            }
        }
        self.paint_tables(&painter, &shown.page);
        if overlay.regions {
            self.paint_regions(ui, &painter, &shown.page);
        }
        if let Some(quad) = overlay.highlight {
            let corners = self.screen_quad(&quad).to_vec();
            painter.add(Shape::convex_polygon(
                corners,
                palette::HIGHLIGHT_FILL,
                Stroke::new(2.5, palette::HIGHLIGHT),
            ));
        }
        let quads: Vec<[Pos2; 4]> = shown
            .page
            .lines
            .iter()
            .map(|line| self.screen_quad(&line.quad))
            .collect();
        let hovered = response.hover_pos().and_then(|p| line_at(&quads, p));
        paint_boxes(&painter, &shown.page.lines, &quads, selected, hovered, review_below);
        if let Some(line) = hovered.and_then(|i| shown.page.lines.get(i)) {
            let text = format!(
                "{}\nconfidence {:.0}%{}",
                line.text,
                line.confidence * 100.0,
                if line.edited { " · edited" } else { "" }
            );
            response.clone().on_hover_text_at_pointer(text);
        }
        let mut output = ViewerOutput::default();
        if response.clicked() {
            output.clicked = Some(response.interact_pointer_pos().and_then(|p| line_at(&quads, p)));
        }
        output
    }

    /// Zoom with the wheel or a pinch over the page, pan by dragging it.
    fn zoom_and_pan(&mut self, ui: &egui::Ui, response: &egui::Response) {
        if response.hovered() {
            let (scroll, pinch, pointer) =
                ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta(), i.pointer.hover_pos()));
            let factor = pinch * (scroll / 300.0).exp();
            if let Some(pointer) = pointer
                && (factor - 1.0).abs() > 1e-4
            {
                self.zoom_around(pointer, factor);
            }
        }
        if response.dragged() {
            self.pan += response.drag_delta();
        }
    }

    /// Where the page goes in `view` this frame (screen rectangle), keeping some
    /// of it in view however it was dragged.
    fn place(&mut self, view: Rect, page_size: Vec2) -> Rect {
        let fit_width = (view.width() - 2.0 * MARGIN) / page_size.x;
        let fit_page = fit_width.min((view.height() - 2.0 * MARGIN) / page_size.y);
        let (scale, placed) = match self.zoom {
            Zoom::FitWidth => (fit_width, pos2(view.min.x + MARGIN, view.min.y + MARGIN)),
            Zoom::FitPage => (fit_page, view.center() - page_size * fit_page / 2.0),
            Zoom::Scale(s) => (s, view.min),
        };
        let scale = scale.clamp(MIN_SCALE, MAX_SCALE);
        let shown_size = page_size * scale;
        let keep = 48.0_f32;
        let mut origin = placed + self.pan;
        origin.x = origin.x.clamp(view.min.x - shown_size.x + keep, view.max.x - keep);
        origin.y = origin.y.clamp(view.min.y - shown_size.y + keep, view.max.y - keep);
        self.pan = origin - placed;
        self.origin = origin;
        self.scale = scale;
        Rect::from_min_size(origin, shown_size)
    }

    /// Table grids under the line boxes: each cell's rectangle, so a merged
    /// cell shows as one, tilted with the page's text as the boxes are.
    fn paint_tables(&self, painter: &egui::Painter, page: &crate::result::Page) {
        let skew = page.orientation.unstraightened_skew();
        for table in &page.tables {
            for cell in &table.cells {
                if let Some(quad) = table.cell_quad_along(cell, page.width, page.height, skew) {
                    let corners = self.screen_quad(&quad).to_vec();
                    painter.add(Shape::closed_line(corners, Stroke::new(1.0, palette::TABLE)));
                }
            }
        }
    }

    /// The page's regions, each outlined in its kind's colour with its kind
    /// (and place in the reading order) written at its top left.
    fn paint_regions(&self, ui: &egui::Ui, painter: &egui::Painter, page: &crate::result::Page) {
        let font = egui::FontId::proportional(11.0);
        for region in &page.regions {
            let colour = palette::region_colour(region.kind);
            let corners = self.screen_quad(&region.quad);
            painter.add(Shape::closed_line(corners.to_vec(), Stroke::new(1.5, colour)));
            let label = match region.order {
                Some(order) => format!("{} {}", order + 1, region.kind.name()),
                None => region.kind.name().to_owned(),
            };
            let galley = ui.painter().layout_no_wrap(label, font.clone(), palette::REGION_LABEL);
            let at = corners[0] - vec2(0.0, galley.size().y);
            painter.rect_filled(Rect::from_min_size(at, galley.size()), 2.0, colour);
            painter.galley(at, galley, palette::REGION_LABEL);
        }
        for seal in &page.seals {
            let corners = self.screen_quad(&seal.quad);
            let rect = Rect::from_min_max(corners[0], corners[2]);
            painter.add(Shape::ellipse_stroke(
                rect.center(),
                rect.size() / 2.0,
                Stroke::new(2.0, palette::region_colour(crate::result::RegionKind::Stamp)),
            ));
        }
    }

    fn screen_quad(&self, quad: &Quad) -> [Pos2; 4] {
        quad.map(|p| self.to_screen(p))
    }
}

/// Every line's box (`quads` on screen), the selected one filled, the
/// selected and hovered ones drawn thicker.
fn paint_boxes(
    painter: &egui::Painter,
    lines: &[Line],
    quads: &[[Pos2; 4]],
    selected: Option<usize>,
    hovered: Option<usize>,
    review_below: f32,
) {
    for (i, (line, quad)) in lines.iter().zip(quads).enumerate() {
        let colour = box_colour(line, review_below);
        let emphasised = Some(i) == selected || Some(i) == hovered;
        let stroke = Stroke::new(if emphasised { 2.5 } else { 1.2 }, colour);
        if Some(i) == selected {
            painter.add(Shape::convex_polygon(
                quad.to_vec(),
                palette::selected_box_fill(colour),
                stroke,
            ));
        } else {
            painter.add(Shape::closed_line(quad.to_vec(), stroke));
        }
    }
}

/// Green when sure, amber when fairly sure, red when the line needs review;
/// blue once a person corrected it.
pub fn box_colour(line: &Line, review_below: f32) -> Color32 {
    if line.edited {
        palette::EDITED
    } else if needs_review(line, review_below) {
        palette::NEEDS_REVIEW
    } else if line.confidence < CONFIDENT {
        palette::UNSURE
    } else {
        palette::SURE
    }
}

/// The smallest box containing `p`.
fn line_at(quads: &[[Pos2; 4]], p: Pos2) -> Option<usize> {
    quads
        .iter()
        .enumerate()
        .filter(|(_, q)| contains(q, p))
        .min_by(|(_, a), (_, b)| area(a).total_cmp(&area(b)))
        .map(|(i, _)| i)
}

/// Whether `p` lies in the convex quadrilateral `q` (either winding).
fn contains(q: &[Pos2; 4], p: Pos2) -> bool {
    let mut sign = 0.0_f32;
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let cross = (b - a).x * (p - a).y - (b - a).y * (p - a).x;
        if cross.abs() < 1e-6 {
            continue;
        }
        if sign == 0.0 {
            sign = cross.signum();
        } else if cross.signum() != sign {
            return false;
        }
    }
    sign != 0.0
}

fn area(q: &[Pos2; 4]) -> f32 {
    let mut twice = 0.0;
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        twice += a.x * b.y - b.x * a.y;
    }
    (twice / 2.0).abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_in_the_smallest_box_around_it() {
        let big = [pos2(0.0, 0.0), pos2(100.0, 0.0), pos2(100.0, 50.0), pos2(0.0, 50.0)];
        let small = [pos2(10.0, 10.0), pos2(30.0, 10.0), pos2(30.0, 20.0), pos2(10.0, 20.0)];
        // Tilted, wound the other way.
        let tilted = [pos2(60.0, 30.0), pos2(70.0, 40.0), pos2(80.0, 30.0), pos2(70.0, 20.0)];
        let quads = [big, small, tilted];
        assert_eq!(line_at(&quads, pos2(15.0, 15.0)), Some(1));
        assert_eq!(line_at(&quads, pos2(50.0, 45.0)), Some(0));
        assert_eq!(line_at(&quads, pos2(70.0, 30.0)), Some(2));
        assert_eq!(
            line_at(&quads, pos2(61.0, 21.0)),
            Some(0),
            "outside the diamond's corner"
        );
        assert_eq!(line_at(&quads, pos2(150.0, 10.0)), None);
    }

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let mut viewer = Viewer {
            view: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            origin: pos2(8.0, 8.0),
            scale: 0.5,
            ..Viewer::default()
        };
        let fixed = pos2(300.0, 200.0);
        let before = (fixed - viewer.origin) / viewer.scale;
        viewer.zoom_around(fixed, 2.0);
        assert_eq!(viewer.zoom, Zoom::Scale(1.0));
        let after = (fixed - viewer.origin) / viewer.scale;
        assert!((before - after).length() < 1e-3);
    }
}
