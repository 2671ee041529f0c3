//! Machine-readable zones on `../shared/eval/mrz` (or DIR): for each image with
//! `NAME.gt.json`, reads the page, finds the zone and prints its format, the
//! share of check digits that agree, and, where the truth lists fields, how many
//! match. Then the figures the MRZ work is judged by:
//! - specimens with field truth: share of fields correct;
//! - `passporteye_td_<score>_*`: images where our reading scores at least what
//!   PassportEye reached (the number in the file name). That number is PassportEye's
//!   `valid_score`, not a plain share of check digits: 10 points per valid check
//!   digit, 1 per line of the right length, 1 for a valid document code, 1 given,
//!   as a percentage of the most there is (`passporteye/mrz/text.py`; a TD1 with 3
//!   of 4 check digits scores 77). Ours is scored the same way (its lines always
//!   have their lengths and a valid code once the zone is found);
//! - `expect_valid` images: zones found with every check digit valid;
//! - `expect_no_mrz` images: no zone reported;
//! - the printed page against the zone: the labelled fields found beside a zone
//!   and every disagreement the cross-check flags.
//!
//! With DEGREES, every image is turned that far clockwise first: zones at any angle.
//!
//! `cargo run --release --example mrz_eval -- [DIR [DEGREES]]`

use std::path::PathBuf;

use ocrdesk::analysis::crosscheck::cross_check;
use ocrdesk::analysis::fields::find_fields;
use ocrdesk::analysis::mrz::{MrzReading, read_mrz};
use ocrdesk::imaging::turn;
use ocrdesk::result::FieldSource;
use ocrdesk::{EngineOptions, OcrEngine, document};
use serde_json::Value;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/eval/mrz")));
    let degrees: f32 = std::env::args().nth(2).map_or(Ok(0.0), |d| d.parse())?;
    let engine = OcrEngine::new(EngineOptions::default())?;
    let mut images: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.to_string_lossy().ends_with(".json"))
        .collect();
    images.sort();
    let (mut fields_right, mut fields_total) = (0, 0);
    let (mut scores_met, mut scores_total) = (0, 0);
    let (mut valid_found, mut valid_total) = (0, 0);
    let (mut none_right, mut none_total) = (0, 0);
    let (mut printed_fields, mut compared, mut mismatches) = (0, 0, Vec::new());
    for image in &images {
        let name = image
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let truth_path = image.with_file_name(format!("{name}.gt.json"));
        let Ok(truth) = std::fs::read(&truth_path) else {
            continue;
        };
        let truth: Value = serde_json::from_slice(&truth)?;
        let pages = match document::open(image) {
            Ok(pages) => pages,
            Err(e) => {
                println!("{name:<40} error: {e}");
                continue;
            }
        };
        let mut reading = None;
        for page in pages {
            let image = if degrees == 0.0 {
                page.image
            } else {
                turn(&page.image, degrees).0
            };
            let mut text = engine.read(&image)?;
            // As the pipeline does: a zone with one line read looks for the other.
            ocrdesk::pipeline::complete_zone(&engine, &image, &mut text.lines);
            if reading.is_none()
                && let Some(zone) = read_mrz(&text.lines)
            {
                // The printed page against the zone, as the app and the server do it.
                let mut fields = zone.to_fields(&text.lines);
                fields.extend(find_fields(&text.lines, &[]));
                compared += cross_check(&mut fields);
                printed_fields += fields.iter().filter(|f| f.source == FieldSource::Fields).count();
                mismatches.extend(
                    fields
                        .iter()
                        .filter(|f| f.source == FieldSource::Mrz)
                        .filter_map(|f| Some(format!("{name}: {} {} — {}", f.name, f.value, f.mismatch.as_ref()?))),
                );
                reading = Some(zone);
            }
        }
        let share = reading
            .as_ref()
            .map(|r| 100.0 * r.checks_passed as f64 / r.checks_total.max(1) as f64);
        let mut line = format!(
            "{name:<40} {:<6} checks {:>5}",
            reading.as_ref().map_or("-", |r| r.format.as_str()),
            share.map_or("-".into(), |s| format!("{s:.0}%")),
        );
        if let Some(score) = truth.get("expected_valid_score").and_then(Value::as_f64)
            && name.starts_with("passporteye_td_")
        {
            scores_total += 1;
            let ours = reading.as_ref().map(passporteye_score);
            let met = ours.is_some_and(|s| s as f64 >= score);
            scores_met += usize::from(met);
            line += &format!(
                "  score {:>3} PassportEye {score:.0}{}",
                ours.map_or("-".into(), |s| s.to_string()),
                if met { "" } else { "  BELOW" }
            );
        }
        if truth.get("expect_valid").and_then(Value::as_bool) == Some(true) {
            valid_total += 1;
            let ok = reading.as_ref().is_some_and(|r| r.valid);
            valid_found += usize::from(ok);
            line += if ok { "  valid" } else { "  NOT VALID" };
        }
        if truth.get("expect_no_mrz").and_then(Value::as_bool) == Some(true) {
            none_total += 1;
            let ok = reading.is_none();
            none_right += usize::from(ok);
            line += if ok { "  none, as expected" } else { "  FOUND ONE" };
        }
        if let Some(fields) = truth.get("fields").and_then(Value::as_object)
            && fields.contains_key("surname")
        {
            let (right, total, wrong) = compare_fields(reading.as_ref(), fields);
            fields_right += right;
            fields_total += total;
            line += &format!("  fields {right}/{total} {wrong:?}");
        }
        println!("{line}");
    }
    println!();
    println!("fields correct (specimens with field truth): {fields_right}/{fields_total}");
    println!("valid score (PassportEye's formula) at least PassportEye's: {scores_met}/{scores_total} images");
    println!("expected-valid zones found valid: {valid_found}/{valid_total}");
    println!("no zone where there is none: {none_right}/{none_total}");
    println!(
        "printed fields found beside a zone: {printed_fields}; pairs compared with the zone: {compared}; \
         disagreements: {}",
        mismatches.len()
    );
    for mismatch in &mismatches {
        println!("  {mismatch}");
    }
    Ok(())
}

