//! The command line as scripts and batch users meet it every day: folders and
//! standard input as inputs, the summary line, JSON lines streamed as each file is
//! done, numbers rounded, binary formats kept off terminals, `-o FILE`, tables in
//! text, and the exit code of each.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{arg, ocrdesk, page, save, temp_dir};

const BIN: &str = env!("CARGO_BIN_EXE_ocrdesk");

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample.png")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_folder_is_read_recursively_in_name_order_and_other_files_are_skipped() {
    let dir = temp_dir();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(inbox.join("later")).expect("folders");
    save(&page(&["Second letter"], 30.0, 30.0), &inbox, "b.png");
    save(&page(&["First letter"], 30.0, 30.0), &inbox, "a.png");
    save(&page(&["Third letter"], 30.0, 30.0), &inbox.join("later"), "c.png");
    std::fs::write(inbox.join("notes.txt"), "not a document").expect("notes");
    std::fs::write(inbox.join("later/Thumbs.db"), "not a document").expect("thumbs");

    let out = ocrdesk(&["ocr", "--format", "txt", arg(&inbox)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let read: Vec<&str> = text.lines().filter(|l| !l.starts_with("==>")).collect();
    assert_eq!(read, ["First letter", "Second letter", "Third letter"]);
    let summary = stderr(&out);
    assert!(
        summary.starts_with("ocrdesk: 3 read, 0 failed, 2 skipped; 3 pages in "),
        "{summary}"
    );
    assert!(summary.trim_end().ends_with(" pages/s)"), "{summary}");

    // A file named explicitly that is not a document stays an error.
    let out = ocrdesk(&["ocr", "--format", "txt", arg(&inbox.join("notes.txt"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("notes.txt: "), "{}", stderr(&out));
}

#[test]
fn standard_input_is_one_document_and_json_lines_stream_as_each_file_is_done() {
    let dir = temp_dir();
    let first = save(&page(&["Read while waiting"], 30.0, 30.0), dir.path(), "first.png");
    let piped = std::fs::read(save(&page(&["From the pipe"], 30.0, 30.0), dir.path(), "piped.png")).expect("fixture");
    let mut child = Command::new(BIN)
        .args([
            "ocr",
            "--format",
            "jsonl",
            "--threads",
            "2",
            arg(&first),
            "-",
            "/missing.png",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut next = || -> serde_json::Value {
        serde_json::from_str(&lines.next().expect("a line").expect("utf-8")).expect("each line is JSON")
    };
    // Standard input is still open, so the run cannot be over: this line was
    // written as soon as its file was done. The missing file's error comes too.
    let mut early = [next(), next()];
    early.sort_by_key(|doc| doc["source"].as_str().map(str::to_owned));
    assert!(
        child.try_wait().expect("wait").is_none(),
        "still waiting for standard input"
    );
    assert_eq!(early[0]["source"], "/missing.png");
    assert!(early[0]["error"].as_str().expect("error").contains("no such file"));
    assert_eq!(early[1]["source"], arg(&first));
    assert_eq!(early[1]["pages"][0]["lines"][0]["text"], "Read while waiting");

    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(&piped).expect("piped");
    drop(stdin);
    let last = next();
    assert_eq!(last["source"], "-");
    assert_eq!(last["pages"][0]["lines"][0]["text"], "From the pipe");
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(1), "the missing file failed");
    assert!(
        stderr(&out).contains("ocrdesk: 2 read, 1 failed, 0 skipped"),
        "{}",
        stderr(&out)
    );

    let out = ocrdesk(&["ocr", "-", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("standard input (-) can be read only once"));
}

#[test]
fn json_is_compact_for_scripts_pretty_on_request_and_rounded() {
    let out = ocrdesk(&["ocr", "--quiet", arg(&sample())]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "--quiet: {}", stderr(&out));
    let compact = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(compact.lines().count(), 1, "compact when standard output is a pipe");
    // No number carries more than four decimals (boxes 0.1 px, shares 4 digits, times 0.1 ms).
    let number = regex::Regex::new(r"[:\[,]-?\d+\.(\d+)").expect("regex");
    let longest = number.captures_iter(&compact).map(|c| c[1].len()).max().unwrap_or(0);
    assert!(longest <= 4, "a number with {longest} decimals");
    let doc: serde_json::Value = serde_json::from_str(&compact).expect("JSON");
    let decode = doc["pages"][0]["timings"]["decode_ms"].as_f64().expect("decode_ms");
    assert_eq!((decode * 10.0).round() / 10.0, decode);

    let out = ocrdesk(&["ocr", "--quiet", "--pretty", arg(&sample())]);
    let pretty = String::from_utf8_lossy(&out.stdout);
    assert!(pretty.lines().count() > 100, "indented");
    let mut again: serde_json::Value = serde_json::from_str(&pretty).expect("JSON");
    // The same document, but for the timings of a second reading.
    let mut doc = doc;
    for d in [&mut doc, &mut again] {
        d["pages"][0]["timings"] = serde_json::Value::Null;
    }
    assert_eq!(again, doc);
}

/// Runs `command` with its standard output on a terminal (`script` gives it a pty).
fn on_a_terminal(command: &str) -> (Option<i32>, String) {
    let out = Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("script (util-linux) runs");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn binary_formats_never_go_to_a_terminal_and_o_writes_one_file() {
    let dir = temp_dir();
    let sample = sample();
    for format in ["xlsx", "pdf"] {
        let (code, shown) = on_a_terminal(&format!("{BIN} ocr --format {format} {}", arg(&sample)));
        assert_eq!(code, Some(2), "{shown}");
        assert!(
            shown.contains(&format!("refusing to write {format} to a terminal")),
            "{shown}"
        );
        assert!(
            !shown.contains("PK\u{3}\u{4}") && !shown.contains("%PDF"),
            "no bytes shown"
        );
    }
    // Redirected, the same command writes the workbook.
    let out = ocrdesk(&["ocr", "--quiet", "--format", "xlsx", arg(&sample)]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.starts_with(b"PK\x03\x04"), "a zip: the workbook");

    // -o FILE: the format from its extension, written whole.
    let workbook = dir.path().join("invoice.xlsx");
    let out = ocrdesk(&["ocr", "--quiet", "-o", arg(&workbook), arg(&sample)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(std::fs::read(&workbook).expect("written").starts_with(b"PK\x03\x04"));
    let text = dir.path().join("invoice.out");
    let out = ocrdesk(&["ocr", "--quiet", "--format", "txt", "-o", arg(&text), arg(&sample)]);
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(&text).expect("written").contains("INVOICE"));
    // One file cannot take several inputs.
    let out = ocrdesk(&["ocr", "-o", arg(&workbook), arg(&sample), arg(&sample)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("use --out DIR for several"), "{}", stderr(&out));
    // A terminal gets indented JSON and the summary line; text goes there as it is.
    let (code, shown) = on_a_terminal(&format!("{BIN} ocr {}", arg(&sample)));
    assert_eq!(code, Some(0));
    assert!(shown.contains("  \"pages\": ["), "indented on a terminal: {shown}");
}

#[test]
fn text_keeps_each_table_row_on_one_line_with_tabs() {
    let out = ocrdesk(&["ocr", "--quiet", "--format", "txt", arg(&sample())]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| *l == "Description\tQty\tUnit\tAmount")
        .unwrap_or_else(|| panic!("the table's header row, tab-separated, in:\n{text}"));
    assert_eq!(lines[header + 1], "Archive boxes A4\t40\t2.15\t86.00");
    assert!(
        lines[..header].contains(&"INVOICE"),
        "the lines before the table stay before it"
    );
    assert_eq!(
        lines.last(),
        Some(&"Thank you for your business."),
        "and those after, after"
    );
    // Each of the table's texts once: not again as loose lines.
    assert_eq!(text.matches("Archive boxes A4").count(), 1);
}

#[test]
fn skip_existing_reads_only_the_inputs_whose_output_is_missing() {
    let dir = temp_dir();
    let inbox = dir.path().join("inbox");
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&inbox).expect("inbox");
    save(&page(&["First letter"], 30.0, 30.0), &inbox, "a.png");
    save(&page(&["Second letter"], 30.0, 30.0), &inbox, "b.png");
    let first = ocrdesk(&["ocr", "--format", "txt", "--out", arg(&out_dir), arg(&inbox)]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // The job is re-run after a.txt was lost: only a.png is read again.
    std::fs::remove_file(out_dir.join("a.txt")).expect("a.txt written");
    std::fs::write(out_dir.join("b.txt"), "kept as it was").expect("b.txt");
    let again = ocrdesk(&[
        "ocr",
        "--format",
        "txt",
        "--skip-existing",
        "--out",
        arg(&out_dir),
        arg(&inbox),
    ]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stderr(&again).starts_with("ocrdesk: 1 read, 0 failed, 1 skipped;"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("a.txt"))
            .expect("a.txt again")
            .trim(),
        "First letter"
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("b.txt")).expect("b.txt"),
        "kept as it was"
    );
    // Without --out there is nothing to skip against.
    let usage = ocrdesk(&["ocr", "--skip-existing", arg(&inbox)]);
    assert_eq!(usage.status.code(), Some(2), "{}", stderr(&usage));
}
