//! Property tests of the analyses (`ocrdesk::analysis`): random pages of lines go
//! through every analysis the library has. None may panic, and the few things that
//! hold whatever the input are checked: a reading order is a permutation of the
//! lines; table cells lie inside their grid and point at lines that exist; fields
//! point at lines that exist; `extract` leaves the lines as they were.
//!
//! The pages mix what OCR hands over with what it should never hand over but
//! might: boxes at any angle; grids of short texts laid out like tables (some
//! ruled on the page image, some laid level on a page that lies turned or
//! skewed, so that the turned table search finds them); piles of overlapping
//! boxes; zero-size and collinear boxes; coordinates up to a million and below a
//! pixel; texts from passport zones, phone numbers, e-mail and web addresses,
//! Chinese names and addresses, labels, dates, amounts and random Unicode. Only
//! finite numbers: the engine never produces NaN.
//!
//! Cases: 10,000 in all by default (about a minute of a debug build on two
//! cores), shared out between the properties by the `SHARE_*` constants.
//! `ANALYSIS_CASES` (or else `PROPTEST_CASES`) sets another total for the file,
//! and `PROPTEST_RNG_SEED` fixes the random seed. Each property prints the
//! number of cases it ran and what they found (`--nocapture` shows it):
//!
//! `cargo test --test properties -- --nocapture`
//! `ANALYSIS_CASES=1000000 cargo test --release --test properties -- --nocapture`
//!
//! The last two tests are fixed regressions: the table code once ordered a cell's
//! words with a comparator for which "same line" meant "within half a text
//! height", which is not transitive, and `sort_by` (Rust 1.81 on) panicked with
//! "user-provided comparison function does not correctly implement a total order".

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::time::Instant;

use image::{GrayImage, Luma, Rgb, RgbImage};
use ocrdesk::analysis::{self, Extract, contacts, dates, fields, mrz, table};
use ocrdesk::geometry::reading_order;
use ocrdesk::geometry::{Affine, turn_map};
use ocrdesk::geometry::{Point, Quad, axis_aligned};
use ocrdesk::imaging::light_ink;
use ocrdesk::ocr::DESKEW_ABOVE_DEGREES;
use ocrdesk::result::{Field, FieldSource, Line, Page, PageOrientation, StageTimings, Table, TableKind, TextSource};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::string::string_regex;
use proptest::test_runner::{Config, TestRunner};

// ---------------------------------------------------------------------------
// How many cases, and where they go
// ---------------------------------------------------------------------------

/// Cases across the whole file when the environment names no total: about a
/// minute of a debug build on two cores.
const DEFAULT_TOTAL_CASES: u64 = 10_000;
/// Where another total can be set, the first one set winning. `PROPTEST_CASES`
/// is a total for this file too, not a count per property: proptest's own reading
/// of it is overwritten by each property's share.
const CASES_VARIABLES: [&str; 2] = ["ANALYSIS_CASES", "PROPTEST_CASES"];

/// Reading order: sorting only, the cheapest property.
const SHARE_READING_ORDER: u64 = 150;
/// `extract` without an image: every analysis together, the main property.
const SHARE_EXTRACT: u64 = 300;
/// `extract` with a page image: rules found, images turned, ~1 µs a pixel at opt-level 0.
const SHARE_EXTRACT_IMAGED: u64 = 60;
/// Tables found directly, level and turned by any angle.
const SHARE_TABLES: u64 = 150;
/// Machine-readable zones, with extra pages of mostly zone-like lines.
const SHARE_MRZ: u64 = 100;
/// Phone numbers, e-mail and web addresses, postal addresses.
const SHARE_CONTACTS: u64 = 100;
/// Label/value fields and dates.
const SHARE_FIELDS: u64 = 100;
/// Whitening light ink: a loop over a few pixels, cheap.
const SHARE_WATERMARK: u64 = 37;
/// Pages of up to 3,000 lines: about half a second each in a debug build, so few.
const SHARE_BIG_PAGES: u64 = 3;
const _: () = assert!(
    SHARE_READING_ORDER
        + SHARE_EXTRACT
        + SHARE_EXTRACT_IMAGED
        + SHARE_TABLES
        + SHARE_MRZ
        + SHARE_CONTACTS
        + SHARE_FIELDS
        + SHARE_WATERMARK
        + SHARE_BIG_PAGES
        == 1000,
    "the shares are thousandths of the total"
);

/// How long a failure may spend shrinking its page (a big page takes a while per try).
const MAX_SHRINK_MS: u32 = 60_000;

// ---------------------------------------------------------------------------
// Page shapes
// ---------------------------------------------------------------------------

/// Most pages hold up to this many lines: a receipt, an ID card, a form.
const MAX_LINES: usize = 40;
/// Big pages: a dense two-column paper or a long spreadsheet.
const BIG_LINES: RangeInclusive<usize> = 100..=3000;
/// Largest side of a page image: finding rules and turning cost ~1 µs a pixel at opt-level 0.
const MAX_IMAGE_SIDE: u32 = 400;
/// Largest coordinate of a far box: a huge scan or a broken transform.
const FAR: f32 = 1.0e6;
/// Most sample points along one drawn rule (two a pixel; longer rules are off the image anyway).
const MAX_STROKE_STEPS: f32 = 4000.0;
/// Tables with more slots skip the every-slot-has-a-cell check (it costs slots × cells).
const MAX_SLOTS_CHECKED: usize = 400;
/// Text height of the fixed regression layouts, in pixels.
const TH: f32 = 16.0;

// ---------------------------------------------------------------------------
// Texts
// ---------------------------------------------------------------------------

