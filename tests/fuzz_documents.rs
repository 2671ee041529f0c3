//! Fuzzing the document openers with proptest: valid PNG, JPEG, TIFF, GIF, BMP,
//! WebP, PCX, PSD and PDF files are mutated (bit flips, overwritten bytes and
//! 32-bit fields, insertions, deletions, duplicated runs, truncation, splices
//! between formats) and opened. Every input must come back as pages or as an
//! error, never a panic, and within a time limit (no hangs).
//!
//! CI runs 3,000 inputs. The full run:
//! `FUZZ_CASES=100000 cargo test --release --test fuzz_documents -- --nocapture`

mod common;

use std::cell::Cell;
use std::io::Cursor;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::page;
use image::{DynamicImage, ImageFormat};
use ocrdesk::document::{OpenOptions, for_each_page_of, pdf::pdfium};
use pdfium_render::prelude::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Longest any single input may take to open.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// One valid file per format: (name, bytes). Small, so each input opens fast.
fn seeds() -> &'static [(&'static str, Vec<u8>)] {
    static SEEDS: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let img = DynamicImage::ImageRgb8(page(&["Fuzz 42"], 16.0, 6.0));
        let encode = |format: ImageFormat| {
            let mut bytes = Vec::new();
            img.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
            bytes
        };
        let mut tiff = Vec::new();
        {
            use tiff::encoder::{TiffEncoder, colortype};
            let rgb = img.to_rgb8();
            let grey = img.to_luma8();
            let mut enc = TiffEncoder::new(Cursor::new(&mut tiff)).unwrap();
            enc.write_image::<colortype::RGB8>(rgb.width(), rgb.height(), rgb.as_raw())
                .unwrap();
            enc.write_image::<colortype::Gray8>(grey.width(), grey.height(), grey.as_raw())
                .unwrap();
        }
        let mut pcx = Vec::new();
        {
            let rgb = img.to_rgb8();
            let mut w = pcx::WriterRgb::new(
                Cursor::new(&mut pcx),
                (rgb.width() as u16, rgb.height() as u16),
                (300, 300),
            )
            .unwrap();
            for row in rgb.as_raw().chunks(rgb.width() as usize * 3) {
                w.write_row(row).unwrap();
            }
            w.finish().unwrap();
        }
        vec![
            ("seed.png", encode(ImageFormat::Png)),
            ("seed.jpg", encode(ImageFormat::Jpeg)),
            ("seed.gif", encode(ImageFormat::Gif)),
            ("seed.bmp", encode(ImageFormat::Bmp)),
            ("seed.webp", encode(ImageFormat::WebP)),
            ("seed.tif", tiff),
            ("seed.pcx", pcx),
            ("seed.psd", common::psd_bytes(&img.to_rgb8())),
            ("seed.pdf", pdf()),
        ]
    })
}

/// A two-page PDF: a text page and an image page.
fn pdf() -> Vec<u8> {
    let pdfium = pdfium().expect("PDFium");
    let mut doc = pdfium.create_new_pdf().unwrap();
    let font = doc.fonts_mut().helvetica();
    let size = PdfPagePaperSize::from_points(PdfPoints::new(200.0), PdfPoints::new(100.0));
    let mut text_page = doc.pages_mut().create_page_at_end(size).unwrap();
    text_page
        .objects_mut()
        .create_text_object(
            PdfPoints::new(10.0),
            PdfPoints::new(50.0),
            "Fuzz 42",
            font,
            PdfPoints::new(14.0),
        )
        .unwrap();
    let mut image_page = doc.pages_mut().create_page_at_end(size).unwrap();
    let img = DynamicImage::ImageRgb8(page(&["Fuzz 42"], 16.0, 6.0));
    image_page
        .objects_mut()
        .create_image_object(
            PdfPoints::new(0.0),
            PdfPoints::new(0.0),
            &img,
            Some(PdfPoints::new(200.0)),
            None,
        )
        .unwrap();
    doc.save_to_bytes().unwrap()
}

