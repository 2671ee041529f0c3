//! `ocrdesk serve` driven by Huawei Cloud's own OCR SDK (huaweicloudsdkocr, pinned in
//! tests/sdk/requirements.txt; packaging/test.sh installs it into .cache/sdk-venv):
//! the calls an office's scripts make, answered on this machine.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::{arg, http, ocrdesk, page, passport_specimen, price_list, save, temp_dir};
use serde_json::Value;

const ACCESS_KEY: &str = "AKTESTOCRDESK";
const SECRET_KEY: &str = "SKTESTOCRDESK";

/// A running `ocrdesk serve` and what it has written to standard error so far.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ocrdesk"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .expect("ocrdesk serve starts");
        let stderr = child.stderr.take().expect("stderr piped");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or_default().to_owned();
                    let _ = addr_tx.send(addr);
                }
                kept.lock().unwrap().push(line);
            }
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server says where it listens")
            .parse()
            .expect("an address");
        let server = Server { child, addr, log };
        let deadline = Instant::now() + Duration::from_secs(120);
        while http(server.addr, "GET", "/health", b"").0 != 200 {
            assert!(Instant::now() < deadline, "not ready in 120 s: {:?}", server.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// SIGTERM, as an orchestrator stops a pod; waits for the exit.
    fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        self.child.wait().expect("the server exits")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The SDK's interpreter: the test command's virtual environment.
fn sdk_python() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/sdk-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: `bash packaging/test.sh` installs the cloud SDK the server is tested with \
         (python3 -m venv .cache/sdk-venv && .cache/sdk-venv/bin/pip install -r tests/sdk/requirements.txt)",
        python.display()
    );
    python
}

/// The documents the calls send, drawn here.
fn fixtures(dir: &Path) -> Value {
    let passport = passport_specimen();
    let card = page(
        &[
            "Name: Jane Smith",
            "Tel +44 20 7946 0958",
            "221B Baker Street, London NW1 6XE",
        ],
        28.0,
        40.0,
    );
    let layout = common::stack(&[
        &page(&["Quarterly report"], 48.0, 40.0),
        &page(
            &[
                "Sales grew in every region this quarter, led by the",
                "north, where two new branches opened in the spring.",
            ],
            26.0,
            40.0,
        ),
        &price_list(400),
    ]);
    let id_card = common::id_card::front(&common::id_card::Front {
        name: "张伟",
        sex: "男",
        ethnicity: "汉",
        birth: "1990 年 1 月 2 日",
        address: &["北京市朝阳区建国路", "88号院3号楼"],
        number: "110105199001020016",
    });
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample.png");
    serde_json::json!({
        "sample": sample,
        "table": save(&price_list(400), dir, "table.png"),
        "passport": save(&passport, dir, "passport.png"),
        "card": save(&card, dir, "card.png"),
        "layout": save(&layout, dir, "layout.png"),
        "id_card": save(&id_card, dir, "id_card.png"),
    })
}

fn words(blocks: &Value) -> Vec<String> {
    blocks
        .as_array()
        .expect("a list of blocks")
        .iter()
        .map(|b| b["words"].as_str().expect("words").to_owned())
        .collect()
}

