//! Golden end-to-end outputs: a dozen documents (drawn here, plus the sample
//! invoice) go through the whole pipeline — open, read, every analysis — and
//! their JSON must equal `tests/golden/NAME.json`. The safety net for moving
//! code: a refactor that changes any line, box, field or table shows here.
//!
//! Timings are left out and numbers rounded (boxes to 0.1 px, scores to 0.001),
//! so that only what a user sees counts. After a change that is meant to change
//! results, refresh them with one command and review the diff:
//!
//! `UPDATE_GOLDEN=1 cargo test --test golden`

mod common;

use std::path::{Path, PathBuf};

use common::pdf::{Spec, write_pdf};
use common::{draw_text, engine, page, passport_specimen, price_list, save, stack, temp_dir};
use image::{Rgb, RgbImage};
use ocrdesk::analysis::Extract;
use ocrdesk::document::OpenOptions;
use ocrdesk::export;
use ocrdesk::pipeline::read_and_extract;
use serde_json::Value;

const LETTER: &[&str] = &[
    "Delivery note 4471",
    "Customer: Harbour Supplies Ltd",
    "Pallets received: 12 of 12",
    "Signed at the gate, 08:40",
];

/// The documents, each written to `dir` as a user would hand it over.
fn documents(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let letter = page(LETTER, 30.0, 40.0);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample.png");

    let mut columns = RgbImage::from_pixel(900, 260, Rgb([255, 255, 255]));
    for (row, (left, right)) in [
        ("Opening hours", "Contact"),
        ("Mon-Fri 8-18", "+44 20 7946 0958"),
        ("Sat 9-13", "desk@example.org"),
    ]
    .iter()
    .enumerate()
    {
        draw_text(&mut columns, left, 40.0, 40.0 + row as f32 * 70.0, 30.0);
        draw_text(&mut columns, right, 500.0, 40.0 + row as f32 * 70.0, 30.0);
    }

    let mut borderless = RgbImage::from_pixel(820, 330, Rgb([255, 255, 255]));
    for (row, cells) in [
        ["Item", "Qty", "Price"],
        ["Tea", "2", "5.00"],
        ["Cake", "1", "4.00"],
        ["Total", "", "9.00"],
    ]
    .iter()
    .enumerate()
    {
        for (column, text) in cells.iter().enumerate() {
            draw_text(
                &mut borderless,
                text,
                40.0 + column as f32 * 300.0,
                30.0 + row as f32 * 70.0,
                30.0,
            );
        }
    }

    let passport = passport_specimen();

    let card = page(
        &[
            "Jane Smith, Customs Broker",
            "Tel +44 20 7946 0958",
            "jane.smith@harbour.example",
            "www.harbour.example",
            "221B Baker Street, London NW1 6XE",
        ],
        28.0,
        40.0,
    );
    let form = page(
        &[
            "Application form",
            "Name: Jane Smith",
            "Date of birth: 12 JAN 1974",
            "Invoice No: INV-2023-0042",
            "TOTAL 80.00",
        ],
        28.0,
        40.0,
    );
    let returns = page(&["Goods returned: 2 crates", "Credit note 0093 to follow"], 30.0, 40.0);
    let head_to_foot = stack(&[&letter, &image::imageops::rotate180(&returns)]);
    let (skewed, _) = ocrdesk::imaging::turn(&letter, 7.0);

    let pdf = write_pdf(
        dir,
        "invoice.pdf",
        &[
            Spec::Text(&[
                ("Invoice 2024-117", 72.0, 100.0, 20.0),
                ("Total due: 1,250.00 EUR", 72.0, 140.0, 12.0),
            ]),
            Spec::Scan(&["Scanned page 2", "Order 5521"]),
        ],
        false,
    );
    vec![
        ("sample", sample),
        ("letter", save(&letter, dir, "letter.png")),
        ("columns", save(&columns, dir, "columns.png")),
        (
            "turned_90",
            save(&image::imageops::rotate90(&letter), dir, "turned_90.png"),
        ),
        ("skewed_7", save(&skewed, dir, "skewed_7.png")),
        ("head_to_foot", save(&head_to_foot, dir, "head_to_foot.png")),
        ("ruled_table", save(&price_list(400), dir, "ruled_table.png")),
        ("borderless_table", save(&borderless, dir, "borderless_table.png")),
        ("passport", save(&passport, dir, "passport.png")),
        ("business_card", save(&card, dir, "business_card.png")),
        ("form", save(&form, dir, "form.png")),
        ("invoice_pdf", pdf),
    ]
}

/// What a user sees of a document: no timings, the file's name for its source,
/// numbers rounded past what a run-to-run difference could touch.
fn comparable(mut json: Value, name: &str) -> Value {
    if let Some(doc) = json.as_object_mut() {
        doc.insert("source".into(), Value::String(name.into()));
    }
    strip(&mut json);
    json
}

fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("timings");
            for (key, v) in map.iter_mut() {
                match (key.as_str(), &*v) {
                    // Boxes, edges and sizes in pixels: a tenth of a pixel.
                    ("box" | "bbox" | "row_edges" | "column_edges" | "skew" | "turned", _) => round_all(v, 10.0),
                    // Scores between 0 and 1: a thousandth.
                    ("confidence" | "detection_score", _) => round_all(v, 1000.0),
                    _ => strip(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

fn round_all(value: &mut Value, scale: f64) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| !n.is_i64() && !n.is_u64()) {
                let rounded = (f * scale).round() / scale;
                *value = serde_json::Number::from_f64(rounded).map_or(Value::Null, Value::Number);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| round_all(v, scale)),
        _ => {}
    }
}

#[test]
fn every_golden_document_reads_as_recorded() {
    let dir = temp_dir();
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut changed = Vec::new();
    for (name, path) in documents(dir.path()) {
        let doc = read_and_extract(engine(), &path, &OpenOptions::default(), Extract::ALL, |_| ())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let json: Value = serde_json::from_str(&export::to_json(&doc)).expect("JSON");
        let actual = comparable(json, name);
        let golden = golden_dir.join(format!("{name}.json"));
        let pretty = serde_json::to_string_pretty(&actual).expect("JSON") + "\n";
        if update {
            std::fs::create_dir_all(&golden_dir).expect("tests/golden");
            std::fs::write(&golden, &pretty).expect("golden written");
            continue;
        }
        let expected: Value = std::fs::read_to_string(&golden)
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_else(|| {
                panic!(
                    "{} is missing: run `UPDATE_GOLDEN=1 cargo test --test golden`",
                    golden.display()
                )
            });
        if expected != actual {
            let seen = dir.path().join(format!("{name}.actual.json"));
            std::fs::write(&seen, &pretty).expect("actual written");
            changed.push(format!(
                "{name}: differs from {} (got: {})",
                golden.display(),
                seen.display()
            ));
        }
    }
    // Keep the differing outputs to look at: the folder outlives a failure.
    if !changed.is_empty() {
        let kept = dir.keep();
        panic!(
            "{} golden output(s) changed (kept in {}):\n{}\nIf the change is meant, run `UPDATE_GOLDEN=1 cargo test --test golden` and review the diff.",
            changed.len(),
            kept.display(),
            changed.join("\n")
        );
    }
}
