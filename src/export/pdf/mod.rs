//! Searchable PDF: each page is its own image with the text read laid over the
//! printed lines, invisible (text render mode 3), so that search highlights and
//! selection land on the printed words, and copying gives the text in reading
//! order. Written as PDF/A-2b: sRGB output intent, XMP identification, the one
//! font embedded.
//!
//! The text uses a glyph-less font, as Tesseract and OCRmyPDF do: every
//! character code draws the same empty glyph half an em wide, and a `ToUnicode`
//! map says which character each code is, so any script (Chinese, accented
//! Latin, characters outside the BMP) is searchable without a font that has it.
//! Each line is stretched (`Tz`) to its box's length and turned (`Tm`) along its
//! baseline. Written with `pdf-writer` (typst's: small, no dependencies, every
//! object under our control, which PDF/A needs).

pub mod glyphless;
mod graft;
mod icc;
mod identity;
mod layout;
mod picture;

use std::collections::BTreeMap;

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

pub use graft::{SourceError, SourcePdf};
pub use picture::PageImage;

use crate::geometry::{Affine, Point, turn_geometry};
use crate::result::{Page, TextSource};
use graft::{GraftedPage, Overlay};
use identity::write_identification;
use layout::{Glyphs, Sheet, place_page};
use picture::{Encoded, Encoding};

/// The text font's name among the resources of a page made from an image.
const FONT_NAME: &[u8] = b"F0";

/// What every page's document info and XMP say made it.
pub const PRODUCER: &str = "OCR Desk";

/// One page to write: the page read, its picture, and its printed size.
pub struct PdfPage<'a> {
    /// The lines (boxes in the image's pixels) and their text, corrections included.
    pub page: &'a Page,
    pub image: PageImage<'a>,
    /// Width and height in points (1/72 inch).
    pub size: (f32, f32),
}

/// One page of a PDF input, copied as it is, and what was read on it.
pub struct OriginalPage<'a> {
    /// The lines read, in the pixels the page was rendered at for reading. A
    /// page read by OCR gets them as its text layer; a page whose own text
    /// layer was read keeps that.
    pub page: &'a Page,
    /// The page within the source, from 0.
    pub index: usize,
    /// Those pixels to the page's own coordinates.
    pub pixels_to_page: Affine,
}

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("page {page}: cannot encode its image: {source}")]
    Image {
        page: usize,
        #[source]
        source: image::ImageError,
    },
    #[error("page {page} is not in the PDF's page tree")]
    NotInSource { page: usize },
    #[error("the document uses more than 65,534 different characters, more than one PDF font can hold")]
    TooManyCharacters,
}

/// The PDF of `pages`, titled `title`.
pub fn searchable_pdf(title: &str, pages: &[PdfPage]) -> Result<Vec<u8>, PdfError> {
    let mut pdf = SearchablePdf::new();
    for page in pages {
        pdf.add_page(page)?;
    }
    Ok(pdf.finish(title))
}

/// A searchable PDF being written a page at a time: each page's image is
/// encoded as it is added, so only the encoded pages stay in memory.
pub struct SearchablePdf {
    pdf: Pdf,
    ids: Ref,
    catalog: Ref,
    tree: Ref,
    font: FontRefs,
    codes: CharacterCodes,
    pages: Vec<Ref>,
    /// Whether pages copied from PDF inputs keep the file from being PDF/A-2b.
    not_pdfa: bool,
}

impl Default for SearchablePdf {
    fn default() -> Self {
        Self::new()
    }
}

impl SearchablePdf {
    pub fn new() -> Self {
        let mut ids = Ref::new(1);
        let catalog = ids.bump();
        let tree = ids.bump();
        let font = FontRefs::allocate(&mut ids);
        Self {
            pdf: Pdf::new(),
            ids,
            catalog,
            tree,
            font,
            codes: CharacterCodes::default(),
            pages: Vec::new(),
            not_pdfa: false,
        }
    }

