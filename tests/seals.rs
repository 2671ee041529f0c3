//! Seals on a drawn page, read end to end by the real models through the CLI:
//! found, their ring text read along the ring, their own lines kept out of the
//! body text.

mod common;

use common::{arg, draw_text, draw_text_in, ocrdesk, save, temp_dir};
use image::{Rgb, RgbImage};

const SEAL_RED: [u8; 3] = [214, 38, 46];

/// Draws `text` in `colour` round a circle about `centre`, tops of the letters
/// outwards, centred on the top, as a seal's ring text runs.
fn draw_ring_text(img: &mut RgbImage, text: &str, centre: (f32, f32), radius: f32, size: f32, colour: [u8; 3]) {
    let chars: Vec<char> = text.chars().collect();
    let step = (size * 0.78 / radius).to_degrees();
    let first = 270.0 - step * (chars.len() as f32 - 1.0) / 2.0;
    for (k, c) in chars.iter().enumerate() {
        let angle = first + step * k as f32;
        let tile_side = (size * 1.6) as u32;
        let mut tile = RgbImage::from_pixel(tile_side, tile_side, Rgb([255, 255, 255]));
        let w = common::text_width(&c.to_string(), size);
        draw_text(
            &mut tile,
            &c.to_string(),
            (tile_side as f32 - w) / 2.0,
            size * 0.25,
            size,
        );
        // Turned so that its top points away from the centre.
        let (turned, _) = ocrdesk::imaging::turn(&tile, angle + 90.0);
        let (x, y) = (
            centre.0 + radius * angle.to_radians().cos(),
            centre.1 + radius * angle.to_radians().sin(),
        );
        let (x0, y0) = (x - turned.width() as f32 / 2.0, y - turned.height() as f32 / 2.0);
        for (tx, ty, p) in turned.enumerate_pixels() {
            let (px, py) = ((x0 + tx as f32) as i64, (y0 + ty as f32) as i64);
            if p.0[0] < 110 && px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                img.put_pixel(px as u32, py as u32, Rgb(colour));
            }
        }
    }
}

/// A letter with a body, a signatory line, and a red company seal stamped beside
/// it: ring text round the top, an outline, a number across its middle.
fn sealed_letter() -> RgbImage {
    let mut img = RgbImage::from_pixel(1240, 1100, Rgb([255, 255, 255]));
    draw_text(&mut img, "Notice of Delivery", 80.0, 80.0, 48.0);
    let body = [
        "The goods listed in the order of",
        "the third of March were delivered",
        "to the warehouse in full and were",
        "checked against the invoice.",
    ];
    for (i, line) in body.iter().enumerate() {
        draw_text(&mut img, line, 80.0, 200.0 + i as f32 * 46.0, 30.0);
    }
    draw_text(&mut img, "For the company:", 80.0, 560.0, 30.0);
    let centre = (700.0, 700.0);
    for y in 400..1000 {
        for x in 400..1000 {
            let r = (x as f32 - centre.0).hypot(y as f32 - centre.1);
            if (192.0..=200.0).contains(&r) {
                img.put_pixel(x, y, Rgb(SEAL_RED));
            }
        }
    }
    draw_ring_text(&mut img, "NORTHSIDE TRADING LTD", centre, 150.0, 44.0, SEAL_RED);
    draw_text_in(&mut img, "No 4403", 630.0, 690.0, 34.0, SEAL_RED);
    img
}

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
