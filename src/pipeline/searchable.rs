//! Searchable PDFs of documents already read. A PDF's pages are copied from
//! the file as they are, a scanned page with the text read laid over it; an
//! image's picture is taken again from its file (a JPEG as it is, others
//! decoded), one page at a time, and laid under the page's text (corrections
//! included). A PDF whose objects cannot be copied, or one read with
//! `--force-ocr`, has its pages rendered again instead.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use image::ImageFormat;

use crate::document::embed::{JpegStream, jpeg_as_is, resolution};
use crate::document::pdf::page_frames;
use crate::document::{self, OpenOptions, PageContent, PageSelection};
use crate::error::DocumentError;
use crate::export::pdf::{OriginalPage, PageImage, PdfError, PdfPage, SearchablePdf, SourcePdf};
use crate::geometry::Affine;
use crate::result::Document;

/// Resolution of a scan whose file does not say: what office scanners default to.
const DEFAULT_DPI: f32 = 300.0;
/// Longest side, in inches, of the largest paper an office scans (A3 is 16.5 in):
/// a declared resolution that makes the page longer is a program's default (a
/// phone photo saying 72 dpi), not the scan's.
const LARGEST_PAPER_INCHES: f32 = 17.0;
/// Points per inch.
const POINTS_PER_INCH: f32 = 72.0;

/// Why a searchable PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SearchableError {
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error("{path}: {source}")]
    Pdf {
        path: PathBuf,
        #[source]
        source: PdfError,
    },
    #[error("{path}: page {page} is no longer in the file")]
    PageGone { path: PathBuf, page: usize },
}

/// A searchable PDF, and what its reader should know about how it was made.
pub struct Searchable {
    pub bytes: Vec<u8>,
    /// E.g. that a PDF's pages were rendered again rather than copied, or why
    /// the file is not PDF/A; empty when all went as it should.
    pub notes: Vec<String>,
}

/// One PDF holding every page of `docs`, in order, titled `title`; each
/// document with the options it was opened with (PDF password and resolution).
pub fn searchable_pdf(docs: &[(&Document, OpenOptions)], title: &str) -> Result<Searchable, SearchableError> {
    let mut pdf = SearchablePdf::new();
    let mut notes = Vec::new();
    for (doc, options) in docs {
        let path = Path::new(&doc.source);
        let bytes = document::read_bytes(path)?;
        let is_pdf = document::is_pdf(&bytes);
        if is_pdf && options.password.is_some() {
            notes.push(format!(
                "{}: written without its password: a searchable PDF is an open archive copy",
                path.display()
            ));
        }
        if is_pdf && !options.force_ocr {
            match copyable(doc, path, &bytes, options) {
                Ok((mut source, frames)) => {
                    add_copied_pages(&mut pdf, &mut source, doc, &frames)?;
                    let why = source.not_pdfa();
                    if !why.is_empty() {
                        notes.push(format!(
                            "{}: its pages hold what PDF/A forbids: {}",
                            path.display(),
                            why.join(", ")
                        ));
                    }
                    continue;
                }
                Err(reason) => notes.push(format!(
                    "{}: pages rendered again, not copied: {reason}",
                    path.display()
                )),
            }
        }
        add_pictures(&mut pdf, doc, &bytes, options)?;
    }
    if !pdf.is_pdfa() {
        notes.push("so the PDF is written as a plain PDF, not as PDF/A".to_owned());
    }
    Ok(Searchable {
        bytes: pdf.finish(title),
        notes,
    })
}

/// Where a searchable PDF of `source` goes in `folder` without replacing any
/// file there (the source itself, another document's PDF, an earlier export):
/// `NAME.pdf`, else `NAME-ocr.pdf`, `NAME-ocr-2.pdf`, …
pub fn free_pdf_path(folder: &Path, source: &Path) -> PathBuf {
    let stem = title_of(source);
    std::iter::once(format!("{stem}.pdf"))
        .chain(std::iter::once(format!("{stem}-ocr.pdf")))
        .chain((2..).map(|n| format!("{stem}-ocr-{n}.pdf")))
        .map(|name| folder.join(name))
        .find(|path| !path.exists())
        .unwrap_or_else(|| folder.join(format!("{stem}-ocr.pdf")))
}

/// The title a PDF of `path` gets: its file name without the extension.
pub fn title_of(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "OCR Desk".to_owned(), |s| s.to_string_lossy().into_owned())
}

/// The PDF's objects ready to copy, and where each page read lies on its page;
/// or why its pages cannot be copied.
fn copyable(
    doc: &Document,
    path: &Path,
    bytes: &[u8],
    options: &OpenOptions,
) -> Result<(SourcePdf, Vec<OriginalFrame>), String> {
    let source = SourcePdf::load(bytes, options.password.as_deref()).map_err(|e| e.to_string())?;
    let open = OpenOptions {
        pages: selection(doc),
        ..options.clone()
    };
    let (count, frames) = page_frames(path, bytes, &open).map_err(|e| e.to_string())?;
    if source.page_count() != count {
        return Err(format!(
            "its page tree reads as {} pages, but PDFium reads {count}",
            source.page_count()
        ));
    }
    let mut placed = Vec::with_capacity(doc.pages.len());
    for page in &doc.pages {
        let frame = frames
            .iter()
            .find(|f| f.index == page.index)
            .ok_or_else(|| format!("page {} is no longer in the file", page.index + 1))?;
        if frame.size != (page.width, page.height) {
            return Err(format!(
                "page {} renders at {}x{} px, not at the {}x{} it was read at",
                page.index + 1,
                frame.size.0,
                frame.size.1,
                page.width,
                page.height
            ));
        }
        placed.push(OriginalFrame {
            index: page.index,
            pixels_to_page: frame.pixels_to_page,
        });
    }
    Ok((source, placed))
}