    /// Adds a page after those already added.
    pub fn add_page(&mut self, p: &PdfPage) -> Result<(), PdfError> {
        let (page_id, content_id, image_id) = (self.ids.bump(), self.ids.bump(), self.ids.bump());
        let number = self.pages.len() + 1;
        let encoded = picture::encode(&p.image).map_err(|source| PdfError::Image { page: number, source })?;
        write_image(&mut self.pdf, image_id, &encoded);
        let sheet = Sheet::new(p, (encoded.width, encoded.height));
        let (width, height) = sheet.size;
        let content = page_content(p.page, &sheet, &mut self.codes)?;
        self.pdf
            .stream(content_id, &compress_to_vec_zlib(&content, 6))
            .filter(Filter::FlateDecode);
        let mut page = self.pdf.page(page_id);
        page.parent(self.tree)
            .media_box(Rect::new(0.0, 0.0, width, height))
            .contents(content_id);
        let turn = upright_turn(p.page);
        if turn != 0 {
            page.rotate(turn);
        }
        let mut resources = page.resources();
        resources.x_objects().pair(Name(b"Im0"), image_id);
        resources.fonts().pair(Name(FONT_NAME), self.font.type0);
        resources.finish();
        page.finish();
        self.pages.push(page_id);
        Ok(())
    }

    /// Adds page `p.index` of `source` as it is, with the text read laid over
    /// it when it was read by OCR.
    pub fn add_original_page(&mut self, source: &mut SourcePdf, p: &OriginalPage) -> Result<(), PdfError> {
        let id = source.reserved_page(p.index).unwrap_or_else(|| self.ids.bump());
        let (to_page, level) = level_original(p);
        let overlay = match p.page.source {
            TextSource::TextLayer => None,
            TextSource::Ocr => {
                let font_name = graft::free_font_name(source, p.index);
                let mut content = Content::new();
                write_text(&mut content, p.page, |q| to_page.apply(q), &font_name, &mut self.codes)?;
                Some(Overlay {
                    content: compress_to_vec_zlib(&content.finish(), 6),
                    font_name,
                    font: self.font.type0,
                })
            }
        };
        let page = GraftedPage {
            index: p.index,
            id,
            tree: self.tree,
            extra_turn: upright_turn(p.page),
            overlay,
            level,
        };
        source
            .write_page(&mut self.pdf, &mut self.ids, page)
            .ok_or(PdfError::NotInSource { page: p.index + 1 })?;
        self.not_pdfa |= !source.not_pdfa().is_empty();
        self.pages.push(id);
        Ok(())
    }

    /// Says that pages `indices` (0-based) of `source` will be added, so that
    /// links between them keep working in the copy.
    pub fn reserve_pages(&mut self, source: &mut SourcePdf, indices: impl IntoIterator<Item = usize>) {
        for index in indices {
            source.reserve_page(index, self.ids.bump());
        }
    }

    /// Whether the file will be PDF/A-2b: not when pages copied hold what it
    /// forbids ([`SourcePdf::not_pdfa`] says what).
    pub fn is_pdfa(&self) -> bool {
        !self.not_pdfa
    }

    /// The file's bytes, titled `title`.
    pub fn finish(mut self, title: &str) -> Vec<u8> {
        self.pdf
            .pages(self.tree)
            .kids(self.pages.iter().copied())
            .count(self.pages.len() as i32);
        write_font(&mut self.pdf, &self.font, &self.codes);
        let pdfa = !self.not_pdfa;
        write_identification(&mut self.pdf, &mut self.ids, self.catalog, self.tree, title, pdfa);
        self.pdf.finish()
    }
}

