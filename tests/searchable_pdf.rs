//! Searchable PDFs as readers see them: poppler's `pdftotext` and `pdfinfo`
//! read the text and the PDF/A identification back, `qpdf --check` the syntax.

mod common;

use std::path::Path;
use std::process::Command;

use common::pdf::{LETTER, Spec, write_pdf};
use common::{arg, ocrdesk, page, save, temp_dir};
use image::{ImageEncoder, Rgb, RgbImage};
use ocrdesk::export::pdf::{PageImage, PdfPage, searchable_pdf};
use ocrdesk::geometry::{Point, axis_aligned};
use ocrdesk::result::{Line, Page, PageOrientation, StageTimings, TextSource};

/// Runs a checking tool and returns what it printed.
fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (packaging/test.sh installs it): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Words separated by single spaces: layout whitespace aside, the same text.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads `image` with `--format pdf` and with `--format txt`; returns the PDF's path and the text.
fn read_both_ways(dir: &Path, image: &Path) -> (std::path::PathBuf, String) {
    let out = ocrdesk(&["ocr", "--format", "pdf", "--out", arg(dir), arg(image)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let txt = ocrdesk(&["ocr", "--format", "txt", arg(image)]);
    assert!(txt.status.success());
    let stem = image.file_stem().expect("stem").to_string_lossy();
    (
        dir.join(format!("{stem}.pdf")),
        String::from_utf8_lossy(&txt.stdout).into_owned(),
    )
}

const INVOICE: [&str; 4] = [
    "INVOICE 2026-117",
    "Archive boxes 86.00",
    "Total due 206.00",
    "Paid by card",
];

#[test]
fn a_scan_becomes_a_valid_pdf_a_whose_text_is_the_text_read() {
    let dir = temp_dir();
    let image = save(&page(&INVOICE, 32.0, 40.0), dir.path(), "invoice.png");
    let (pdf, txt) = read_both_ways(dir.path(), &image);
    assert_eq!(words(&txt), words(&INVOICE.join("\n")), "the OCR itself");
    assert_eq!(words(&tool("pdftotext", &[arg(&pdf), "-"])), words(&txt));
    assert!(tool("qpdf", &["--check", arg(&pdf)]).contains("No syntax or stream encoding errors"));
    let meta = tool("pdfinfo", &["-meta", arg(&pdf)]);
    assert!(meta.contains("<pdfaid:part>2</pdfaid:part>"), "{meta}");
    assert!(meta.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "{meta}");
    let info = tool("pdfinfo", &[arg(&pdf)]);
    assert!(info.contains("Title:           invoice"), "{info}");
    assert!(info.contains("Producer:        OCR Desk"), "{info}");

    // Every word pdftotext finds lies inside the box of the line it belongs to.
    let json = ocrdesk(&["ocr", arg(&image)]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    // No resolution in the PNG: 300 dpi, 72/300 points a pixel.
    let scale = 72.0 / 300.0;
    let boxes: Vec<(String, [f64; 4])> = doc["pages"][0]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            let xs: Vec<f64> = (0..4).map(|i| l["box"][i][0].as_f64().unwrap() * scale).collect();
            let ys: Vec<f64> = (0..4).map(|i| l["box"][i][1].as_f64().unwrap() * scale).collect();
            let min = |v: &[f64]| v.iter().copied().fold(f64::MAX, f64::min);
            let max = |v: &[f64]| v.iter().copied().fold(f64::MIN, f64::max);
            (
                l["text"].as_str().unwrap().to_owned(),
                [min(&xs), min(&ys), max(&xs), max(&ys)],
            )
        })
        .collect();
    let bbox = tool("pdftotext", &["-bbox", arg(&pdf), "-"]);
    let mut placed = 0;
    let found = bbox_words(&bbox);
    for (word, [x0, y0, x1, y1]) in &found {
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let inside = boxes.iter().any(|(text, [bx0, by0, bx1, by1])| {
            text.split_whitespace().any(|w| w == word) && *bx0 <= cx && cx <= *bx1 && *by0 <= cy && cy <= *by1
        });
        placed += usize::from(inside);
    }
    assert_eq!(
        found.len(),
        INVOICE.iter().map(|l| l.split_whitespace().count()).sum::<usize>()
    );
    assert_eq!(placed, found.len(), "words outside their line's box:\n{bbox}");
}

/// `(word, [x_min, y_min, x_max, y_max])` of each `<word …>` in `pdftotext -bbox` output.
fn bbox_words(html: &str) -> Vec<(String, [f64; 4])> {
    html.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("<word ")?;
            let (attrs, tail) = rest.split_once('>')?;
            let word = tail.strip_suffix("</word>")?.to_owned();
            let value = |name: &str| -> Option<f64> {
                let at = attrs.find(&format!("{name}=\""))? + name.len() + 2;
                attrs[at..].split('"').next()?.parse().ok()
            };
            Some((word, [value("xMin")?, value("yMin")?, value("xMax")?, value("yMax")?]))
        })
        .collect()
}

