//! PDF pages through PDFium (`pdfium-render`, bound at run time to the
//! `libpdfium.so` the asset script fetches).
//!
//! A page with a real text layer is read from that layer: its characters and
//! their boxes, no rendering and no OCR. Any other page is rendered for OCR.

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::OnceLock;

use pdfium_render::prelude::*;
use unicode_normalization::UnicodeNormalization;

use super::{MAX_PIXELS, MAX_SIDE, OpenOptions, PageContent, SourcePage, TextLayerLine, TextLayerPage};
use crate::error::DocumentError;
use crate::geometry::{Affine, Point, Quad};

/// The process-wide PDFium binding (PDFium can be bound once per process).
static PDFIUM: OnceLock<Result<Pdfium, String>> = OnceLock::new();

/// PDFium, bound on first use. Its calls are serialised by `pdfium-render`'s
/// `thread_safe` feature, so it can be shared between threads.
pub fn pdfium() -> Result<&'static Pdfium, DocumentError> {
    PDFIUM
        .get_or_init(|| {
            let path = crate::assets::pdfium_library().map_err(|e| e.to_string())?;
            let bindings = Pdfium::bind_to_library(&path)
                .map_err(|e| format!("cannot load PDFium from {}: {e:?}", path.display()))?;
            Ok(Pdfium::new(bindings))
        })
        .as_ref()
        .map_err(|reason| DocumentError::PdfiumUnavailable(reason.clone()))
}

/// At least this many characters other than white space make a text layer worth reading.
const MIN_LAYER_CHARS: usize = 1;
/// A page mostly covered by images is a scan: its text layer is used only when it
/// holds at least this many characters (a hidden OCR layer, not a stamped page number).
const MIN_SCAN_LAYER_CHARS: usize = 100;
/// Share of the page that images must cover for it to count as a scan.
const SCAN_IMAGE_COVERAGE: f32 = 0.5;
/// Share of unmapped characters (no Unicode, U+FFFD, private use) above which a
/// layer is garbage: fonts without a ToUnicode map.
const MAX_UNMAPPED_SHARE: f32 = 0.1;

fn unreadable(path: &Path, reason: String) -> DocumentError {
    DocumentError::Unreadable {
        path: path.to_owned(),
        reason,
    }
}

/// How many pages the document has, and the indices of those `options` selects.
fn selection(path: &Path, pages: &PdfPages, options: &OpenOptions) -> Result<(usize, Vec<usize>), DocumentError> {
    let count = pages.len().max(0) as usize;
    let selected = options
        .pages
        .indices(count)
        .map_err(|e| unreadable(path, e.to_string()))?;
    Ok((count, selected))
}

fn page_at<'a>(path: &Path, pages: &'a PdfPages<'a>, index: usize) -> Result<PdfPage<'a>, DocumentError> {
    pages
        .get(index as PdfPageIndex)
        .map_err(|e| unreadable(path, format!("page {}: cannot load: {e:?}", index + 1)))
}

/// The PDF `bytes` opened by PDFium, with the password in `options`.
fn open<'a>(path: &Path, bytes: &'a [u8], options: &OpenOptions) -> Result<PdfDocument<'a>, DocumentError> {
    let unreadable = |reason: String| unreadable(path, reason);
    pdfium()?
        .load_pdf_from_byte_slice(bytes, options.password.as_deref())
        .map_err(|e| match e {
            PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => DocumentError::Encrypted {
                path: path.to_owned(),
                password_given: options.password.is_some(),
            },
            PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FormatError) => {
                unreadable("corrupt or truncated PDF".into())
            }
            PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::SecurityError) => {
                unreadable("the PDF uses a security handler PDFium does not support".into())
            }
            other => unreadable(format!("cannot open the PDF: {other:?}")),
        })
}

