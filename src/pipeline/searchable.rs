//! Searchable PDFs of documents already read: each page's picture is taken again
//! from its file (a JPEG as it is; other images decoded; PDF pages rendered),
//! one page at a time, and laid under the page's text (corrections included).

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use image::ImageFormat;

use crate::document::embed::{JpegStream, jpeg_as_is, resolution};
use crate::document::{self, OpenOptions, PageContent, PageSelection};
use crate::error::DocumentError;
use crate::export::pdf::{PageImage, PdfError, PdfPage, SearchablePdf};
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

/// One PDF holding every page of `docs`, in order, titled `title`. `options` are
/// those the documents were opened with (PDF password and resolution).
pub fn searchable_pdf(docs: &[Document], options: &OpenOptions, title: &str) -> Result<Vec<u8>, SearchableError> {
    let mut pdf = SearchablePdf::new();
    for doc in docs {
        add_document(&mut pdf, doc, options)?;
    }
    Ok(pdf.finish(title))
}

/// The title a PDF of `path` gets: its file name without the extension.
pub fn title_of(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "OCR Desk".to_owned(), |s| s.to_string_lossy().into_owned())
}

fn add_document(pdf: &mut SearchablePdf, doc: &Document, options: &OpenOptions) -> Result<(), SearchableError> {
    let path = Path::new(&doc.source);
    let bytes = document::read_bytes(path)?;
    let is_pdf = document::is_pdf(&bytes);
    let format = image::guess_format(&bytes).ok();
    // JPEGs (and WebP, mostly lossy) were lossy already: re-encoding them losslessly
    // would only make them bigger.
    let lossless = !is_pdf && !matches!(format, Some(ImageFormat::Jpeg | ImageFormat::WebP));
    let as_is = jpeg_as_is(&bytes);
    let declared = if is_pdf {
        Some(options.pdf_dpi)
    } else {
        resolution(&bytes)
    };
    let selected = PageSelection::Ranges(doc.pages.iter().map(|p| (p.index + 1, Some(p.index + 1))).collect());
    let open = OpenOptions {
        pages: selected,
        // Every page needs its picture, text-layer pages too.
        render_text_pages: true,
        ..options.clone()
    };
    let mut failure = None;
    let mut added = 0;
    document::for_each_page_of(path, &bytes, &open, |source| {
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
                data: &bytes,
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
