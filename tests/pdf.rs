//! PDFs: pages with a text layer are read from it, image-only pages are OCR'd,
//! page ranges, `force_ocr`, rotated pages and encrypted files. The fixtures are
//! written by PDFium itself (built-in Helvetica text, images drawn with DejaVu).

mod common;

use std::ops::ControlFlow;
use std::path::Path;
use std::process::Command;

use common::pdf::{Spec, write_pdf};
use common::{engine, temp_dir};
use ocrdesk::document::{OpenOptions, PageSelection, for_each_page};
use ocrdesk::geometry::quad_center;
use ocrdesk::pipeline::read_document;
use ocrdesk::{Document, DocumentError, TextSource};

fn read(path: &Path, options: &OpenOptions) -> Result<Document, String> {
    read_document(engine(), path, options, |_| ()).map_err(|e| e.to_string())
}

fn texts(doc: &Document) -> Vec<Vec<String>> {
    doc.pages
        .iter()
        .map(|p| p.lines.iter().map(|l| l.text.clone()).collect())
        .collect()
}

const INVOICE: &[(&str, f32, f32, f32)] = &[
    ("Invoice 2024-117", 72.0, 100.0, 20.0),
    ("Total due: 1,250.00 EUR", 72.0, 140.0, 12.0),
    ("Page one", 400.0, 100.0, 12.0),
];

