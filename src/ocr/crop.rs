//! Cutting text lines out of a page straight into model input tensors.
//!
//! A detected box may be tilted or slightly perspective-distorted. Instead of
//! warping it into an upright crop and then resizing that crop (two resamplings,
//! as RapidOCR does with OpenCV), every tensor pixel is mapped through one
//! projective transform back to the page and sampled there (bilinear, as the
//! reference pipeline's final resize), with supersampling when the line is being
//! shrunk so that thin strokes do not alias away.

use image::RgbImage;

use crate::geometry::{Homography, Point, Quad};

/// A text line ready to be sampled: the page corners that become the crop's
/// top-left, top-right, bottom-right and bottom-left, and the crop's natural size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineCrop {
    pub corners: Quad,
    pub width: f32,
    pub height: f32,
}

impl LineCrop {
    /// The crop of a detected box. A box at least 1.5× taller than wide is a
    /// vertical line: it is turned a quarter anticlockwise so that it reads left to right.
    pub fn from_quad(q: &Quad) -> Self {
        let width = q[0].distance(q[1]).max(q[2].distance(q[3])).floor().max(1.0);
        let height = q[0].distance(q[3]).max(q[1].distance(q[2])).floor().max(1.0);
        if height / width >= 1.5 {
            Self {
                corners: [q[1], q[2], q[3], q[0]],
                width: height,
                height: width,
            }
        } else {
            Self {
                corners: *q,
                width,
                height,
            }
        }
    }

    /// The same crop turned upside down.
    pub fn rotated_180(&self) -> Self {
        let c = self.corners;
        Self {
            corners: [c[2], c[3], c[0], c[1]],
            ..*self
        }
    }

    /// The start of the line, at most `max_ratio` heights long.
    pub fn head(&self, max_ratio: f32) -> Self {
        let keep = (max_ratio * self.height / self.width).min(1.0);
        if keep >= 1.0 {
            return *self;
        }
        let c = self.corners;
        let along =
            |from: Point, to: Point| Point::new(from.x + (to.x - from.x) * keep, from.y + (to.y - from.y) * keep);
        Self {
            corners: [c[0], along(c[0], c[1]), along(c[3], c[2]), c[3]],
            width: self.width * keep,
            height: self.height,
        }
    }

    /// The same line with its height scaled by `factor` about its centre line
    /// (more or less of the page above and below the text).
    pub fn with_height(&self, factor: f32) -> Self {
        let c = self.corners;
        let scale = |top: Point, bottom: Point| {
            let mid = Point::new((top.x + bottom.x) / 2.0, (top.y + bottom.y) / 2.0);
            let at = |p: Point| Point::new(mid.x + (p.x - mid.x) * factor, mid.y + (p.y - mid.y) * factor);
            (at(top), at(bottom))
        };
        let (tl, bl) = scale(c[0], c[3]);
        let (tr, br) = scale(c[1], c[2]);
        Self {
            corners: [tl, tr, br, bl],
            width: self.width,
            height: (self.height * factor).max(1.0),
        }
    }

    pub fn aspect_ratio(&self) -> f32 {
        self.width / self.height
    }

    /// Width the crop takes when scaled to `height`, capped at `max_width`
    /// (the `ceil(h × ratio)` rule of the PaddleOCR recogniser and classifier).
    pub fn scaled_width(&self, height: usize, max_width: usize) -> usize {
        ((height as f32 * self.aspect_ratio()).ceil() as usize).clamp(1, max_width)
    }

    /// Writes the crop, scaled to `out_w × out_h`, into a CHW tensor slot of width
    /// `stride_w` (BGR, normalised to [-1, 1]). Columns beyond `out_w` are left as they are.
    pub fn sample_into(&self, page: &RgbImage, out: &mut [f32], out_w: usize, out_h: usize, stride_w: usize) {
        let Some(h) = Homography::rect_to_quad(self.width, self.height, &self.corners) else {
            return;
        };
        let sx = self.width / out_w as f32;
        let sy = self.height / out_h as f32;
        // Samples per output pixel along each axis when shrinking.
        let nx = (sx.ceil() as usize).clamp(1, 4);
        let ny = (sy.ceil() as usize).clamp(1, 4);
        let inv = 1.0 / (nx * ny) as f32;
        let plane = out_h * stride_w;
        for v in 0..out_h {
            for u in 0..out_w {
                let mut acc = [0f32; 3];
                for j in 0..ny {
                    let cy = (v as f32 + (j as f32 + 0.5) / ny as f32) * sy - 0.5;
                    for i in 0..nx {
                        let cx = (u as f32 + (i as f32 + 0.5) / nx as f32) * sx - 0.5;
                        let (px, py) = h.apply(cx, cy);
                        let s = bilinear(page, px, py);
                        acc[0] += s[0];
                        acc[1] += s[1];
                        acc[2] += s[2];
                    }
                }
                let idx = v * stride_w + u;
                // BGR order, (x / 255 - 0.5) / 0.5.
                out[idx] = acc[2] * inv / 127.5 - 1.0;
                out[plane + idx] = acc[1] * inv / 127.5 - 1.0;
                out[2 * plane + idx] = acc[0] * inv / 127.5 - 1.0;
            }
        }
    }