/// Opens a PDF and hands each selected page to `on_page`, one at a time (a long
/// document is never held in memory as images). Returns the document's page count.
pub(super) fn for_each_page(
    path: &Path,
    bytes: &[u8],
    options: &OpenOptions,
    on_page: &mut dyn FnMut(SourcePage) -> ControlFlow<()>,
) -> Result<usize, DocumentError> {
    let unreadable = |reason: String| unreadable(path, reason);
    let document = open(path, bytes, options)?;
    let pages = document.pages();
    if pages.is_empty() {
        return Err(unreadable("the PDF has no pages".into()));
    }
    let (count, selected) = selection(path, pages, options)?;
    let total = selected.len();
    for (position, index) in selected.into_iter().enumerate() {
        let page = page_at(path, pages, index)?;
        let content =
            read_page(&page, options).map_err(|reason| unreadable(format!("page {}: {reason}", index + 1)))?;
        if on_page(SourcePage {
            index,
            position,
            selected: total,
            content,
            warnings: Vec::new(),
        })
        .is_break()
        {
            break;
        }
    }
    Ok(count)
}

fn read_page(page: &PdfPage, options: &OpenOptions) -> Result<PageContent, String> {
    let Rendering {
        config,
        scale,
        width,
        height,
    } = rendering(page, options);
    if !options.force_ocr
        && let Some(lines) = text_layer(page, &config, scale)?
    {
        let image = match options.render_text_pages {
            true => Some(render(page, &config)?),
            false => None,
        };
        return Ok(PageContent::Text(TextLayerPage {
            width,
            height,
            lines,
            image,
        }));
    }
    Ok(PageContent::Image(render(page, &config)?))
}

/// How a page is rendered for reading: at `options.pdf_dpi`, a huge page (a
/// poster or a CAD sheet) smaller to stay in bounds.
struct Rendering {
    config: PdfRenderConfig,
    /// Pixels per point.
    scale: f32,
    width: u32,
    height: u32,
}

fn rendering(page: &PdfPage, options: &OpenOptions) -> Rendering {
    let scale = options.pdf_dpi / 72.0;
    let width = (page.width().value * scale).round().max(1.0);
    let height = (page.height().value * scale).round().max(1.0);
    let fit = (MAX_SIDE as f32 / width.max(height))
        .min((MAX_PIXELS as f32 / (width * height)).sqrt())
        .min(1.0);
    let (scale, width, height) = (scale * fit, (width * fit).round(), (height * fit).round());
    let config = PdfRenderConfig::new()
        .set_target_size(width as Pixels, height as Pixels)
        .render_form_data(true)
        .render_annotations(true);
    Rendering {
        config,
        scale,
        width: width as u32,
        height: height as u32,
    }
}

/// Where each selected page's rendering for reading lies on the page itself.
pub struct PageFrame {
    /// 0-based page index within the document.
    pub index: usize,
    /// Size in pixels of the page as rendered for reading (at `pdf_dpi`).
    pub size: (u32, u32),
    /// Those pixels to the page's own coordinates (points, y up, before its
    /// /Rotate, crop box included): where text read from the rendering goes on
    /// the original page.
    pub pixels_to_page: Affine,
}

/// How many pages the PDF `bytes` has, and the frames of those `options`
/// selects; nothing is rendered.
pub fn page_frames(path: &Path, bytes: &[u8], options: &OpenOptions) -> Result<(usize, Vec<PageFrame>), DocumentError> {
    let document = open(path, bytes, options)?;
    let pages = document.pages();
    let (count, selected) = selection(path, pages, options)?;
    let mut frames = Vec::with_capacity(selected.len());
    for index in selected {
        let page = page_at(path, pages, index)?;
        let rendering = rendering(&page, options);
        let to_pixels = PageToPixels::new(&page, &rendering.config, rendering.scale)
            .map_err(|reason| unreadable(path, format!("page {}: {reason}", index + 1)))?;
        frames.push(PageFrame {
            index,
            size: (rendering.width, rendering.height),
            pixels_to_page: to_pixels.affine().inverse(),
        });
    }
    Ok((count, frames))
}

fn render(page: &PdfPage, config: &PdfRenderConfig) -> Result<image::RgbImage, String> {
    let bitmap = page
        .render_with_config(config)
        .map_err(|e| format!("cannot render: {e:?}"))?;
    let image = bitmap.as_image().map_err(|e| format!("cannot render: {e:?}"))?;
    Ok(super::flatten_on_white(image))
}

