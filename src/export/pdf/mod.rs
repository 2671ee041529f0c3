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
mod icc;
mod picture;

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::{CidFontType, FontFlags, OutputIntentSubtype, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

pub use picture::PageImage;

use crate::geometry::{Affine, Point, turn_geometry};
use crate::result::{Line, Page};
use picture::{Encoded, Encoding};

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

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("page {page}: cannot encode its image: {source}")]
    Image {
        page: usize,
        #[source]
        source: image::ImageError,
    },
    #[error("the document uses more than 65,534 different characters, more than one PDF font can hold")]
    TooManyCharacters,
}

/// PDF/A limits a page's sides to this many points (200 inches).
const MAX_PAGE_POINTS: f32 = 14_400.0;
/// ... and to at least this many.
const MIN_PAGE_POINTS: f32 = 3.0;
/// A line's box shorter or lower than this many points holds no text to place.
const MIN_LINE_POINTS: f32 = 0.5;

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
        let orientation = &p.page.orientation;
        if orientation.direction != 0 && !orientation.unsure {
            // A page scanned sideways or upside down is shown upright, as its
            // text reads (and text extraction follows the lines in order).
            page.rotate(i32::from(orientation.direction));
        }
        let mut resources = page.resources();
        resources.x_objects().pair(Name(b"Im0"), image_id);
        resources.fonts().pair(Name(b"F0"), self.font.type0);
        resources.finish();
        page.finish();
        self.pages.push(page_id);
        Ok(())
    }

    /// How many pages were added.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The file's bytes, titled `title`.
    pub fn finish(mut self, title: &str) -> Vec<u8> {
        self.pdf
            .pages(self.tree)
            .kids(self.pages.iter().copied())
            .count(self.pages.len() as i32);
        write_font(&mut self.pdf, &self.font, &self.codes);
        write_identification(&mut self.pdf, &mut self.ids, self.catalog, self.tree, title);
        self.pdf.finish()
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
}

impl CharacterCodes {
    fn encode(&mut self, text: &str) -> Result<Vec<u8>, PdfError> {
        let mut bytes = Vec::with_capacity(2 * text.len());
        for c in text.chars() {
            let next = self.codes.len() + 1;
            let code = match self.codes.get(&c) {
                Some(code) => *code,
                None => {
                    let code = u16::try_from(next)
                        .ok()
                        .filter(|&c| c < u16::MAX)
                        .ok_or(PdfError::TooManyCharacters)?;
                    self.codes.insert(c, code);
                    code
                }
            };
            bytes.extend_from_slice(&code.to_be_bytes());
        }
        Ok(bytes)
    }
}

/// How a page's image sits on the PDF page: scaled to its printed size and,
/// when the engine straightened a skew to read it, turned level by the same
/// angle (the image stream itself is unchanged, a JPEG stays byte for byte).
/// The text then lies level too, which text readers need to keep lines whole.
struct Sheet {
    /// The page's size in points (the level canvas that holds the turned image).
    size: (f32, f32),
    /// Image pixels (y down) to page points (y up).
    to_page: Affine,
}

impl Sheet {
    fn new(p: &PdfPage, image_size: (u32, u32)) -> Self {
        let (w, h) = (image_size.0.max(1), image_size.1.max(1));
        // Points per pixel, from the printed size of the image as it lies.
        let scale = (p.size.0 / w as f32, p.size.1 / h as f32);
        let straightened = p.page.orientation.straightened;
        let (canvas_w, canvas_h, back) = turn_geometry(w, h, -straightened);
        let level = if straightened == 0.0 {
            Affine::IDENTITY
        } else {
            back.inverse()
        };
        let size = (
            (canvas_w as f32 * scale.0).clamp(MIN_PAGE_POINTS, MAX_PAGE_POINTS),
            (canvas_h as f32 * scale.1).clamp(MIN_PAGE_POINTS, MAX_PAGE_POINTS),
        );
        let flip = Affine::new([scale.0, 0.0, 0.0, 0.0, -scale.1, size.1]);
        Self {
            size,
            to_page: flip.after(&level),
        }
    }

    /// The `cm` that draws the image (its unit square, row 0 at the top) where its pixels go.
    fn image_matrix(&self, image_size: (u32, u32)) -> [f32; 6] {
        let (w, h) = (image_size.0 as f32, image_size.1 as f32);
        let unit = |u: f32, v: f32| self.to_page.apply(Point::new(u * w, (1.0 - v) * h));
        let origin = unit(0.0, 0.0);
        let (x, y) = (unit(1.0, 0.0), unit(0.0, 1.0));
        [
            x.x - origin.x,
            x.y - origin.y,
            y.x - origin.x,
            y.y - origin.y,
            origin.x,
            origin.y,
        ]
    }
}

