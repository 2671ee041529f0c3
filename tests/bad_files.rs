//! A corpus of bad inputs, built here: each one gives one clear error naming the
//! file and the reason, nothing panics, nothing is decoded that the limits
//! refuse, and a batch reads the good file among them.

mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Instant;

use common::{engine, page, temp_dir};
use image::{DynamicImage, ImageFormat};
use ocrdesk::analysis::Extract;
use ocrdesk::document::{MAX_FILE_BYTES, OpenOptions};
use ocrdesk::pipeline::{read_file, read_files};

fn encoded(format: ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(page(&["Bad files 17"], 28.0, 20.0))
        .write_to(&mut Cursor::new(&mut bytes), format)
        .unwrap();
    bytes
}

/// CRC-32 (ISO-HDLC) as PNG chunks need it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid PNG header claiming `width × height`, followed by a tiny image body:
/// a decompression bomb's shape, refused from the header alone.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    png
}

/// A JPEG cut right after its scan header: nothing of the image is left to decode.
fn jpeg_without_scan_data(jpeg: &[u8]) -> Vec<u8> {
    let sos = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).expect("a scan");
    let header = u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]) as usize;
    jpeg[..sos + 2 + header].to_vec()
}

/// (file name, bytes, a phrase its error must contain).
fn corpus() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let png = encoded(ImageFormat::Png);
    let jpeg = encoded(ImageFormat::Jpeg);
    let tiff = encoded(ImageFormat::Tiff);
    let mut flipped = png.clone();
    let mid = flipped.len() / 2;
    for b in &mut flipped[mid..mid + 64] {
        *b ^= 0x5A;
    }
    let mut tiny = Vec::new();
    DynamicImage::new_rgb8(10, 10)
        .write_to(&mut Cursor::new(&mut tiny), ImageFormat::Png)
        .unwrap();
    vec![
        ("empty.png", Vec::new(), "empty (0 bytes)"),
        ("cut.png", png[..png.len() / 2].to_vec(), "corrupt or truncated"),
        ("nodata.jpg", jpeg_without_scan_data(&jpeg), "truncated JPEG"),
        ("cut.tif", tiff[..tiff.len() / 3].to_vec(), "corrupt or truncated"),
        ("scrambled.png", flipped, "corrupt"),
        (
            "notes.png",
            b"Meeting notes, not an image.\n".to_vec(),
            "not an image format",
        ),
        (
            "drawing.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            "not an image format",
        ),
        (
            "archive.zip",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec(),
            "not an image format",
        ),
        ("bomb.png", png_claiming(100_000, 100_000), "too large"),
        ("wide.png", png_claiming(30_001, 20), "too large"),
        ("tiny.png", tiny, "too small"),
        ("fake.pdf", b"%PDF-1.4\n%%EOF\n".to_vec(), "PDF"),
    ]
}

#[test]
fn every_bad_file_gets_one_clear_error_naming_it() {
    let dir = temp_dir();
    for (name, bytes, reason) in corpus() {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let t = Instant::now();
        let err = match read_file(engine(), &path) {
            Ok(doc) => panic!("{name}: read as {} page(s) instead of failing", doc.pages.len()),
            Err(e) => e.to_string(),
        };
        assert!(
            err.contains(&path.display().to_string()),
            "{name}: error does not name the file: {err}"
        );
        assert!(err.contains(reason), "{name}: expected “{reason}” in: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: one line: {err}");
        // Refused from the header: nothing close to 10 G pixels was decoded.
        assert!(t.elapsed().as_secs_f32() < 5.0, "{name} took {:?}", t.elapsed());
    }
}

#[test]
fn missing_files_folders_and_oversized_files() {
    let dir = temp_dir();
    let missing = dir.path().join("gone.png");
    let err = read_file(engine(), &missing).unwrap_err().to_string();
    assert!(err.contains("gone.png") && err.contains("no such file"), "{err}");

    let err = read_file(engine(), dir.path()).unwrap_err().to_string();
    assert!(err.contains("is a folder"), "{err}");

    // A sparse file just over the size limit: refused before a byte is read.
    let huge = dir.path().join("huge.png");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let err = read_file(engine(), &huge).unwrap_err().to_string();
    assert!(err.contains("huge.png") && err.contains("over the"), "{err}");
}

#[test]
fn a_batch_reads_the_good_file_among_the_bad_ones() {
    let dir = temp_dir();
    let mut paths: Vec<PathBuf> = Vec::new();
    for (name, bytes, _) in corpus() {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        paths.push(path);
    }
    let good = dir.path().join("good.png");
    std::fs::write(&good, encoded(ImageFormat::Png)).unwrap();
    paths.insert(paths.len() / 2, good.clone());
    let mut outcomes: Vec<(PathBuf, Result<String, String>)> = Vec::new();
    read_files(
        engine(),
        &paths,
        &OpenOptions::default(),
        Extract::default(),
        2,
        &|_, _| (),
        |i, r| {
            outcomes.push((
                paths[i].clone(),
                r.map(|d| d.pages[0].text()).map_err(|e| e.to_string()),
            ));
        },
    );
    assert_eq!(outcomes.len(), paths.len());
    for (path, outcome) in outcomes {
        if path == good {
            assert_eq!(outcome.as_deref(), Ok("Bad files 17"));
        } else {
            assert!(outcome.is_err(), "{}", name_of(&path));
        }
    }
}

fn name_of(p: &Path) -> String {
    p.display().to_string()
}

/// A multi-line page saved as a JPEG, its bytes.
fn letter_jpeg() -> Vec<u8> {
    let lines = [
        "Dear Sir or Madam,",
        "we confirm the delivery of",
        "twelve pallets on Monday.",
        "Yours faithfully,",
        "Harbour Supplies Ltd",
    ];
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(page(&lines, 28.0, 20.0))
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Jpeg)
        .unwrap();
    bytes
}

#[test]
fn a_jpeg_without_its_end_marker_is_read_whole() {
    let jpeg = letter_jpeg();
    assert_eq!(&jpeg[jpeg.len() - 2..], [0xFF, 0xD9], "the encoder ends with EOI");
    let dir = temp_dir();
    let path = dir.path().join("no_eoi.jpg");
    std::fs::write(&path, &jpeg[..jpeg.len() - 2]).unwrap();
    let doc = read_file(engine(), &path).expect("read as image viewers read it");
    let page = &doc.pages[0];
    assert!(page.warnings.is_empty(), "the data is whole: {:?}", page.warnings);
    assert_eq!(page.lines.len(), 5, "{}", page.text());
    assert_eq!(page.lines[4].text, "Harbour Supplies Ltd");
}

#[test]
fn a_jpeg_cut_short_is_read_as_far_as_it_goes_with_a_warning() {
    let jpeg = letter_jpeg();
    let dir = temp_dir();
    let path = dir.path().join("half.jpg");
    std::fs::write(&path, &jpeg[..jpeg.len() / 2]).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ocrdesk"))
        .args(["ocr", path.to_str().unwrap()])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let page = &doc["pages"][0];
    let warning = page["warnings"][0].as_str().expect("a warning");
    let share: u32 = warning
        .strip_prefix("the image data ends early: the bottom ")
        .and_then(|rest| rest.strip_suffix("% of the image is blank"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{warning}"));
    assert!((20..=80).contains(&share), "{warning}");
    // What the data holds is read: the first line, from the top of the page.
    assert_eq!(page["lines"][0]["text"], "Dear Sir or Madam,", "{page}");
}
