//! Pixels in, pixels out: resizing, turning a page by any angle, whitening light ink.
//! Used by the engine, the analyses and the app alike; knows nothing of text.

pub mod light_ink;
pub mod mask;

use std::borrow::Cow;

use image::RgbImage;

use crate::geometry::{Affine, Point, turn_geometry};

/// Resizes with a bilinear (antialiased when shrinking) filter; an image already
/// at the size is borrowed, not copied.
pub fn resize(image: &RgbImage, width: u32, height: u32) -> Cow<'_, RgbImage> {
    if image.dimensions() == (width, height) {
        return Cow::Borrowed(image);
    }
    use fast_image_resize::images::{Image, ImageRef};
    use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
    let resized = ImageRef::new(image.width(), image.height(), image.as_raw(), PixelType::U8x3)
        .ok()
        .and_then(|src| {
            let mut dst = Image::new(width, height, PixelType::U8x3);
            Resizer::new().resize(&src, &mut dst, &options).ok()?;
            RgbImage::from_raw(width, height, dst.into_vec())
        });
    // The fast path cannot fail for RGB8 buffers of matching size; keep a slow one anyway.
    Cow::Owned(
        resized.unwrap_or_else(|| image::imageops::resize(image, width, height, image::imageops::FilterType::Triangle)),
    )
}

/// The page turned clockwise by `degrees` (any angle) on a canvas that holds all
/// of it, paper-white where the turn uncovers nothing, and the map from the
/// turned image's coordinates back to the original's (with (x, y) the centre of
/// pixel (x, y), as boxes and crops use). Multiples of 90° move pixels exactly.
pub fn turn(image: &RgbImage, degrees: f32) -> (RgbImage, Affine) {
    let (out_w, out_h, back) = turn_geometry(image.width(), image.height(), degrees);
    let normalised = degrees.rem_euclid(360.0);
    let exact = (0..4u8).find(|&q| (normalised - q as f32 * 90.0).abs() < 1e-3);
    let turned = match exact {
        Some(0) => image.clone(),
        Some(1) => image::imageops::rotate90(image),
        Some(2) => image::imageops::rotate180(image),
        Some(_) => image::imageops::rotate270(image),
        None => resample(image, &back, out_w, out_h),
    };
    (turned, back.in_pixel_centres())
}

/// Resampling of `image` through `back` (output pixel → source point) with the
/// Lanczos-3 kernel: sharper than bilinear or cubic, so the thin strokes of
/// small print survive a turn. Outside the image is white paper. Bands of rows
/// are resampled on every core: a 35-megapixel scan is 4 billion multiply-adds.
fn resample(image: &RgbImage, back: &Affine, out_w: u32, out_h: u32) -> RgbImage {
    let kernel = Lanczos3::new();
    let mut out = vec![0u8; out_w as usize * out_h as usize * 3];
    let row_bytes = out_w as usize * 3;
    if row_bytes == 0 {
        return RgbImage::new(out_w, out_h);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let band_rows = (out_h as usize).div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (band, rows) in out.chunks_mut(band_rows * row_bytes).enumerate() {
            let kernel = &kernel;
            scope.spawn(move || {
                for (r, row) in rows.chunks_exact_mut(row_bytes).enumerate() {
                    let v = (band * band_rows + r) as f32;
                    for (u, px) in row.chunks_exact_mut(3).enumerate() {
                        let p = back.apply(Point::new(u as f32 + 0.5, v + 0.5));
                        let value = kernel.sample(image, p.x - 0.5, p.y - 0.5);
                        px.copy_from_slice(&value.map(|a| a.round().clamp(0.0, 255.0) as u8));
                    }
                }
            });
        }
    });
    RgbImage::from_raw(out_w, out_h, out).unwrap_or_else(|| RgbImage::new(out_w, out_h))
}

/// The Lanczos-3 kernel, tabulated.
struct Lanczos3 {
    /// Weights of the taps at x0 - 2 ..= x0 + 3 for a point at x0 + t, for
    /// `PHASES + 1` values of t from 0 to 1, normalised to sum 1.
    table: Vec<[f32; Lanczos3::TAPS]>,
}

impl Lanczos3 {
    const RADIUS: i64 = 3;
    const TAPS: usize = 2 * Self::RADIUS as usize;
    /// Sub-pixel positions tabulated: 1/64 px is far below what 8-bit output shows.
    const PHASES: usize = 64;

    fn new() -> Self {
        let a = Self::RADIUS as f32;
        let lanczos = |d: f32| {
            if d.abs() < 1e-6 {
                return 1.0;
            }
            let pd = std::f32::consts::PI * d;
            a * pd.sin() * (pd / a).sin() / (pd * pd)
        };
        let table = (0..=Self::PHASES)
            .map(|phase| {
                let t = phase as f32 / Self::PHASES as f32;
                let mut k = [0f32; Self::TAPS];
                for (i, k) in k.iter_mut().enumerate() {
                    *k = lanczos(t - (i as f32 - (a - 1.0)));
                }
                let sum: f32 = k.iter().sum();
                k.map(|v| v / sum)
            })
            .collect();
        Self { table }
    }