/// One change to a file. Positions are fractions of its length, so every
/// change applies to any file.
#[derive(Clone, Debug)]
enum Mutation {
    FlipBit(f64, u8),
    SetByte(f64, u8),
    SetU32(f64, u32),
    Insert(f64, Vec<u8>),
    Delete(f64, usize),
    Duplicate(f64, usize),
    Truncate(f64),
    /// Splice the tail of another seed in at this point.
    Splice(f64, usize, f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        4 => (at.clone(), 0..8u8).prop_map(|(p, b)| Mutation::FlipBit(p, b)),
        3 => (at.clone(), any::<u8>()).prop_map(|(p, v)| Mutation::SetByte(p, v)),
        2 => (at.clone(), prop_oneof![Just(0u32), Just(u32::MAX), Just(0x7FFF_FFFF), Just(0x8000_0000), Just(65_535), any::<u32>()])
            .prop_map(|(p, v)| Mutation::SetU32(p, v)),
        1 => (at.clone(), proptest::collection::vec(any::<u8>(), 1..64)).prop_map(|(p, b)| Mutation::Insert(p, b)),
        1 => (at.clone(), 1..256usize).prop_map(|(p, n)| Mutation::Delete(p, n)),
        1 => (at.clone(), 1..256usize).prop_map(|(p, n)| Mutation::Duplicate(p, n)),
        1 => at.clone().prop_map(Mutation::Truncate),
        1 => (at.clone(), 0..9usize, at).prop_map(|(p, s, q)| Mutation::Splice(p, s, q)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let pos = |f: f64, len: usize| ((f * len as f64) as usize).min(len.saturating_sub(1));
    let len = bytes.len();
    if len == 0 {
        return;
    }
    match m {
        Mutation::FlipBit(f, bit) => bytes[pos(*f, len)] ^= 1 << bit,
        Mutation::SetByte(f, v) => bytes[pos(*f, len)] = *v,
        Mutation::SetU32(f, v) => {
            let p = pos(*f, len.saturating_sub(3).max(1));
            for (i, b) in v.to_be_bytes().iter().enumerate() {
                if let Some(slot) = bytes.get_mut(p + i) {
                    *slot = *b;
                }
            }
        }
        Mutation::Insert(f, data) => {
            let p = pos(*f, len);
            bytes.splice(p..p, data.iter().copied());
        }
        Mutation::Delete(f, n) => {
            let p = pos(*f, len);
            bytes.drain(p..(p + n).min(len));
        }
        Mutation::Duplicate(f, n) => {
            let p = pos(*f, len);
            let run: Vec<u8> = bytes[p..(p + n).min(len)].to_vec();
            bytes.splice(p..p, run);
        }
        Mutation::Truncate(f) => bytes.truncate(pos(*f, len)),
        Mutation::Splice(f, seed, from) => {
            let other = &seeds()[*seed % seeds().len()].1;
            let p = pos(*f, len);
            let q = pos(*from, other.len());
            bytes.truncate(p);
            bytes.extend_from_slice(&other[q..]);
        }
    }
}

#[test]
fn mutated_documents_open_or_fail_cleanly() {
    let cases: u32 = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let options = OpenOptions {
        pdf_dpi: 72.0,
        ..OpenOptions::default()
    };
    let (opened, refused, slowest) = (Cell::new(0u32), Cell::new(0u32), Cell::new(Duration::ZERO));
    // Panics inside a third-party decoder that the opener caught and reported.
    let caught = Cell::new(0u32);
    let strategy = (0..seeds().len(), proptest::collection::vec(mutation(), 1..6));
    runner
        .run(&strategy, |(seed, mutations)| {
            let (name, original) = &seeds()[seed];
            let mut bytes = original.clone();
            for m in &mutations {
                apply(&mut bytes, m);
            }
            let t = Instant::now();
            // Any panic inside fails the case; proptest then shrinks it to a minimal input.
            let result = for_each_page_of(Path::new(name), &bytes, &options, |_| ControlFlow::Continue(()));
            let took = t.elapsed();
            slowest.set(slowest.get().max(took));
            match result {
                Ok(_) => opened.set(opened.get() + 1),
                Err(e) => {
                    refused.set(refused.get() + 1);
                    caught.set(caught.get() + e.to_string().contains("the decoder failed") as u32);
                    prop_assert!(e.to_string().contains(name), "error does not name the file: {e}");
                }
            }
            prop_assert!(took < TIME_LIMIT, "{name} with {mutations:?} took {took:?}");
            Ok(())
        })
        .unwrap();
    println!(
        "fuzzed {} inputs: {opened} opened, {refused} refused with an error ({caught} of them a decoder panic caught by the opener), 0 panics escaped, slowest {:.1} ms",
        opened.get() + refused.get(),
        slowest.get().as_secs_f64() * 1000.0,
        opened = opened.get(),
        refused = refused.get(),
        caught = caught.get(),
    );
    assert_eq!(opened.get() + refused.get(), cases);
}
