//! Light text: watermarks and stamps printed in pale ink.
//!
//! Before detection, every pixel at least as light as the light-ink limit is
//! made paper-white ([`whiten_light_ink`]). A watermark then disappears whole,
//! instead of merging with the dark text it crosses into one detected line;
//! dark strokes keep their pixels, so the text under a watermark reads as before.

use image::RgbImage;

/// Ink this bright (0–255 luminance) or brighter is light: a watermark.
pub const DEFAULT_LIGHT_INK: u8 = 150;

/// A copy of `image` with every pixel of luminance `light_ink` or more made white.
pub fn whiten_light_ink(image: &RgbImage, light_ink: u8) -> RgbImage {
    let mut out = image.clone();
    for p in out.pixels_mut() {
        let [r, g, b] = p.0;
        let l = (299 * r as u32 + 587 * g as u32 + 114 * b as u32) / 1000;
        if l >= light_ink as u32 {
            p.0 = [255, 255, 255];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn whitening_removes_pale_ink_and_keeps_dark() {
        let mut img = RgbImage::from_pixel(3, 1, Rgb([255, 255, 255]));
        img.put_pixel(0, 0, Rgb([200, 200, 200]));
        img.put_pixel(1, 0, Rgb([20, 20, 20]));
        // Pale red stamp ink: light by luminance though one channel is strong.
        img.put_pixel(2, 0, Rgb([240, 150, 150]));
        let clean = whiten_light_ink(&img, DEFAULT_LIGHT_INK);
        assert_eq!(clean.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(clean.get_pixel(1, 0).0, [20, 20, 20]);
        assert_eq!(clean.get_pixel(2, 0).0, [255, 255, 255]);
    }
}
