//! Raster images: the `image` crate for the common formats, the `tiff` crate for
//! every page of a multi-page TIFF, `pcx` for PCX and `psd` for Photoshop files
//! (their flattened composite).

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

use super::{MAX_PIXELS, MAX_SIDE, flatten_on_white};
use crate::error::DocumentError;

/// How many pages the image file has: those of a TIFF, else one.
pub(super) fn page_count(path: &Path, bytes: &[u8]) -> Result<usize, DocumentError> {
    if image::guess_format(bytes).ok() != Some(ImageFormat::Tiff) {
        return Ok(1);
    }
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(bytes)).map_err(|e| DocumentError::Unreadable {
        path: path.to_owned(),
        reason: format!("corrupt or truncated TIFF: {e}"),
    })?;
    let mut count = 1;
    while decoder.more_images() {
        decoder.next_image().map_err(|e| DocumentError::Unreadable {
            path: path.to_owned(),
            reason: format!("page {}: corrupt or truncated TIFF page: {e}", count + 1),
        })?;
        count += 1;
    }
    Ok(count)
}

/// Decodes page `index` (0-based) of an image file; only TIFFs have more than one.
/// Returns the page and what a reader should know about it (an image whose data
/// ends early is read as far as it goes, and says so).
pub(super) fn page(path: &Path, bytes: &[u8], index: usize) -> Result<(RgbImage, Vec<String>), DocumentError> {
    let unreadable = |reason: String| DocumentError::Unreadable {
        path: path.to_owned(),
        reason,
    };
    if index > 0 {
        // `image` reads only the first page of a TIFF; the `tiff` crate the rest.
        return tiff_page(bytes, index)
            .map(|page| (page, Vec::new()))
            .map_err(unreadable);
    }
    // The content names the format; only formats without a signature (TGA) fall back
    // to the file's extension.
    let by_extension = ImageFormat::from_path(path).ok();
    let named_pcx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pcx"));
    // A decoder bug must not take the application down: a panic is a bad file.
    let decoded = std::panic::catch_unwind(|| {
        if bytes.starts_with(b"8BPS") {
            decode_psd(bytes).map(|image| (image, Vec::new()))
        } else if looks_like_pcx(bytes, named_pcx) {
            decode_pcx(bytes).map(|image| (image, Vec::new()))
        } else {
            decode(bytes, by_extension)
        }
    })
    .unwrap_or_else(|_| Err(DecodeFailure::Reason("corrupt image: the decoder failed on it".into())));
    let (mut image, warnings) = decoded.map_err(|reason| match reason {
        DecodeFailure::Reason(r) => unreadable(r),
        DecodeFailure::TooLarge(width, height) => DocumentError::TooLarge {
            path: path.to_owned(),
            width,
            height,
            limit: MAX_PIXELS,
        },
    })?;
    if image::guess_format(bytes).ok() == Some(ImageFormat::Tiff) && first_tiff_page_is_white_is_zero(bytes) {
        // `image` hands 1-bit fax pages over with ink and paper swapped.
        image::imageops::invert(&mut image);
    }
    Ok((image, warnings))
}

/// Whether the first page of a TIFF is a 1-bit page storing ink as 1
/// (PhotometricInterpretation WhiteIsZero, as fax scans do): `image` reads
/// those with ink and paper swapped (deeper grey levels it reads right).
fn first_tiff_page_is_white_is_zero(bytes: &[u8]) -> bool {
    let Ok(mut decoder) = tiff::decoder::Decoder::new(Cursor::new(bytes)) else {
        return false;
    };
    let grey = matches!(decoder.colortype(), Ok(tiff::ColorType::Gray(1)));
    grey && decoder
        .get_tag_u32(tiff::tags::Tag::PhotometricInterpretation)
        .is_ok_and(|p| p == 0)
}

