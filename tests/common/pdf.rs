//! PDF fixtures written by PDFium itself: pages of built-in Helvetica text, and
//! image-only "scanned" pages drawn with DejaVu.

use std::path::{Path, PathBuf};

use image::DynamicImage;
use ocrdesk::document::pdf::pdfium;
use pdfium_render::prelude::*;

use super::page;

/// A page of the fixture document.
pub enum Spec<'a> {
    /// Lines of Helvetica text: (x, y from the top, size) in points.
    Text(&'a [(&'a str, f32, f32, f32)]),
    /// An image-only page: text drawn into a picture covering the page.
    Scan(&'a [&'a str]),
}

pub const LETTER: (f32, f32) = (612.0, 792.0);

pub fn write_pdf(dir: &Path, name: &str, pages: &[Spec], rotate_first: bool) -> PathBuf {
    let pdfium = pdfium().expect("PDFium is fetched by packaging/fetch_assets.py");
    let mut doc = pdfium.create_new_pdf().expect("new PDF");
    let font = doc.fonts_mut().helvetica();
    for spec in pages {
        let mut p = doc
            .pages_mut()
            .create_page_at_end(PdfPagePaperSize::from_points(
                PdfPoints::new(LETTER.0),
                PdfPoints::new(LETTER.1),
            ))
            .expect("new page");
        match spec {
            Spec::Text(lines) => {
                for &(text, x, y, size) in *lines {
                    p.objects_mut()
                        .create_text_object(
                            PdfPoints::new(x),
                            PdfPoints::new(LETTER.1 - y),
                            text,
                            font,
                            PdfPoints::new(size),
                        )
                        .expect("text object");
                }
            }
            Spec::Scan(lines) => {
                let img = DynamicImage::ImageRgb8(page(lines, 40.0, 60.0));
                let width = LETTER.0 * 0.9;
                let height = width * img.height() as f32 / img.width() as f32;
                p.objects_mut()
                    .create_image_object(
                        PdfPoints::new(LETTER.0 * 0.05),
                        PdfPoints::new(LETTER.1 - 40.0 - height),
                        &img,
                        Some(PdfPoints::new(width)),
                        Some(PdfPoints::new(height)),
                    )
                    .expect("image object");
            }
        }
    }
    if rotate_first {
        doc.pages()
            .first()
            .expect("a page")
            .set_rotation(PdfPageRenderRotation::Degrees90);
    }
    let path = dir.join(name);
    std::fs::write(&path, doc.save_to_bytes().expect("saved")).expect("written");
    path
}