/// ICAO 9303 specimen zones (TD3 passport, TD1 and TD2 cards, MRV-A and MRV-B
/// visas): real zones make the `mrz` crate parse, check and report fields.
const ZONES: &[&[&str]] = &[
    &[
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ],
    &[
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ],
    &[
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D231458907UTO7408122F1204159<<<<<<<6",
    ],
    &[
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L8988901C4XXX4009078F9612109ZE184226B1234567",
    ],
    &[
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "L8988901C4XXX4009078F9612109<<<<<<<<",
    ],
];
/// What OCR reads for zone characters: look-alike digits and letters, guillemets,
/// a bracket, a space, and one accented letter (non-ASCII inside a zone).
const SLIP_CHARS: &[char] = &[
    '<', '0', 'O', '1', 'I', 'L', '8', 'B', '5', 'S', '«', '‹', '(', ' ', 'é',
];
/// Phone numbers as printed: international, Chinese, Malaysian, labelled, and a few broken ones.
const PHONES: &[&str] = &[
    "+44 20 7946 0958",
    "+1 (415) 555-2671",
    "138 0013 8000",
    "Tel: 03-4021 6088",
    "电话：138 0013 8000",
    "Fax 0049 30 901820",
    "T: +86 755 8888 6666",
    "(010) 6552-9988",
    "00861065529988",
    "1300-88-5200",
    "M: +60 12-345 6789",
    "+",
    "Tel",
];
/// E-mail addresses, some spaced out by OCR, some malformed.
const EMAILS: &[&str] = &[
    "jane.smith@acme-robotics.co.uk",
    "jane.smith @acme-robotics.co.uk",
    "info@例子.中国",
    "a@b.c",
    "@",
    "x@@y..com",
    "support@ocrdesk.io.",
];
/// Web addresses, with and without a scheme, some cut short.
const URLS: &[&str] = &[
    "www.acme-robotics.co.uk",
    "https://example.com/path?q=1&r=(2)",
    "http://",
    "ocrdesk.io/",
    "https://例子.测试/路径",
    "www.",
    "example.com.cn/a/b/c",
];
/// Chinese names, addresses, ID-card labels and amounts.
const CHINESE: &[&str] = &[
    "姓名 张三",
    "广东省深圳市南山区科技园南区高新南一道8号",
    "地址：北京市朝阳区建国路88号SOHO现代城",
    "性别 男 民族 汉",
    "出生 1990年1月2日",
    "公民身份号码 440301199001021234",
    "价税合计 ¥1,234.50",
    "收件人：张伟",
    "新疆维吾尔自治区乌鲁木齐市天山区",
    "香港特别行政区",
    "区",
    "省市区县",
];
/// Labels the fields analysis knows, in English and Chinese, and one it must not take.
const LABELS: &[&str] = &[
    "Name:",
    "Name",
    "Total",
    "TOTAL:",
    "Date",
    "Date of birth",
    "Surname",
    "Given names",
    "Sex",
    "Nationality",
    "Passport No.",
    "ID No",
    "Invoice No.",
    "Amount due",
    "Valid until",
    "Address:",
    "Tel",
    "姓名",
    "性别",
    "出生日期",
    "合计",
    "有效期至",
    "签发机关",
    "Name：",
    "date of the meeting",
];
/// Values that follow labels.
const VALUES: &[&str] = &[
    "Jane",
    "张三",
    "ERIKSSON",
    "F",
    "男",
    "UTO",
    "L898902C3",
    "Ms Jane Smith",
    "汉",
];
/// Dates: certain, ambiguous, impossible and odd.
const DATES: &[&str] = &[
    "2023-08-25",
    "25/08/2023",
    "08/25/2023",
    "03/04/2023",
    "25 Aug 2023",
    "Aug 25, 2023",
    "20230825",
    "2023年8月25日",
    "31/02/2023",
    "29/02/2024",
    "00/00/0000",
    "9999-99-99",
    "1 January 1970",
    "12.13.14",
];
/// Amounts in several notations, one absurdly long.
const AMOUNTS: &[&str] = &[
    "12.50",
    "1,234.50",
    "-0.01",
    "RM 8.00",
    "¥1,234.50",
    "$0.00",
    "99999999999999999999.99",
    "1.234,50 €",
];
/// Short words of receipts and tables.
const WORDS: &[&str] = &[
    "Qty",
    "Tea",
    "Cake",
    "Item",
    "Price",
    "EUR",
    "n",
    "%",
    "p",
    "Thank you for shopping",
    "INVOICE 2026-117",
    "REF<NUMBER 1234",
    "Subtotal 331.40",
];
/// Lines of running text (two columns of it must not become a table).
const PROSE: &[&str] = &[
    "The committee met on Tuesday to discuss the",
    "budget for next year, which was agreed after",
    "Values are counts and shares of the 30 patients given the drug, by outcome.",
];
/// Chinese table cells.
const CHINESE_CELLS: &[&str] = &["合计", "数量", "单价", "张三", "丘陵沟壑区"];

/// Strings matching `pattern` (ASCII patterns only: no Unicode tables needed).
fn re(pattern: &str) -> BoxedStrategy<String> {
    string_regex(pattern)
        .unwrap_or_else(|e| panic!("{pattern}: {e}"))
        .boxed()
}

/// One of `list`.
fn pick(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(list).prop_map(str::to_owned)
}

/// Chinese characters from the main CJK block.
fn han() -> impl Strategy<Value = String> {
    vec(prop::char::range('\u{4E00}', '\u{9FFF}'), 1..16).prop_map(|cs| cs.into_iter().collect::<String>())
}

/// Any characters at all: control characters, combining marks, emoji, RTL.
fn unicode() -> impl Strategy<Value = String> {
    vec(any::<char>(), 0..16).prop_map(|cs| cs.into_iter().collect::<String>())
}

/// A value after a label.
fn value() -> BoxedStrategy<String> {
    prop_oneof![
        pick(DATES),
        pick(AMOUNTS),
        pick(VALUES),
        re("[A-Za-z0-9 ]{1,12}"),
        Just(String::new()),
    ]
    .boxed()
}

/// A label, with its value on the same line or alone.
fn labelled() -> impl Strategy<Value = String> {
    (pick(LABELS), prop::option::of(value())).prop_map(|(label, value)| match value {
        Some(v) => format!("{label} {v}"),
        None => label,
    })
}

/// One OCR slip in a zone line.
#[derive(Clone, Debug)]
enum Slip {
    Replace(Index, char),
    Delete(Index),
    Space(Index),
    Lower,
}

fn slips() -> impl Strategy<Value = Vec<Slip>> {
    vec(
        prop_oneof![
            3 => (any::<Index>(), prop::sample::select(SLIP_CHARS)).prop_map(|(i, c)| Slip::Replace(i, c)),
            1 => any::<Index>().prop_map(Slip::Delete),
            2 => any::<Index>().prop_map(Slip::Space),
            1 => Just(Slip::Lower),
        ],
        0..4,
    )
}

