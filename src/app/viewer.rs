//! The page view: the page image with every line's box drawn over it, zoom
//! (wheel, pinch, keys, fit width, fit page), pan by dragging, hover to see a
//! line's text, click to select it.

use egui::{Color32, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2, vec2};

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
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        shown: &mut ShownPage,
        selected: Option<usize>,
        review_below: f32,
    ) -> ViewerOutput {
        let mut output = ViewerOutput::default();
        let view = ui.available_rect_before_wrap();
        let response = ui.allocate_rect(view, Sense::click_and_drag());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Page view"));
        self.view = view;
        let page_size = vec2(shown.page.width.max(1) as f32, shown.page.height.max(1) as f32);

        // Zoom: wheel or pinch over the page.
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

        // Place the page.
        let fit_width = (view.width() - 2.0 * MARGIN) / page_size.x;
        let fit_page = fit_width.min((view.height() - 2.0 * MARGIN) / page_size.y);
        let (scale, placed) = match self.zoom {
            Zoom::FitWidth => (fit_width, pos2(view.min.x + MARGIN, view.min.y + MARGIN)),
            Zoom::FitPage => (fit_page, view.center() - page_size * fit_page / 2.0),
            Zoom::Scale(s) => (s, view.min),
        };
        let scale = scale.clamp(MIN_SCALE, MAX_SCALE);
        let shown_size = page_size * scale;
        // Keep some of the page in view, however it was dragged.
        let keep = 48.0_f32;
        let mut origin = placed + self.pan;
        origin.x = origin.x.clamp(view.min.x - shown_size.x + keep, view.max.x - keep);
        origin.y = origin.y.clamp(view.min.y - shown_size.y + keep, view.max.y - keep);
        self.pan = origin - placed;
        self.origin = origin;
        self.scale = scale;

        let painter = ui.painter_at(view);
        let page_rect = Rect::from_min_size(origin, shown_size);
        match (&shown.texture, &shown.image) {
            (Some(texture), _) => {
                let uv = Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0));
                painter.image(texture.id(), page_rect, uv, Color32::WHITE);
            }
            (None, _) => {
                painter.rect_filled(page_rect, 0.0, Color32::WHITE);
            }
        }

        // Table grids under the line boxes: each cell's rectangle, so a merged
        // cell shows as one.
        let grid_colour = Color32::from_rgb(150, 70, 200);
        let (width, height) = (shown.page.width, shown.page.height);
        for table in &shown.page.tables {
            for cell in &table.cells {
                if let Some(quad) = table.cell_quad(cell, width, height) {
                    let corners = self.screen_quad(&quad).to_vec();
                    painter.add(Shape::closed_line(corners, Stroke::new(1.0, grid_colour)));
                }
            }
        }
        let quads: Vec<[Pos2; 4]> = shown
            .page
            .lines
            .iter()
            .map(|line| self.screen_quad(&line.quad))
            .collect();
        let pointer = response.hover_pos();
        let hovered = pointer.and_then(|p| line_at(&quads, p));
        for (i, (line, quad)) in shown.page.lines.iter().zip(&quads).enumerate() {
            let colour = box_colour(line, review_below);
            let emphasised = Some(i) == selected || Some(i) == hovered;
            let stroke = Stroke::new(if emphasised { 2.5 } else { 1.2 }, colour);
            if Some(i) == selected {
                painter.add(Shape::convex_polygon(
                    quad.to_vec(),
                    colour.gamma_multiply(0.18),
                    stroke,
                ));
            } else {
                painter.add(Shape::closed_line(quad.to_vec(), stroke));
            }
        }
        if let Some(i) = hovered {
            let line = &shown.page.lines[i];
            let text = format!(
                "{}\nconfidence {:.0}%{}",
                line.text,
                line.confidence * 100.0,
                if line.edited { " · edited" } else { "" }
            );
            response.clone().on_hover_text_at_pointer(text);
        }
        if response.clicked() {
            output.clicked = Some(response.interact_pointer_pos().and_then(|p| line_at(&quads, p)));
        }
        output
    }

    fn screen_quad(&self, quad: &Quad) -> [Pos2; 4] {
        quad.map(|p| self.to_screen(p))
    }
}

/// Green when sure, amber when fairly sure, red when the line needs review;
/// blue once a person corrected it.
pub fn box_colour(line: &Line, review_below: f32) -> Color32 {
    if line.edited {
        Color32::from_rgb(60, 120, 230)
    } else if needs_review(line, review_below) {
        Color32::from_rgb(220, 50, 50)
    } else if line.confidence < CONFIDENT {
        Color32::from_rgb(225, 150, 0)
    } else {
        Color32::from_rgb(30, 160, 70)
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
