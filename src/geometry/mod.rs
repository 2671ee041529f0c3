//! Plane geometry for text boxes, the bottom layer every other module may use:
//! points and quads, convex hulls, minimum-area rectangles, corner ordering, the
//! projective map used to cut a tilted line out of a page, affine maps and where
//! a turn puts a page (`affine`), and the reading order of boxes (`reading_order`).

pub mod affine;
mod columns;
pub mod reading_order;

use serde::{Deserialize, Serialize};

pub use affine::{Affine, turn_geometry, turn_map};

/// A point in image pixel coordinates (x to the right, y down).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    pub fn distance(self, other: Point) -> f32 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }
}

/// A four-point box: top-left, top-right, bottom-right, bottom-left, as read.
pub type Quad = [Point; 4];

/// The upright rectangle from (x0, y0) to (x1, y1) as a quad.
pub fn axis_aligned(x0: f32, y0: f32, x1: f32, y1: f32) -> Quad {
    [
        Point::new(x0, y0),
        Point::new(x1, y0),
        Point::new(x1, y1),
        Point::new(x0, y1),
    ]
}

/// The centre of a quad.
/// The middle of the values (the upper middle of an even count), `None` of none.
pub fn median(values: impl Iterator<Item = f32>) -> Option<f32> {
    let mut v: Vec<f32> = values.collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    Some(v[v.len() / 2])
}

pub fn quad_center(q: &Quad) -> Point {
    Point::new(
        (q[0].x + q[1].x + q[2].x + q[3].x) / 4.0,
        (q[0].y + q[1].y + q[2].y + q[3].y) / 4.0,
    )
}

/// Axis-aligned bounds of a set of points: `(min_x, min_y, max_x, max_y)`.
pub fn bounds(points: &[Point]) -> (f32, f32, f32, f32) {
    points
        .iter()
        .fold((f32::MAX, f32::MAX, f32::MIN, f32::MIN), |(x0, y0, x1, y1), p| {
            (x0.min(p.x), y0.min(p.y), x1.max(p.x), y1.max(p.y))
        })
}

/// An axis-aligned box: left, top, right, bottom.
pub type Bounds = [f32; 4];

/// The area of a box (0 when it is empty or inside out).
pub fn box_area(b: &Bounds) -> f32 {
    (b[2] - b[0]).max(0.0) * (b[3] - b[1]).max(0.0)
}

/// The area two boxes share.
pub fn box_overlap(a: &Bounds, b: &Bounds) -> f32 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    w * h
}

/// Intersection over union of two boxes (0 when they only touch).
pub fn iou(a: &Bounds, b: &Bounds) -> f32 {
    let shared = box_overlap(a, b);
    shared / (box_area(a) + box_area(b) - shared).max(f32::EPSILON)
}

fn cross(o: Point, a: Point, b: Point) -> f64 {
    (a.x as f64 - o.x as f64) * (b.y as f64 - o.y as f64) - (a.y as f64 - o.y as f64) * (b.x as f64 - o.x as f64)
}

/// Convex hull (Andrew's monotone chain), counter-clockwise in a y-up frame,
/// without collinear points. Sorts `points` in place.
pub fn convex_hull(points: &mut [Point]) -> Vec<Point> {
    points.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    if points.len() < 3 {
        let mut hull: Vec<Point> = points.to_vec();
        hull.dedup();
        return hull;
    }
    let mut hull: Vec<Point> = Vec::with_capacity(points.len() * 2);
    for &p in points.iter() {
        while hull.len() >= 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
            hull.pop();
        }
        hull.push(p);
    }
    let lower_len = hull.len() + 1;
    for &p in points.iter().rev().skip(1) {
        while hull.len() >= lower_len && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
            hull.pop();
        }
        hull.push(p);
    }
    hull.pop();
    hull
}

/// A rectangle at any angle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RotatedRect {
    pub center: Point,
    /// Unit vector along the rectangle's first side.
    pub axis: Point,
    /// Length along `axis`.
    pub width: f32,
    /// Length across `axis`.
    pub height: f32,
}

impl RotatedRect {
    pub fn short_side(&self) -> f32 {
        self.width.min(self.height)
    }

    /// The same rectangle grown by `d` on every side.
    pub fn expanded(&self, d: f32) -> RotatedRect {
        RotatedRect {
            width: self.width + 2.0 * d,
            height: self.height + 2.0 * d,
            ..*self
        }
    }

    pub fn corners(&self) -> [Point; 4] {
        let (ux, uy) = (self.axis.x * self.width / 2.0, self.axis.y * self.width / 2.0);
        let (vx, vy) = (-self.axis.y * self.height / 2.0, self.axis.x * self.height / 2.0);
        let c = self.center;
        [
            Point::new(c.x - ux - vx, c.y - uy - vy),
            Point::new(c.x + ux - vx, c.y + uy - vy),
            Point::new(c.x + ux + vx, c.y + uy + vy),
            Point::new(c.x - ux + vx, c.y - uy + vy),
        ]
    }
}