/// `line` with `slips` made in it.
fn slipped(line: &str, slips: &[Slip]) -> String {
    let mut chars: Vec<char> = line.chars().collect();
    for slip in slips {
        match slip {
            Slip::Replace(i, c) if !chars.is_empty() => {
                let k = i.index(chars.len());
                chars[k] = *c;
            }
            Slip::Delete(i) if !chars.is_empty() => {
                chars.remove(i.index(chars.len()));
            }
            Slip::Space(i) => chars.insert(i.index(chars.len() + 1), ' '),
            Slip::Lower => chars.iter_mut().for_each(char::make_ascii_lowercase),
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// A specimen zone's lines, each with a few OCR slips.
fn zone() -> impl Strategy<Value = Vec<String>> {
    // Three sets of slips: the longest zone (TD1) has three lines.
    (prop::sample::select(ZONES), vec(slips(), 3)).prop_map(|(zone, slips)| {
        zone.iter()
            .zip(&slips)
            .map(|(line, s)| slipped(line, s))
            .collect::<Vec<String>>()
    })
}

/// One line of a slipped zone.
fn zone_line() -> impl Strategy<Value = String> {
    (zone(), any::<Index>()).prop_map(|(lines, i)| lines[i.index(lines.len())].clone())
}

/// The text of a line: the mix a page of OCR output holds, and then some.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        2 => Just(String::new()),
        1 => re("[ \t]{1,4}"),
        2 => zone_line(),
        2 => re("[A-Z0-9<]{44}"),
        1 => re("[A-Z0-9<]{25,50}"),
        2 => pick(PHONES),
        1 => re(r"(\+|00)?[0-9]{1,3}[ ()./-]{0,2}[0-9 ()./-]{4,18}[0-9]"),
        1 => pick(EMAILS),
        1 => re(r"[a-z0-9._%+-]{1,10} ?@ ?[a-z0-9-]{1,10}( ?\. ?[a-z]{2,4}){1,3}"),
        1 => pick(URLS),
        1 => re(r"(https?://|www\.)?[a-z0-9-]{1,10}\.(com|cn|com\.cn|co\.uk|io|de)(/[a-zA-Z0-9./?=&%()-]{0,16})?"),
        3 => pick(CHINESE),
        1 => han(),
        3 => labelled(),
        2 => pick(DATES),
        1 => re(r"[0-9]{1,4}[-/. ][0-9]{1,2}[-/. ][0-9]{1,4}"),
        2 => pick(AMOUNTS),
        1 => re(r"-?[0-9]{1,3}(,[0-9]{3}){0,3}\.[0-9]{2}"),
        2 => pick(WORDS),
        1 => pick(PROSE),
        2 => unicode(),
    ]
    .boxed()
}

/// The text of a table cell: mostly short numbers and words, sometimes a heading
/// long enough to cross columns, sometimes two words a column edge may split.
fn cell_text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => re("[0-9]{1,4}"),
        3 => re(r"[0-9]{1,3}\.[0-9]{2}"),
        2 => re("[A-Z][a-z]{1,7}"),
        1 => re("[a-z]{1,8}"),
        1 => Just(String::new()),
        1 => re("[0-9]{1,2} [0-9]{1,2}"),
        1 => pick(CHINESE_CELLS),
        1 => pick(DATES),
        1 => re("[A-Z][a-z]{3,9}( [a-z]{2,9}){1,4}"),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------
// Layout: blocks of lines on a canvas
// ---------------------------------------------------------------------------

/// Where blocks are laid out: a `w`×`h` frame in which text is about `text` pixels tall.
#[derive(Clone, Copy, Debug)]
struct Canvas {
    w: f32,
    h: f32,
    text: f32,
}

/// A straight rule drawn on the page image, `thickness` pixels wide in grey level `ink`.
#[derive(Clone, Copy, Debug)]
struct Stroke {
    from: Point,
    to: Point,
    thickness: u32,
    ink: u8,
}

/// How a grid is ruled.
#[derive(Clone, Debug)]
struct Ruling {
    /// Rules between the rows only (a booktabs table).
    horizontal_only: bool,
    /// Which rules are left out, taken in turn: a broken grid merges cells.
    dropped: Vec<bool>,
    thickness: u32,
    ink: u8,
}

/// Rows and columns of short texts, as a table prints them.
#[derive(Clone, Debug)]
struct Grid {
    /// Top-left corner, as fractions of the canvas.
    at: (f32, f32),
    rows: usize,
    columns: usize,
    /// Column pitch and row pitch, in text heights.
    pitch: (f32, f32),
    /// Text height, in the canvas's text heights.
    scale: f32,
    /// Each cell's text, x and y jitter (text heights) and confidence, taken in turn.
    cells: Vec<(String, f32, f32, f32)>,
    ruling: Option<Ruling>,
    /// Lower-case words down the first column under the last row, each this many
    /// text heights below the last, at scrambled x: the layout of the sort bug
    /// (see the regression tests at the end).
    stack: Option<(usize, f32)>,
}

/// Where a label's value is.
#[derive(Clone, Copy, Debug)]
enum Arrangement {
    Inline,
    Beside,
    Below,
    LabelOnly,
}

/// Part of a page. Positions are fractions of the canvas and sizes are text
/// heights, so that one block fits a page of any size.
#[derive(Clone, Debug)]
enum Block {
    /// A box of text anywhere, at any angle (`at` is its centre).
    Loose {
        text: String,
        at: (f32, f32),
        width: f32,
        height: f32,
        angle: f32,
        confidence: f32,
    },
    Grid(Grid),
    /// All four corners in one point.
    ZeroSize {
        text: String,
        at: (f32, f32),
        confidence: f32,
    },
    /// Four points on one straight line, in any order along it.
    Collinear {
        text: String,
        at: (f32, f32),
        angle: f32,
        offsets: [f32; 4],
    },
    /// Four corners near each other in any order: crossed, folded, inside out.
    Wild {
        text: String,
        at: (f32, f32),
        corners: [(f32, f32); 4],
    },
    /// A box in page pixels up to a million, whatever the page's size.
    Far {
        text: String,
        centre: (f32, f32),
        size: (f32, f32),
        angle: f32,
    },
    /// A box smaller than a pixel.
    Tiny {
        text: String,
        at: (f32, f32),
        size: f32,
        angle: f32,
    },
    /// Boxes piled on nearly the same spot.
    Pile {
        texts: Vec<String>,
        at: (f32, f32),
        shifts: Vec<(f32, f32)>,
    },
    /// A machine-readable zone's lines, one under the other.
    Zone {
        lines: Vec<String>,
        at: (f32, f32),
    },
    /// A label and its value.
    Form {
        label: String,
        value: String,
        arrangement: Arrangement,
        at: (f32, f32),
    },
}

/// A spot on the canvas, as fractions of its size, a little past its edges too.
fn spot() -> impl Strategy<Value = (f32, f32)> {
    (-0.1f32..=1.1, -0.1f32..=1.1)
}

/// A recognition confidence, its ends included.
fn confidence() -> impl Strategy<Value = f32> {
    prop_oneof![1 => Just(0.0f32), 1 => Just(1.0f32), 8 => 0.0f32..=1.0]
}

/// Degrees clockwise: mostly level, often a little off, sometimes anything.
fn angle() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => Just(0.0f32),
        2 => -3.0f32..=3.0,
        2 => 0.0f32..360.0,
        1 => prop::sample::select(vec![90.0f32, 180.0, 270.0]),
    ]
}

fn ruling() -> impl Strategy<Value = Ruling> {
    (
        prop::bool::weighted(0.25),
        vec(prop::bool::weighted(0.15), 1..=8),
        prop_oneof![4 => 1u32..=2, 1 => 3u32..=5],
        prop::sample::select(vec![0u8, 60, 110]),
    )
        .prop_map(|(horizontal_only, dropped, thickness, ink)| Ruling {
            horizontal_only,
            dropped,
            thickness,
            ink,
        })
}

fn grid(max_rows: usize, max_columns: usize) -> impl Strategy<Value = Grid> {
    (
        (0.0f32..=0.9, 0.0f32..=0.9),
        1..=max_rows,
        1..=max_columns,
        (2.0f32..=10.0, 1.1f32..=2.5),
        0.6f32..=1.5,
        // Up to 48 cells' worth, reused in turn by bigger grids.
        vec((cell_text(), -0.3f32..=0.3, -0.3f32..=0.3, confidence()), 1..=48),
        prop::option::of(ruling()),
        prop::option::weighted(0.2, (4usize..=30, 0.2f32..=0.5)),
    )
        .prop_map(|(at, rows, columns, pitch, scale, cells, ruling, stack)| Grid {
            at,
            rows,
            columns,
            pitch,
            scale,
            cells,
            ruling,
            stack,
        })
}

/// Any block. `far` lets far boxes be a million pixels across (kept off big
/// pages, where one joining a table row makes its column scan a million wide).
fn block(max_rows: usize, max_columns: usize, far: bool) -> BoxedStrategy<Block> {
    let far_centre = if far {
        (0.0f32..=FAR, 0.0f32..=FAR).boxed()
    } else {
        (0.0f32..=5000.0, 0.0f32..=5000.0).boxed()
    };
    let far_size = if far {
        // Rarely a million across: one in a table row makes its column scan a million wide.
        prop_oneof![9 => (0.0f32..=200.0, 0.0f32..=60.0), 1 => (0.0f32..=FAR, 0.0f32..=FAR)].boxed()
    } else {
        (0.0f32..=200.0, 0.0f32..=60.0).boxed()
    };
    prop_oneof![
        6 => (text(), spot(), 0.2f32..=2.0, 0.3f32..=3.0, angle(), confidence()).prop_map(
            |(text, at, width, height, angle, confidence)| Block::Loose {
                text,
                at,
                width,
                height,
                angle,
                confidence,
            }
        ),
        4 => grid(max_rows, max_columns).prop_map(Block::Grid),
        1 => (text(), spot(), confidence()).prop_map(|(text, at, confidence)| Block::ZeroSize {
            text,
            at,
            confidence,
        }),
        1 => (text(), spot(), 0.0f32..360.0, prop::array::uniform4(-1.0f32..=1.0)).prop_map(
            |(text, at, angle, offsets)| Block::Collinear {
                text,
                at,
                angle,
                offsets,
            }
        ),
        1 => (text(), spot(), prop::array::uniform4((-2.0f32..=2.0, -2.0f32..=2.0)))
            .prop_map(|(text, at, corners)| Block::Wild { text, at, corners }),
        1 => (text(), far_centre, far_size, angle()).prop_map(|(text, centre, size, angle)| Block::Far {
            text,
            centre,
            size,
            angle,
        }),
        1 => (
            text(),
            spot(),
            prop_oneof![Just(0.0f32), 1e-6f32..=1e-3, 1e-3f32..=1.0],
            angle(),
        )
            .prop_map(|(text, at, size, angle)| Block::Tiny { text, at, size, angle }),
        1 => (vec(text(), 2..=6), spot(), vec((-0.3f32..=0.3, -0.3f32..=0.3), 6))
            .prop_map(|(texts, at, shifts)| Block::Pile { texts, at, shifts }),
        2 => (zone(), spot()).prop_map(|(lines, at)| Block::Zone { lines, at }),
        2 => (
            pick(LABELS),
            value(),
            prop_oneof![
                Just(Arrangement::Inline),
                Just(Arrangement::Beside),
                Just(Arrangement::Below),
                Just(Arrangement::LabelOnly),
            ],
            spot(),
        )
            .prop_map(|(label, value, arrangement, at)| Block::Form {
                label,
                value,
                arrangement,
                at,
            }),
    ]
    .boxed()
}