/// The page's content: its image, then each line's text, invisible, in reading order.
fn page_content(page: &Page, sheet: &Sheet, codes: &mut CharacterCodes) -> Result<Vec<u8>, PdfError> {
    let mut content = Content::new();
    content.save_state();
    content.transform(sheet.image_matrix((page.width, page.height)));
    content.x_object(Name(b"Im0"));
    content.restore_state();
    for line in &page.lines {
        for placed in place(line, |p| sheet.to_page.apply(p)) {
            // One text object a piece: poppler does not carry `Tz` from one to the next.
            content.begin_text();
            content.set_text_rendering_mode(TextRenderingMode::Invisible);
            content.set_font(Name(b"F0"), placed.font_size);
            content.set_horizontal_scaling(placed.stretch);
            content.set_text_matrix(placed.matrix);
            content.show(Str(&codes.encode(placed.text)?));
            content.end_text();
        }
    }
    Ok(content.finish().into_vec())
}

/// Where a piece of a line's text goes on the page.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Placed<'a> {
    text: &'a str,
    /// The box's height: with the font's ascent of one em, a selection covers the box.
    font_size: f32,
    /// Horizontal scaling, percent, that makes the text as long as its part of the box.
    stretch: f32,
    /// Text matrix: along the baseline, origin where the piece starts on it.
    matrix: [f32; 6],
}

/// A line whose baseline is within this many degrees of a quarter turn is laid
/// exactly along that quarter turn, a word at a time: text readers (poppler's
/// pdftotext, viewers' search) cut text at other angles into letter pairs, and
/// over a word the printed text drifts from the axis by at most a sixth of its
/// length (sin 10°).
const SNAP_WITHIN_DEGREES: f32 = 10.0;
/// Most characters in one placed piece of a line without spaces (Chinese), so
/// that a snapped piece drifts from the printed text as little as a word does.
const MAX_PIECE_CHARS: usize = 8;

/// The pieces of a line's text and where each goes: the whole line along its
/// baseline, or (near a quarter turn) word by word along that quarter turn,
/// each word where it falls on the baseline.
fn place<'a>(line: &'a Line, to_page: impl Fn(Point) -> Point) -> Vec<Placed<'a>> {
    let characters = line.text.chars().count();
    if characters == 0 {
        return Vec::new();
    }
    let [tl, tr, br, bl] = line.quad.map(&to_page);
    // Along the baseline and up the line, averaged over both edges of the box.
    let along = Point::new((tr.x - tl.x + br.x - bl.x) / 2.0, (tr.y - tl.y + br.y - bl.y) / 2.0);
    let up = Point::new((tl.x - bl.x + tr.x - br.x) / 2.0, (tl.y - bl.y + tr.y - br.y) / 2.0);
    let length = along.x.hypot(along.y);
    if length < MIN_LINE_POINTS {
        return Vec::new();
    }
    let (cos, sin) = (along.x / length, along.y / length);
    // The height is measured square to the baseline (a sheared box reads as its height).
    let height = (up.y * cos - up.x * sin).abs();
    if height < MIN_LINE_POINTS {
        return Vec::new();
    }
    let angle = sin.atan2(cos).to_degrees();
    let quarter = (angle / 90.0).round() * 90.0;
    let per_char = length / characters as f32;
    let piece = |text: &'a str, start: usize, (c, s): (f32, f32)| {
        let origin = Point::new(
            bl.x + cos * per_char * start as f32,
            bl.y + sin * per_char * start as f32,
        );
        Placed {
            text,
            font_size: height,
            stretch: 100.0 * per_char / (height * glyphless::PDF_WIDTH as f32 / 1000.0),
            matrix: [c, s, -s, c, origin.x, origin.y],
        }
    };
    if (angle - quarter).abs() > SNAP_WITHIN_DEGREES {
        return vec![piece(&line.text, 0, (cos, sin))];
    }
    let radians = quarter.to_radians();
    let snapped = (radians.cos().round(), radians.sin().round());
    pieces(&line.text)
        .map(|(start, text)| piece(text, start, snapped))
        .collect()
}