/// Where an original page's pixels go on it, and, when the engine straightened
/// the page to read it, the turn that shows it level (as [`Sheet`] does for an
/// image): the text then lies level too, which text readers need to keep lines whole.
fn level_original(p: &OriginalPage) -> (Affine, Option<graft::Level>) {
    let straightened = p.page.orientation.straightened;
    let to_page = p.pixels_to_page;
    if straightened == 0.0 || p.page.source == TextSource::TextLayer {
        return (to_page, None);
    }
    let (width, height) = (p.page.width.max(1), p.page.height.max(1));
    let (canvas_w, canvas_h, back) = turn_geometry(width, height, -straightened);
    let level_pixels = back.inverse();
    let turn = to_page.after(&level_pixels).after(&to_page.inverse());
    let corners = [(0, 0), (canvas_w, 0), (0, canvas_h), (canvas_w, canvas_h)]
        .map(|(x, y)| to_page.apply(Point::new(x as f32, y as f32)));
    let (xs, ys) = (corners.map(|c| c.x), corners.map(|c| c.y));
    let page_box = [
        xs.iter().copied().fold(f32::INFINITY, f32::min),
        ys.iter().copied().fold(f32::INFINITY, f32::min),
        xs.iter().copied().fold(f32::NEG_INFINITY, f32::max),
        ys.iter().copied().fold(f32::NEG_INFINITY, f32::max),
    ];
    let m = turn.matrix();
    let level = graft::Level {
        // `cm` takes (a, b, c, d, e, f) for x' = a·x + c·y + e, y' = b·x + d·y + f.
        matrix: [m[0], m[3], m[1], m[4], m[2], m[5]],
        page_box,
    };
    (to_page.after(&level_pixels), Some(level))
}

/// The /Rotate that shows a page scanned sideways or upside down upright, as
/// its text reads (text extraction then follows the lines in order too).
fn upright_turn(page: &Page) -> i32 {
    let orientation = &page.orientation;
    match orientation.unsure {
        true => 0,
        false => i32::from(orientation.direction),
    }
}

fn write_image(pdf: &mut Pdf, id: Ref, encoded: &Encoded) {
    let mut image = pdf.image_xobject(id, &encoded.data);
    match encoded.encoding {
        Encoding::Dct { .. } => {
            image.filter(Filter::DctDecode);
        }
        Encoding::Flate { components } => {
            image.filter(Filter::FlateDecode);
            image
                .decode_parms()
                .predictor(pdf_writer::types::Predictor::PngUp)
                .colors(i32::from(components))
                .bits_per_component(8)
                .columns(encoded.width as i32);
        }
        Encoding::Fax => {
            image.filter(Filter::CcittFaxDecode);
            image
                .decode_parms()
                .k(-1)
                .columns(encoded.width as i32)
                .rows(encoded.height as i32)
                .black_is_1(false);
        }
    }
    image.width(encoded.width as i32).height(encoded.height as i32);
    match encoded.encoding {
        Encoding::Fax => {
            image.bits_per_component(1);
            image.color_space().device_gray();
        }
        Encoding::Dct { components } | Encoding::Flate { components } => {
            image.bits_per_component(8);
            if components == 1 {
                image.color_space().device_gray();
            } else {
                image.color_space().device_rgb();
            }
        }
    }
    image.finish();
}

/// The character code (CID) of every character used, from 1; all draw the one
/// blank glyph, and the `ToUnicode` map gives each its character back.
#[derive(Default)]
struct CharacterCodes {
    codes: BTreeMap<char, u16>,
    /// The code of the row bridge ([`Glyphs::Bridge`]), read back as two spaces,
    /// once one is used.
    bridge: Option<u16>,
}

/// What the bridge's code reads as: two spaces, one character more than a text
/// reader drops as a lone space, so it keeps the bridge as a (blank) word.
const BRIDGE_TEXT: &str = "  ";

impl CharacterCodes {
    fn encode(&mut self, text: &str) -> Result<Vec<u8>, PdfError> {
        let mut bytes = Vec::with_capacity(2 * text.len());
        for c in text.chars() {
            let code = match self.codes.get(&c) {
                Some(code) => *code,
                None => {
                    let code = self.next()?;
                    self.codes.insert(c, code);
                    code
                }
            };
            bytes.extend_from_slice(&code.to_be_bytes());
        }
        Ok(bytes)
    }

    fn bridge(&mut self) -> Result<Vec<u8>, PdfError> {
        let code = match self.bridge {
            Some(code) => code,
            None => *self.bridge.insert(self.next()?),
        };
        Ok(code.to_be_bytes().to_vec())
    }