/// A line before it is placed on the page.
struct Draft {
    text: String,
    quad: Quad,
    confidence: f32,
}

impl Draft {
    fn new(text: &str, quad: Quad, confidence: f32) -> Self {
        Self {
            text: text.to_owned(),
            quad,
            confidence,
        }
    }
}

/// A `w`×`h` rectangle centred on (`cx`, `cy`) and turned `degrees` clockwise;
/// corners top-left, top-right, bottom-right, bottom-left as it reads.
fn rotated(cx: f32, cy: f32, w: f32, h: f32, degrees: f32) -> Quad {
    let (s, c) = degrees.to_radians().sin_cos();
    let (ux, uy) = (c * w / 2.0, s * w / 2.0);
    let (vx, vy) = (-s * h / 2.0, c * h / 2.0);
    [
        Point::new(cx - ux - vx, cy - uy - vy),
        Point::new(cx + ux - vx, cy + uy - vy),
        Point::new(cx + ux + vx, cy + uy + vy),
        Point::new(cx - ux + vx, cy - uy + vy),
    ]
}

/// How wide `text` prints at `height`: a rough 0.6 of a height a character.
fn text_width(text: &str, height: f32) -> f32 {
    0.6 * height * text.chars().count().max(1) as f32
}

/// The lines and rules of `blocks` laid out on `canvas`, in the canvas's pixels.
fn realise(blocks: &[Block], canvas: Canvas) -> (Vec<Draft>, Vec<Stroke>) {
    let mut lines = Vec::new();
    let mut strokes = Vec::new();
    let place = |(fx, fy): (f32, f32)| (fx * canvas.w, fy * canvas.h);
    let th = canvas.text;
    for block in blocks {
        match block {
            Block::Loose {
                text,
                at,
                width,
                height,
                angle,
                confidence,
            } => {
                let (x, y) = place(*at);
                let h = th * height;
                let quad = rotated(x, y, text_width(text, h) * width, h, *angle);
                lines.push(Draft::new(text, quad, *confidence));
            }
            Block::Grid(grid) => lay_grid(grid, canvas, &mut lines, &mut strokes),
            Block::ZeroSize { text, at, confidence } => {
                let (x, y) = place(*at);
                lines.push(Draft::new(text, [Point::new(x, y); 4], *confidence));
            }
            Block::Collinear {
                text,
                at,
                angle,
                offsets,
            } => {
                let (x, y) = place(*at);
                let (s, c) = angle.to_radians().sin_cos();
                let quad = offsets.map(|t| Point::new(x + c * t * 4.0 * th, y + s * t * 4.0 * th));
                lines.push(Draft::new(text, quad, 0.5));
            }
            Block::Wild { text, at, corners } => {
                let (x, y) = place(*at);
                let quad = corners.map(|(dx, dy)| Point::new(x + dx * 3.0 * th, y + dy * th));
                lines.push(Draft::new(text, quad, 0.7));
            }
            Block::Far {
                text,
                centre,
                size,
                angle,
            } => lines.push(Draft::new(
                text,
                rotated(centre.0, centre.1, size.0, size.1, *angle),
                0.9,
            )),
            Block::Tiny { text, at, size, angle } => {
                let (x, y) = place(*at);
                lines.push(Draft::new(text, rotated(x, y, 3.0 * size, *size, *angle), 0.8));
            }
            Block::Pile { texts, at, shifts } => {
                let (x, y) = place(*at);
                for (text, (dx, dy)) in texts.iter().zip(shifts.iter().cycle()) {
                    let quad = rotated(x + dx * th, y + dy * th, text_width(text, th), th, 0.0);
                    lines.push(Draft::new(text, quad, 0.6));
                }
            }
            Block::Zone { lines: zone, at } => {
                let (x, y) = place(*at);
                for (i, text) in zone.iter().enumerate() {
                    let top = y + i as f32 * 1.5 * th;
                    lines.push(Draft::new(
                        text,
                        axis_aligned(x, top, x + text_width(text, th), top + th),
                        0.95,
                    ));
                }
            }
            Block::Form {
                label,
                value,
                arrangement,
                at,
            } => {
                let (x, y) = place(*at);
                let label_end = x + text_width(label, th);
                let label_box = axis_aligned(x, y, label_end, y + th);
                match arrangement {
                    Arrangement::Inline => {
                        let line = format!("{label} {value}");
                        lines.push(Draft::new(
                            &line,
                            axis_aligned(x, y, x + text_width(&line, th), y + th),
                            0.9,
                        ));
                    }
                    Arrangement::Beside => {
                        let vx = label_end + th;
                        lines.push(Draft::new(label, label_box, 0.9));
                        lines.push(Draft::new(
                            value,
                            axis_aligned(vx, y + 0.1 * th, vx + text_width(value, th), y + 1.1 * th),
                            0.9,
                        ));
                    }
                    Arrangement::Below => {
                        let vy = y + 1.3 * th;
                        lines.push(Draft::new(label, label_box, 0.9));
                        lines.push(Draft::new(
                            value,
                            axis_aligned(x, vy, x + text_width(value, th), vy + th),
                            0.9,
                        ));
                    }
                    Arrangement::LabelOnly => lines.push(Draft::new(label, label_box, 0.9)),
                }
            }
        }
    }
    (lines, strokes)
}

