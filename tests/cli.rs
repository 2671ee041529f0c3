//! The `ocrdesk` binary as a user runs it: output shape, errors, exit codes.

mod common;

use std::path::Path;
use std::process::Command;

use common::{arg, ocrdesk, page, save, temp_dir};

#[test]
fn json_output_has_the_documented_shape() {
    let dir = temp_dir();
    let img = save(
        &page(&["Total 12.50", "Thank you"], 26.0, 30.0),
        dir.path(),
        "receipt.png",
    );
    let out = ocrdesk(&["ocr", arg(&img)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(doc["source"], arg(&img));
    let page = &doc["pages"][0];
    assert_eq!(page["index"], 0);
    assert_eq!(page["width"], image::open(&img).expect("fixture").width());
    assert_eq!(page["source"], "ocr");
    assert_eq!(doc["page_count"], 1);
    assert_eq!(page["orientation"]["direction"], 0);
    assert_eq!(page["orientation"]["unsure"], false);
    for key in [
        "decode_ms",
        "detection_ms",
        "orientation_ms",
        "recognition_ms",
        "inference_ms",
        "total_ms",
    ] {
        assert!(page["timings"][key].is_number(), "timings.{key}");
    }
    let lines = page["lines"].as_array().expect("lines");
    let texts: Vec<&str> = lines.iter().map(|l| l["text"].as_str().expect("text")).collect();
    assert_eq!(texts, ["Total 12.50", "Thank you"]);
    for l in lines {
        assert_eq!(l["box"].as_array().expect("box").len(), 4);
        assert_eq!(l["box"][0].as_array().expect("point").len(), 2);
        let c = l["confidence"].as_f64().expect("confidence");
        assert!((0.0..=1.0).contains(&c));
    }
}

#[test]
fn txt_output_is_the_lines() {
    let dir = temp_dir();
    let img = save(&page(&["Hello world"], 30.0, 30.0), dir.path(), "hello.png");
    let out = ocrdesk(&["ocr", "--format", "txt", arg(&img)]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Hello world\n");
}

#[test]
fn missing_file_is_one_clear_error() {
    let out = ocrdesk(&["ocr", "/nonexistent/scan.png"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "error: /nonexistent/scan.png: no such file");
    assert!(
        lines[1].starts_with("ocrdesk: 0 read, 1 failed, 0 skipped; 0 pages in "),
        "{err}"
    );
    assert_eq!(lines.len(), 2, "{err}");
}

#[test]
fn corrupt_file_is_one_clear_error() {
    let dir = temp_dir();
    let good = save(&page(&["Valid page"], 30.0, 30.0), dir.path(), "good.png");
    let bytes = std::fs::read(&good).expect("fixture");
    let truncated = dir.path().join("truncated.png");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).expect("write");
    // --quiet leaves only the error.
    let out = ocrdesk(&["ocr", "--quiet", arg(&truncated)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with(&format!("error: {}: ", truncated.display())), "{err}");
    assert!(err.contains("corrupt or truncated"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let empty = dir.path().join("empty.jpg");
    std::fs::write(&empty, b"").expect("write");
    let err = String::from_utf8_lossy(&ocrdesk(&["ocr", arg(&empty)]).stderr).into_owned();
    assert!(err.contains("empty (0 bytes)"), "{err}");

    let text = dir.path().join("notes.png");
    std::fs::write(&text, b"just some words, not pixels").expect("write");
    let err = String::from_utf8_lossy(&ocrdesk(&["ocr", arg(&text)]).stderr).into_owned();
    assert!(err.contains("not an image format"), "{err}");
}

#[test]
fn a_batch_continues_past_bad_files_and_writes_one_result_per_input() {
    let dir = temp_dir();
    let a = save(&page(&["First page"], 30.0, 30.0), dir.path(), "a.png");
    let b = save(&page(&["Second page"], 30.0, 30.0), dir.path(), "b.png");
    let out_dir = dir.path().join("results");
    let out = ocrdesk(&[
        "ocr",
        arg(&a),
        "/missing.png",
        arg(&b),
        "--format",
        "txt",
        "--out",
        arg(&out_dir),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(out_dir.join("a.txt")).expect("a.txt"),
        "First page\n"
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("b.txt")).expect("b.txt"),
        "Second page\n"
    );
    assert_eq!(std::fs::read_dir(&out_dir).expect("listing").count(), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/missing.png: no such file"));
}

#[test]
fn eval_scores_a_folder_with_truth() {
    let dir = temp_dir();
    save(&page(&["Alpha beta"], 30.0, 30.0), dir.path(), "set_one.png");
    std::fs::write(
        dir.path().join("set_one.gt.json"),
        r#"{"lines":[{"text":"Alpha beta","box":[0,0,10,0,10,10,0,10],"ignore":false}]}"#,
    )
    .expect("truth");
    let out = ocrdesk(&["eval", arg(dir.path())]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    let row = report.lines().find(|l| l.contains("/set")).expect("subset row");
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols[1], "1", "{report}");
    assert_eq!(cols[2], "0.000", "CER: {report}");
    assert_eq!(cols[3], "1.000", "word-F1: {report}");
}

#[test]
fn several_files_print_in_input_order() {
    let dir = temp_dir();
    // A big page first and a small one second: the second finishes first.
    let big = save(
        &page(&["Alpha one", "Alpha two", "Alpha three", "Alpha four"], 40.0, 60.0),
        dir.path(),
        "big.png",
    );
    let small = save(&page(&["Omega"], 30.0, 20.0), dir.path(), "small.png");
    let out = ocrdesk(&["ocr", "--format", "txt", arg(&big), arg(&small)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expected = format!(
        "==> {} <==\nAlpha one\nAlpha two\nAlpha three\nAlpha four\n==> {} <==\nOmega\n",
        big.display(),
        small.display()
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);

    let out = ocrdesk(&["ocr", arg(&small), arg(&big)]);
    let docs: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON array");
    assert_eq!(docs.as_array().map(Vec::len), Some(2));
    assert_eq!(docs[0]["source"], arg(&small));
    assert_eq!(docs[1]["source"], arg(&big));
}

#[test]
fn missing_models_say_how_to_fetch_them() {
    let dir = temp_dir();
    let img = save(&page(&["Anything"], 30.0, 30.0), dir.path(), "a.png");
    let out = Command::new(env!("CARGO_BIN_EXE_ocrdesk"))
        .args(["ocr", arg(&img)])
        .env("OCRDESK_MODELS_DIR", dir.path().join("no-models-here"))
        .output()
        .expect("ocrdesk runs");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PP-OCRv6_det_small.onnx not found"), "{err}");
    assert!(err.contains("python3 packaging/fetch_assets.py"), "{err}");
    assert!(err.contains("OCRDESK_MODELS_DIR"), "{err}");
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    // As `ocrdesk ocr FILE | head -0`: the pipe is closed before anything is written.
    let dir = temp_dir();
    let img = save(&page(&["Closed pipe"], 26.0, 30.0), dir.path(), "pipe.png");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocrdesk"))
        .args(["ocr", arg(&img), "--format", "txt"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ocrdesk runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("ocrdesk ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The ICAO 9303 specimen passport zone, drawn and read back: its fields reach
/// the JSON with their check-digit verdicts, unless `--extract none`.
#[test]
fn a_passport_zone_becomes_fields_with_verdicts() {
    let dir = temp_dir();
    let img = save(
        &page(
            &[
                "PASSPORT",
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
            ],
            28.0,
            30.0,
        ),
        dir.path(),
        "passport.png",
    );
    let out = ocrdesk(&["ocr", arg(&img)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let fields = json["pages"][0]["fields"].as_array().expect("fields");
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {fields:?}"))
    };
    assert_eq!(field("document_number")["value"], "L898902C3");
    assert_eq!(field("document_number")["verdict"], "valid");
    assert_eq!(field("surname")["value"], "ERIKSSON");
    assert_eq!(field("date_of_birth")["value"], "1974-08-12");
    assert_eq!(field("composite")["verdict"], "valid");
    assert_eq!(field("surname")["line_ids"], serde_json::json!([1, 2]));

    let out = ocrdesk(&["ocr", "--extract", "none", arg(&img)]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(json["pages"][0].get("fields").is_none());
}

/// A ruled price list, drawn with a merged heading cell: the table reaches the
/// JSON, CSV (merged text in its first slot), HTML (colspan) and Excel (a merged
/// range on the table's sheet), and the text outside it stays ordinary lines.
#[test]
fn a_ruled_table_exports_with_its_merged_cell() {
    let img = common::price_list(330);
    let dir = temp_dir();
    let path = save(&img, dir.path(), "prices.png");

    let out = ocrdesk(&["ocr", arg(&path)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let page = &json["pages"][0];
    assert_eq!(page["lines"][0]["text"], "Price list");
    let table = &page["tables"][0];
    assert_eq!(page["tables"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        (
            table["kind"].as_str(),
            table["rows"].as_u64(),
            table["columns"].as_u64()
        ),
        (Some("ruled"), Some(3), Some(3))
    );
    assert_eq!(table["cells"][1]["text"], "Price");
    assert_eq!(table["cells"][1]["column_span"], 2);

    let out = ocrdesk(&["ocr", "--format", "csv", arg(&path)]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Item,Price,\nTea,2.50,EUR\nCake,4.00,EUR\n"
    );

    let out = ocrdesk(&["ocr", "--format", "html", arg(&path)]);
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(
        html.contains("<p>Price list</p>\n<table><thead><tr><th>Item</th><th colspan=\"2\">Price</th></tr></thead>"),
        "{html}"
    );

    let out_dir = dir.path().join("out");
    let out = ocrdesk(&["ocr", "--format", "xlsx", "--out", arg(&out_dir), arg(&path)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook(out_dir.join("prices.xlsx")).expect("workbook");
    assert_eq!(book.sheet_names(), ["prices.png", "prices.png p1 table 1"]);
    book.load_merged_regions().expect("merged regions");
    let merged = book.merged_regions_by_sheet("prices.png p1 table 1");
    assert_eq!(merged.len(), 1);
    let (_, _, region) = merged[0];
    assert_eq!((region.start, region.end), ((0, 1), (0, 2)));
    let sheet = book.worksheet_range("prices.png p1 table 1").expect("table sheet");
    assert_eq!(sheet.get_value((2, 1)).map(|v| v.to_string()), Some("4.00".to_owned()));
}

#[test]
fn debug_dir_holds_each_stage_of_a_page_read_upright() {
    let dir = temp_dir();
    let sideways = image::imageops::rotate90(&page(&["Invoice 2041", "Total 12.50", "Thank you"], 26.0, 30.0));
    let img = save(&sideways, dir.path(), "sideways.png");
    let debug = dir.path().join("debug");
    let out = ocrdesk(&["ocr", "--debug-dir", arg(&debug), arg(&img)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).expect("JSON")
    };
    let folder = debug.join("sideways.png").join("page-001");
    assert_eq!(
        read(&folder.join("page.json")),
        doc["pages"][0],
        "page.json is the page exported"
    );

    // Pass 1 finds the page lying sideways and stops at the turn.
    let first = folder.join("pass-1");
    let orientation = read(&first.join("3-orientation.json"));
    assert_eq!(orientation["found"]["direction"], 270, "{orientation}");
    assert_eq!(orientation["upright_turn"]["by"], 270.0);
    assert!(!first.join("5-recognised.json").exists());
    let detected = read(&first.join("1-detected.json"));
    let map = image::open(first.join("detection-map.png")).expect("map is a PNG");
    let tensor = &detected["detection_passes"]
        .as_array()
        .expect("passes")
        .last()
        .expect("one")["tensor"];
    assert_eq!(
        [map.width(), map.height()],
        [tensor[0].as_u64().unwrap() as u32, tensor[1].as_u64().unwrap() as u32]
    );
    assert_eq!(detected["lines"].as_array().expect("lines").len(), 3);

    // Pass 2 reads the upright view; its kept lines are the page's.
    let second = folder.join("pass-2");
    let view = image::open(second.join("view.png")).expect("view is a PNG");
    assert_eq!([view.width(), view.height()], [sideways.height(), sideways.width()]);
    let texts = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|l| l["text"].as_str().expect("text").to_owned())
            .collect()
    };
    assert_eq!(
        texts(&read(&second.join("8-kept.json"))),
        ["Invoice 2041", "Total 12.50", "Thank you"]
    );
    assert_eq!(
        texts(&read(&second.join("8-kept.json"))),
        texts(&doc["pages"][0]["lines"])
    );
    let readings = read(&second.join("6-second-readings.json"));
    for reading in readings.as_array().expect("readings") {
        let crop = image::open(second.join(reading["crop"].as_str().expect("crop path"))).expect("crop is a PNG");
        // A line's crop is wider than tall: it was cut upright from the sideways page.
        assert!(crop.width() > 2 * crop.height(), "{reading}");
    }
    assert_eq!(texts(&readings).len(), 3);
}

/// A title over two columns of prose, as a paper or a newsletter sets them.
fn two_column_page() -> image::RgbImage {
    let mut img = image::RgbImage::from_pixel(1240, 1100, image::Rgb([255, 255, 255]));
    common::draw_text(&mut img, "Harbour Authority Annual Review", 160.0, 80.0, 56.0);
    let left = [
        "The harbour handled more cargo",
        "this year than in any year since",
        "the new quay opened, and the",
        "number of ships calling rose.",
        "Most of the growth came from",
        "container traffic to the north.",
    ];
    let right = [
        "Passenger numbers fell slightly",
        "after the ferry timetable changed",
        "in spring, but recovered by the",
        "summer and ended the year close",
        "to the level of the year before",
        "with two new routes announced.",
    ];
    for (i, (l, r)) in left.iter().zip(right).enumerate() {
        let y = 240.0 + i as f32 * 46.0;
        common::draw_text(&mut img, l, 60.0, y, 30.0);
        common::draw_text(&mut img, r, 660.0, y, 30.0);
    }
    img
}

#[test]
fn markdown_reads_a_title_then_each_column_to_its_end() {
    let dir = temp_dir();
    let img = save(&two_column_page(), dir.path(), "review.png");
    let out = ocrdesk(&["ocr", "--format", "md", arg(&img)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(md.starts_with("# Harbour Authority Annual Review\n\n"), "{md}");
    let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s:?} not in {md}"));
    // The left column to its end, as one paragraph, before the right column starts.
    assert!(at("container traffic") < at("Passenger numbers"), "{md}");
    assert!(at("since the new quay") < at("container traffic"), "lines joined: {md}");
    let json = ocrdesk(&["ocr", arg(&img)]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let regions = doc["pages"][0]["regions"].as_array().expect("regions");
    assert_eq!(regions[0]["kind"], "title");
    assert_eq!(regions[0]["order"], 0);
    let off = ocrdesk(&["ocr", "--no-layout", arg(&img)]);
    let doc: serde_json::Value = serde_json::from_slice(&off.stdout).expect("JSON");
    assert!(
        doc["pages"][0].get("regions").is_none(),
        "--no-layout leaves regions out"
    );
}
