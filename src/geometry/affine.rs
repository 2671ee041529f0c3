//! Affine maps of the plane, and where turning a page by any angle puts it.

use super::{Point, Quad};

/// An affine map of the plane: `(x, y) → (a·x + b·y + c, d·x + e·y + f)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Affine([f32; 6]);

impl Affine {
    /// The map that leaves every point where it is.
    pub const IDENTITY: Affine = Affine([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);

    /// The map `(x, y) → (a·x + b·y + c, d·x + e·y + f)` of `[a, b, c, d, e, f]`.
    pub fn new(m: [f32; 6]) -> Self {
        Affine(m)
    }

    /// Its `[a, b, c, d, e, f]`.
    pub fn matrix(&self) -> [f32; 6] {
        self.0
    }

    /// This map applied after `first`.
    pub fn after(&self, first: &Affine) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let [a1, b1, c1, d1, e1, f1] = first.0;
        Affine([
            a * a1 + b * d1,
            a * b1 + b * e1,
            a * c1 + b * f1 + c,
            d * a1 + e * d1,
            d * b1 + e * e1,
            d * c1 + e * f1 + f,
        ])
    }

    pub fn apply(&self, p: Point) -> Point {
        let [a, b, c, d, e, f] = self.0;
        Point::new(a * p.x + b * p.y + c, d * p.x + e * p.y + f)
    }

    pub fn apply_quad(&self, q: &Quad) -> Quad {
        q.map(|p| self.apply(p))
    }

    /// The same map for coordinates where (x, y) is the centre of pixel (x, y),
    /// as the detector and the line sampler use, rather than its corner.
    pub fn in_pixel_centres(&self) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        Affine([a, b, c + 0.5 * (a + b) - 0.5, d, e, f + 0.5 * (d + e) - 0.5])
    }

    pub fn inverse(&self) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let det = a * e - b * d;
        let (ia, ib, id, ie) = (e / det, -b / det, -d / det, a / det);
        Affine([ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)])
    }
}

/// Where a turn of the page (`imaging::turn`) puts a `width`×`height` page: the turned canvas's size and
/// the map from the turned page's coordinates back to the original's, with
/// (x, y) the centre of pixel (x, y). Needs no pixels.
pub fn turn_map(width: u32, height: u32, degrees: f32) -> (u32, u32, Affine) {
    let (w, h, back) = turn_geometry(width, height, degrees);
    (w, h, back.in_pixel_centres())
}

/// The turned canvas's size and the map back, in corner coordinates.
pub fn turn_geometry(width: u32, height: u32, degrees: f32) -> (u32, u32, Affine) {
    let (w, h) = (width as f32, height as f32);
    let normalised = degrees.rem_euclid(360.0);
    // Which quarter turn (0–3) this is, if it is one.
    let exact = (0..4u8).find(|&q| (normalised - q as f32 * 90.0).abs() < 1e-3);
    let (sin, cos) = degrees.to_radians().sin_cos();
    // Output size: the rotated bounding box.
    let (out_w, out_h) = match exact {
        Some(1 | 3) => (h, w),
        Some(_) => (w, h),
        None => (
            (w * cos.abs() + h * sin.abs()).ceil(),
            (w * sin.abs() + h * cos.abs()).ceil(),
        ),
    };
    // Forward map (original → turned): rotate about the centre, move to the new centre.
    let (cx, cy, ox, oy) = (w / 2.0, h / 2.0, out_w / 2.0, out_h / 2.0);
    let forward = Affine([cos, -sin, ox - cos * cx + sin * cy, sin, cos, oy - sin * cx - cos * cy]);
    (out_w as u32, out_h as u32, forward.inverse())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_composes_maps_in_order() {
        let shift = Affine::new([1.0, 0.0, 5.0, 0.0, 1.0, -2.0]);
        let double = Affine::new([2.0, 0.0, 0.0, 0.0, 2.0, 0.0]);
        let p = Point::new(1.0, 3.0);
        assert_eq!(double.after(&shift).apply(p), double.apply(shift.apply(p)));
        assert_eq!(Affine::IDENTITY.after(&shift), shift);
    }
}