    /// The next unused code.
    fn next(&self) -> Result<u16, PdfError> {
        let used = self.codes.len() + usize::from(self.bridge.is_some());
        u16::try_from(used + 1)
            .ok()
            .filter(|&c| c < u16::MAX)
            .ok_or(PdfError::TooManyCharacters)
    }

    /// The highest code used (0 when none).
    fn last(&self) -> u16 {
        self.codes.values().copied().chain(self.bridge).max().unwrap_or(0)
    }
}

/// The page's content: its image, then each line's text, invisible, in reading order.
fn page_content(page: &Page, sheet: &Sheet, codes: &mut CharacterCodes) -> Result<Vec<u8>, PdfError> {
    let mut content = Content::new();
    content.save_state();
    content.transform(sheet.image_matrix((page.width, page.height)));
    content.x_object(Name(b"Im0"));
    content.restore_state();
    write_text(&mut content, page, |p| sheet.to_page.apply(p), FONT_NAME, codes)?;
    Ok(content.finish().into_vec())
}

/// Each line's text, invisible, in reading order, over its box (`to_page` takes
/// the page image's pixels to the page), in font `font`.
fn write_text(
    content: &mut Content,
    page: &Page,
    to_page: impl Fn(Point) -> Point,
    font: &[u8],
    codes: &mut CharacterCodes,
) -> Result<(), PdfError> {
    for placed in place_page(&crate::export::lines_in_text_order(page), to_page) {
        // One text object a piece: poppler does not carry `Tz` from one to the next.
        content.begin_text();
        content.set_text_rendering_mode(TextRenderingMode::Invisible);
        content.set_font(Name(font), placed.font_size);
        content.set_horizontal_scaling(placed.stretch);
        content.set_text_matrix(placed.matrix);
        let encoded = match placed.glyphs {
            Glyphs::Read(text) => codes.encode(text)?,
            Glyphs::Bridge => codes.bridge()?,
        };
        content.show(Str(&encoded));
        content.end_text();
    }
    Ok(())
}

/// The objects of the one font every page uses.
struct FontRefs {
    type0: Ref,
    cid: Ref,
    descriptor: Ref,
    file: Ref,
    cid_to_gid: Ref,
    to_unicode: Ref,
}

impl FontRefs {
    fn allocate(ids: &mut Ref) -> Self {
        Self {
            type0: ids.bump(),
            cid: ids.bump(),
            descriptor: ids.bump(),
            file: ids.bump(),
            cid_to_gid: ids.bump(),
            to_unicode: ids.bump(),
        }
    }
}

const IDENTITY: SystemInfo<'static> = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

