//! Opening input files into page images. Knows nothing about OCR.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};

use crate::error::DocumentError;

/// Shortest side we can read: anything smaller holds no legible text.
pub const MIN_SIDE: u32 = 15;
/// Longest side accepted.
pub const MAX_SIDE: u32 = 30_000;
/// Pixel budget: a decompression bomb is refused from its header, before decoding.
pub const MAX_PIXELS: u64 = 250_000_000;

/// One page image of a document.
pub struct PageImage {
    pub index: usize,
    pub image: RgbImage,
}

/// Opens an image file as page images (one for now; multi-page formats later).
pub fn open(path: &Path) -> Result<Vec<PageImage>, DocumentError> {
    let unreadable = |reason: String| DocumentError::Unreadable {
        path: path.to_owned(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| unreadable(io_reason(&e)))?;
    if bytes.is_empty() {
        return Err(unreadable("the file is empty (0 bytes)".into()));
    }
    let image = decode(&bytes).map_err(|reason| match reason {
        DecodeFailure::Reason(r) => unreadable(r),
        DecodeFailure::TooLarge(width, height) => DocumentError::TooLarge {
            path: path.to_owned(),
            width,
            height,
            limit: MAX_PIXELS,
        },
    })?;
    let (width, height) = image.dimensions();
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(DocumentError::TooSmall {
            path: path.to_owned(),
            width,
            height,
            min: MIN_SIDE,
        });
    }
    Ok(vec![PageImage { index: 0, image }])
}

enum DecodeFailure {
    Reason(String),
    TooLarge(u32, u32),
}

/// Decodes an image from memory: format from the content (not the extension),
/// size checked from the header, EXIF orientation applied, alpha composited on white.
fn decode(bytes: &[u8]) -> Result<RgbImage, DecodeFailure> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeFailure::Reason(e.to_string()))?;
    if reader.format().is_none() {
        return Err(DecodeFailure::Reason("not an image format OCR Desk can read".into()));
    }
    let mut decoder = reader.into_decoder().map_err(|e| DecodeFailure::Reason(describe(&e)))?;
    let (w, h) = decoder.dimensions();
    if w > MAX_SIDE || h > MAX_SIDE || w as u64 * h as u64 > MAX_PIXELS {
        return Err(DecodeFailure::TooLarge(w, h));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 8);
    decoder
        .set_limits(limits)
        .map_err(|e| DecodeFailure::Reason(describe(&e)))?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| DecodeFailure::Reason(describe(&e)))?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    Ok(flatten_on_white(image))
}

/// RGB pixels with any transparency composited over white paper.
pub fn flatten_on_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let a = a as u32;
        let over = |c: u8| ((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

fn describe(e: &image::ImageError) -> String {
    match e {
        image::ImageError::Unsupported(u) => format!("unsupported image: {u}"),
        image::ImageError::Limits(l) => format!("image exceeds limits: {l}"),
        other => format!("corrupt or truncated image: {other}"),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a directory, not a file".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparent_pixels_become_white() {
        let mut img = image::RgbaImage::new(2, 1);
        img.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        img.put_pixel(1, 0, image::Rgba([0, 0, 0, 255]));
        let flat = flatten_on_white(DynamicImage::ImageRgba8(img));
        assert_eq!(flat.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(flat.get_pixel(1, 0).0, [0, 0, 0]);
    }

    #[test]
    fn garbage_bytes_are_not_an_image() {
        assert!(matches!(decode(b"hello, this is text"), Err(DecodeFailure::Reason(_))));
    }
}