    fn weights(&self, t: f32) -> &[f32; Self::TAPS] {
        &self.table[(t * Self::PHASES as f32).round() as usize]
    }

    /// The image's colour at (x, y), pixel centres at whole numbers.
    #[inline]
    fn sample(&self, image: &RgbImage, x: f32, y: f32) -> [f32; 3] {
        let (w, h) = (i64::from(image.width()), i64::from(image.height()));
        let (fx, fy) = (x.floor(), y.floor());
        let (wx, wy) = (self.weights(x - fx), self.weights(y - fy));
        let left = fx as i64 - Self::RADIUS + 1;
        let top = fy as i64 - Self::RADIUS + 1;
        let raw = image.as_raw();
        let stride = w as usize * 3;
        let mut acc = [0f32; 3];
        let inside = left >= 0 && top >= 0 && left + Self::TAPS as i64 <= w && top + Self::TAPS as i64 <= h;
        for (j, wyj) in wy.iter().enumerate() {
            let y = top + j as i64;
            let mut row = [0f32; 3];
            if inside {
                // Every tap on the image: one slice, no per-tap checks.
                let start = y as usize * stride + left as usize * 3;
                let taps = &raw[start..start + Self::TAPS * 3];
                for (s, wxi) in taps.chunks_exact(3).zip(wx) {
                    row[0] += f32::from(s[0]) * wxi;
                    row[1] += f32::from(s[1]) * wxi;
                    row[2] += f32::from(s[2]) * wxi;
                }
            } else {
                for (i, wxi) in wx.iter().enumerate() {
                    let x = left + i as i64;
                    let s = if x < 0 || y < 0 || x >= w || y >= h {
                        [255.0; 3]
                    } else {
                        let at = y as usize * stride + x as usize * 3;
                        [f32::from(raw[at]), f32::from(raw[at + 1]), f32::from(raw[at + 2])]
                    };
                    for c in 0..3 {
                        row[c] += s[c] * wxi;
                    }
                }
            }
            for c in 0..3 {
                acc[c] += row[c] * wyj;
            }
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn a_turn_maps_points_back_to_the_original() {
        let mut img = RgbImage::from_pixel(40, 20, Rgb([255, 255, 255]));
        img.put_pixel(3, 5, Rgb([0, 0, 0]));
        for degrees in [90.0, 180.0, 270.0] {
            let (turned, back) = turn(&img, degrees);
            let (x, y) = turned
                .enumerate_pixels()
                .find(|(_, _, p)| p.0 == [0, 0, 0])
                .map(|(x, y, _)| (x, y))
                .expect("the dark pixel survives a quarter turn");
            // Pixel centres map to pixel centres.
            let p = back.apply(Point::new(x as f32, y as f32));
            assert!((p.x - 3.0).abs() < 1e-3 && (p.y - 5.0).abs() < 1e-3, "{degrees}: {p:?}");
        }
        let (turned, back) = turn(&img, 7.0);
        assert!(turned.width() > 40 && turned.height() > 20);
        // Corners uncovered by the turn are white paper.
        assert_eq!(turned.get_pixel(0, 0).0, [255, 255, 255]);
        let centre = back.apply(Point::new(turned.width() as f32 / 2.0, turned.height() as f32 / 2.0));
        assert!((centre.x - 20.0).abs() < 1.0 && (centre.y - 10.0).abs() < 1.0);
    }

    #[test]
    fn a_skew_turn_keeps_flat_paper_flat_and_a_dark_dot_dark_where_it_lands() {
        // Interior of a flat grey page stays exactly that grey (the weights sum to 1).
        let grey = RgbImage::from_pixel(60, 60, Rgb([100, 100, 100]));
        let (turned, _) = turn(&grey, 7.0);
        let (cx, cy) = (turned.width() / 2, turned.height() / 2);
        assert_eq!(turned.get_pixel(cx, cy).0, [100, 100, 100]);

        // A 3×3 dark dot lands where the map says and stays dark there.
        let mut img = RgbImage::from_pixel(60, 60, Rgb([255, 255, 255]));
        for (x, y) in (19..22).flat_map(|x| (29..32).map(move |y| (x, y))) {
            img.put_pixel(x, y, Rgb([0, 0, 0]));
        }
        let (turned, back) = turn(&img, -7.0);
        let darkest = turned
            .enumerate_pixels()
            .min_by_key(|(_, _, p)| p.0[0])
            .map(|(x, y, p)| (x, y, p.0[0]))
            .unwrap();
        let p = back.apply(Point::new(darkest.0 as f32, darkest.1 as f32));
        assert!((p.x - 20.0).abs() <= 1.0 && (p.y - 30.0).abs() <= 1.0, "{p:?}");
        assert!(darkest.2 < 40, "{darkest:?}");
    }
}