/// Where a page read lies on the PDF page it was read from.
struct OriginalFrame {
    index: usize,
    pixels_to_page: Affine,
}

fn add_copied_pages(
    pdf: &mut SearchablePdf,
    source: &mut SourcePdf,
    doc: &Document,
    frames: &[OriginalFrame],
) -> Result<(), SearchableError> {
    pdf.reserve_pages(source, frames.iter().map(|f| f.index));
    for (page, frame) in doc.pages.iter().zip(frames) {
        let original = OriginalPage {
            page,
            index: frame.index,
            pixels_to_page: frame.pixels_to_page,
        };
        pdf.add_original_page(source, &original)
            .map_err(|source| SearchableError::Pdf {
                path: PathBuf::from(&doc.source),
                source,
            })?;
    }
    Ok(())
}

/// The pages of `doc` as a page selection.
fn selection(doc: &Document) -> PageSelection {
    PageSelection::Ranges(doc.pages.iter().map(|p| (p.index + 1, Some(p.index + 1))).collect())
}

/// Adds each page of `doc` as its picture, taken again from `bytes`, under its text.
fn add_pictures(
    pdf: &mut SearchablePdf,
    doc: &Document,
    bytes: &[u8],
    options: &OpenOptions,
) -> Result<(), SearchableError> {
    let path = Path::new(&doc.source);
    let is_pdf = document::is_pdf(bytes);
    let format = image::guess_format(bytes).ok();
    // JPEGs (and WebP, mostly lossy) were lossy already: re-encoding them losslessly
    // would only make them bigger.
    let lossless = !is_pdf && !matches!(format, Some(ImageFormat::Jpeg | ImageFormat::WebP));
    let as_is = jpeg_as_is(bytes);
    let declared = if is_pdf {
        Some(options.pdf_dpi)
    } else {
        resolution(bytes)
    };
    let open = OpenOptions {
        pages: selection(doc),
        // Every page needs its picture, text-layer pages too.
        render_text_pages: true,
        ..options.clone()
    };
    let mut failure = None;
    let mut added = 0;
    document::for_each_page_of(path, bytes, &open, |source| {
        let image = match source.content {
            PageContent::Image(image) => Some(image),
            PageContent::Text(layer) => layer.image,
        };
        let (Some(image), Some(page)) = (image, doc.pages.iter().find(|p| p.index == source.index)) else {
            failure = Some(SearchableError::PageGone {
                path: path.to_owned(),
                page: source.index + 1,
            });
            return ControlFlow::Break(());
        };
        let picture = match as_is {
            Some(JpegStream {
                width,
                height,
                components,
            }) if source.index == 0 && image.dimensions() == (width, height) => PageImage::Jpeg {
                data: bytes,
                width,
                height,
                components,
            },
            _ => PageImage::Pixels {
                image: &image,
                lossless,
            },
        };
        let dpi = page_resolution(declared, image.width().max(image.height()));
        let size = (
            image.width() as f32 * POINTS_PER_INCH / dpi,
            image.height() as f32 * POINTS_PER_INCH / dpi,
        );
        match pdf.add_page(&PdfPage {
            page,
            image: picture,
            size,
        }) {
            Ok(()) => {
                added += 1;
                ControlFlow::Continue(())
            }
            Err(source) => {
                failure = Some(SearchableError::Pdf {
                    path: path.to_owned(),
                    source,
                });
                ControlFlow::Break(())
            }
        }
    })?;
    match failure {
        Some(e) => Err(e),
        None if added < doc.pages.len() => Err(SearchableError::PageGone {
            path: path.to_owned(),
            page: added + 1,
        }),
        None => Ok(()),
    }
}

/// The resolution a page is printed at: the one its file declares, unless that
/// makes it larger than any office paper.
fn page_resolution(declared: Option<f32>, long_side_px: u32) -> f32 {
    declared
        .filter(|dpi| long_side_px as f32 / dpi <= LARGEST_PAPER_INCHES)
        .unwrap_or(DEFAULT_DPI)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_never_replaces_a_file_already_there() {
        let dir = std::env::temp_dir().join(format!("ocrdesk-free-pdf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("folder");
        let source = dir.join("scan.pdf");
        std::fs::write(&source, b"%PDF").expect("written");
        assert_eq!(free_pdf_path(&dir, &source), dir.join("scan-ocr.pdf"));
        std::fs::write(dir.join("scan-ocr.pdf"), b"%PDF").expect("written");
        assert_eq!(free_pdf_path(&dir, &source), dir.join("scan-ocr-2.pdf"));
        assert_eq!(
            free_pdf_path(&dir, Path::new("/elsewhere/photo.jpg")),
            dir.join("photo.pdf")
        );
        std::fs::remove_dir_all(&dir).expect("removed");
    }

    #[test]
    fn a_declared_resolution_is_kept_unless_the_page_would_be_huge() {
        // An A4 scan at 200 dpi is 11.7 in long.
        assert_eq!(page_resolution(Some(200.0), 2339), 200.0);
        // A 7016 px phone photo "at 72 dpi" would be 97 in long.
        assert_eq!(page_resolution(Some(72.0), 7016), DEFAULT_DPI);
        // A screenshot at 96 dpi is its screen size.
        assert_eq!(page_resolution(Some(96.0), 1280), 96.0);
        assert_eq!(page_resolution(None, 1280), DEFAULT_DPI);
    }
}