/// The page's text layer as lines in pixel coordinates, or `None` when the page
/// has no real text layer and must be OCR'd.
fn text_layer(page: &PdfPage, config: &PdfRenderConfig, scale: f32) -> Result<Option<Vec<TextLayerLine>>, String> {
    let Ok(text) = page.text() else {
        return Ok(None);
    };
    let to_pixels = PageToPixels::new(page, config, scale)?;
    let mut lines = Vec::new();
    let mut current = LineBuilder::default();
    let (mut visible, mut unmapped) = (0usize, 0usize);
    for ch in text.chars().iter() {
        let c = ch.unicode_char();
        if matches!(c, Some('\r' | '\n')) {
            current.finish_into(&mut lines);
            continue;
        }
        let Some(c) = c.filter(|c| !c.is_control()) else {
            unmapped += 1;
            continue;
        };
        if c.is_whitespace() {
            current.push_space();
            continue;
        }
        visible += 1;
        if c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c) {
            unmapped += 1;
        }
        let Ok(bounds) = ch.loose_bounds() else { continue };
        let frame = to_pixels.frame(ch.angle_radians().unwrap_or(0.0));
        let rect = frame.rect(to_pixels.rect(&bounds));
        if rect.2 - rect.0 <= 0.0 && rect.3 - rect.1 <= 0.0 {
            continue;
        }
        current.push(c, frame, rect, &mut lines);
    }
    current.finish_into(&mut lines);
    if visible < MIN_LAYER_CHARS || unmapped as f32 > MAX_UNMAPPED_SHARE * visible.max(1) as f32 {
        return Ok(None);
    }
    if visible < MIN_SCAN_LAYER_CHARS && image_coverage(page) >= SCAN_IMAGE_COVERAGE {
        return Ok(None);
    }
    Ok(Some(lines))
}

/// Share of the page area covered by image objects (overlaps counted twice; capped at 1).
fn image_coverage(page: &PdfPage) -> f32 {
    let page_area = (page.width().value * page.height().value).max(1.0);
    let covered: f32 = page
        .objects()
        .iter()
        .filter(|o| o.object_type() == PdfPageObjectType::Image)
        .filter_map(|o| o.bounds().ok())
        .map(|b| b.width().value.abs() * b.height().value.abs())
        .sum();
    (covered / page_area).min(1.0)
}

/// Maps page space (points, y up, before the page's /Rotate) to the rendered
/// bitmap's pixels. PDFium's own mapping is sampled at three points to get the
/// affine map, so /Rotate and crop boxes are handled as PDFium renders them.
struct PageToPixels {
    origin: (f32, f32),
    per_x: (f32, f32),
    per_y: (f32, f32),
}

impl PageToPixels {
    fn new(page: &PdfPage, config: &PdfRenderConfig, scale: f32) -> Result<Self, String> {
        // Far-apart sample points make PDFium's integer rounding negligible.
        let span = 10_000.0 / scale.max(0.01);
        let map = |x: f32, y: f32| {
            page.points_to_pixels(PdfPoints::new(x), PdfPoints::new(y), config)
                .map(|(px, py)| (px as f32, py as f32))
                .map_err(|e| format!("cannot map page coordinates: {e:?}"))
        };
        let o = map(0.0, 0.0)?;
        let x = map(span, 0.0)?;
        let y = map(0.0, span)?;
        Ok(Self {
            origin: o,
            per_x: ((x.0 - o.0) / span, (x.1 - o.1) / span),
            per_y: ((y.0 - o.0) / span, (y.1 - o.1) / span),
        })
    }

    /// The same map as an [`Affine`].
    fn affine(&self) -> Affine {
        Affine::new([
            self.per_x.0,
            self.per_y.0,
            self.origin.0,
            self.per_x.1,
            self.per_y.1,
            self.origin.1,
        ])
    }

    fn point(&self, x: f32, y: f32) -> (f32, f32) {
        (
            self.origin.0 + x * self.per_x.0 + y * self.per_y.0,
            self.origin.1 + x * self.per_x.1 + y * self.per_y.1,
        )
    }

    /// The reading frame of text at `angle` (radians, anticlockwise in page space),
    /// to the nearest quarter turn as it appears on the rendered page.
    fn frame(&self, angle: f32) -> Frame {
        let (dx, dy) = (angle.cos(), angle.sin());
        let px = dx * self.per_x.0 + dy * self.per_y.0;
        let py = dx * self.per_x.1 + dy * self.per_y.1;
        let quarter = (py.atan2(px) / std::f32::consts::FRAC_PI_2).round() as i32;
        Frame(quarter.rem_euclid(4) as u8)
    }

