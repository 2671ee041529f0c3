//! What a source file says about putting its page into a PDF as it is: whether a
//! JPEG can be embedded byte for byte (no re-encoding, no loss), and the
//! resolution the file declares, which gives the page its printed size.

use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, ImageReader};

/// A JPEG that a PDF can carry unchanged (`DCTDecode`): whole, upright as stored
/// (no EXIF turn to apply), grey or colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JpegStream {
    pub width: u32,
    pub height: u32,
    /// 1 (grey) or 3 (colour).
    pub components: u8,
}

/// The JPEG stream of `bytes` when it can go into a PDF as it is; `None` for
/// other formats, CMYK JPEGs (their colours depend on an Adobe marker PDF
/// readers treat differently), files cut short, and files with an EXIF turn
/// (the page read is the turned image, not the stored one).
pub fn jpeg_as_is(bytes: &[u8]) -> Option<JpegStream> {
    if image::guess_format(bytes).ok() != Some(ImageFormat::Jpeg) || super::raster::jpeg_lacks_its_end(bytes) {
        return None;
    }
    let frame = jpeg_frame(bytes)?;
    let turned = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Jpeg)
        .into_decoder()
        .ok()?
        .orientation()
        .ok()
        .is_some_and(|o| o != image::metadata::Orientation::NoTransforms);
    (!turned && matches!(frame.components, 1 | 3) && frame.width > 0 && frame.height > 0).then_some(frame)
}

/// The frame header (SOFn) of a JPEG: its size and number of components.
fn jpeg_frame(bytes: &[u8]) -> Option<JpegStream> {
    let mut at = 2; // after SOI
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            // Fill byte before a marker.
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let header = bytes.get(at + 4..at + 10)?;
            return Some(JpegStream {
                height: u32::from(u16::from_be_bytes([header[1], header[2]])),
                width: u32::from(u16::from_be_bytes([header[3], header[4]])),
                components: header[5],
            });
        }
        if marker == 0xDA {
            // Image data before any frame header: not a JPEG we understand.
            return None;
        }
        at += 2 + length;
    }
    None
}

/// Dots per inch the file declares (JPEG JFIF density, PNG `pHYs`, TIFF
/// resolution), when it declares a plausible one.
pub fn resolution(bytes: &[u8]) -> Option<f32> {
    let dpi = match image::guess_format(bytes).ok()? {
        ImageFormat::Jpeg => jfif_density(bytes),
        ImageFormat::Png => png_density(bytes),
        ImageFormat::Tiff => tiff_density(bytes),
        _ => None,
    }?;
    // Below 50 dpi a "resolution" is a default of the writing program (72 and
    // 96 pass; 1 is common), not the scan's; above 4800 no office scanner goes.
    (50.0..=4800.0).contains(&dpi).then_some(dpi)
}

/// Centimetres per inch, for densities given per centimetre or metre.
const CM_PER_INCH: f32 = 2.54;

fn jfif_density(bytes: &[u8]) -> Option<f32> {
    // APP0 "JFIF\0": version (2), units (1), x density (2), y density (2).
    let app0 = bytes.get(2..20)?;
    if app0[0..2] != [0xFF, 0xE0] || &app0[4..9] != b"JFIF\0" {
        return None;
    }
    let units = app0[11];
    let x = f32::from(u16::from_be_bytes([app0[12], app0[13]]));
    match units {
        1 => Some(x),
        2 => Some(x * CM_PER_INCH),
        // 0: an aspect ratio only.
        _ => None,
    }
}

fn png_density(bytes: &[u8]) -> Option<f32> {
    // Chunks after the 8-byte signature: length (4), type (4), data, CRC (4).
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let length = u32::from_be_bytes(bytes[at..at + 4].try_into().ok()?) as usize;
        let kind = &bytes[at + 4..at + 8];
        if kind == b"pHYs" {
            let data = bytes.get(at + 8..at + 17)?;
            let per_unit = u32::from_be_bytes(data[0..4].try_into().ok()?) as f32;
            // Unit 1: per metre; 0: aspect ratio only.
            return (data[8] == 1).then_some(per_unit * CM_PER_INCH / 100.0);
        }
        if kind == b"IDAT" {
            // pHYs must come before the image data.
            return None;
        }
        at += 12 + length;
    }
    None
}

fn tiff_density(bytes: &[u8]) -> Option<f32> {
    use tiff::tags::Tag;
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(bytes)).ok()?;
    let x = decoder.get_tag_f32(Tag::XResolution).ok()?;
    // ResolutionUnit: 1 none, 2 inch (the default), 3 centimetre.
    match decoder.get_tag_u32(Tag::ResolutionUnit).unwrap_or(2) {
        2 => Some(x),
        3 => Some(x * CM_PER_INCH),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, RgbImage};

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(width, height, image::Rgb([200, 100, 50]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .expect("encodes");
        out
    }

    #[test]
    fn a_whole_jpeg_goes_in_as_it_is() {
        let bytes = jpeg(40, 30);
        assert_eq!(
            jpeg_as_is(&bytes),
            Some(JpegStream {
                width: 40,
                height: 30,
                components: 3
            })
        );
        // Cut short: its end marker is gone, and it must be decoded and re-encoded.
        assert_eq!(jpeg_as_is(&bytes[..bytes.len() / 2]), None);
        assert_eq!(jpeg_as_is(b"\x89PNG\r\n\x1a\n"), None);
    }

    #[test]
    fn resolutions_are_read_from_jfif_and_png_headers() {
        let mut bytes = jpeg(8, 8);
        // The encoder writes JFIF with units 0 (aspect only): no resolution.
        assert_eq!(resolution(&bytes), None);
        // Units 1 (dpi), 300 × 300.
        bytes[13] = 1;
        bytes[14..18].copy_from_slice(&[1, 44, 1, 44]);
        assert_eq!(resolution(&bytes), Some(300.0));

        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&[255; 3 * 4], 2, 2, image::ExtendedColorType::Rgb8)
            .expect("encodes");
        // 11811 pixels a metre is 300 dpi.
        let mut chunk = Vec::new();
        chunk.extend_from_slice(&9u32.to_be_bytes());
        chunk.extend_from_slice(b"pHYs");
        chunk.extend_from_slice(&11811u32.to_be_bytes());
        chunk.extend_from_slice(&11811u32.to_be_bytes());
        chunk.push(1);
        chunk.extend_from_slice(&[0; 4]);
        let ihdr_end = 8 + 12 + 13;
        png.splice(ihdr_end..ihdr_end, chunk);
        let dpi = resolution(&png).expect("pHYs read");
        assert!((dpi - 300.0).abs() < 0.01, "{dpi}");
    }
}