/// The words of `text` with the spaces after each (and runs without spaces cut
/// every [`MAX_PIECE_CHARS`]), as (index of the first character, piece).
fn pieces(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut cuts = Vec::new();
    let (mut count, mut in_piece, mut previous_space) = (0usize, 0usize, false);
    for (at, c) in text.char_indices() {
        let space = c.is_whitespace();
        if count > 0 && !space && (previous_space || in_piece >= MAX_PIECE_CHARS) {
            cuts.push((count, at));
            in_piece = 0;
        }
        previous_space = space;
        in_piece += usize::from(!space);
        count += 1;
    }
    let mut starts = vec![(0usize, 0usize)];
    starts.extend(cuts);
    let ends: Vec<usize> = starts.iter().skip(1).map(|&(_, at)| at).chain([text.len()]).collect();
    starts
        .into_iter()
        .zip(ends)
        .map(move |((first, from), to)| (first, &text[from..to]))
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
    let last = codes.codes.values().copied().max().unwrap_or(0);
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
    pdf.cmap(refs.to_unicode, &cmap.finish());
}

/// Document info, XMP metadata with the PDF/A-2b identification, the sRGB
/// output intent, the file identifier, and the catalog that ties them.
fn write_identification(pdf: &mut Pdf, ids: &mut Ref, catalog: Ref, tree: Ref, title: &str) {
    let (info, metadata, profile) = (ids.bump(), ids.bump(), ids.bump());
    let now = Utc::now();
    let date = Date::new(now.year)
        .month(now.month)
        .day(now.day)
        .hour(now.hour)
        .minute(now.minute)
        .second(now.second)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr(PRODUCER))
        .creator(TextStr(PRODUCER))
        .creation_date(date)
        .modified_date(date);
    let id = file_id(title, &now);
    let uuid = format!("uuid:{}", hex(&id));
    let stamp = xmp_writer::DateTime::new(
        now.year,
        now.month,
        now.day,
        now.hour,
        now.minute,
        now.second,
        xmp_writer::Timezone::Utc,
    );
    let mut xmp = xmp_writer::XmpWriter::new();
    xmp.title([(None, title)])
        .producer(PRODUCER)
        .creator_tool(PRODUCER)
        .create_date(stamp)
        .modify_date(stamp)
        .metadata_date(stamp)
        .format("application/pdf")
        .document_id(&uuid)
        .instance_id(&uuid)
        .pdfa_part(2)
        .pdfa_conformance("B");
    let xml = xmp.finish(None);
    pdf.metadata(metadata, xml.as_bytes());
    pdf.set_file_id((id.to_vec(), id.to_vec()));
    let icc = compress_to_vec_zlib(&icc::srgb_profile(), 6);
    let mut stream = pdf.icc_profile(profile, &icc);
    stream.n(3).filter(Filter::FlateDecode);
    stream.finish();
    let mut root = pdf.catalog(catalog);
    root.pages(tree).metadata(metadata);
    root.output_intents()
        .push()
        .subtype(OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr("sRGB IEC61966-2.1"))
        .info(TextStr("sRGB IEC61966-2.1"))
        .dest_output_profile(profile);
    root.finish();
}

/// The file's identifier: 16 bytes that differ between files (title and time).
fn file_id(title: &str, now: &Utc) -> [u8; 16] {
    use std::hash::{Hash, Hasher};
    let mut id = [0u8; 16];
    for (half, salt) in id.chunks_exact_mut(8).zip([0x6f63_7264u64, 0x6465_736b]) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (salt, title, now.nanos).hash(&mut h);
        half.copy_from_slice(&Hasher::finish(&h).to_be_bytes());
    }
    id
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The current time in UTC, as calendar fields.
struct Utc {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanos: u128,
}