#[test]
fn a_jpeg_goes_in_byte_for_byte_and_a_sideways_page_reads_in_order() {
    let dir = temp_dir();
    let sideways = image::imageops::rotate90(&page(&INVOICE, 32.0, 40.0));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .write_image(
            sideways.as_raw(),
            sideways.width(),
            sideways.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("encodes");
    let image = dir.path().join("sideways.jpg");
    std::fs::write(&image, &jpeg).expect("written");
    let (pdf, txt) = read_both_ways(dir.path(), &image);
    let bytes = std::fs::read(&pdf).expect("PDF written");
    assert!(
        bytes.windows(jpeg.len()).any(|w| w == jpeg.as_slice()),
        "the JPEG is embedded unchanged"
    );
    assert!(
        bytes.len() as f64 <= 1.3 * jpeg.len() as f64 + 8_000.0,
        "{} bytes for a {}-byte JPEG",
        bytes.len(),
        jpeg.len()
    );
    assert_eq!(words(&txt), words(&INVOICE.join("\n")));
    // Shown upright, as it reads.
    assert!(tool("pdfinfo", &[arg(&pdf)]).contains("Page rot:        270"));
    assert_eq!(words(&tool("pdftotext", &[arg(&pdf), "-"])), words(&txt));
}

/// `pdfimages -list` of `pdf` without the object numbers (renumbered when
/// copied) and the interpolation flag (PDF/A forbids it): each picture's page,
/// size, colour, encoding, resolution and byte count.
fn pictures(pdf: &Path) -> Vec<String> {
    tool("pdfimages", &["-list", arg(pdf)])
        .lines()
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row.split_whitespace().collect();
            // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
            [&cells[..9], &cells[12..15]].concat().join(" ")
        })
        .collect()
}

/// Page `number` of `pdf` as poppler renders it (grey, 50 dpi, PGM bytes).
fn rendered(pdf: &Path, number: usize) -> Vec<u8> {
    let n = number.to_string();
    let out = Command::new("pdftoppm")
        .args(["-r", "50", "-gray", "-f", &n, "-l", &n, arg(pdf)])
        .output()
        .expect("pdftoppm runs (packaging/test.sh installs it)");
    assert!(
        out.status.success() && !out.stdout.is_empty(),
        "pdftoppm renders page {number}"
    );
    out.stdout
}