    /// An axis-aligned page rectangle as (x0, y0, x1, y1) in pixels.
    fn rect(&self, r: &PdfRect) -> Rect {
        let a = self.point(r.left().value, r.bottom().value);
        let b = self.point(r.right().value, r.top().value);
        (a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1))
    }
}

/// A rectangle (x0, y0, x1, y1).
type Rect = (f32, f32, f32, f32);

/// A quarter-turn reading direction on the page: 0 reads left to right, 1 top
/// to bottom, 2 upside down, 3 bottom to top. Lines are built in the frame where
/// the text reads left to right, then mapped back to page pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Frame(u8);

impl Frame {
    /// Unit vectors along the text and down from it, in page pixels.
    fn axes(self) -> ((f32, f32), (f32, f32)) {
        match self.0 {
            0 => ((1.0, 0.0), (0.0, 1.0)),
            1 => ((0.0, 1.0), (-1.0, 0.0)),
            2 => ((-1.0, 0.0), (0.0, -1.0)),
            _ => ((0.0, -1.0), (1.0, 0.0)),
        }
    }

    fn to_frame(self, (x, y): (f32, f32)) -> (f32, f32) {
        let (d, n) = self.axes();
        (x * d.0 + y * d.1, x * n.0 + y * n.1)
    }

    fn to_page(self, (u, v): (f32, f32)) -> Point {
        let (d, n) = self.axes();
        Point::new(u * d.0 + v * n.0, u * d.1 + v * n.1)
    }

    /// A page-pixel rectangle as a rectangle in this frame.
    fn rect(self, (x0, y0, x1, y1): Rect) -> Rect {
        let a = self.to_frame((x0, y0));
        let b = self.to_frame((x1, y1));
        (a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1))
    }
}

/// Gathers characters into a line; a wide gap (more than this many line heights)
/// starts a new one, as OCR would see two separate lines (table cells, columns).
const GAP_SPLIT: f32 = 1.5;
/// A gap this wide (in line heights) with no space character still separates words.
const GAP_SPACE: f32 = 0.25;

#[derive(Default)]
struct LineBuilder {
    text: String,
    frame: Frame,
    /// Extent of the line in its frame: (u0, v0, u1, v1).
    rect: Option<Rect>,
    /// The last character's box, to place accents and spot superscripts.
    last: Option<Rect>,
    pending_space: bool,
}

impl LineBuilder {
    fn push_space(&mut self) {
        self.pending_space = self.rect.is_some();
    }

    fn push(&mut self, c: char, frame: Frame, r: Rect, lines: &mut Vec<TextLayerLine>) {
        if let (Some(cur), Some(last)) = (self.rect, self.last) {
            let height = (cur.3 - cur.1).max(r.3 - r.1).max(1.0);
            let gap = r.0 - last.2;
            let overlaps_vertically = r.1.max(cur.1) < r.3.min(cur.3);
            if frame != self.frame || gap > GAP_SPLIT * height || gap < -height * 4.0 || !overlaps_vertically {
                self.finish_into(lines);
            } else if let Some(mark) = combining_form(c) {
                // A spacing accent drawn over the previous letter (TeX output): é, ç, ã.
                let centre = (r.0 + r.2) / 2.0;
                if centre >= last.0 - 1.0 && centre <= last.2 + 1.0 {
                    self.text.push(mark);
                    return;
                }
            } else {
                let (h_last, h_now) = (last.3 - last.1, r.3 - r.1);
                let resized = h_now > 1.3 * h_last || h_last > 1.3 * h_now;
                if gap > GAP_SPACE * height || resized {
                    // A word gap without a space character, or a footnote mark
                    // set against the word that follows it.
                    self.pending_space = true;
                }
            }
        }
        if self.pending_space && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.pending_space = false;
        self.frame = frame;
        self.text.push(c);
        self.last = Some(r);
        self.rect = Some(match self.rect {
            Some(cur) => (cur.0.min(r.0), cur.1.min(r.1), cur.2.max(r.2), cur.3.max(r.3)),
            None => r,
        });
    }