impl Utc {
    fn now() -> Self {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Self::from_unix(since.as_secs() as i64, since.as_nanos())
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    fn from_unix(seconds: i64, nanos: u128) -> Self {
        let days = seconds.div_euclid(86_400);
        let of_day = seconds.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)).clamp(0, 9999) as u16;
        Self {
            year,
            month,
            day,
            hour: (of_day / 3600) as u8,
            minute: (of_day % 3600 / 60) as u8,
            second: (of_day % 60) as u8,
            nanos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned;

    fn flip(p: Point) -> Point {
        Point::new(p.x, 1000.0 - p.y)
    }

    #[test]
    fn a_level_line_is_placed_word_by_word_over_its_box() {
        let line = Line::read("ab cd".into(), axis_aligned(100.0, 50.0, 300.0, 70.0), 0.9, 0.9);
        // Image 1000 px high mapped 1:1 onto a page 1000 pt high.
        let placed = place(&line, flip);
        assert_eq!(placed.iter().map(|p| p.text).collect::<Vec<_>>(), ["ab ", "cd"]);
        assert_eq!(placed[0].font_size, 20.0);
        // Five half-em glyphs at 20 pt are 50 pt; the box is 200 pt long.
        assert!((placed[0].stretch - 400.0).abs() < 1e-3, "{placed:?}");
        assert_eq!(placed[0].matrix, [1.0, 0.0, -0.0, 1.0, 100.0, 930.0]);
        // "cd" starts three characters (120 pt) along.
        assert_eq!(placed[1].matrix[4], 220.0);
    }

    #[test]
    fn a_slightly_skewed_line_is_laid_level_word_by_word_along_its_baseline() {
        let (c, s) = (3f32.to_radians().cos(), 3f32.to_radians().sin());
        // 300 px long, 20 px high, rising 3° to the right (y runs down in the image).
        let bl = Point::new(100.0, 100.0);
        let along = Point::new(300.0 * c, -300.0 * s);
        let up = Point::new(-20.0 * s, -20.0 * c);
        let quad = [
            Point::new(bl.x + up.x, bl.y + up.y),
            Point::new(bl.x + up.x + along.x, bl.y + up.y + along.y),
            Point::new(bl.x + along.x, bl.y + along.y),
            bl,
        ];
        let line = Line::read("one two".into(), quad, 0.9, 0.9);
        let placed = place(&line, flip);
        assert_eq!(placed.len(), 2);
        for p in &placed {
            assert_eq!(&p.matrix[..4], &[1.0, 0.0, -0.0, 1.0], "laid level");
        }
        // "two" starts 4/7 of the way along, raised as the baseline rises there.
        let rise = 300.0 * s * 4.0 / 7.0;
        assert!((placed[1].matrix[5] - (900.0 + rise)).abs() < 1e-3, "{placed:?}");
    }

    #[test]
    fn an_upside_down_line_runs_right_to_left() {
        let [a, b, c, d] = axis_aligned(100.0, 50.0, 300.0, 70.0);
        // Read upside down: its first corner is the box's bottom-right.
        let line = Line::read("ab".into(), [c, d, a, b], 0.9, 0.9);
        let placed = place(&line, flip);
        assert_eq!(placed.len(), 1);
        assert!((placed[0].matrix[0] + 1.0).abs() < 1e-6 && placed[0].matrix[1].abs() < 1e-6);
        // Its baseline starts at the top-right of the box on the page.
        assert_eq!((placed[0].matrix[4], placed[0].matrix[5]), (300.0, 950.0));
    }

    #[test]
    fn a_steep_line_keeps_its_angle() {
        // A sign seen at 30°: snapping it would put the text far off the print.
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        let bl = Point::new(100.0, 400.0);
        let quad = [
            Point::new(bl.x - 20.0 * s, bl.y - 20.0 * c),
            Point::new(bl.x - 20.0 * s + 200.0 * c, bl.y - 20.0 * c - 200.0 * s),
            Point::new(bl.x + 200.0 * c, bl.y - 200.0 * s),
            bl,
        ];
        let line = Line::read("open late".into(), quad, 0.9, 0.9);
        let placed = place(&line, flip);
        assert_eq!(placed.len(), 1);
        assert!((placed[0].matrix[0] - c).abs() < 1e-5 && (placed[0].matrix[1] - s).abs() < 1e-5);
    }

    #[test]
    fn long_runs_without_spaces_are_cut_into_pieces() {
        let text = "发票号码一二三四五六 ab";
        let got: Vec<(usize, &str)> = pieces(text).collect();
        assert_eq!(got, [(0, "发票号码一二三四"), (8, "五六 "), (11, "ab")]);
    }

    #[test]
    fn characters_share_codes_across_pages() {
        let mut codes = CharacterCodes::default();
        assert_eq!(codes.encode("aba").expect("fits"), [0, 1, 0, 2, 0, 1]);
        assert_eq!(codes.encode("中a").expect("fits"), [0, 3, 0, 1]);
    }

    #[test]
    fn unix_time_becomes_the_calendar_date() {
        let t = Utc::from_unix(1_798_761_600 + 3_661, 0); // 2027-01-01T01:01:01Z
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2027, 1, 1, 1, 1, 1)
        );
        let leap = Utc::from_unix(1_709_164_800, 0); // 2024-02-29
        assert_eq!((leap.year, leap.month, leap.day), (2024, 2, 29));
    }
}