#[test]
fn text_layer_pages_are_read_from_the_layer_and_scans_are_ocrd() {
    let dir = temp_dir();
    let path = write_pdf(
        dir.path(),
        "mixed.pdf",
        &[
            Spec::Text(INVOICE),
            Spec::Scan(&["Scanned page 2", "Order 5521"]),
            Spec::Text(&[("Thank you", 72.0, 72.0, 14.0)]),
        ],
        false,
    );
    let doc = read(&path, &OpenOptions::default()).unwrap();
    assert_eq!(doc.page_count, 3);
    let sources: Vec<TextSource> = doc.pages.iter().map(|p| p.source).collect();
    assert_eq!(sources, [TextSource::TextLayer, TextSource::Ocr, TextSource::TextLayer]);
    assert_eq!(
        texts(&doc),
        vec![
            vec!["Invoice 2024-117", "Page one", "Total due: 1,250.00 EUR"],
            vec!["Scanned page 2", "Order 5521"],
            vec!["Thank you"],
        ]
    );
    // 200 dpi: US Letter is 1700 × 2200 px; text at 72 pt from the left edge starts at 200 px.
    let first = &doc.pages[0];
    assert_eq!((first.width, first.height), (1700, 2200));
    let invoice = &first.lines[0];
    assert!((invoice.quad[0].x - 200.0).abs() < 3.0, "{:?}", invoice.quad);
    // The 20 pt line's baseline sits 100 pt from the top: its box straddles 278 px.
    assert!(
        invoice.quad[0].y < 278.0 && invoice.quad[3].y > 270.0,
        "{:?}",
        invoice.quad
    );
    assert_eq!(invoice.confidence, 1.0);
    assert_eq!(doc.pages.iter().map(|p| p.index).collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn page_ranges_and_forced_ocr() {
    let dir = temp_dir();
    let path = write_pdf(
        dir.path(),
        "three.pdf",
        &[
            Spec::Text(&[("First page", 72.0, 72.0, 24.0)]),
            Spec::Text(&[("Second page", 72.0, 72.0, 24.0)]),
            Spec::Text(&[("Third page", 72.0, 72.0, 24.0)]),
        ],
        false,
    );
    let only = |pages: &str, force_ocr: bool| OpenOptions {
        pages: pages.parse::<PageSelection>().unwrap(),
        force_ocr,
        ..OpenOptions::default()
    };
    let doc = read(&path, &only("1,3", false)).unwrap();
    assert_eq!(texts(&doc), vec![vec!["First page"], vec!["Third page"]]);
    assert_eq!(doc.pages.iter().map(|p| p.index).collect::<Vec<_>>(), [0, 2]);

    // The same page through OCR reads the same text, at the same place.
    let ocr = read(&path, &only("3", true)).unwrap();
    assert_eq!(ocr.pages[0].source, TextSource::Ocr);
    assert_eq!(texts(&ocr), vec![vec!["Third page"]]);
    let layer = read(&path, &only("3", false)).unwrap();
    let (a, b) = (
        quad_center(&ocr.pages[0].lines[0].quad),
        quad_center(&layer.pages[0].lines[0].quad),
    );
    assert!((a.x - b.x).abs() < 8.0 && (a.y - b.y).abs() < 8.0, "{a:?} vs {b:?}");

    let err = read(&path, &only("2-5", false)).unwrap_err();
    assert!(
        err.contains("three.pdf") && err.contains("page 5") && err.contains("3 page"),
        "{err}"
    );
}

#[test]
fn a_rotated_page_has_its_text_layer_boxes_where_the_text_is_drawn() {
    let dir = temp_dir();
    let path = write_pdf(
        dir.path(),
        "rotated.pdf",
        &[Spec::Text(&[("Rotated 90 degrees", 72.0, 120.0, 28.0)])],
        true,
    );
    let layer = read(&path, &OpenOptions::default()).unwrap();
    let page = &layer.pages[0];
    // Rendered upright the page is landscape.
    assert_eq!((page.width, page.height), (2200, 1700));
    assert_eq!(texts(&layer), vec![vec!["Rotated 90 degrees"]]);
    // The rendered page shows the text running down the page; OCR finds it at the
    // same place as the layer's box.
    let ocr = read(
        &path,
        &OpenOptions {
            force_ocr: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let a = quad_center(&page.lines[0].quad);
    let found = ocr.pages[0]
        .lines
        .iter()
        .map(|l| quad_center(&l.quad))
        .any(|b| (a.x - b.x).abs() < 12.0 && (a.y - b.y).abs() < 12.0);
    assert!(found, "layer box at {a:?}; OCR lines {:?}", ocr.pages[0].lines);
    // The layer's box runs top to bottom as the text reads.
    let q = page.lines[0].quad;
    assert!(q[1].y - q[0].y > 300.0, "{q:?}");
}

#[test]
fn pages_are_handed_out_one_at_a_time_and_can_stop_early() {
    let dir = temp_dir();
    let path = write_pdf(
        dir.path(),
        "stop.pdf",
        &[
            Spec::Text(&[("One", 72.0, 72.0, 24.0)]),
            Spec::Text(&[("Two", 72.0, 72.0, 24.0)]),
        ],
        false,
    );
    let mut seen = Vec::new();
    let count = for_each_page(&path, &OpenOptions::default(), |p| {
        seen.push(p.index);
        ControlFlow::Break(())
    })
    .unwrap();
    assert_eq!((count, seen), (2, vec![0]));
}

#[test]
fn corrupt_and_truncated_pdfs_name_the_file_and_the_reason() {
    let dir = temp_dir();
    let good = write_pdf(dir.path(), "good.pdf", &[Spec::Text(INVOICE)], false);
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("cut.pdf");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let junk = dir.path().join("junk.pdf");
    std::fs::write(&junk, b"%PDF-1.7\nthis is not really a PDF\n").unwrap();
    for path in [&cut, &junk] {
        match read(path, &OpenOptions::default()) {
            // PDFium may rebuild a damaged file's cross-reference table: then
            // whatever it recovers is read, and nothing panics.
            Ok(doc) => assert!(doc.pages.len() <= 1),
            Err(e) => assert!(e.contains(&path.display().to_string()) && e.contains("PDF"), "{e}"),
        }
    }
    let err = read(&junk, &OpenOptions::default()).unwrap_err();
    assert!(err.contains("corrupt or truncated PDF"), "{err}");
}

/// qpdf writes the encrypted fixture (PDFium cannot encrypt); `packaging/test.sh`
/// installs it.
#[test]
fn an_encrypted_pdf_needs_its_password() {
    let dir = temp_dir();
    let plain = write_pdf(dir.path(), "plain.pdf", &[Spec::Text(INVOICE)], false);
    let locked = dir.path().join("locked.pdf");
    let status = Command::new("qpdf")
        .args(["--encrypt", "s3cret", "owner-pw", "256", "--"])
        .arg(&plain)
        .arg(&locked)
        .status()
        .expect("qpdf is installed (packaging/test.sh installs it)");
    assert!(status.success());

    let open = |password: Option<&str>| {
        read_document(
            engine(),
            &locked,
            &OpenOptions {
                password: password.map(str::to_owned),
                ..OpenOptions::default()
            },
            |_| (),
        )
    };
    let Err(ocrdesk::pipeline::ReadError::Document(DocumentError::Encrypted {
        password_given: false, ..
    })) = open(None)
    else {
        panic!("an encrypted PDF opened without its password");
    };
    let err = open(Some("guess")).unwrap_err().to_string();
    assert!(err.contains("locked.pdf") && err.contains("password is wrong"), "{err}");
    let doc = open(Some("s3cret")).unwrap();
    assert_eq!(doc.pages[0].lines[0].text, "Invoice 2024-117");
}