    /// The crop as an RGB image, for debugging and for callers that want pixels.
    pub fn to_image(&self, page: &RgbImage) -> RgbImage {
        let (w, hgt) = (self.width as usize, self.height as usize);
        let mut buf = vec![0f32; 3 * w * hgt];
        self.sample_into(page, &mut buf, w, hgt, w);
        let plane = w * hgt;
        RgbImage::from_fn(w as u32, hgt as u32, |x, y| {
            let i = y as usize * w + x as usize;
            let to_u8 = |v: f32| ((v + 1.0) * 127.5).round().clamp(0.0, 255.0) as u8;
            image::Rgb([to_u8(buf[2 * plane + i]), to_u8(buf[plane + i]), to_u8(buf[i])])
        })
    }
}

/// Bilinear sample with edge pixels repeated outside the page.
#[inline]
fn bilinear(img: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let x = x.clamp(0.0, (w - 1) as f32);
    let y = y.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x.floor() as i64, y.floor() as i64);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let raw = img.as_raw();
    let at = |xx: i64, yy: i64| ((yy * w + xx) * 3) as usize;
    let (a, b, c, d) = (at(x0, y0), at(x1, y0), at(x0, y1), at(x1, y1));
    let mut out = [0f32; 3];
    for (k, o) in out.iter_mut().enumerate() {
        let top = raw[a + k] as f32 * (1.0 - fx) + raw[b + k] as f32 * fx;
        let bottom = raw[c + k] as f32 * (1.0 - fx) + raw[d + k] as f32 * fx;
        *o = top * (1.0 - fy) + bottom * fy;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned as rect;

    #[test]
    fn horizontal_box_keeps_its_orientation() {
        let c = LineCrop::from_quad(&rect(0.0, 0.0, 100.0, 20.0));
        assert_eq!((c.width, c.height), (100.0, 20.0));
        assert_eq!(c.scaled_width(48, 320), 240);
        assert_eq!(c.scaled_width(48, 192), 192);
    }

    #[test]
    fn a_shorter_crop_keeps_the_centre_line_and_the_length() {
        // A line 100 long and 20 high, tilted: corners move towards the centre line only.
        let tilted = [
            Point::new(0.0, 0.0),
            Point::new(100.0, 10.0),
            Point::new(98.0, 30.0),
            Point::new(-2.0, 20.0),
        ];
        let c = LineCrop::from_quad(&tilted).with_height(0.9);
        assert!((c.corners[0].x - -0.1).abs() < 1e-4 && (c.corners[0].y - 1.0).abs() < 1e-4);
        assert!((c.corners[2].x - 98.1).abs() < 1e-4 && (c.corners[2].y - 29.0).abs() < 1e-4);
        assert_eq!(c.width, LineCrop::from_quad(&tilted).width);
        assert!((c.height - 0.9 * LineCrop::from_quad(&tilted).height).abs() < 1e-4);
    }

    #[test]
    fn tall_box_is_turned_to_read_left_to_right() {
        let q = rect(0.0, 0.0, 20.0, 100.0);
        let c = LineCrop::from_quad(&q);
        assert_eq!((c.width, c.height), (100.0, 20.0));
        // The top-right page corner becomes the crop's top-left.
        assert_eq!(c.corners[0], q[1]);
    }

    #[test]
    fn sampling_copies_pixels_and_normalises_bgr() {
        // Left half red, right half blue.
        let page = RgbImage::from_fn(40, 10, |x, _| {
            if x < 20 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            }
        });
        let crop = LineCrop::from_quad(&rect(0.0, 0.0, 40.0, 10.0));
        let img = crop.to_image(&page);
        assert_eq!(img.dimensions(), (40, 10));
        assert_eq!(img.get_pixel(5, 5).0, [255, 0, 0]);
        assert_eq!(img.get_pixel(35, 5).0, [0, 0, 255]);
        // Upside down, the colours swap sides.
        let flipped = crop.rotated_180().to_image(&page);
        assert_eq!(flipped.get_pixel(5, 5).0, [0, 0, 255]);
    }

    #[test]
    fn enlarging_keeps_flat_areas_flat() {
        let page = RgbImage::from_pixel(10, 5, image::Rgb([200, 100, 50]));
        let crop = LineCrop::from_quad(&rect(0.0, 0.0, 10.0, 5.0));
        let mut buf = vec![0f32; 3 * 48 * 96];
        crop.sample_into(&page, &mut buf, 96, 48, 96);
        let red = buf[2 * 48 * 96 + 100];
        assert!((red - (200.0 / 127.5 - 1.0)).abs() < 1e-4, "{red}");
    }

    #[test]
    fn shrinking_averages_instead_of_skipping_pixels() {
        // One-pixel black and white stripes average to grey when shrunk 4×.
        let page = RgbImage::from_fn(64, 16, |x, _| {
            if x % 2 == 0 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        let crop = LineCrop::from_quad(&rect(0.0, 0.0, 64.0, 16.0));
        let mut buf = vec![0f32; 3 * 16 * 4];
        crop.sample_into(&page, &mut buf, 16, 4, 16);
        for v in &buf {
            assert!(v.abs() < 0.2, "{v}");
        }
    }
}
