//! Pixels in, pixels out: resizing, turning a page by any angle, whitening light ink.
//! Used by the engine, the analyses and the app alike; knows nothing of text.

pub mod light_ink;

use std::borrow::Cow;

use image::{Rgb, RgbImage};

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
/// small print survive a turn. Outside the image is white paper.
fn resample(image: &RgbImage, back: &Affine, out_w: u32, out_h: u32) -> RgbImage {
    const RADIUS: i64 = 3;
    const TAPS: usize = 2 * RADIUS as usize;
    let (w, h) = (image.width() as i64, image.height() as i64);
    let raw = image.as_raw();
    let px = |x: i64, y: i64| -> [f32; 3] {
        if x < 0 || y < 0 || x >= w || y >= h {
            return [255.0; 3];
        }
        let i = ((y * w + x) * 3) as usize;
        [raw[i] as f32, raw[i + 1] as f32, raw[i + 2] as f32]
    };
    // Lanczos-3 weights of the taps at x0 - 2 ..= x0 + 3 for a point at x0 + t,
    // tabulated for PHASES values of t and normalised to sum 1.
    const PHASES: usize = 64;
    let lanczos = |d: f32| {
        if d.abs() < 1e-6 {
            return 1.0;
        }
        let a = RADIUS as f32;
        let pd = std::f32::consts::PI * d;
        a * pd.sin() * (pd / a).sin() / (pd * pd)
    };
    let table: Vec<[f32; TAPS]> = (0..=PHASES)
        .map(|phase| {
            let t = phase as f32 / PHASES as f32;
            let mut k = [0f32; TAPS];
            for (i, k) in k.iter_mut().enumerate() {
                *k = lanczos(t - (i as f32 - (RADIUS as f32 - 1.0)));
            }
            let sum: f32 = k.iter().sum();
            k.map(|v| v / sum)
        })
        .collect();
    let weights = |t: f32| table[(t * PHASES as f32).round() as usize];
    RgbImage::from_fn(out_w, out_h, |u, v| {
        let p = back.apply(Point::new(u as f32 + 0.5, v as f32 + 0.5));
        let (x, y) = (p.x - 0.5, p.y - 0.5);
        let (x0, y0) = (x.floor(), y.floor());
        let (wx, wy) = (weights(x - x0), weights(y - y0));
        let (x0, y0) = (x0 as i64, y0 as i64);
        let mut acc = [0f32; 3];
        for (j, wyj) in wy.iter().enumerate() {
            let mut row = [0f32; 3];
            for (i, wxi) in wx.iter().enumerate() {
                let s = px(x0 - RADIUS + 1 + i as i64, y0 - RADIUS + 1 + j as i64);
                for c in 0..3 {
                    row[c] += s[c] * wxi;
                }
            }
            for c in 0..3 {
                acc[c] += row[c] * wyj;
            }
        }
        Rgb(acc.map(|a| a.round().clamp(0.0, 255.0) as u8))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