fn write_font(pdf: &mut Pdf, refs: &FontRefs, codes: &CharacterCodes) {
    let name = Name(glyphless::POSTSCRIPT_NAME.as_bytes());
    pdf.type0_font(refs.type0)
        .base_font(name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(refs.cid)
        .to_unicode(refs.to_unicode);
    let mut cid = pdf.cid_font(refs.cid);
    cid.subtype(CidFontType::Type2)
        .base_font(name)
        .system_info(IDENTITY)
        .font_descriptor(refs.descriptor)
        .default_width(glyphless::PDF_WIDTH as f32)
        .cid_to_gid_map_stream(refs.cid_to_gid);
    cid.finish();
    pdf.font_descriptor(refs.descriptor)
        .name(name)
        .flags(FontFlags::FIXED_PITCH | FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            0.0,
            f32::from(glyphless::DESCENT),
            glyphless::PDF_WIDTH as f32,
            f32::from(glyphless::ASCENT),
        ))
        .italic_angle(0.0)
        .ascent(f32::from(glyphless::ASCENT))
        .descent(f32::from(glyphless::DESCENT))
        .cap_height(f32::from(glyphless::ASCENT))
        .stem_v(80.0)
        .font_file2(refs.file);
    let program = glyphless::glyphless_font();
    pdf.stream(refs.file, &compress_to_vec_zlib(&program, 6))
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), program.len() as i32);
    // Every code used draws the blank glyph (code 0 stays .notdef, never used).
    let last = codes.last();
    let mut map = Vec::with_capacity(2 * (usize::from(last) + 1));
    map.extend_from_slice(&0u16.to_be_bytes());
    for _ in 1..=last {
        map.extend_from_slice(&glyphless::GLYPH_ID.to_be_bytes());
    }
    pdf.stream(refs.cid_to_gid, &compress_to_vec_zlib(&map, 6))
        .filter(Filter::FlateDecode);
    let mut cmap = UnicodeCmap::<u16>::new(Name(b"OCRDesk-UCS"), IDENTITY);
    for (c, code) in &codes.codes {
        cmap.pair(*code, *c);
    }
    if let Some(code) = codes.bridge {
        cmap.pair_with_multiple(code, BRIDGE_TEXT.chars());
    }
    pdf.cmap(refs.to_unicode, &cmap.finish());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::{PageOrientation, StageTimings};

    fn page(straightened: f32, source: TextSource) -> Page {
        Page {
            index: 0,
            width: 1000,
            height: 500,
            orientation: PageOrientation {
                straightened,
                ..PageOrientation::default()
            },
            source,
            lines: Vec::new(),
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: Vec::new(),
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: StageTimings::default(),
        }
    }

    #[test]
    fn a_straightened_page_is_shown_level_on_a_page_grown_to_hold_it() {
        // 1000 x 500 px read at 144 dpi: half a point a pixel, y up from 250 pt.
        let pixels_to_page = Affine::new([0.5, 0.0, 0.0, 0.0, -0.5, 250.0]);
        let level = |straightened, source| {
            level_original(&OriginalPage {
                page: &page(straightened, source),
                index: 0,
                pixels_to_page,
            })
        };
        let (to_page, turn) = level(0.0, TextSource::Ocr);
        assert_eq!((to_page, turn.is_none()), (pixels_to_page, true));
        // A page with its own text layer is never turned.
        assert!(level(3.0, TextSource::TextLayer).1.is_none());
        let (to_page, turn) = level(3.0, TextSource::Ocr);
        let turn = turn.expect("turned");
        let [x0, y0, x1, y1] = turn.page_box;
        assert!(x1 - x0 > 500.0 && y1 - y0 > 250.0, "{:?}", turn.page_box);
        // The page's middle goes where the text laid over it goes.
        let [a, b, c, d, e, f] = turn.matrix;
        let middle = Point::new(250.0, 125.0);
        let turned = Point::new(a * middle.x + c * middle.y + e, b * middle.x + d * middle.y + f);
        let text = to_page.apply(Point::new(500.0, 250.0));
        assert!((turned.x - text.x).abs() < 0.01 && (turned.y - text.y).abs() < 0.01);
        // Every corner of the turned page lies on the grown one.
        for (x, y) in [(0.0, 0.0), (500.0, 0.0), (0.0, 250.0), (500.0, 250.0)] {
            let (u, v) = (a * x + c * y + e, b * x + d * y + f);
            assert!(
                u >= x0 - 0.5 && u <= x1 + 0.5 && v >= y0 - 0.5 && v <= y1 + 0.5,
                "({u}, {v})"
            );
        }
        // ... and the content is turned by the 3° straightened.
        assert!((b.atan2(a).to_degrees().abs() - 3.0).abs() < 1e-3, "{:?}", turn.matrix);
    }

    #[test]
    fn characters_share_codes_across_pages() {
        let mut codes = CharacterCodes::default();
        assert_eq!(codes.encode("aba").expect("fits"), [0, 1, 0, 2, 0, 1]);
        assert_eq!(codes.encode("中a").expect("fits"), [0, 3, 0, 1]);
        assert_eq!(codes.bridge().expect("fits"), [0, 4]);
        assert_eq!(codes.encode("zb").expect("fits"), [0, 5, 0, 2]);
        assert_eq!((codes.bridge().expect("fits"), codes.last()), (vec![0, 4], 5));
    }
}