    fn finish_into(&mut self, lines: &mut Vec<TextLayerLine>) {
        let taken = std::mem::take(self);
        if let Some((u0, v0, u1, v1)) = taken.rect {
            let f = taken.frame;
            let quad: Quad = [
                f.to_page((u0, v0)),
                f.to_page((u1, v0)),
                f.to_page((u1, v1)),
                f.to_page((u0, v1)),
            ];
            let text = taken.text.nfc().collect();
            lines.push(TextLayerLine { text, quad });
        }
    }
}

/// The combining mark for a spacing accent character, which some PDF producers
/// (TeX among them) draw as a separate glyph over the letter.
fn combining_form(c: char) -> Option<char> {
    Some(match c {
        '\u{60}' | '\u{2CB}' => '\u{300}',
        '\u{B4}' | '\u{2CA}' => '\u{301}',
        '\u{5E}' | '\u{2C6}' => '\u{302}',
        '\u{7E}' | '\u{2DC}' => '\u{303}',
        '\u{AF}' | '\u{2C9}' => '\u{304}',
        '\u{2D8}' => '\u{306}',
        '\u{2D9}' => '\u{307}',
        '\u{A8}' => '\u{308}',
        '\u{2DA}' => '\u{30A}',
        '\u{2DD}' => '\u{30B}',
        '\u{2C7}' => '\u{30C}',
        '\u{B8}' => '\u{327}',
        '\u{2DB}' => '\u{328}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_texts(chars: &[(char, Rect)]) -> Vec<String> {
        let mut lines = Vec::new();
        let mut b = LineBuilder::default();
        for &(c, r) in chars {
            if c == ' ' {
                b.push_space();
            } else {
                b.push(c, Frame(0), r, &mut lines);
            }
        }
        b.finish_into(&mut lines);
        lines.into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn characters_gather_into_lines_split_at_wide_gaps() {
        let at = |x: f32| (x, 0.0, x + 8.0, 10.0);
        let chars = [
            ('A', at(0.0)),
            ('B', at(8.0)),
            (' ', at(16.0)),
            ('C', at(20.0)),
            // A gap of 30 px at 10 px line height: a new line (another table cell).
            ('D', at(58.0)),
        ];
        assert_eq!(line_texts(&chars), vec!["AB C", "D"]);
    }

    #[test]
    fn spacing_accents_join_their_letter_and_footnote_marks_stand_apart() {
        let chars = [
            ('a', (0.0, 0.0, 8.0, 10.0)),
            ('g', (8.0, 0.0, 16.0, 10.0)),
            ('e', (16.0, 0.0, 24.0, 10.0)),
            ('\u{2C6}', (17.0, 0.0, 23.0, 4.0)),
            ('n', (24.0, 0.0, 32.0, 10.0)),
            ('5', (40.0, 0.0, 44.0, 5.0)),
            ('S', (44.0, 0.0, 52.0, 10.0)),
        ];
        assert_eq!(line_texts(&chars), vec!["agên 5 S"]);
    }

    #[test]
    fn vertical_text_reads_along_its_own_axis() {
        // Text running bottom to top (frame 3) at x = 0..10, letters 8 px apart.
        let mut lines = Vec::new();
        let mut b = LineBuilder::default();
        let f = Frame(3);
        for (i, c) in "UP".chars().enumerate() {
            let y1 = 100.0 - 8.0 * i as f32;
            b.push(c, f, f.rect((0.0, y1 - 8.0, 10.0, y1)), &mut lines);
        }
        b.finish_into(&mut lines);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "UP");
        // The box starts where the text starts: bottom left of the page region.
        let q = lines[0].quad;
        assert_eq!((q[0].x, q[0].y), (0.0, 100.0));
        assert_eq!((q[1].x, q[1].y), (0.0, 84.0));
    }

    #[test]
    fn a_character_on_another_row_starts_a_new_line() {
        let chars = [('A', (0.0, 0.0, 8.0, 10.0)), ('B', (8.0, 20.0, 16.0, 30.0))];
        assert_eq!(line_texts(&chars), vec!["A", "B"]);
    }
}
