//! Pages at any angle are read upright, with boxes in the original image's
//! coordinates; light watermarks can be left out.

mod common;

use common::{draw_text, draw_text_in, engine, page, stack};
use image::{Rgb, RgbImage};
use ocrdesk::geometry::quad_center;
use ocrdesk::imaging::turn;
use ocrdesk::{EngineOptions, OcrEngine};

const LINES: &[&str] = &[
    "Delivery note 4471",
    "Customer: Harbour Supplies Ltd",
    "Pallets received: 12 of 12",
    "Signed at the gate, 08:40",
];

fn texts(image: &RgbImage, engine: &OcrEngine) -> Vec<String> {
    engine.read(image).unwrap().lines.into_iter().map(|l| l.text).collect()
}

#[test]
fn quarter_turned_pages_are_read_upright_with_boxes_where_the_text_is() {
    let upright = page(LINES, 30.0, 40.0);
    let reference = engine().read(&upright).unwrap();
    assert_eq!(
        reference.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
        LINES
    );
    assert_eq!(reference.orientation.direction, 0);

    for degrees in [90u16, 180, 270] {
        let (turned, back) = turn(&upright, degrees as f32);
        let read = engine().read(&turned).unwrap();
        let found: Vec<&str> = read.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(found, LINES, "turned {degrees}°");
        // Turned `degrees` clockwise, the page needs the rest of the circle.
        assert_eq!(read.orientation.direction, (360 - degrees) % 360, "turned {degrees}°");
        assert!(
            !read.orientation.unsure && read.orientation.confidence > 0.9,
            "{:?}",
            read.orientation
        );
        // Each box, mapped back onto the upright page, lands on the upright reading's box.
        for (line, expected) in read.lines.iter().zip(&reference.lines) {
            let c = quad_center(&back.apply_quad(&line.quad));
            let e = quad_center(&expected.quad);
            assert!(
                (c.x - e.x).abs() < 4.0 && (c.y - e.y).abs() < 4.0,
                "{degrees}°: {c:?} vs {e:?}"
            );
            // The first corner is where the text starts: left end of the upright line.
            let start = back.apply(line.quad[0]);
            assert!(start.x < e.x, "{degrees}°: box starts at {start:?}");
        }
    }
}

#[test]
fn skewed_pages_are_read_in_row_order_and_report_their_skew() {
    let upright = page(LINES, 30.0, 40.0);
    for degrees in [7.0f32, -7.0] {
        let (turned, _) = turn(&upright, degrees);
        let read = engine().read(&turned).unwrap();
        let found: Vec<&str> = read.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(found, LINES, "skewed {degrees}°");
        assert_eq!(read.orientation.direction, 0);
        assert!(
            (read.orientation.skew - degrees).abs() < 1.0,
            "{degrees}°: {:?}",
            read.orientation
        );
    }
}

#[test]
fn a_sideways_page_with_too_little_text_is_flagged_unsure() {
    // One short word gives no line long enough to show which way the page lies.
    let mut img = RgbImage::from_pixel(200, 200, Rgb([255, 255, 255]));
    draw_text(&mut img, "OK", 80.0, 80.0, 30.0);
    let read = engine().read(&img).unwrap();
    assert!(read.orientation.unsure, "{:?}", read.orientation);
    assert_eq!(read.orientation.direction, 0);
}

#[test]
fn light_watermarks_are_dropped_and_dark_text_under_them_is_kept() {
    let mut img = RgbImage::from_pixel(900, 330, Rgb([255, 255, 255]));
    draw_text(&mut img, "Invoice 5521", 40.0, 40.0, 32.0);
    draw_text(&mut img, "Total due 80.00", 40.0, 240.0, 32.0);
    // A pale grey stamp across the page, crossing the total.
    draw_text_in(&mut img, "CONFIDENTIAL COPY", 80.0, 210.0, 70.0, [205, 205, 205]);

    let all = texts(&img, engine());
    assert!(all.iter().any(|t| t.contains("COPY")), "{all:?}");

    let filtering = OcrEngine::new(EngineOptions {
        drop_light_text: true,
        ..EngineOptions::default()
    })
    .unwrap();
    let kept = texts(&img, &filtering);
    assert!(
        !kept.iter().any(|t| t.contains("COPY") || t.contains("FIDENTIAL")),
        "{kept:?}"
    );
    assert!(kept.contains(&"Invoice 5521".to_string()), "{kept:?}");
    assert!(kept.iter().any(|t| t.contains("80.00")), "{kept:?}");
}

/// Character error rate of `lines` against `truth`, both joined in order.
fn cer(lines: &[String], truth: &[&str]) -> f64 {
    use ocrdesk::eval::{cer, normalize};
    cer(&normalize(&lines.join(" ")), &normalize(&truth.join(" ")))
}

const UPSIDE_DOWN_LINES: &[&str] = &[
    "Goods returned: 2 crates",
    "Reason: damaged in transit",
    "Credit note 0093 to follow",
];

