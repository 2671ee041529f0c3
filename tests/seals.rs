//! Seals on a drawn page, read end to end by the real models through the CLI:
//! found, their ring text read along the ring, their own lines kept out of the
//! body text.

mod common;

use common::{arg, ocrdesk, save, sealed_letter, temp_dir};
use image::Rgb;

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur.push((prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + usize::from(ca != cb)));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[test]
fn a_red_seal_is_found_its_ring_read_and_its_number_kept_out_of_the_text() {
    let dir = temp_dir();
    let img = save(&sealed_letter(), dir.path(), "letter.png");
    let out = ocrdesk(&["ocr", arg(&img)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let page = &doc["pages"][0];
    let seals = page["seals"].as_array().expect("seals");
    assert_eq!(seals.len(), 1, "{seals:?}");
    let seal = &seals[0];
    assert_eq!(
        (seal["shape"].as_str(), seal["colour"].as_str()),
        (Some("round"), Some("red"))
    );
    let ring: String = seal["text"]
        .as_str()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let distance = edit_distance(&ring.to_uppercase(), "NORTHSIDETRADINGLTD");
    assert!(distance <= 3, "ring read as {ring:?}");
    // The seal's box is where it was stamped.
    let corner = &seal["box"][0];
    let (x, y) = (corner[0].as_f64().unwrap_or(0.0), corner[1].as_f64().unwrap_or(0.0));
    assert!((x - 500.0).abs() < 20.0 && (y - 500.0).abs() < 20.0, "{seal}");

    // Its number, printed in its ink, is its own line in a stamp region, read apart.
    let lines = page["lines"].as_array().expect("lines");
    let ids: Vec<usize> = seal["line_ids"]
        .as_array()
        .expect("line ids")
        .iter()
        .filter_map(|v| v.as_u64().map(|v| v as usize))
        .collect();
    let own: Vec<&str> = ids.iter().filter_map(|&i| lines[i]["text"].as_str()).collect();
    assert!(own.iter().any(|t| t.contains("4403")), "{own:?}");
    assert!(
        !own.iter().any(|t| t.contains("company")),
        "black print is not the seal's: {own:?}"
    );
    let stamp = page["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .find(|r| r["kind"] == "stamp")
        .expect("a stamp region");
    assert!(stamp["order"].is_null(), "{stamp}");
    let md = ocrdesk(&["ocr", "--format", "md", arg(&img)]);
    let md = String::from_utf8_lossy(&md.stdout).into_owned();
    assert!(md.contains("delivered") && !md.contains("4403"), "{md}");
}

#[test]
fn a_page_without_colour_has_no_seals() {
    let dir = temp_dir();
    let mut img = sealed_letter();
    // The same page printed in black and white: no ink stands out as a seal's.
    for p in img.pixels_mut() {
        let l = ((p.0[0] as u32 * 299 + p.0[1] as u32 * 587 + p.0[2] as u32 * 114) / 1000) as u8;
        *p = Rgb([l, l, l]);
    }
    let img = save(&img, dir.path(), "grey.png");
    let out = ocrdesk(&["ocr", arg(&img)]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(doc["pages"][0].get("seals").is_none(), "{}", doc["pages"][0]["seals"]);
}