/// Page `index` (0-based) of a TIFF, as RGB.
fn tiff_page(bytes: &[u8], index: usize) -> Result<RgbImage, String> {
    use tiff::ColorType;
    use tiff::decoder::{Decoder, DecodingResult, Limits};
    use tiff::tags::Tag;

    let mut limits = Limits::default();
    limits.decoding_buffer_size = (MAX_PIXELS * 8) as usize;
    let mut decoder = Decoder::new(Cursor::new(bytes))
        .map_err(|e| format!("corrupt or truncated TIFF: {e}"))?
        .with_limits(limits);
    let number = index + 1;
    let fail = |e: tiff::TiffError| format!("page {number}: corrupt or truncated TIFF page: {e}");
    decoder.seek_to_image(index).map_err(fail)?;
    let (w, h) = decoder.dimensions().map_err(fail)?;
    if w > MAX_SIDE || h > MAX_SIDE || w as u64 * h as u64 > MAX_PIXELS {
        return Err(format!(
            "page {number}: {w}×{h} px is too large (limit {MAX_PIXELS} pixels)"
        ));
    }
    let color = decoder.colortype().map_err(fail)?;
    // 0 = WhiteIsZero: fax scans store ink as 1.
    let white_is_zero = decoder
        .get_tag_u32(Tag::PhotometricInterpretation)
        .map(|p| p == 0)
        .unwrap_or(false);
    let data = decoder.read_image().map_err(fail)?;
    let (wu, hu) = (w as usize, h as usize);
    // Every layout becomes 8-bit samples, `channels` per pixel.
    let (samples, channels): (Vec<u8>, usize) = match (color, data) {
        (ColorType::Gray(1), DecodingResult::U8(packed)) => {
            let stride = wu.div_ceil(8);
            let mut out = Vec::with_capacity(wu * hu);
            for y in 0..hu {
                for x in 0..wu {
                    let bit = packed.get(y * stride + x / 8).map_or(0, |b| (b >> (7 - x % 8)) & 1);
                    out.push(if bit == 1 { 255 } else { 0 });
                }
            }
            (out, 1)
        }
        (ColorType::Gray(8), DecodingResult::U8(v)) => (v, 1),
        (ColorType::GrayA(8), DecodingResult::U8(v)) => (v, 2),
        (ColorType::RGB(8), DecodingResult::U8(v)) => (v, 3),
        (ColorType::RGBA(8), DecodingResult::U8(v)) => (v, 4),
        (ColorType::Gray(16), DecodingResult::U16(v)) => (v.iter().map(|s| (s >> 8) as u8).collect(), 1),
        (ColorType::GrayA(16), DecodingResult::U16(v)) => (v.iter().map(|s| (s >> 8) as u8).collect(), 2),
        (ColorType::RGB(16), DecodingResult::U16(v)) => (v.iter().map(|s| (s >> 8) as u8).collect(), 3),
        (ColorType::RGBA(16), DecodingResult::U16(v)) => (v.iter().map(|s| (s >> 8) as u8).collect(), 4),
        (other, _) => return Err(format!("page {number}: unsupported TIFF pixel layout {other:?}")),
    };
    if samples.len() < wu * hu * channels {
        return Err(format!("page {number}: corrupt or truncated TIFF page: too few pixels"));
    }
    // The `tiff` crate turns deeper WhiteIsZero grey levels round itself, but
    // not 1-bit pages (checked by the fax tests).
    let invert = white_is_zero && color == ColorType::Gray(1);
    let page = RgbImage::from_fn(w, h, |x, y| {
        let i = (y as usize * wu + x as usize) * channels;
        let px = &samples[i..i + channels];
        let (rgb, alpha) = match channels {
            1 | 2 => ([px[0]; 3], px.get(1).copied()),
            _ => ([px[0], px[1], px[2]], px.get(3).copied()),
        };
        let rgb = if invert { rgb.map(|c| 255 - c) } else { rgb };
        let a = alpha.unwrap_or(255) as u32;
        image::Rgb(rgb.map(|c| ((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8))
    });
    Ok(page)
}

enum DecodeFailure {
    Reason(String),
    TooLarge(u32, u32),
}

/// Decodes an image from memory: format from the content (not the extension),
/// size checked from the header, EXIF orientation applied, alpha composited on
/// white. A JPEG that ends before its image does is read as far as its data goes,
/// as image viewers do, with a warning saying how much is missing.
fn decode(bytes: &[u8], by_extension: Option<ImageFormat>) -> Result<(RgbImage, Vec<String>), DecodeFailure> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeFailure::Reason(e.to_string()))?;
    if reader.format().is_none() {
        match by_extension {
            Some(ImageFormat::Tga) => reader.set_format(ImageFormat::Tga),
            _ => return Err(DecodeFailure::Reason("not an image format OCR Desk can read".into())),
        }
    }
    let cut_jpeg = reader.format() == Some(ImageFormat::Jpeg) && jpeg_lacks_its_end(bytes);
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
    let mut warnings = Vec::new();
    if cut_jpeg {
        let blank = jpeg_filler_rows(&image);
        if blank + JPEG_MAX_BLOCK_ROW >= image.height() {
            return Err(DecodeFailure::Reason(
                "corrupt or truncated JPEG: the file ends before any image data".into(),
            ));
        }
        if blank > 0 {
            let share = (100.0 * blank as f64 / image.height() as f64).round().max(1.0);
            let turned = orientation.is_some_and(|o| o != image::metadata::Orientation::NoTransforms);
            let part = if turned { "" } else { "the bottom " };
            warnings.push(format!(
                "the image data ends early: {part}{share}% of the image is blank"
            ));
        }
    }
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    Ok((flatten_on_white(image), warnings))
}