#[test]
fn a_scanned_pdf_keeps_its_own_pictures_under_the_text_read() {
    let dir = temp_dir();
    let scanned = write_pdf(
        dir.path(),
        "scanned.pdf",
        &[Spec::Scan(&["First page 101"]), Spec::Scan(&["Second page 202"])],
        false,
    );
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("folder");
    let (pdf, txt) = read_both_ways(&out_dir, &scanned);
    let info = tool("pdfinfo", &[arg(&pdf)]);
    assert!(info.contains("Pages:           2"), "{info}");
    // The pages keep the original's size (US Letter) and its pictures, byte for
    // byte: nothing is rendered again or re-encoded.
    assert!(
        info.contains(&format!("Page size:       {} x {} pts", LETTER.0, LETTER.1)),
        "{info}"
    );
    assert_eq!(pictures(&pdf), pictures(&scanned));
    for page in 1..=2 {
        assert!(
            rendered(&pdf, page) == rendered(&scanned, page),
            "page {page} looks as it did"
        );
    }
    assert_eq!(words(&tool("pdftotext", &[arg(&pdf), "-"])), words(&txt));
    assert!(
        words(&txt).contains("First page 101") && words(&txt).contains("Second page 202"),
        "{txt}"
    );
    assert!(tool("qpdf", &["--check", arg(&pdf)]).contains("No syntax or stream encoding errors"));
    assert!(tool("pdfinfo", &["-meta", arg(&pdf)]).contains("<pdfaid:part>2</pdfaid:part>"));
}