/// A grid's lines, row by row, its stack of staggered words and its rules.
fn lay_grid(g: &Grid, canvas: Canvas, lines: &mut Vec<Draft>, strokes: &mut Vec<Stroke>) {
    let th = canvas.text * g.scale;
    let (ox, oy) = (g.at.0 * canvas.w, g.at.1 * canvas.h);
    let (dx, dy) = (g.pitch.0 * th, g.pitch.1 * th);
    for r in 0..g.rows {
        for c in 0..g.columns {
            let (text, jx, jy, confidence) = &g.cells[(r * g.columns + c) % g.cells.len()];
            let x0 = ox + c as f32 * dx + jx * th;
            let y0 = oy + r as f32 * dy + jy * th;
            let w = 0.55 * th * text.chars().count().max(1) as f32;
            lines.push(Draft::new(text, axis_aligned(x0, y0, x0 + w, y0 + th), *confidence));
        }
    }
    if let Some((count, step)) = g.stack {
        let top = oy + g.rows as f32 * dy;
        for k in 0..count {
            // Scrambled across the first column, inside it (see `stack_x`).
            let x0 = stack_x(k, ox, 0.04 * dx);
            let y0 = top + k as f32 * step * th;
            lines.push(Draft::new(
                &format!("w{k}"),
                axis_aligned(x0, y0, x0 + 1.1 * th, y0 + th),
                0.9,
            ));
        }
    }
    if let Some(ruling) = &g.ruling {
        // Rules halfway between the rows, and a little left of each column's text.
        let top = oy - (dy - th) / 2.0;
        let left = ox - 0.15 * dx;
        let (right, bottom) = (left + g.columns as f32 * dx, top + g.rows as f32 * dy);
        let mut kept = ruling.dropped.iter().cycle().map(|dropped| !dropped);
        let mut rule = |from: Point, to: Point, keep: bool| {
            if keep {
                strokes.push(Stroke {
                    from,
                    to,
                    thickness: ruling.thickness,
                    ink: ruling.ink,
                });
            }
        };
        for r in 0..=g.rows {
            let y = top + r as f32 * dy;
            rule(Point::new(left, y), Point::new(right, y), kept.next().unwrap_or(true));
        }
        if !ruling.horizontal_only {
            for c in 0..=g.columns {
                let x = left + c as f32 * dx;
                rule(Point::new(x, top), Point::new(x, bottom), kept.next().unwrap_or(true));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------

/// A rule drawn anywhere on a page image, as fractions of the page.
#[derive(Clone, Debug)]
struct LooseRule {
    horizontal: bool,
    at: f32,
    from: f32,
    to: f32,
    /// Rise over run: a rule drawn slightly aslant.
    slant: f32,
    thickness: u32,
    ink: u8,
}

impl LooseRule {
    fn stroke(&self, width: u32, height: u32) -> Stroke {
        let (w, h) = (width as f32, height as f32);
        let (from, to) = if self.horizontal {
            let y = self.at * h;
            (
                Point::new(self.from * w, y),
                Point::new(self.to * w, y + self.slant * w),
            )
        } else {
            let x = self.at * w;
            (
                Point::new(x, self.from * h),
                Point::new(x + self.slant * h, self.to * h),
            )
        };
        Stroke {
            from,
            to,
            thickness: self.thickness,
            ink: self.ink,
        }
    }
}

fn loose_rule() -> impl Strategy<Value = LooseRule> {
    (
        any::<bool>(),
        0.0f32..=1.0,
        0.0f32..=1.0,
        0.0f32..=1.0,
        prop_oneof![3 => Just(0.0f32), 1 => -0.03f32..=0.03],
        // Thin rules, and strokes too thick to be rules.
        prop_oneof![4 => 1u32..=3, 1 => 4u32..=9],
        prop::sample::select(vec![0u8, 40, 100, 255]),
    )
        .prop_map(|(horizontal, at, from, to, slant, thickness, ink)| LooseRule {
            horizontal,
            at,
            from,
            to,
            slant,
            thickness,
            ink,
        })
}

/// A page image as drawn: paper of one grey with rules on it. Kept as a recipe
/// so that a failing case prints a few numbers rather than every pixel.
#[derive(Clone, Debug)]
struct Drawing {
    width: u32,
    height: u32,
    paper: u8,
    strokes: Vec<Stroke>,
}

impl Drawing {
    fn rgb(&self) -> RgbImage {
        let mut image = RgbImage::from_pixel(self.width, self.height, Rgb([self.paper; 3]));
        for stroke in &self.strokes {
            draw(&mut image, stroke);
        }
        image
    }
}

/// Draws `s` as squares of its thickness, stepped half a pixel apart along it.
fn draw(image: &mut RgbImage, s: &Stroke) {
    let steps = (s.from.distance(s.to) * 2.0).ceil().clamp(1.0, MAX_STROKE_STEPS) as u32;
    let (w, h) = (image.width() as f32, image.height() as f32);
    let half = s.thickness as f32 / 2.0;
    for i in 0..=steps {
        let t = i as f32 / steps as f32;
        let x = s.from.x + (s.to.x - s.from.x) * t - half;
        let y = s.from.y + (s.to.y - s.from.y) * t - half;
        for dy in 0..s.thickness {
            for dx in 0..s.thickness {
                let (px, py) = ((x + dx as f32).round(), (y + dy as f32).round());
                if (0.0..w).contains(&px) && (0.0..h).contains(&py) {
                    image.put_pixel(px as u32, py as u32, Rgb([s.ink; 3]));
                }
            }
        }
    }
}

/// A generated page, with the recipe of its image for the pages that have one.
#[derive(Clone, Debug)]
struct Sheet {
    page: Page,
    drawing: Option<Drawing>,
}

/// What kind of pages a strategy makes.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Up to 40 lines, on pages from empty to a million pixels across.
    Small,
    /// Up to 40 lines on a page image of at most 400×400 with rules drawn on it.
    Imaged,
    /// 100 to 3,000 lines on an ordinary page.
    Big,
}

/// Everything a sheet is made from.
#[derive(Debug)]
struct Layout {
    size: (u32, u32),
    text: f32,
    orientation: PageOrientation,
    /// Blocks are laid out on the page as `extract` lays it level (turned by its
    /// `level_turn`: its direction less the skew straightened) and then turned
    /// back onto the page.
    level: bool,
    blocks: Vec<Block>,
    limit: usize,
    source: TextSource,
    rules: Vec<LooseRule>,
    paper: u8,
}

fn orientation() -> impl Strategy<Value = PageOrientation> {
    (
        prop_oneof![3 => Just(0u16), 1 => Just(90u16), 1 => Just(180u16), 1 => Just(270u16)],
        prop_oneof![3 => Just(0.0f32), 2 => -1.0f32..=1.0, 3 => -45.0f32..45.0],
        0.0f32..=1.0,
        any::<bool>(),
    )
        .prop_map(|(direction, skew, confidence, unsure)| PageOrientation {
            direction,
            skew,
            confidence,
            unsure,
            // As the engine decides for a page with enough lines.
            straightened: if skew.abs() >= DESKEW_ABOVE_DEGREES { skew } else { 0.0 },
            ..PageOrientation::default()
        })
}

/// A page image's side: mostly small, to keep the opt-level 0 pixel loops quick.
fn image_side() -> impl Strategy<Value = u32> {
    prop_oneof![3 => 8u32..=120, 1 => 121u32..=MAX_IMAGE_SIDE]
}

fn sheet(kind: Kind) -> BoxedStrategy<Sheet> {
    let size = match kind {
        Kind::Small => prop_oneof![
            8 => (50u32..=3000, 50u32..=3000),
            1 => (0u32..=24, 0u32..=24),
            1 => (10_000u32..=1_000_000, 10_000u32..=1_000_000),
        ]
        .boxed(),
        Kind::Imaged => (image_side(), image_side()).boxed(),
        Kind::Big => (500u32..=5000, 500u32..=5000).boxed(),
    };
    let text_height = match kind {
        Kind::Small => prop_oneof![6 => 4.0f32..=48.0, 1 => 0.01f32..=4.0, 1 => 48.0f32..=400.0].boxed(),
        Kind::Imaged => (4.0f32..=24.0).boxed(),
        Kind::Big => (6.0f32..=30.0).boxed(),
    };
    let blocks = match kind {
        Kind::Small => vec(block(8, 6, true), 0..=10).boxed(),
        Kind::Imaged => vec(block(8, 6, false), 0..=10).boxed(),
        Kind::Big => vec(block(60, 10, false), 10..=120).boxed(),
    };
    let limit = match kind {
        Kind::Small | Kind::Imaged => (0..=MAX_LINES).boxed(),
        Kind::Big => BIG_LINES.boxed(),
    };
    let (rules, paper) = match kind {
        Kind::Imaged => (
            vec(loose_rule(), 0..=6).boxed(),
            prop_oneof![3 => Just(255u8), 1 => 170u8..=240].boxed(),
        ),
        Kind::Small | Kind::Big => (Just(Vec::new()).boxed(), Just(255u8).boxed()),
    };
    let source = prop_oneof![Just(TextSource::Ocr), Just(TextSource::TextLayer)];
    (
        size,
        text_height,
        orientation(),
        any::<bool>(),
        blocks,
        limit,
        source,
        rules,
        paper,
    )
        .prop_map(
            move |(size, text, orientation, level, blocks, limit, source, rules, paper)| {
                build(
                    kind,
                    Layout {
                        size,
                        text,
                        orientation,
                        level,
                        blocks,
                        limit,
                        source,
                        rules,
                        paper,
                    },
                )
            },
        )
        .boxed()
}

fn build(kind: Kind, layout: Layout) -> Sheet {
    let (width, height) = layout.size;
    let o = layout.orientation;
    // The turn `analysis::extract` makes to lay the page level before finding tables.
    let turn_by = o.level_turn();
    let (canvas_size, back): ((u32, u32), Option<Affine>) = if layout.level {
        let (w, h, back) = turn_map(width, height, turn_by);
        ((w, h), Some(back))
    } else {
        ((width, height), None)
    };
    let canvas = Canvas {
        w: canvas_size.0 as f32,
        h: canvas_size.1 as f32,
        text: layout.text,
    };
    let (drafts, strokes) = realise(&layout.blocks, canvas);
    let onto_page = |p: Point| back.map_or(p, |b| b.apply(p));
    let lines: Vec<Line> = drafts
        .into_iter()
        .take(layout.limit)
        .map(|d| Line::read(d.text, d.quad.map(onto_page), d.confidence, 1.0 - 0.5 * d.confidence))
        .collect();
    let drawing = matches!(kind, Kind::Imaged).then(|| {
        let mut all: Vec<Stroke> = strokes
            .into_iter()
            .map(|s| Stroke {
                from: onto_page(s.from),
                to: onto_page(s.to),
                ..s
            })
            .collect();
        all.extend(layout.rules.iter().map(|r| r.stroke(width, height)));
        Drawing {
            width,
            height,
            paper: layout.paper,
            strokes: all,
        }
    });
    Sheet {
        page: Page {
            index: 0,
            width,
            height,
            orientation: o,
            source: layout.source,
            lines,
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: Vec::new(),
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: StageTimings::default(),
        },
        drawing,
    }
}

// ---------------------------------------------------------------------------
// Running and checking
// ---------------------------------------------------------------------------

/// The total number of cases for this file.
fn total_cases() -> u64 {
    CASES_VARIABLES
        .iter()
        .find_map(|name| std::env::var(name).ok()?.trim().replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_TOTAL_CASES)
}

/// A property's cases: its share of the total, in thousandths, and at least one.
fn cases_for(share: u64) -> u32 {
    u32::try_from((total_cases() * share / 1000).max(1)).unwrap_or(u32::MAX)
}

/// What the cases of one property found, printed at the end as evidence that the
/// code under test went down its interesting paths (tables found, zones read).
#[derive(Default)]
struct Tally(RefCell<BTreeMap<&'static str, u64>>);

impl Tally {
    fn add(&self, what: &'static str, n: usize) {
        *self.0.borrow_mut().entry(what).or_default() += n as u64;
    }
}

/// Runs `property` on its share of the cases, drawn from `strategy`; prints how
/// many ran and what they found; fails with the smallest failing input found.
fn run_property<S: Strategy>(
    name: &str,
    share: u64,
    strategy: S,
    property: impl Fn(S::Value, &Tally) -> Result<(), TestCaseError>,
) {
    let cases = cases_for(share);
    let tally = Tally::default();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_time: MAX_SHRINK_MS,
        ..Config::default()
    });
    let started = Instant::now();
    let result = runner.run(&strategy, |value| {
        tally.add("ran", 1);
        property(value, &tally)
    });
    let found: Vec<String> = tally.0.borrow().iter().map(|(what, n)| format!("{what} {n}")).collect();
    eprintln!(
        "property {name}: {cases} cases asked; {}; {:.1} s",
        found.join(", "),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("property {name} failed: {e}");
    }
}

/// `order` holds each of `0..n` once.
fn check_permutation(order: &[usize], n: usize) -> Result<(), TestCaseError> {
    prop_assert_eq!(order.len(), n, "one index per line");
    let mut seen = vec![false; n];
    for &i in order {
        prop_assert!(i < n, "index {i} of {n} lines");
        prop_assert!(!seen[i], "index {i} twice");
        seen[i] = true;
    }
    Ok(())
}

/// A table's grid is consistent, its cells lie inside it and point at real lines.
fn check_table(t: &Table, n: usize, width: u32, height: u32, tally: &Tally) -> Result<(), TestCaseError> {
    prop_assert!(t.rows >= 1 && t.columns >= 1, "an empty grid: {t:?}");
    prop_assert_eq!(t.row_edges.len(), t.rows + 1);
    prop_assert_eq!(t.column_edges.len(), t.columns + 1);
    prop_assert!(t.header_rows <= t.rows, "{} header rows of {}", t.header_rows, t.rows);
    prop_assert!(
        t.bbox
            .iter()
            .chain(&t.row_edges)
            .chain(&t.column_edges)
            .all(|v| v.is_finite()),
        "a coordinate is not finite: {t:?}"
    );
    for cell in &t.cells {
        prop_assert!(cell.row_span >= 1 && cell.column_span >= 1, "{cell:?}");
        prop_assert!(
            cell.row + cell.row_span <= t.rows && cell.column + cell.column_span <= t.columns,
            "{cell:?} outside its {}×{} table",
            t.rows,
            t.columns
        );
        for &id in &cell.line_ids {
            prop_assert!(id < n, "cell {cell:?} points at line {id} of {n}");
        }
        prop_assert!(t.cell_quad(cell, width, height).is_some(), "{cell:?} has no corners");
    }
    if t.rows * t.columns <= MAX_SLOTS_CHECKED {
        for r in 0..t.rows {
            for c in 0..t.columns {
                prop_assert!(t.cell_at(r, c).is_some(), "slot ({r}, {c}) has no cell");
            }
        }
    }
    prop_assert_eq!(t.to_grid().len(), t.rows);
    let _ = t.to_html();
    let kind = match t.kind {
        TableKind::Ruled => "ruled tables",
        TableKind::Borderless => "borderless tables",
        TableKind::Model => "tables the model read",
    };
    tally.add(kind, 1);
    tally.add("cells with text", t.cells.iter().filter(|c| !c.text.is_empty()).count());
    Ok(())
}

/// Fields point at real lines and are no surer than the lines they came from.
fn check_fields(found: &[Field], n: usize, tally: &Tally) -> Result<(), TestCaseError> {
    for f in found {
        let kind = match f.source {
            FieldSource::Mrz => "zone fields",
            FieldSource::Contacts => "contact fields",
            FieldSource::Fields => "label fields",
        };
        for &id in &f.line_ids {
            prop_assert!(id < n, "field {f:?} points at line {id} of {n}");
        }
        if f.source != FieldSource::Mrz {
            prop_assert!(!f.line_ids.is_empty(), "field {f:?} comes from no line");
        }
        prop_assert!((0.0..=1.0).contains(&f.confidence), "{f:?}");
        tally.add(kind, 1);
    }
    Ok(())
}

/// A page after `extract`: its lines untouched, its tables and fields sound.
fn check_page(page: &Page, lines_before: &[Line], what: Extract, tally: &Tally) -> Result<(), TestCaseError> {
    prop_assert!(page.lines == lines_before, "extract changed the lines");
    let n = page.lines.len();
    if !what.tables {
        prop_assert!(page.tables.is_empty(), "tables though none were asked for");
    }
    if !(what.mrz || what.contacts || what.fields) {
        prop_assert!(page.fields.is_empty(), "fields though none were asked for");
    }
    for t in &page.tables {
        check_table(t, n, page.width, page.height, tally)?;
    }
    check_fields(&page.fields, n, tally)?;
    tally.add("lines", n);
    Ok(())
}

/// A zone's counts agree with its verdict, and it points at real lines.
fn check_zone(zone: &mrz::MrzReading, lines: &[Line], tally: &Tally) -> Result<(), TestCaseError> {
    prop_assert!(zone.checks_passed <= zone.checks_total, "{zone:?}");
    prop_assert_eq!(
        zone.valid,
        zone.checks_total > 0 && zone.checks_passed == zone.checks_total,
        // prop_assert_eq! builds its format string with concat!, which cannot capture.
        "{:?}",
        zone
    );
    prop_assert!(
        ["TD1", "TD2", "TD3", "MRV-A", "MRV-B", "MRZ"].contains(&zone.format.as_str()),
        "format {}",
        zone.format
    );
    for &id in &zone.line_ids {
        prop_assert!(id < lines.len(), "zone line {id} of {}", lines.len());
    }
    check_fields(&zone.to_fields(lines), lines.len(), tally)?;
    tally.add("zones", 1);
    if zone.valid {
        tally.add("valid zones", 1);
    }
    Ok(())
}

/// `iso` is a date as `find_date` writes them: YYYY-MM-DD with a real month and day.
fn check_iso(iso: &str) -> Result<(), TestCaseError> {
    let b = iso.as_bytes();
    prop_assert!(
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit()),
        "{iso} is not YYYY-MM-DD"
    );
    let month: u32 = iso[5..7]
        .parse()
        .map_err(|e| TestCaseError::fail(format!("{iso}: {e}")))?;
    let day: u32 = iso[8..10]
        .parse()
        .map_err(|e| TestCaseError::fail(format!("{iso}: {e}")))?;
    prop_assert!((1..=12).contains(&month) && (1..=31).contains(&day), "{iso}");
    Ok(())
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

#[test]
fn reading_order_is_a_permutation_of_the_lines() {
    let skew = prop_oneof![3 => -45.0f32..=45.0, 1 => -360.0f32..=360.0, 1 => Just(0.0f32)];
    // Each line's reading direction (quarter turns, taken mod 4), as many as the
    // lines or fewer or more: none, upright with some upside down, or any mix.
    let reads_along = prop_oneof![
        1 => Just(Vec::<usize>::new()),
        1 => vec(prop_oneof![6 => Just(0usize), 1 => Just(2usize)], 0..=48),
        2 => vec(0usize..8, 0..=48),
    ];
    run_property(
        "reading order",
        SHARE_READING_ORDER,
        (sheet(Kind::Small), skew, reads_along),
        |(sheet, skew, reads_along), tally| {
            let quads: Vec<Quad> = sheet.page.lines.iter().map(|l| l.quad).collect();
            let n = quads.len();
            check_permutation(&reading_order::reading_order(&quads), n)?;
            check_permutation(&reading_order::levelled_order(&quads, skew), n)?;
            check_permutation(&reading_order::order_by_direction(&quads, &reads_along, skew), n)?;
            tally.add("lines", n);
            Ok(())
        },
    );
}

#[test]
fn extract_on_any_page_keeps_tables_and_fields_sound() {
    let what = prop_oneof![
        3 => Just(Extract::ALL),
        1 => any::<[bool; 4]>().prop_map(|[mrz, tables, contacts, fields]| Extract {
            mrz,
            tables,
            contacts,
            fields,
        }),
    ];
    run_property(
        "extract without an image",
        SHARE_EXTRACT,
        (sheet(Kind::Small), what),
        |(sheet, what), tally| {
            let mut page = sheet.page;
            let before = page.lines.clone();
            analysis::extract(&mut page, None, None, what);
            check_page(&page, &before, what, tally)
        },
    );
}

#[test]
fn extract_with_a_page_image_keeps_tables_and_fields_sound() {
    run_property(
        "extract with an image",
        SHARE_EXTRACT_IMAGED,
        sheet(Kind::Imaged),
        |sheet, tally| {
            let image = sheet.drawing.as_ref().expect("imaged sheets have a drawing").rgb();
            let mut page = sheet.page;
            let before = page.lines.clone();
            analysis::extract(&mut page, Some(&image), None, Extract::ALL);
            tally.add("pixels", (image.width() * image.height()) as usize);
            check_page(&page, &before, Extract::ALL, tally)
        },
    );
}

#[test]
fn tables_found_level_or_turned_point_at_real_lines() {
    let degrees = prop_oneof![
        2 => prop::sample::select(vec![0.0f32, 90.0, 180.0, 270.0, -90.0, 360.0]),
        3 => -360.0f32..=360.0,
        1 => -1.0f32..=1.0,
    ];
    // A small image of rules, unrelated to the lines: find_tables takes any image.
    let drawing =
        // At least a pixel each way: pages never come smaller (the opener refuses under 15).
        (1u32..=96, 1u32..=96, vec(loose_rule(), 0..=6), 170u8..=255).prop_map(|(width, height, rules, paper)| {
            Drawing {
                width,
                height,
                paper,
                strokes: rules.iter().map(|r| r.stroke(width, height)).collect(),
            }
        });
    let strategy = (
        sheet(Kind::Small),
        degrees,
        prop::option::weighted(0.25, drawing),
        0.0f32..=64.0,
    );
    run_property(
        "tables",
        SHARE_TABLES,
        strategy,
        |(sheet, degrees, drawing, rule_text_height), tally| {
            let page = &sheet.page;
            let n = page.lines.len();
            let gray = drawing.map(|d| image::imageops::grayscale(&d.rgb()));
            for t in table::find_tables(&page.lines, gray.as_ref()) {
                prop_assert_eq!(t.turned, 0.0);
                check_table(&t, n, page.width, page.height, tally)?;
            }
            for t in table::find_tables_turned(&page.lines, None, page.width, page.height, degrees) {
                prop_assert_eq!(t.turned, degrees);
                check_table(&t, n, page.width, page.height, tally)?;
            }
            if let Some(gray) = &gray {
                check_rules(gray, rule_text_height, tally)?;
            }
            tally.add("lines", n);
            Ok(())
        },
    );
}

/// The rules found on `gray` lie on it, each longer than nothing.
fn check_rules(gray: &GrayImage, text_height: f32, tally: &Tally) -> Result<(), TestCaseError> {
    let (w, h) = (gray.width() as f32, gray.height() as f32);
    for r in table::find_rules(gray, text_height) {
        let (along, across) = if r.horizontal { (w, h) } else { (h, w) };
        prop_assert!(r.start >= 0.0, "{r:?} on a {w}×{h} image");
        prop_assert!(r.start < r.end, "{r:?} on a {w}×{h} image");
        prop_assert!(r.end <= along, "{r:?} on a {w}×{h} image");
        prop_assert!((0.0..=across).contains(&r.position), "{r:?} on a {w}×{h} image");
        tally.add("rules", 1);
    }
    Ok(())
}

#[test]
fn machine_readable_zones_point_at_their_lines() {
    // Besides the ordinary pages: pages of mostly zone lines, whole zones in order.
    let zoned =
        vec(prop_oneof![2 => zone(), 1 => text().prop_map(|t| vec![t])], 0..=4).prop_map(|parts| parts.concat());
    run_property(
        "machine-readable zones",
        SHARE_MRZ,
        (sheet(Kind::Small), zoned, confidence()),
        |(sheet, zoned, confidence), tally| {
            let zoned: Vec<Line> = zoned
                .into_iter()
                .map(|t| Line::read(t, [Point::default(); 4], confidence, 0.9))
                .collect();
            for lines in [&sheet.page.lines, &zoned] {
                if let Some(zone) = mrz::read_mrz(lines) {
                    check_zone(&zone, lines, tally)?;
                }
                tally.add("lines", lines.len());
            }
            Ok(())
        },
    );
}

#[test]
fn contacts_point_at_their_lines() {
    run_property("contacts", SHARE_CONTACTS, sheet(Kind::Small), |sheet, tally| {
        let lines = &sheet.page.lines;
        let found = contacts::find_contacts(lines);
        for f in &found {
            prop_assert_eq!(f.source, FieldSource::Contacts);
        }
        tally.add("lines", lines.len());
        check_fields(&found, lines.len(), tally)
    });
}

#[test]
fn label_fields_point_at_their_lines_and_dates_are_iso() {
    // `in_table` of any length: shorter or longer than the page's lines.
    let strategy = (
        sheet(Kind::Small),
        vec(any::<bool>(), 0..=48),
        vec(prop_oneof![pick(DATES), labelled(), text()], 0..8),
    );
    run_property("fields", SHARE_FIELDS, strategy, |(sheet, in_table, extra), tally| {
        let lines = &sheet.page.lines;
        let found = fields::find_fields(lines, &in_table);
        for f in &found {
            prop_assert_eq!(f.source, FieldSource::Fields);
        }
        check_fields(&found, lines.len(), tally)?;
        let texts = lines
            .iter()
            .map(|l| l.text.as_str())
            .chain(extra.iter().map(String::as_str));
        for text in texts {
            if let Some(iso) = dates::find_date(text) {
                check_iso(&iso)?;
                tally.add("dates", 1);
            }
        }
        tally.add("lines", lines.len());
        Ok(())
    });
}

#[test]
fn whitening_light_ink_only_whitens() {
    let strategy = (0u32..=48, 0u32..=48)
        .prop_flat_map(|(w, h)| (Just(w), Just(h), vec(any::<[u8; 3]>(), (w * h) as usize), any::<u8>()));
    run_property(
        "whitening light ink",
        SHARE_WATERMARK,
        strategy,
        |(w, h, pixels, limit), tally| {
            let image = RgbImage::from_raw(w, h, pixels.concat()).expect("w×h pixels of 3 bytes");
            let clean = light_ink::whiten_light_ink(&image, limit);
            prop_assert_eq!(clean.dimensions(), image.dimensions());
            for (before, after) in image.pixels().zip(clean.pixels()) {
                prop_assert!(after == before || after.0 == [255; 3], "{before:?} became {after:?}");
                if limit == 0 {
                    prop_assert_eq!(after.0, [255; 3], "every ink is at least as light as 0");
                }
            }
            prop_assert!(
                light_ink::whiten_light_ink(&clean, limit) == clean,
                "whitening twice whitens more"
            );
            tally.add("pixels", (w * h) as usize);
            Ok(())
        },
    );
}

#[test]
fn big_pages_go_through_every_analysis() {
    // Directions for the first lines only (the rest read left to right): the
    // search for a line of another direction between two rows is quadratic.
    let reads_along = vec(0usize..4, 0..=64);
    run_property(
        "big pages",
        SHARE_BIG_PAGES,
        (sheet(Kind::Big), -45.0f32..=45.0, reads_along),
        |(sheet, skew, reads_along), tally| {
            let mut page = sheet.page;
            let quads: Vec<Quad> = page.lines.iter().map(|l| l.quad).collect();
            let n = quads.len();
            check_permutation(&reading_order::reading_order(&quads), n)?;
            check_permutation(&reading_order::levelled_order(&quads, skew), n)?;
            check_permutation(&reading_order::order_by_direction(&quads, &reads_along, skew), n)?;
            let before = page.lines.clone();
            analysis::extract(&mut page, None, None, Extract::ALL);
            check_page(&page, &before, Extract::ALL, tally)
        },
    );
}

// ---------------------------------------------------------------------------
// Regressions: a cell of words on staggered heights
// ---------------------------------------------------------------------------

/// How far apart the stacked words sit, in text heights: each under half a height
/// from the next (so "the same line" as it) and at least half a height from the
/// next but one (so not). From 0.25 to 0.45 the stack also forms visual rows of
/// two to four words, fewer than the five cells of the row it continues.
const STEPS: [f32; 4] = [0.25, 0.3, 0.4, 0.45];
/// Words in the stack: above the 20 elements `sort_by` sorts by insertion, at
/// lengths where a model of Rust's driftsort (see `stack_x`) hits the check.
const COUNTS: [usize; 5] = [21, 30, 34, 48, 52];

/// Where the `k`th stacked word starts, from `left`: the words' x scrambled
/// ((7k mod 11) steps of `pitch`). With x falling steadily instead, the input is
/// nearly one long run and driftsort seldom compares far enough to notice: a
/// Python model of Rust 1.95's stable sort (its small-sort, bidirectional merge
/// and "does not correctly implement a total order" check) run on the old
/// comparator panics on 4 of the 20 borderless layouts below and none of the 20
/// ruled ones with steady x, and on all 40 with scrambled x.
fn stack_x(k: usize, left: f32, pitch: f32) -> f32 {
    left + ((k * 7) % 11) as f32 * pitch
}

/// Eight rows of five short cells, then `count` lower-case words down the first
/// column under the last row, each `step` text heights below the last. Lower-case
/// words fewer than their row's cells continue it (a wrapped cell), so every word
/// lands in the last row's first cell, where "the same line" (neighbours, ordered
/// by x) and "above" (the next but one, ordered by y) disagree: a cycle.
fn staggered_borderless(step: f32, count: usize) -> Vec<Line> {
    /// The five columns' x ranges, 50 to 60 apart: gaps no word crosses.
    const COLUMNS: [(f32, f32); 5] = [
        (0.0, 60.0),
        (120.0, 170.0),
        (230.0, 280.0),
        (340.0, 390.0),
        (450.0, 500.0),
    ];
    let mut lines = Vec::new();
    for row in 0..8 {
        let y = row as f32 * 24.0;
        for (column, (x0, x1)) in COLUMNS.iter().enumerate() {
            let text = if column == 0 {
                format!("Item{row}")
            } else {
                format!("{row}{column}.50")
            };
            lines.push(Line::read(text, axis_aligned(*x0, y, *x1, y + TH), 0.9, 0.9));
        }
    }
    let top = 8.0 * 24.0;
    for k in 0..count {
        let y = top + k as f32 * step * TH;
        // Words 20 wide, starting 0 to 35 across the 60-wide first column.
        let x = stack_x(k, 0.0, 3.5);
        lines.push(Line::read(
            format!("w{k}"),
            axis_aligned(x, y, x + 20.0, y + TH),
            0.9,
            0.9,
        ));
    }
    lines
}

/// The same stack inside a ruled box of one row and two columns, on its page image.
fn staggered_ruled(step: f32, count: usize) -> (Vec<Line>, GrayImage) {
    // The box reaches a text height below the last word.
    let bottom = (20.0 + count as f32 * step * TH + 2.0 * TH).ceil() as u32;
    let mut page = GrayImage::from_pixel(320, bottom + 10, Luma([255]));
    for y in [10, bottom] {
        for x in 10..=310 {
            page.put_pixel(x, y, Luma([0]));
        }
    }
    for x in [10, 160, 310] {
        for y in 10..=bottom {
            page.put_pixel(x, y, Luma([0]));
        }
    }
    let lines: Vec<Line> = (0..count)
        .map(|k| {
            let y = 20.0 + k as f32 * step * TH;
            // Words 40 wide, starting 40 to 100 across the first column (10 to 160).
            let x = stack_x(k, 40.0, 6.0);
            Line::read(format!("w{k}"), axis_aligned(x, y, x + 40.0, y + TH), 0.9, 0.9)
        })
        .collect();
    (lines, page)
}

#[test]
fn a_borderless_cell_of_staggered_words_is_ordered_without_a_panic() {
    for step in STEPS {
        for count in COUNTS {
            let lines = staggered_borderless(step, count);
            let tables = table::find_tables(&lines, None);
            assert_eq!(tables.len(), 1, "step {step}, {count} words: {tables:#?}");
            // The layout must reach the sort it is about: the whole stack in one cell.
            let fullest = tables[0].cells.iter().map(|c| c.line_ids.len()).max().unwrap_or(0);
            assert!(
                fullest >= count,
                "step {step}, {count} words: the stack is spread over cells: {tables:#?}"
            );
        }
    }
}

#[test]
fn a_ruled_cell_of_staggered_words_is_ordered_without_a_panic() {
    for step in STEPS {
        for count in COUNTS {
            let (lines, page) = staggered_ruled(step, count);
            let tables = table::find_tables(&lines, Some(&page));
            assert_eq!(tables.len(), 1, "step {step}, {count} words: {tables:#?}");
            assert_eq!(tables[0].kind, TableKind::Ruled);
            let first = tables[0].cell_at(0, 0).expect("the first cell");
            assert_eq!(first.line_ids.len(), count, "step {step}, {count} words: {first:?}");
        }
    }
}