/// Truth fields (PassportEye's names and forms) against ours.
fn compare_fields(reading: Option<&MrzReading>, truth: &serde_json::Map<String, Value>) -> (usize, usize, Vec<String>) {
    let ours = |name: &str| -> String {
        reading
            .and_then(|r| r.fields.iter().find(|f| f.name == name))
            .map(|f| f.value.clone())
            .unwrap_or_default()
    };
    // ISO dates back to the zone's YYMMDD.
    let yymmdd = |iso: String| iso.get(2..).unwrap_or_default().replace('-', "");
    let pairs: [(&str, String); 10] = [
        ("mrz_type", reading.map(|r| r.format.clone()).unwrap_or_default()),
        ("type", ours("document_type")),
        ("country", ours("issuing_state")),
        ("number", ours("document_number")),
        ("date_of_birth", yymmdd(ours("date_of_birth"))),
        ("expiration_date", yymmdd(ours("date_of_expiry"))),
        ("nationality", ours("nationality")),
        ("sex", ours("sex")),
        ("names", ours("given_names")),
        ("surname", ours("surname")),
    ];
    let (mut right, mut total, mut wrong) = (0, 0, Vec::new());
    for (name, value) in pairs {
        let Some(expected) = truth.get(name).and_then(Value::as_str) else {
            continue;
        };
        total += 1;
        if expected.trim_end_matches('<') == value {
            right += 1;
        } else {
            wrong.push(format!("{name}: {value:?} vs {expected:?}"));
        }
    }
    if let Some(expected) = truth.get("personal_number").and_then(Value::as_array) {
        total += 1;
        let value = ours("optional_data");
        if expected
            .iter()
            .filter_map(Value::as_str)
            .any(|e| e.trim_end_matches('<') == value)
        {
            right += 1;
        } else {
            wrong.push(format!("personal_number: {value:?}"));
        }
    }
    (right, total, wrong)
}

/// PassportEye's `valid_score` of a zone we read: 10 per valid check digit, 1 per
/// line (each has its length once the zone is found), 1 for the document code and
/// 1 given, as a whole percentage of the most there is.
fn passporteye_score(reading: &MrzReading) -> u32 {
    let lines = reading.lines.len() as u32;
    let points = 10 * u32::from(reading.checks_passed) + lines + 2;
    let most = 10 * u32::from(reading.checks_total) + lines + 2;
    100 * points / most
}
