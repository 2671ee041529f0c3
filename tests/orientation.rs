//! Pages at any angle are read upright, with boxes in the original image's
//! coordinates; light watermarks can be left out.

mod common;

use common::{draw_text, draw_text_in, engine, page};
use image::{Rgb, RgbImage};
use ocrdesk::ocr::geometry::quad_center;
use ocrdesk::ocr::orientation::turn;
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