/// The smallest-area rectangle enclosing a convex hull (rotating calipers: one
/// side of the optimum lies on a hull edge). A hull of one or two points gives
/// a degenerate rectangle of zero height.
pub fn min_area_rect(hull: &[Point]) -> RotatedRect {
    match hull.len() {
        0 => {
            return RotatedRect {
                center: Point::default(),
                axis: Point::new(1.0, 0.0),
                width: 0.0,
                height: 0.0,
            };
        }
        1 => {
            return RotatedRect {
                center: hull[0],
                axis: Point::new(1.0, 0.0),
                width: 0.0,
                height: 0.0,
            };
        }
        _ => {}
    }
    let mut best: Option<(f64, RotatedRect)> = None;
    for i in 0..hull.len() {
        let a = hull[i];
        let b = hull[(i + 1) % hull.len()];
        let (dx, dy) = (b.x as f64 - a.x as f64, b.y as f64 - a.y as f64);
        let len = (dx * dx + dy * dy).sqrt();
        if len == 0.0 {
            continue;
        }
        let (ux, uy) = (dx / len, dy / len);
        let (mut min_u, mut max_u, mut min_v, mut max_v) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in hull {
            let (px, py) = (p.x as f64 - a.x as f64, p.y as f64 - a.y as f64);
            let u = px * ux + py * uy;
            let v = -px * uy + py * ux;
            min_u = min_u.min(u);
            max_u = max_u.max(u);
            min_v = min_v.min(v);
            max_v = max_v.max(v);
        }
        let area = (max_u - min_u) * (max_v - min_v);
        if best.as_ref().is_none_or(|(best_area, _)| area < *best_area) {
            let (cu, cv) = ((min_u + max_u) / 2.0, (min_v + max_v) / 2.0);
            let center = Point::new(
                (a.x as f64 + cu * ux - cv * uy) as f32,
                (a.y as f64 + cu * uy + cv * ux) as f32,
            );
            best = Some((
                area,
                RotatedRect {
                    center,
                    axis: Point::new(ux as f32, uy as f32),
                    width: (max_u - min_u) as f32,
                    height: (max_v - min_v) as f32,
                },
            ));
        }
    }
    best.map(|(_, r)| r).unwrap_or(RotatedRect {
        center: hull[0],
        axis: Point::new(1.0, 0.0),
        width: 0.0,
        height: 0.0,
    })
}

/// Orders four corners as top-left, top-right, bottom-right, bottom-left: the
/// two left-most points are the left side (upper one first), the others the right.
pub fn order_corners(mut pts: [Point; 4]) -> Quad {
    pts.sort_by(|a, b| a.x.total_cmp(&b.x));
    let (mut left, mut right) = ([pts[0], pts[1]], [pts[2], pts[3]]);
    left.sort_by(|a, b| a.y.total_cmp(&b.y));
    right.sort_by(|a, b| a.y.total_cmp(&b.y));
    [left[0], right[0], right[1], left[1]]
}

/// Area of a simple polygon (shoelace formula), always positive.
pub fn polygon_area(points: &[Point]) -> f32 {
    let n = points.len();
    let twice: f64 = (0..n)
        .map(|i| {
            let (a, b) = (points[i], points[(i + 1) % n]);
            a.x as f64 * b.y as f64 - b.x as f64 * a.y as f64
        })
        .sum();
    (twice.abs() / 2.0) as f32
}

/// Whether `p` lies inside the convex quadrilateral `q` (either winding).
pub fn quad_contains(q: &Quad, p: Point) -> bool {
    let mut sign = 0.0f64;
    for i in 0..4 {
        let c = cross(q[i], q[(i + 1) % 4], p);
        if c != 0.0 {
            if sign != 0.0 && c.signum() != sign {
                return false;
            }
            sign = c.signum();
        }
    }
    true
}

/// The projective map from a `width × height` rectangle (corners (0,0), (w,0),
/// (w,h), (0,h)) onto four destination corners, in that order.
#[derive(Clone, Copy, Debug)]
pub struct Homography([f64; 9]);