#[test]
fn a_page_in_two_directions_reads_each_part_its_own_way_round() {
    let top = page(LINES, 30.0, 40.0);
    let bottom = page(UPSIDE_DOWN_LINES, 30.0, 40.0);
    let mixed = stack(&[&top, &image::imageops::rotate180(&bottom)]);
    let read = engine().read(&mixed).unwrap();
    let found: Vec<String> = read.lines.iter().map(|l| l.text.clone()).collect();
    let expected: Vec<&str> = LINES.iter().chain(UPSIDE_DOWN_LINES).copied().collect();
    assert_eq!(
        found, expected,
        "upright part first, then the turned part in its own order"
    );
    assert!(read.orientation.mixed, "{:?}", read.orientation);
    // The turned part's boxes stay on the page where its text is: in the lower part,
    // each starting at its right end (where upside-down text starts).
    for line in &read.lines[LINES.len()..] {
        assert!(line.upside_down, "{}", line.text);
        let c = quad_center(&line.quad);
        assert!(c.y > top.height() as f32, "{}: {c:?}", line.text);
        assert!(line.quad[0].x > line.quad[1].x, "{}: {:?}", line.text, line.quad);
    }

    // Head to foot the other way (the upside-down part on top, the majority below):
    // every part still reads exactly, as well as the same part read upright alone.
    let flipped = stack(&[&image::imageops::rotate180(&bottom), &top]);
    let read = engine().read(&flipped).unwrap();
    let in_part = |upper: bool| -> Vec<String> {
        let split = bottom.height() as f32;
        read.lines
            .iter()
            .filter(|l| (quad_center(&l.quad).y < split) == upper)
            .map(|l| l.text.clone())
            .collect()
    };
    let alone = |img: &RgbImage| -> Vec<String> { texts(img, engine()) };
    for (part, truth, upright) in [
        (in_part(true), UPSIDE_DOWN_LINES, &bottom),
        (in_part(false), LINES, &top),
    ] {
        let (mixed_cer, upright_cer) = (cer(&part, truth), cer(&alone(upright), truth));
        eprintln!("mixed-direction part: CER {mixed_cer:.3} on the mixed page, {upright_cer:.3} read upright alone");
        assert!(mixed_cer <= upright_cer * 1.10 + 1e-9, "{part:?}");
        assert_eq!(part, truth);
    }
    assert!(read.orientation.mixed);
}

/// The ICAO 9303 specimen passport's data page (Part 4, Appendix A), its zone
/// drawn in a monospaced font.
const SPECIMEN_ZONE: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];

#[test]
fn an_open_passport_with_the_facing_page_upside_down_keeps_its_zone_valid() {
    use ocrdesk::analysis::{Extract, extract};
    use ocrdesk::result::{Page, TextSource, Verdict};
    // The facing page (visa stamps, notes) lies upside down above the data page and
    // holds more text than it, so most of the page reads the other way round.
    let facing = page(
        &[
            "Observations / Observations / Observaciones",
            "The holder is also known as Anna Maria Eriksson",
            "Entry permitted for a stay of ninety days",
            "Port of entry: Harbour Terminal 3",
            "Valid for multiple journeys until 2027",
            "Issued on behalf of the consular section",
        ],
        26.0,
        40.0,
    );
    let mut data = RgbImage::from_pixel(facing.width().max(1000), 420, Rgb([255, 255, 255]));
    draw_text(&mut data, "PASSPORT  Utopia", 40.0, 30.0, 30.0);
    draw_text(&mut data, "Surname  ERIKSSON", 40.0, 90.0, 26.0);
    draw_text(&mut data, "Given names  ANNA MARIA", 40.0, 140.0, 26.0);
    common::draw_mono_text(&mut data, SPECIMEN_ZONE[0], 40.0, 260.0, 34.0);
    common::draw_mono_text(&mut data, SPECIMEN_ZONE[1], 40.0, 320.0, 34.0);
    let open = stack(&[&image::imageops::rotate180(&facing), &data]);

    let text = engine().read(&open).unwrap();
    let mut p = Page {
        index: 0,
        width: open.width(),
        height: open.height(),
        orientation: text.orientation,
        source: TextSource::Ocr,
        lines: text.lines,
        fields: Vec::new(),
        tables: Vec::new(),
        warnings: Vec::new(),
        regions: Vec::new(),
        seals: Vec::new(),
        signatures: Vec::new(),
        timings: text.timings,
    };
    let lines: Vec<String> = p.lines.iter().map(|l| l.text.clone()).collect();
    assert!(p.orientation.mixed, "{:?}", p.orientation);
    extract(
        &mut p,
        Some(&open),
        text.level_view.as_ref(),
        Extract {
            mrz: true,
            ..Extract::default()
        },
    );
    let verdicts: Vec<_> = p
        .fields
        .iter()
        .filter_map(|f| f.verdict.map(|v| (f.name.clone(), v)))
        .collect();
    assert!(verdicts.len() >= 4, "check digits found: {verdicts:?}\n{lines:#?}");
    assert!(
        verdicts.iter().all(|(_, v)| *v == Verdict::Valid),
        "{verdicts:?}\n{lines:#?}"
    );
    let number = p
        .fields
        .iter()
        .find(|f| f.name == "document_number")
        .expect("document number");
    assert_eq!(number.value, "L898902C3");
}
