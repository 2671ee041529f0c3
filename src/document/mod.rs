//! Opening input files into pages. Knows nothing about OCR.
//!
//! A page is either an image to read ([`PageContent::Image`]) or, for a PDF page
//! with a real text layer, that layer's lines ([`PageContent::Text`]). Pages are
//! handed out one at a time so that a long PDF never sits in memory as images.

pub mod embed;
pub mod inputs;
mod pages;
pub mod pdf;
mod raster;

use std::ops::ControlFlow;
use std::path::Path;

use image::{DynamicImage, RgbImage};

pub use pages::{PageSelection, PageSelectionError};

use crate::error::DocumentError;
use crate::geometry::Quad;

/// Shortest side we can read: anything smaller holds no legible text.
pub const MIN_SIDE: u32 = 15;
/// Longest side accepted.
pub const MAX_SIDE: u32 = 30_000;
/// Pixel budget: a decompression bomb is refused from its header, before decoding.
pub const MAX_PIXELS: u64 = 250_000_000;
/// Largest input file accepted.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// How to open documents.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// Which pages of a multi-page document to read.
    pub pages: PageSelection,
    /// Password of an encrypted PDF.
    pub password: Option<String>,
    /// OCR every PDF page, even one with a text layer.
    pub force_ocr: bool,
    /// Resolution PDF pages are rendered at for OCR (text-layer boxes use it too).
    pub pdf_dpi: f32,
    /// Render text-layer pages too, so they can be shown (the app); the CLI does not.
    pub render_text_pages: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            pages: PageSelection::All,
            password: None,
            force_ocr: false,
            // Body text of 9–12 pt comes out 25–33 px tall: what the recogniser reads best.
            pdf_dpi: 200.0,
            render_text_pages: false,
        }
    }
}

/// One line of a PDF text layer, in the page's pixel coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct TextLayerLine {
    pub text: String,
    pub quad: Quad,
}

/// A PDF page read from its text layer.
#[derive(Clone, Debug, PartialEq)]
pub struct TextLayerPage {
    /// Size of the page rendered at [`OpenOptions::pdf_dpi`].
    pub width: u32,
    pub height: u32,
    /// Lines in the layer's own order.
    pub lines: Vec<TextLayerLine>,
    /// The page rendered, when [`OpenOptions::render_text_pages`] asked for it.
    pub image: Option<RgbImage>,
}

/// What a page holds.
pub enum PageContent {
    /// An image to OCR.
    Image(RgbImage),
    /// Text already present in the document.
    Text(TextLayerPage),
}

/// One page of a document, as handed to the caller.
pub struct SourcePage {
    /// 0-based page index within the document.
    pub index: usize,
    /// Position of this page among those selected (0-based), and how many were
    /// selected: the progress of reading the document.
    pub position: usize,
    pub selected: usize,
    pub content: PageContent,
    /// What the reader should know about the page, e.g. that its image data ends
    /// early and the rest is blank.
    pub warnings: Vec<String>,
}

/// One page image of a raster document.
pub struct PageImage {
    pub index: usize,
    pub image: RgbImage,
}

/// Opens `path` and hands each selected page to `on_page` in order; `on_page`
/// may stop early. Returns the number of pages the document has.
pub fn for_each_page(
    path: &Path,
    options: &OpenOptions,
    on_page: impl FnMut(SourcePage) -> ControlFlow<()>,
) -> Result<usize, DocumentError> {
    let bytes = read_bytes(path)?;
    for_each_page_of(path, &bytes, options, on_page)
}

/// As [`for_each_page`], for a file already in memory; `path` names it in
/// errors, and its extension identifies formats without a signature (TGA, PCX).
pub fn for_each_page_of(
    path: &Path,
    bytes: &[u8],
    options: &OpenOptions,
    mut on_page: impl FnMut(SourcePage) -> ControlFlow<()>,
) -> Result<usize, DocumentError> {
    if bytes.is_empty() {
        return Err(DocumentError::Unreadable {
            path: path.to_owned(),
            reason: "the file is empty (0 bytes)".into(),
        });
    }
    if is_pdf(bytes) {
        return pdf::for_each_page(path, bytes, options, &mut on_page);
    }
    let count = raster::page_count(path, bytes)?;
    let selected = options.pages.indices(count).map_err(|e| DocumentError::Unreadable {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    // Decoded one at a time, and only the pages asked for: a long fax stays small.
    let total = selected.len();
    for (position, index) in selected.into_iter().enumerate() {
        let (image, warnings) = raster::page(path, bytes, index)?;
        check_size(path, &image)?;
        if on_page(SourcePage {
            index,
            position,
            selected: total,
            content: PageContent::Image(image),
            warnings,
        })
        .is_break()
        {
            break;
        }
    }
    Ok(count)
}

/// Opens an image file (or a PDF, every page rendered) as page images.
pub fn open(path: &Path) -> Result<Vec<PageImage>, DocumentError> {
    let options = OpenOptions {
        force_ocr: true,
        ..OpenOptions::default()
    };
    let mut pages = Vec::new();
    for_each_page(path, &options, |page| {
        if let PageContent::Image(image) = page.content {
            pages.push(PageImage {
                index: page.index,
                image,
            });
        }
        ControlFlow::Continue(())
    })?;
    Ok(pages)
}

pub fn is_pdf(bytes: &[u8]) -> bool {
    // The header may follow a little junk; PDF readers look in the first 1 KiB.
    bytes.len() >= 5 && bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-")
}

/// The input name that stands for standard input (`ocrdesk ocr - < scan.png`).
pub const STDIN: &str = "-";

/// Standard input's bytes, read on first use and kept for the run: a searchable
/// PDF takes the pages again after they were read.
fn stdin_bytes() -> Result<&'static [u8], String> {
    use std::io::Read;
    static BYTES: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    BYTES
        .get_or_init(|| {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {}", io_reason(&e)))?;
            Ok(bytes)
        })
        .as_deref()
        .map_err(Clone::clone)
}

pub fn read_bytes(path: &Path) -> Result<Vec<u8>, DocumentError> {
    let unreadable = |reason: String| DocumentError::Unreadable {
        path: path.to_owned(),
        reason,
    };
    if path == Path::new(STDIN) {
        let bytes = stdin_bytes().map_err(unreadable)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(DocumentError::FileTooLarge {
                path: path.to_owned(),
                bytes: bytes.len() as u64,
                limit: MAX_FILE_BYTES,
            });
        }
        if bytes.is_empty() {
            return Err(unreadable("standard input is empty".into()));
        }
        return Ok(bytes.to_vec());
    }
    let meta = std::fs::metadata(path).map_err(|e| unreadable(io_reason(&e)))?;
    if meta.is_dir() {
        return Err(unreadable("is a folder, not a file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(DocumentError::FileTooLarge {
            path: path.to_owned(),
            bytes: meta.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(io_reason(&e)))?;
    if bytes.is_empty() {
        return Err(unreadable("the file is empty (0 bytes)".into()));
    }
    Ok(bytes)
}

fn check_size(path: &Path, image: &RgbImage) -> Result<(), DocumentError> {
    let (width, height) = image.dimensions();
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(DocumentError::TooSmall {
            path: path.to_owned(),
            width,
            height,
            min: MIN_SIDE,
        });
    }
    Ok(())
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

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a folder, not a file".into(),
        _ => e.to_string(),
    }
}