impl Homography {
    pub fn rect_to_quad(width: f32, height: f32, quad: &Quad) -> Option<Self> {
        let src = [
            (0.0, 0.0),
            (width as f64, 0.0),
            (width as f64, height as f64),
            (0.0, height as f64),
        ];
        // Solve the 8 unknowns h0..h7 (h8 = 1) of x' = (h0 x + h1 y + h2) / (h6 x + h7 y + 1), etc.
        let mut m = [[0f64; 9]; 8];
        for (i, (&(x, y), p)) in src.iter().zip(quad.iter()).enumerate() {
            let (u, v) = (p.x as f64, p.y as f64);
            m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        let h = solve_linear_8(m)?;
        Some(Self([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0]))
    }

    #[inline]
    pub fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let h = &self.0;
        let (x, y) = (x as f64, y as f64);
        let w = h[6] * x + h[7] * y + h[8];
        (
            ((h[0] * x + h[1] * y + h[2]) / w) as f32,
            ((h[3] * x + h[4] * y + h[5]) / w) as f32,
        )
    }
}

/// Gauss-Jordan elimination with partial pivoting on an 8×9 augmented matrix.
fn solve_linear_8(mut m: [[f64; 9]; 8]) -> Option<[f64; 8]> {
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        let div = m[col][col];
        for v in m[col].iter_mut() {
            *v /= div;
        }
        for row in 0..8 {
            if row != col {
                let factor = m[row][col];
                if factor != 0.0 {
                    let pivot_row = m[col];
                    for (v, p) in m[row].iter_mut().zip(pivot_row).skip(col) {
                        *v -= factor * p;
                    }
                }
            }
        }
    }
    let mut out = [0f64; 8];
    for (i, row) in m.iter().enumerate() {
        out[i] = row[8];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn hull_drops_interior_and_collinear_points() {
        let mut pts = vec![
            Point::new(0.0, 0.0),
            Point::new(2.0, 0.0),
            Point::new(4.0, 0.0),
            Point::new(4.0, 3.0),
            Point::new(0.0, 3.0),
            Point::new(1.0, 1.0),
        ];
        let hull = convex_hull(&mut pts);
        assert_eq!(hull.len(), 4);
        assert!(close(polygon_area(&hull), 12.0));
    }

    #[test]
    fn min_area_rect_of_axis_aligned_box() {
        let mut pts = vec![
            Point::new(10.0, 5.0),
            Point::new(30.0, 5.0),
            Point::new(30.0, 9.0),
            Point::new(10.0, 9.0),
        ];
        let r = min_area_rect(&convex_hull(&mut pts));
        assert!(close(r.width.max(r.height), 20.0));
        assert!(close(r.short_side(), 4.0));
        assert!(close(r.center.x, 20.0) && close(r.center.y, 7.0));
    }

    #[test]
    fn min_area_rect_finds_a_rotated_rectangle() {
        // A 40×10 rectangle turned by 30 degrees.
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        let rect = RotatedRect {
            center: Point::new(100.0, 50.0),
            axis: Point::new(c, s),
            width: 40.0,
            height: 10.0,
        };
        let mut pts = rect.corners().to_vec();
        let found = min_area_rect(&convex_hull(&mut pts));
        assert!(close(found.width * found.height, 400.0));
        assert!(close(found.short_side(), 10.0));
    }

    #[test]
    fn corners_are_ordered_tl_tr_br_bl() {
        let q = order_corners([
            Point::new(10.0, 20.0),
            Point::new(0.0, 0.0),
            Point::new(0.0, 20.0),
            Point::new(10.0, 0.0),
        ]);
        assert_eq!(q[0], Point::new(0.0, 0.0));
        assert_eq!(q[1], Point::new(10.0, 0.0));
        assert_eq!(q[2], Point::new(10.0, 20.0));
        assert_eq!(q[3], Point::new(0.0, 20.0));
    }

    #[test]
    fn homography_maps_rectangle_corners_onto_quad() {
        let quad = [
            Point::new(10.0, 10.0),
            Point::new(110.0, 20.0),
            Point::new(105.0, 50.0),
            Point::new(12.0, 40.0),
        ];
        let h = Homography::rect_to_quad(100.0, 30.0, &quad).expect("solvable");
        for (src, dst) in [(0.0, 0.0), (100.0, 0.0), (100.0, 30.0), (0.0, 30.0)].iter().zip(quad) {
            let (x, y) = h.apply(src.0, src.1);
            assert!(close(x, dst.x) && close(y, dst.y), "{src:?} -> ({x},{y}) != {dst:?}");
        }
    }

    #[test]
    fn degenerate_quad_has_no_homography() {
        let p = Point::new(1.0, 1.0);
        assert!(Homography::rect_to_quad(10.0, 10.0, &[p, p, p, p]).is_none());
    }

    #[test]
    fn point_in_quad() {
        let q = [
            Point::new(0.0, 0.0),
            Point::new(10.0, 0.0),
            Point::new(10.0, 10.0),
            Point::new(0.0, 10.0),
        ];
        assert!(quad_contains(&q, Point::new(5.0, 5.0)));
        assert!(!quad_contains(&q, Point::new(15.0, 5.0)));
    }
}