/// Whether a JPEG's last scan never reaches an end-of-image marker: either the
/// marker alone is missing (the data is whole; many phone and scanner exports do
/// this) or the file was cut short. Entropy-coded data cannot hold the marker
/// bytes, so a whole file's last EOI follows its last SOS.
pub(super) fn jpeg_lacks_its_end(bytes: &[u8]) -> bool {
    let last = |marker: u8| bytes.windows(2).rposition(|w| w == [0xFF, marker]);
    match (last(0xDA), last(0xD9)) {
        (Some(sos), Some(eoi)) => eoi < sos,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Rows at the bottom of a decoded JPEG that its data never reached. When the
/// data runs out, the decoder (zune-jpeg, non-strict, as the `image` crate runs
/// it) fills every remaining sample with exactly 128; real pixels are never a
/// whole row of 128 in every channel after lossy coding of a real page. A file
/// whose end marker alone is missing has no such rows. (Progressive JPEGs cut
/// short lose detail rather than rows; they are read as they decode.)
fn jpeg_filler_rows(image: &DynamicImage) -> u32 {
    let bytes = image.as_bytes();
    let (w, h) = (image.width() as usize, image.height() as usize);
    let row_len = w * image.color().bytes_per_pixel() as usize;
    if row_len == 0 || bytes.len() < row_len * h {
        return 0;
    }
    bytes
        .chunks_exact(row_len)
        .take(h)
        .rev()
        .take_while(|row| row.iter().all(|&b| b == JPEG_FILLER))
        .count() as u32
}

/// What zune-jpeg writes where a JPEG's data ran out (mid-grey in every channel).
const JPEG_FILLER: u8 = 128;

/// The tallest row of blocks a JPEG codes at once (4:2:0 sampling). The row the
/// data runs out in is decoded from padding, not filled: when that is all there
/// is, nothing of the image was in the file.
const JPEG_MAX_BLOCK_ROW: u32 = 16;

fn check_dimensions(w: u32, h: u32) -> Result<(), DecodeFailure> {
    if w > MAX_SIDE || h > MAX_SIDE || w as u64 * h as u64 > MAX_PIXELS {
        return Err(DecodeFailure::TooLarge(w, h));
    }
    Ok(())
}

/// PCX has a weak signature (0x0A, a version, an encoding, a bit depth): trusted
/// when the file is named .pcx or every header field is a valid value.
fn looks_like_pcx(bytes: &[u8], named_pcx: bool) -> bool {
    bytes.len() >= 128
        && bytes[0] == 0x0A
        && (named_pcx || (matches!(bytes[1], 0 | 2 | 3 | 4 | 5) && bytes[2] <= 1 && matches!(bytes[3], 1 | 2 | 4 | 8)))
}

fn decode_pcx(bytes: &[u8]) -> Result<RgbImage, DecodeFailure> {
    let corrupt = |e: std::io::Error| DecodeFailure::Reason(format!("corrupt or truncated PCX image: {e}"));
    let mut reader = pcx::Reader::from_mem(bytes).map_err(corrupt)?;
    let (w, h) = (reader.width() as u32, reader.height() as u32);
    check_dimensions(w, h)?;
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    reader.read_rgb_pixels(&mut rgb).map_err(corrupt)?;
    RgbImage::from_raw(w, h, rgb).ok_or_else(|| DecodeFailure::Reason("corrupt PCX image".into()))
}

/// A Photoshop file's flattened composite image.
fn decode_psd(bytes: &[u8]) -> Result<RgbImage, DecodeFailure> {
    // Header: signature, version, 6 reserved, channels, then height and width.
    let field = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (Some(h), Some(w)) = (field(14), field(18)) else {
        return Err(DecodeFailure::Reason(
            "corrupt or truncated PSD image: short header".into(),
        ));
    };
    check_dimensions(w, h)?;
    let psd = psd::Psd::from_bytes(bytes)
        .map_err(|e| DecodeFailure::Reason(format!("corrupt or unsupported PSD image: {e}")))?;
    let rgba = image::RgbaImage::from_raw(psd.width(), psd.height(), psd.rgba())
        .ok_or_else(|| DecodeFailure::Reason("corrupt PSD image: too few pixels".into()))?;
    Ok(flatten_on_white(DynamicImage::ImageRgba8(rgba)))
}

fn describe(e: &image::ImageError) -> String {
    match e {
        image::ImageError::Unsupported(u) => format!("unsupported image: {u}"),
        image::ImageError::Limits(l) => format!("image exceeds limits: {l}"),
        other => format!("corrupt or truncated image: {other}"),
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
        assert!(matches!(
            decode(b"hello, this is text", None),
            Err(DecodeFailure::Reason(_))
        ));
        // Named .tga, the bytes still have to decode as TGA.
        assert!(matches!(
            decode(b"hello", Some(ImageFormat::Tga)),
            Err(DecodeFailure::Reason(_))
        ));
    }
}
