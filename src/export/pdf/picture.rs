//! A page image as a PDF image stream: a JPEG as it is; a black-and-white scan
//! as CCITT Group 4 (what fax machines and archives use, a few tens of kB a
//! page); other pixels losslessly (Flate with PNG prediction) when they came
//! from a lossless file, else as a JPEG.

use image::RgbImage;
use miniz_oxide::deflate::compress_to_vec_zlib;

/// A page's picture, as the caller has it.
#[derive(Clone, Copy, Debug)]
pub enum PageImage<'a> {
    /// A JPEG file's bytes, embedded unchanged (see `document::embed::jpeg_as_is`).
    Jpeg {
        data: &'a [u8],
        width: u32,
        height: u32,
        /// 1 (grey) or 3 (colour).
        components: u8,
    },
    /// Decoded pixels. `lossless`: they came from a lossless file (PNG, TIFF, …)
    /// and are kept exactly; otherwise (a rendered PDF page) they become a JPEG.
    Pixels { image: &'a RgbImage, lossless: bool },
}

impl PageImage<'_> {
    pub fn dimensions(&self) -> (u32, u32) {
        match self {
            PageImage::Jpeg { width, height, .. } => (*width, *height),
            PageImage::Pixels { image, .. } => image.dimensions(),
        }
    }
}

/// How the samples of an encoded image are to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Encoding {
    /// A JPEG stream with this many components.
    Dct { components: u8 },
    /// Zlib-compressed 8-bit samples, each row led by a PNG filter byte.
    Flate { components: u8 },
    /// 1-bit CCITT Group 4 (K = -1), black = ink.
    Fax,
}

/// An image ready to be written as an XObject.
pub(super) struct Encoded {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub encoding: Encoding,
}

/// JPEG quality for pages that were lossy already (rendered from a PDF): high
/// enough that small print keeps its edges, a fifth of the lossless size.
const JPEG_QUALITY: u8 = 85;
/// zlib level for lossless pages: level 6 is within a few percent of the
/// smallest output at a fraction of level 9's time.
const FLATE_LEVEL: u8 = 6;

