//! Contact and label/value extraction on the SROIE receipts in
//! `../shared/eval/docs` (or DIR), whose truth names each receipt's date,
//! address and total: for each, whether we found it and whether it matches.
//! - date: our `date` field against the truth date, both in ISO 8601 (a truth
//!   date whose day and month could be either way round is compared as printed);
//! - address: our first `address` against the truth, compared on letters and
//!   digits only (the truth drops line breaks and some commas), as a similarity;
//! - total: our `total` field against the truth amount (currency signs dropped
//!   from both);
//! - company: our `company` against the truth, right when their letters and
//!   digits are the same.
//!
//! `cargo run --release --example fields_eval -- [DIR]`

use std::path::PathBuf;

use ocrdesk::analysis::dates::find_date;
use ocrdesk::analysis::{Extract, extract};
use ocrdesk::{EngineOptions, OcrEngine, document};
use serde_json::Value;

fn letters_and_digits(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/eval/docs")));
    let engine = OcrEngine::new(EngineOptions::default())?;
    let mut images: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.starts_with("sroie_") && !name.ends_with(".json")
        })
        .collect();
    images.sort();
    let (mut n, mut dates_found, mut dates_right, mut totals_right) = (0, 0, 0, 0);
    let (mut addresses_found, mut address_similarity, mut addresses_close) = (0, 0.0, 0);
    let mut companies_right = 0;
    for image in &images {
        let name = image
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(truth) = std::fs::read(image.with_file_name(format!("{name}.gt.json"))) else {
            continue;
        };
        let truth: Value = serde_json::from_slice(&truth)?;
        let truth = &truth["fields"];
        let pages = document::open(image)?;
        let Some(page) = pages.into_iter().next() else { continue };
        let text = engine.read(&page.image)?;
        let mut result = ocrdesk::Page {
            index: 0,
            width: page.image.width(),
            height: page.image.height(),
            orientation: text.orientation,
            source: ocrdesk::TextSource::Ocr,
            lines: text.lines,
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: Vec::new(),
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: text.timings,
        };
        extract(&mut result, Some(&page.image), text.level_view.as_ref(), Extract::ALL);
        let ours = |field: &str| result.fields.iter().find(|f| f.name == field).map(|f| f.value.clone());
        n += 1;
        let truth_date = truth["date"].as_str().unwrap_or_default();
        let date = ours("date");
        let expected = find_date(truth_date).unwrap_or_else(|| truth_date.to_owned());
        dates_found += usize::from(date.is_some());
        let date_ok = date.as_deref() == Some(expected.as_str())
            || date
                .as_ref()
                .is_some_and(|d| find_date(d).is_none() && d.contains(truth_date));
        dates_right += usize::from(date_ok);
        let amount = |t: &str| t.replace(['R', 'M', '$', ' ', ','], "");
        let total = ours("total").map(|t| amount(&t));
        let total_ok = total.as_deref() == Some(amount(truth["total"].as_str().unwrap_or("-")).as_str());
        totals_right += usize::from(total_ok);
        // The seller's address: the one the receipt reading found, else the first.
        let address = result
            .fields
            .iter()
            .find(|f| f.name == "address" && f.source == ocrdesk::result::FieldSource::Fields)
            .map(|f| f.value.clone())
            .or_else(|| ours("address"));
        let similarity = address.as_deref().map_or(0.0, |a| {
            strsim::normalized_levenshtein(
                &letters_and_digits(a),
                &letters_and_digits(truth["address"].as_str().unwrap_or_default()),
            )
        });
        addresses_found += usize::from(address.is_some());
        address_similarity += similarity;
        // The goal's bar for an address that needs no correction.
        addresses_close += usize::from(similarity >= 0.9);
        let company = ours("company");
        let company_ok = company.as_deref().map(letters_and_digits)
            == Some(letters_and_digits(truth["company"].as_str().unwrap_or_default()));
        companies_right += usize::from(company_ok);
        println!(
            "{name:<12} date {:<12} {}  total {:<8} {}  address {:.2}  company {} {:?}",
            date.unwrap_or_else(|| "-".into()),
            if date_ok { "ok" } else { "--" },
            total.unwrap_or_else(|| "-".into()),
            if total_ok { "ok" } else { "--" },
            similarity,
            if company_ok { "ok" } else { "--" },
            company.unwrap_or_default(),
        );
    }
    let n_f = n.max(1) as f64;
    println!(
        "{n} receipts: date found {dates_found}, right {dates_right} ({:.0}%); total right {totals_right} ({:.0}%); \
         company right {companies_right} ({:.0}%); address found {addresses_found}, mean similarity {:.2}, \
         at least 0.9 on {addresses_close}",
        100.0 * dates_right as f64 / n_f,
        100.0 * totals_right as f64 / n_f,
        100.0 * companies_right as f64 / n_f,
        address_similarity / n_f
    );
    Ok(())
}