#[test]
fn a_typed_page_is_copied_unchanged_and_a_sideways_scan_is_turned_upright() {
    let dir = temp_dir();
    let mixed = write_pdf(
        dir.path(),
        "mixed.pdf",
        &[
            Spec::Scan(&["Turned page 101"]),
            Spec::Text(&[("Typed page 202", 72.0, 100.0, 14.0)]),
            Spec::Scan(&["Third page 303"]),
        ],
        true,
    );
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("folder");
    let out = ocrdesk(&["ocr", "--format", "pdf", "--out", arg(&out_dir), arg(&mixed)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = out_dir.join("mixed.pdf");
    // The typed page's Helvetica is not embedded, which PDF/A forbids: the file
    // is written as a plain PDF, and the note says why.
    let notes = String::from_utf8_lossy(&out.stderr);
    assert!(
        notes.contains("fonts not embedded (Helvetica)") && notes.contains("not as PDF/A"),
        "{notes}"
    );
    assert!(!tool("pdfinfo", &["-meta", arg(&pdf)]).contains("pdfaid"));
    assert_eq!(pictures(&pdf), pictures(&mixed));
    for page in 2..=3 {
        assert!(
            rendered(&pdf, page) == rendered(&mixed, page),
            "page {page} looks as it did"
        );
    }
    // The first page lay sideways (/Rotate 90 over an upright scan): it is shown upright.
    let first = tool("pdfinfo", &["-f", "1", "-l", "1", arg(&mixed)]);
    assert!(first.contains("Page    1 rot:   90"), "{first}");
    let first = tool("pdfinfo", &["-f", "1", "-l", "1", arg(&pdf)]);
    assert!(first.contains("Page    1 rot:   0"), "{first}");
    let txt = ocrdesk(&["ocr", "--format", "txt", arg(&mixed)]);
    let txt = String::from_utf8_lossy(&txt.stdout);
    let text = words(&tool("pdftotext", &[arg(&pdf), "-"]));
    assert_eq!(text, words(&txt));
    for phrase in ["Turned page 101", "Typed page 202", "Third page 303"] {
        assert_eq!(text.matches(phrase).count(), 1, "{phrase} once in {text}");
    }
    assert!(tool("qpdf", &["--check", arg(&pdf)]).contains("No syntax or stream encoding errors"));
}

fn line(text: &str, quad: [Point; 4]) -> Line {
    Line::read(text.to_owned(), quad, 0.99, 0.99)
}

fn page_of(width: u32, height: u32, lines: Vec<Line>) -> Page {
    Page {
        index: 0,
        width,
        height,
        orientation: PageOrientation::default(),
        source: TextSource::Ocr,
        lines,
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
fn any_script_and_any_angle_is_searchable_and_corrections_are_used() {
    let white = RgbImage::from_pixel(800, 600, Rgb([255, 255, 255]));
    let mut corrected = line("Tota1 due", axis_aligned(40.0, 420.0, 400.0, 460.0));
    corrected.edit("Total due");
    let [a, b, c, d] = axis_aligned(600.0, 100.0, 640.0, 500.0);
    let p = page_of(
        800,
        600,
        vec![
            line("发票号码 12345", axis_aligned(40.0, 40.0, 400.0, 80.0)),
            line("Ünïcödé façade", axis_aligned(40.0, 140.0, 400.0, 180.0)),
            line("𝔸𝔹 outside the BMP", axis_aligned(40.0, 240.0, 400.0, 280.0)),
            // Read top to bottom: a line turned a quarter clockwise.
            line("sideways line", [b, c, d, a]),
            corrected,
        ],
    );
    let bytes = searchable_pdf(
        "scripts",
        &[PdfPage {
            page: &p,
            image: PageImage::Pixels {
                image: &white,
                lossless: true,
            },
            size: (576.0, 432.0),
        }],
    )
    .expect("written");
    let dir = temp_dir();
    let pdf = dir.path().join("scripts.pdf");
    std::fs::write(&pdf, &bytes).expect("written");
    let text = words(&tool("pdftotext", &[arg(&pdf), "-"]));
    for expected in [
        "发票号码 12345",
        "Ünïcödé façade",
        "𝔸𝔹 outside the BMP",
        "sideways line",
        "Total due",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text:?}");
    }
    assert!(!text.contains("Tota1"), "the correction replaces what was read");
    assert!(tool("qpdf", &["--check", arg(&pdf)]).contains("No syntax or stream encoding errors"));
}

/// `page`'s searchable PDF on a white image, one point a pixel, and where it was written.
fn pdf_of(name: &str, page: &Page, dir: &Path) -> std::path::PathBuf {
    let white = RgbImage::from_pixel(page.width, page.height, Rgb([255, 255, 255]));
    let bytes = searchable_pdf(
        name,
        &[PdfPage {
            page,
            image: PageImage::Pixels {
                image: &white,
                lossless: true,
            },
            size: (page.width as f32, page.height as f32),
        }],
    )
    .expect("written");
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&pdf, &bytes).expect("written");
    pdf
}

#[test]
fn pdftotext_reads_a_form_row_by_row_and_wide_set_columns_one_after_the_other() {
    let dir = temp_dir();
    // A form: each label far left of its value. Text readers part a row at a gap
    // over 0.7 em and read all labels before all values, unless the row is bridged.
    let rows = [
        ("Name:", "Jane Doe"),
        ("Date:", "2026-12-02"),
        ("Amount:", "86.00"),
        ("Account:", "4410-22"),
        ("Paid by:", "card"),
    ];
    let mut lines = Vec::new();
    for (i, (label, value)) in rows.iter().enumerate() {
        let top = 40.0 + 40.0 * i as f32;
        let label_end = 40.0 + 16.0 * label.len() as f32;
        lines.push(line(label, axis_aligned(40.0, top, label_end, top + 30.0)));
        let value_end = 500.0 + 16.0 * value.len() as f32;
        lines.push(line(value, axis_aligned(500.0, top, value_end, top + 30.0)));
    }
    let form = page_of(800, 260, lines);
    let pdf = pdf_of("form", &form, dir.path());
    let expected = "Name: Jane Doe Date: 2026-12-02 Amount: 86.00 Account: 4410-22 Paid by: card";
    assert_eq!(words(&tool("pdftotext", &[arg(&pdf), "-"])), expected);
    // The bridges are blank: every word pdftotext places is a word read, on its line.
    for (word, [x0, y0, x1, y1]) in bbox_words(&tool("pdftotext", &["-bbox", arg(&pdf), "-"])) {
        if word.trim().is_empty() {
            continue;
        }
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let on_its_line = form.lines.iter().any(|l| {
            let [tl, _, br, _] = l.quad;
            l.text.split_whitespace().any(|w| w == word)
                && f64::from(tl.x) <= cx
                && cx <= f64::from(br.x)
                && f64::from(tl.y) <= cy
                && cy <= f64::from(br.y)
        });
        assert!(on_its_line, "{word:?} at ({cx}, {cy})");
    }

    // Two columns of Chinese text set with wide leading (20 px lines, 36 px apart):
    // with the lines' height as font size, text readers take each line for a block
    // of its own and interleave the columns row by row.
    let columns = [
        ["一二三四五六七", "八九十百千万亿", "甲乙丙丁戊己庚"],
        ["子丑寅卯辰巳午", "未申酉戌亥天地", "春夏秋冬东南西"],
    ];
    let mut lines = Vec::new();
    for (c, column) in columns.iter().enumerate() {
        let left = 40.0 + 420.0 * c as f32;
        for (i, text) in column.iter().enumerate() {
            let top = 40.0 + 36.0 * i as f32;
            lines.push(line(text, axis_aligned(left, top, left + 280.0, top + 20.0)));
        }
    }
    let pdf = pdf_of("columns", &page_of(800, 200, lines), dir.path());
    let expected = columns.iter().flatten().copied().collect::<Vec<_>>().join(" ");
    assert_eq!(words(&tool("pdftotext", &[arg(&pdf), "-"])), expected);
}

#[test]
fn a_black_and_white_a4_scan_at_300_dpi_stays_under_100_kb() {
    // A4 at 300 dpi, 60 lines of 11-point text in pure black and white.
    let mut a4 = RgbImage::from_pixel(2480, 3508, Rgb([255, 255, 255]));
    let text = page(
        &["The quick brown fox jumps over the lazy dog 0123456789 and again, more text to fill"; 60],
        46.0,
        0.0,
    );
    image::imageops::replace(&mut a4, &text, 150, 200);
    for p in a4.pixels_mut() {
        let ink = p.0[0] < 128;
        *p = Rgb(if ink { [0; 3] } else { [255; 3] });
    }
    let p = page_of(2480, 3508, Vec::new());
    let bytes = searchable_pdf(
        "a4",
        &[PdfPage {
            page: &p,
            image: PageImage::Pixels {
                image: &a4,
                lossless: true,
            },
            size: (595.2, 841.92),
        }],
    )
    .expect("written");
    assert!(bytes.len() < 100_000, "{} bytes", bytes.len());
    let dir = temp_dir();
    let pdf = dir.path().join("a4.pdf");
    std::fs::write(&pdf, &bytes).expect("written");
    let images = tool("pdfimages", &["-list", arg(&pdf)]);
    assert!(images.contains("ccitt"), "{images}");
}

#[test]
fn a_skewed_scan_is_shown_level_and_its_lines_stay_whole() {
    let dir = temp_dir();
    let lines = [
        "Minutes of the meeting",
        "held on 3 March 2026",
        "Present: five members",
        "Apologies: none received",
        "Next meeting in April",
        "Signed by the chair",
    ];
    let (skewed, _) = ocrdesk::imaging::turn(&page(&lines, 30.0, 40.0), 3.0);
    let image = save(&skewed, dir.path(), "skewed.png");
    let (pdf, txt) = read_both_ways(dir.path(), &image);
    assert_eq!(words(&txt), words(&lines.join("\n")), "the OCR itself");
    // pdftotext keeps every line whole and in order: the text lies level.
    assert_eq!(words(&tool("pdftotext", &[arg(&pdf), "-"])), words(&txt));
    // The page holds the whole turned image: larger than the image at 300 dpi.
    let info = tool("pdfinfo", &[arg(&pdf)]);
    let size = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .expect("page size");
    let width: f32 = size.split_whitespace().next().expect("width").parse().expect("number");
    assert!(width > skewed.width() as f32 * 72.0 / 300.0, "{info}");
}

#[test]
fn a_pdf_written_where_its_input_lies_never_replaces_it() {
    let dir = temp_dir();
    let scanned = write_pdf(dir.path(), "scan.pdf", &[Spec::Scan(&["Keep me 404"])], false);
    let before = std::fs::read(&scanned).expect("read");
    let out = ocrdesk(&["ocr", "--format", "pdf", "--out", arg(dir.path()), arg(&scanned)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("scan.pdf: the output would replace the input"),
        "{stderr}"
    );
    assert!(
        std::fs::read(&scanned).expect("read") == before,
        "the input is untouched"
    );
}
