//! The real engine on fixtures drawn with DejaVu Sans: exact text is asserted.

mod common;

use common::{engine, page};
use image::imageops;

fn texts(img: &image::RgbImage) -> Vec<String> {
    engine()
        .read(img)
        .expect("engine reads")
        .lines
        .into_iter()
        .map(|l| l.text)
        .collect()
}

#[test]
fn reads_a_single_line_at_several_sizes() {
    for size in [14.0, 20.0, 32.0, 48.0] {
        let img = page(&["Invoice 2024-117 total 58.90"], size, size);
        assert_eq!(texts(&img), vec!["Invoice 2024-117 total 58.90"], "at {size} px");
    }
}

#[test]
fn reads_lines_in_reading_order() {
    let lines = [
        "Order number 4471",
        "Deliver to: 12 Market Street",
        "Amount due EUR 1,250.00",
    ];
    let img = page(&lines, 24.0, 30.0);
    assert_eq!(texts(&img), lines);
}

#[test]
fn reads_two_columns_row_by_row() {
    let mut img = page(&["Name", "Date"], 24.0, 20.0);
    // Widen the page and put a second column to the right of each line.
    let mut wide = image::RgbImage::from_pixel(img.width() + 300, img.height(), image::Rgb([255, 255, 255]));
    imageops::overlay(&mut wide, &img, 0, 0);
    common::draw_text(&mut wide, "Alice Martin", img.width() as f32 + 40.0, 20.0, 24.0);
    common::draw_text(
        &mut wide,
        "2025-03-14",
        img.width() as f32 + 40.0,
        20.0 + 24.0 * 1.8,
        24.0,
    );
    img = wide;
    assert_eq!(texts(&img), vec!["Name", "Alice Martin", "Date", "2025-03-14"]);
}

#[test]
fn upside_down_line_is_turned_and_read() {
    let img = page(&["Upside down receipt line 42"], 28.0, 24.0);
    let flipped = imageops::rotate180(&img);
    let page = engine().read(&flipped).expect("engine reads");
    assert_eq!(page.lines.len(), 1);
    assert_eq!(page.lines[0].text, "Upside down receipt line 42");
    assert!(page.lines[0].upside_down);
    assert_eq!(page.orientation.direction, 180);
}

#[test]
fn boxes_are_in_source_coordinates() {
    let img = page(&["Coordinates check"], 30.0, 40.0);
    let page = engine().read(&img).expect("engine reads");
    let q = page.lines[0].quad;
    let width = common::text_width("Coordinates check", 30.0);
    // The box hugs the drawn text (with DB's margin), in this image's pixels.
    assert!((q[0].x - 40.0).abs() < 12.0, "{q:?}");
    assert!((q[1].x - (40.0 + width)).abs() < 12.0, "{q:?}");
    assert!(q[0].y > 25.0 && q[3].y < 40.0 + 30.0 * 1.4, "{q:?}");
    assert!(page.lines[0].confidence > 0.9);
}

#[test]
fn blank_page_has_no_lines() {
    let img = image::RgbImage::from_pixel(400, 300, image::Rgb([255, 255, 255]));
    assert!(texts(&img).is_empty());
}

#[test]
fn a_strip_is_read_without_being_blown_up() {
    // 800×200: RapidOCR would detect this at 2944×736; we stay at 1536×384.
    let mut strip = image::RgbImage::from_pixel(800, 200, image::Rgb([255, 255, 255]));
    common::draw_text(&mut strip, "Ref. 2026/11/22-A", 40.0, 70.0, 48.0);
    let geometry = ocrdesk::ocr::detect::DetSizePolicy::default().geometry(800, 200);
    assert_eq!((geometry.scaled_width, geometry.scaled_height), (1536, 384));
    assert_eq!(texts(&strip), vec!["Ref. 2026/11/22-A"]);
}

#[test]
fn the_table_model_reads_a_drawn_tables_rows_columns_and_merged_heading() {
    let img = common::price_list(330);
    // The table's box as the layout model or the rules would give it.
    let structure = engine()
        .read_table_structure(&img, [18.0, 68.0, 703.0, 313.0])
        .expect("read")
        .expect("the engine has a table model");
    assert_eq!(structure.size(), (3, 3), "{structure:?}");
    let heading = structure
        .cells
        .iter()
        .find(|c| c.row == 0 && c.column == 1)
        .expect("a heading cell");
    assert_eq!(
        heading.column_span, 2,
        "\"Price\" spans the last two columns: {structure:?}"
    );
    // Each cell's box lies over its slot on the page: "Tea" in the first column
    // (ruled at x 20 and 250) of the second row (ruled at y 150 and 230).
    let tea = structure
        .cells
        .iter()
        .find(|c| c.row == 1 && c.column == 0)
        .expect("Tea");
    let [x0, y0, x1, y1] = tea.bounds;
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    assert!((20.0..250.0).contains(&cx) && (150.0..230.0).contains(&cy), "{tea:?}");
}

/// A passport photo on which the detector found only the zone's second line: the
/// first is read from one line pitch above it, and the zone is whole and valid.
#[test]
fn a_zone_line_the_detector_missed_is_read_from_its_place_above_the_other() {
    let passport = common::passport_specimen();
    let mut lines = engine().read(&passport).expect("the specimen reads").lines;
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    let first = lines
        .iter()
        .position(|l| l.text.starts_with("P<") && l.text.len() > 40)
        .unwrap_or_else(|| panic!("the zone's first line in {texts:?}"));
    lines.remove(first);
    assert!(ocrdesk::analysis::mrz::read_mrz(&lines).is_none());
    assert!(ocrdesk::pipeline::complete_zone(engine(), &passport, &mut lines));
    let zone = ocrdesk::analysis::mrz::read_mrz(&lines).expect("the zone, completed");
    assert!(zone.valid, "{zone:?}");
    let surname = zone.fields.iter().find(|f| f.name == "surname").expect("a surname");
    assert_eq!(surname.value, "ERIKSSON");
    // In its place: above the second line, where the missing line was.
    assert!(lines[first].text.starts_with("P<"), "{:?}", lines[first]);
}