/// Encodes `image` for the PDF.
pub(super) fn encode(image: &PageImage) -> Result<Encoded, image::ImageError> {
    let (width, height) = image.dimensions();
    let (data, encoding) = match *image {
        PageImage::Jpeg { data, components, .. } => (data.to_vec(), Encoding::Dct { components }),
        PageImage::Pixels { image, lossless } => match colours(image) {
            Colours::BlackAndWhite => (fax_g4(image), Encoding::Fax),
            Colours::Grey if lossless => (
                flate_up(&grey_samples(image), width as usize, 1),
                Encoding::Flate { components: 1 },
            ),
            Colours::Colour if lossless => (
                flate_up(image.as_raw(), width as usize, 3),
                Encoding::Flate { components: 3 },
            ),
            Colours::Grey => (
                jpeg(&grey_samples(image), width, height, 1)?,
                Encoding::Dct { components: 1 },
            ),
            Colours::Colour => (jpeg(image.as_raw(), width, height, 3)?, Encoding::Dct { components: 3 }),
        },
    };
    Ok(Encoded {
        data,
        width,
        height,
        encoding,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Colours {
    /// Only pure black and pure white: a bi-level scan.
    BlackAndWhite,
    Grey,
    Colour,
}

fn colours(image: &RgbImage) -> Colours {
    let mut seen = Colours::BlackAndWhite;
    for p in image.pixels() {
        let [r, g, b] = p.0;
        if r != g || g != b {
            return Colours::Colour;
        }
        if r != 0 && r != 255 {
            seen = Colours::Grey;
        }
    }
    seen
}

fn grey_samples(image: &RgbImage) -> Vec<u8> {
    image.pixels().map(|p| p.0[0]).collect()
}

/// Samples with the PNG "Up" filter on every row (each row the difference from
/// the one above): scans and screenshots compress much better than raw.
fn flate_up(samples: &[u8], width: usize, components: usize) -> Vec<u8> {
    let row = width * components;
    let mut filtered = Vec::with_capacity(samples.len() + samples.len() / row.max(1));
    let mut above: &[u8] = &[];
    for line in samples.chunks_exact(row.max(1)) {
        filtered.push(2); // PNG filter type 2: Up
        if above.is_empty() {
            filtered.extend_from_slice(line);
        } else {
            filtered.extend(line.iter().zip(above).map(|(v, a)| v.wrapping_sub(*a)));
        }
        above = line;
    }
    compress_to_vec_zlib(&filtered, FLATE_LEVEL)
}

fn jpeg(samples: &[u8], width: u32, height: u32, components: u8) -> Result<Vec<u8>, image::ImageError> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    let colour = if components == 1 {
        image::ExtendedColorType::L8
    } else {
        image::ExtendedColorType::Rgb8
    };
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .write_image(samples, width, height, colour)?;
    Ok(out)
}

/// CCITT Group 4 of a black-and-white image (black pixels are ink).
fn fax_g4(image: &RgbImage) -> Vec<u8> {
    use fax::{Color, VecWriter, encoder::Encoder};
    let width = image.width();
    // Pages are at most `document::MAX_SIDE` (30,000) wide, within G4's 16 bits.
    let columns = u16::try_from(width).unwrap_or(u16::MAX);
    let mut encoder = Encoder::new(VecWriter::new());
    for row in image.rows() {
        let pels = row
            .take(usize::from(columns))
            .map(|p| if p.0[0] == 0 { Color::Black } else { Color::White });
        // Writing into a Vec cannot fail.
        let _ = encoder.encode_line(pels, columns);
    }
    encoder.finish().map(VecWriter::finish).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(f: impl Fn(u32, u32) -> [u8; 3]) -> RgbImage {
        RgbImage::from_fn(64, 48, |x, y| image::Rgb(f(x, y)))
    }

    #[test]
    fn each_kind_of_page_gets_its_encoding() {
        let bw = page(|x, _| if x % 7 == 0 { [0; 3] } else { [255; 3] });
        let grey = page(|x, _| [x as u8 * 3; 3]);
        let colour = page(|x, y| [x as u8, y as u8, 9]);
        let kind = |image: &RgbImage, lossless| {
            encode(&PageImage::Pixels { image, lossless })
                .expect("encodes")
                .encoding
        };
        assert_eq!(kind(&bw, true), Encoding::Fax);
        assert_eq!(kind(&bw, false), Encoding::Fax);
        assert_eq!(kind(&grey, true), Encoding::Flate { components: 1 });
        assert_eq!(kind(&colour, true), Encoding::Flate { components: 3 });
        assert_eq!(kind(&grey, false), Encoding::Dct { components: 1 });
        assert_eq!(kind(&colour, false), Encoding::Dct { components: 3 });
    }

    #[test]
    fn g4_decodes_back_to_the_same_pixels() {
        let bw = page(|x, y| if (x / 5 + y / 3) % 2 == 0 { [0; 3] } else { [255; 3] });
        let data = fax_g4(&bw);
        let mut rows = Vec::new();
        fax::decoder::decode_g4(data.iter().copied(), 64, Some(48), |transitions| {
            rows.push(
                fax::decoder::pels(transitions, 64)
                    .map(|c| c == fax::Color::Black)
                    .collect::<Vec<_>>(),
            );
        });
        assert_eq!(rows.len(), 48);
        for (y, row) in rows.iter().enumerate() {
            for (x, &black) in row.iter().enumerate() {
                assert_eq!(black, bw.get_pixel(x as u32, y as u32).0[0] == 0, "({x}, {y})");
            }
        }
    }

    #[test]
    fn flate_rows_inflate_to_the_filtered_samples() {
        let samples: Vec<u8> = (0..3 * 4 * 2).map(|i| i as u8).collect();
        let z = flate_up(&samples, 4, 3);
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&z).expect("inflates");
        assert_eq!(raw.len(), 2 * (1 + 12));
        assert_eq!(raw[0], 2);
        assert_eq!(&raw[1..13], &samples[..12]);
        // Second row: each sample minus the one above (12 apart).
        assert!(raw[14..26].iter().all(|&d| d == 12));
    }
}