#[test]
fn the_clouds_own_sdk_gets_the_clis_reading_and_the_clouds_errors() {
    let dir = temp_dir();
    let fixtures = fixtures(dir.path());
    let fixtures_path = dir.path().join("fixtures.json");
    std::fs::write(&fixtures_path, fixtures.to_string()).unwrap();
    let server = Server::start(&["--workers", "1", "--ak", ACCESS_KEY, "--sk", SECRET_KEY]);
    let output = Command::new(sdk_python())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/drive_sdk.py"))
        .args([
            &format!("http://{}", server.addr),
            ACCESS_KEY,
            SECRET_KEY,
            "0123456789abcdef",
        ])
        .arg(&fixtures_path)
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("the SDK driver runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let answers: Value = serde_json::from_slice(&output.stdout).expect("JSON from the driver");

    // general-text: exactly the lines the command line reads, in its order and boxes.
    let text = &answers["general_text"];
    assert_eq!(text["status_code"], 200, "{text}");
    assert_eq!(text["request_id"].as_str().map(str::len), Some(32));
    let cli = ocrdesk(&[
        "ocr",
        "--quiet",
        "--extract",
        "none",
        arg(Path::new(fixtures["sample"].as_str().unwrap())),
    ]);
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("CLI JSON");
    let cli_lines = &cli["pages"][0]["lines"];
    let cli_words: Vec<String> = cli_lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap().to_owned())
        .collect();
    let blocks = &text["result"]["words_block_list"];
    assert_eq!(words(blocks), cli_words);
    assert_eq!(text["result"]["words_block_count"], cli_words.len());
    assert_eq!(text["result"]["direction"], 0.0);
    for (block, line) in blocks.as_array().unwrap().iter().zip(cli_lines.as_array().unwrap()) {
        let rounded: Vec<Vec<f64>> = line["box"]
            .as_array()
            .expect("the CLI's box")
            .iter()
            .map(|p| {
                p.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap().round())
                    .collect()
            })
            .collect();
        let location: Vec<Vec<f64>> = serde_json::from_value(block["location"].clone()).expect("corners");
        assert_eq!(location, rounded, "{}", block["words"]);
    }

    // general-table: a table region with every cell's rows and columns, and the workbook.
    let table = &answers["general_table"]["result"];
    let regions = table["words_region_list"].as_array().expect("regions");
    let grid = regions.iter().find(|r| r["type"] == "table").expect("a table region");
    let cells = grid["words_block_list"].as_array().unwrap();
    assert_eq!(cells.len(), 8, "{grid}");
    assert!(
        cells
            .iter()
            .all(|c| !c["rows"].as_array().unwrap().is_empty() && c["cell_location"].is_array())
    );
    let cell = |text: &str| {
        cells
            .iter()
            .find(|c| c["words"] == text)
            .unwrap_or_else(|| panic!("{text}: {grid}"))
    };
    assert_eq!(
        (&cell("Tea")["rows"], &cell("Tea")["columns"]),
        (&serde_json::json!([1]), &serde_json::json!([0]))
    );
    // The heading spans the price and currency columns.
    assert_eq!(cell("Price")["columns"], serde_json::json!([1, 2]));
    let excel = BASE64.decode(table["excel"].as_str().expect("excel")).expect("base64");
    let workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(excel)).expect("an .xlsx");
    assert!(calamine::Reader::sheet_names(&workbook).len() >= 2);

    // passport: the ICAO specimen's zone.
    let passport = &answers["passport"]["result"];
    assert_eq!(passport["surname"], "ERIKSSON", "{passport}");
    assert_eq!(passport["given_name"], "ANNA MARIA");
    assert_eq!(passport["passport_number"], "L898902C3");
    assert_eq!(passport["date_of_birth"], "1974-08-12");
    assert_eq!(passport["country_code"], "UTO");
    assert_eq!(passport["sex"], "F");

    // id-card: a drawn resident card's fields, its number checked against them.
    let card = &answers["id_card"]["result"];
    assert_eq!(
        (&card["name"], &card["sex"], &card["ethnicity"], &card["birth"]),
        (
            &serde_json::json!("张伟"),
            &serde_json::json!("男"),
            &serde_json::json!("汉"),
            &serde_json::json!("1990-01-02")
        ),
        "{card}"
    );
    assert_eq!(card["number"], "110105199001020016");
    assert_eq!(card["address"], "北京市朝阳区建国路88号院3号楼");
    let verified = &card["verification_result"];
    assert_eq!(
        (
            &verified["valid_number"],
            &verified["valid_birth"],
            &verified["valid_sex"]
        ),
        (
            &serde_json::json!(true),
            &serde_json::json!(true),
            &serde_json::json!(true)
        ),
        "{card}"
    );

    // web-image: the card's contact details and the image's size.
    let web = &answers["web_image"]["result"];
    assert_eq!(web["extracted_data"]["contact_info"]["name"], "Jane Smith", "{web}");
    assert_eq!(web["extracted_data"]["contact_info"]["phone"], "+442079460958");
    assert!(web["extracted_data"]["image_size"]["width"].as_i64().unwrap() > 0);

    // smart-document: a title, a paragraph, the table's caption and the table, in that order.
    let smart = &answers["smart_document"]["result"][0];
    let kinds: Vec<&str> = smart["layout_result"]["layout_block_list"]
        .as_array()
        .expect("layout blocks")
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["title", "text", "text", "table"], "{smart}");
    let paragraph = &smart["layout_result"]["layout_block_list"][1];
    assert_eq!(paragraph["words_ids"], serde_json::json!([1, 2]), "{paragraph}");
    assert_eq!(smart["table_result"]["table_count"], 1);

    // Errors as the cloud's, raised by the SDK as its own exceptions.
    let bad = &answers["bad_base64"];
    assert_eq!(bad["exception"], "ClientRequestException", "{bad}");
    assert_eq!(
        (bad["status_code"].as_i64(), bad["error_code"].as_str()),
        (Some(400), Some("AIS.0102"))
    );
    assert_eq!(bad["request_id"].as_str().map(str::len), Some(32));
    assert_eq!(answers["remote_url"]["error_code"], "AIS.0101");
    assert!(
        answers["remote_url"]["error_msg"]
            .as_str()
            .unwrap()
            .contains("remote URLs are not fetched")
    );
    let unsigned = &answers["wrong_secret"];
    assert_eq!(
        (unsigned["status_code"].as_i64(), unsigned["error_code"].as_str()),
        (Some(401), Some("APIGW.0301")),
        "{unsigned}"
    );

    // The metrics count each call, and the access log never holds a document's text.
    let (status, _, metrics) = http(server.addr, "GET", "/metrics", b"");
    let metrics = String::from_utf8(metrics).unwrap();
    assert_eq!(status, 200);
    assert!(
        metrics.contains(r#"ocrdesk_requests_total{endpoint="general-text",status="200",code="ok"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"ocrdesk_requests_total{endpoint="general-text",status="400",code="AIS.0102"} 1"#));
    let log = server.log().join("\n");
    assert!(log.contains("\"POST /v2/0123456789abcdef/ocr/passport\" 200"), "{log}");
    for secret in ["ERIKSSON", "Jane Smith", "Tea", "INVOICE", "张伟", "110105199001020016"] {
        assert!(!log.contains(secret), "the log holds {secret}: {log}");
    }
    assert!(server.terminate().success());
}

#[test]
fn a_full_queue_a_large_body_and_an_unknown_path_get_the_clouds_errors() {
    let server = Server::start(&["--workers", "1", "--queue", "1"]);
    let (status, head, body) = http(
        server.addr,
        "POST",
        "/v2/p/ocr/general-text",
        &vec![b' '; 11 * 1024 * 1024],
    );
    let body: Value = serde_json::from_slice(&body).expect("JSON error");
    assert_eq!((status, body["error_code"].as_str()), (400, Some("AIS.0103")), "{body}");
    assert!(head.to_lowercase().contains("x-request-id: "), "{head}");
    let (status, _, body) = http(server.addr, "POST", "/v2/p/ocr/no-such-thing", b"{}");
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));

    // One worker busy with a large page, one request waiting: a third is refused at once.
    let dir = temp_dir();
    let big = save(
        &page(&["A busy worker reads this page line by line"; 120], 24.0, 40.0),
        dir.path(),
        "big.png",
    );
    let request = serde_json::json!({ "image": BASE64.encode(std::fs::read(&big).unwrap()) }).to_string();
    let addr = server.addr;
    let busy: Vec<_> = (0..2)
        .map(|i| {
            let request = request.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(200 * i));
                http(addr, "POST", "/v2/p/ocr/general-text", request.as_bytes()).0
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(800));
    let (status, _, body) = http(server.addr, "POST", "/v2/p/ocr/general-text", request.as_bytes());
    let body: Value = serde_json::from_slice(&body).expect("JSON error");
    assert_eq!((status, body["error_code"].as_str()), (429, Some("AIS.0429")), "{body}");
    // SIGTERM while both are in flight or queued: they are answered before the exit.
    let exit = server.terminate();
    assert_eq!(
        busy.into_iter().map(|t| t.join().unwrap()).collect::<Vec<_>>(),
        [200, 200]
    );
    assert!(exit.success());
}
