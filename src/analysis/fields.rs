//! Label/value fields of ID cards and forms: "Name: …", "姓名 …", "Date of birth …",
//! with the value on the same line or in the line beside or below the label.
//! Dates are given in ISO 8601 when the printed form leaves no doubt.

use std::sync::LazyLock;

use regex::Regex;

use crate::geometry::bounds;
use crate::result::{Field, FieldSource, Line};

/// Field names and the labels that introduce them, English and Chinese.
const LABELS: &[(&str, &[&str])] = &[
    ("name", &["full name", "name", "姓名"]),
    ("surname", &["surname", "family name", "last name"]),
    ("given_names", &["given names", "given name", "first name", "forenames"]),
    (
        "date_of_birth",
        &["date of birth", "birth date", "d.o.b.", "dob", "出生日期", "出生"],
    ),
    ("place_of_birth", &["place of birth", "出生地点", "出生地"]),
    ("sex", &["sex", "gender", "性别"]),
    ("nationality", &["nationality", "国籍"]),
    ("ethnicity", &["民族"]),
    (
        "id_number",
        &[
            "公民身份号码",
            "身份证号码",
            "身份证号",
            "id number",
            "id no.",
            "id no",
            "identity no",
            "nric no",
        ],
    ),
    (
        "passport_number",
        &["passport number", "passport no.", "passport no", "护照号码"],
    ),
    (
        "date_of_issue",
        &["date of issue", "issue date", "issued on", "签发日期"],
    ),
    (
        "date_of_expiry",
        &[
            "date of expiry",
            "expiry date",
            "expiration date",
            "valid until",
            "有效期至",
        ],
    ),
    ("validity", &["有效期限"]),
    ("issuing_authority", &["issuing authority", "签发机关"]),
    (
        "invoice_number",
        &[
            "invoice number",
            "invoice no.",
            "invoice no",
            "invoice #",
            "receipt no.",
            "receipt no",
            "bill no",
            "发票号码",
        ],
    ),
    ("date", &["date", "开票日期", "日期"]),
    (
        "total",
        &[
            "grand total",
            "total amount",
            "amount due",
            "total",
            "价税合计",
            "合计",
            "总计",
        ],
    ),
];

/// Every label, longest first, with its field name.
static LABELS_BY_LENGTH: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    let mut all: Vec<(&str, &str)> = LABELS
        .iter()
        .flat_map(|(name, labels)| labels.iter().map(move |l| (*l, *name)))
        .collect();
    all.sort_by_key(|(label, _)| std::cmp::Reverse(label.chars().count()));
    all
});

fn is_date_field(name: &str) -> bool {
    name == "date" || name.starts_with("date_of")
}

/// The label `text` starts with: its field name and the text after it (past any
/// colon). An English label must end at a word boundary; without a colon, a
/// label alone or followed by its value both count.
fn label_at_start(text: &str) -> Option<(&'static str, &str)> {
    let lower = text.to_lowercase();
    LABELS_BY_LENGTH.iter().find_map(|(label, name)| {
        if !lower.starts_with(label) {
            return None;
        }
        // Lower-casing can change byte lengths only outside ASCII; labels are
        // ASCII or Chinese, so the byte offset carries over.
        let rest = text.get(label.len()..)?;
        let ascii = label.is_ascii();
        if ascii && rest.chars().next().is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        let rest = rest.trim_start();
        let (colon, rest) = match rest.strip_prefix([':', '：']) {
            Some(r) => (true, r.trim_start()),
            None => (false, rest),
        };
        // "Total 12.50" and "Name Jane" are pairs; "Date of the meeting" is not.
        if ascii && !colon && !rest.is_empty() && rest.chars().next().is_some_and(char::is_lowercase) {
            return None;
        }
        Some((*name, rest))
    })
}

/// The line that holds the value of the label on line `id`: the nearest line to
/// its right on the same row, or else (if `below`) the line just below it, if
/// neither is a label itself.
fn neighbour(lines: &[Line], id: usize, below: bool) -> Option<usize> {
    let (x0, y0, x1, y1) = bounds(&lines[id].quad);
    let h = (y1 - y0).max(1.0);
    let boxes: Vec<(f32, f32, f32, f32)> = lines.iter().map(|l| bounds(&l.quad)).collect();
    let free = |i: &usize| *i != id && label_at_start(lines[*i].text.trim()).is_none();
    let right = (0..lines.len())
        .filter(free)
        .filter(|&i| {
            let (a0, b0, _, b1) = boxes[i];
            let overlap = b1.min(y1) - b0.max(y0);
            a0 >= x1 - 0.5 * h && a0 - x1 < 15.0 * h && overlap >= 0.5 * h.min(b1 - b0)
        })
        .min_by(|&a, &b| boxes[a].0.total_cmp(&boxes[b].0));
    right.or_else(|| {
        if !below {
            return None;
        }
        (0..lines.len())
            .filter(free)
            .filter(|&i| {
                let (a0, b0, _, _) = boxes[i];
                b0 >= y1 - 0.3 * h && b0 - y1 < 1.0 * h && (a0 - x0).abs() < 2.0 * h
            })
            .min_by(|&a, &b| boxes[a].1.total_cmp(&boxes[b].1))
    })
}

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"-?\d[\d,]*\.\d{2}\b").expect("valid"));
static DATE_SHAPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,4}[-/.年]\d{1,2}[-/.月]\d{1,4}|\d{1,2}[\s-]*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[\s-]*\d{2,4})")
        .expect("valid")
});

/// What a field's value must look like, or `None` if it is not what the label
/// promises (then the line beside or below is tried): a date field needs a
/// date, a total an amount (the last one on the line).
fn shape_value(name: &str, value: &str) -> Option<(String, Option<String>)> {
    let value = value.trim_start_matches([':', '：', ' ']).trim();
    if value.is_empty() {
        return None;
    }
    if is_date_field(name) {
        return match find_date(value) {
            Some(iso) => Some((iso, Some(value.to_owned()))),
            // Day and month could be either way round: the date as printed.
            None => DATE_SHAPED
                .find(value)
                .filter(|m| could_be_a_date(m.as_str()))
                .map(|m| (m.as_str().to_owned(), None)),
        };
    }
    if name == "total" {
        let amount = AMOUNT.find_iter(value).last()?;
        return Some((amount.as_str().replace(',', ""), Some(value.to_owned())));
    }
    Some((value.to_owned(), None))
}

/// Whether three numbers could be a date in some order: two of them 1–12 or
/// 1–31 and the other a year (so a phone number such as 1300-88-5200 is not).
fn could_be_a_date(text: &str) -> bool {
    let numbers: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    let [a, b, c] = numbers[..] else {
        return false;
    };
    let small = |s: &str| s.len() <= 2 && s.parse::<u32>().is_ok_and(|v| (1..=31).contains(&v));
    let month = |s: &str| s.len() <= 2 && s.parse::<u32>().is_ok_and(|v| (1..=12).contains(&v));
    let year = |s: &str| s.len() == 2 || s.len() == 4;
    (small(a) && small(b) && (month(a) || month(b)) && year(c))
        || (c.len() <= 2 && a.len() == 4 && month(b) && small(c))
}

/// The label/value fields on the page, in reading order. A page with no
/// labelled date gets the first date printed on it as its `date`. A label in a
/// table (`in_table`) takes its value from its own row only: the line below a
/// column heading is the column's first value, not the heading's.
pub fn find_fields(lines: &[Line], in_table: &[bool]) -> Vec<Field> {
    let tabled = |id: usize| in_table.get(id).copied().unwrap_or(false);
    let mut out = Vec::new();
    let field = |name: &str, (value, read_as): (String, Option<String>), ids: Vec<usize>| Field {
        source: FieldSource::Fields,
        name: name.to_owned(),
        value,
        confidence: ids.iter().map(|&i| lines[i].confidence).fold(1.0, f32::min),
        line_ids: ids,
        verdict: None,
        read_as,
    };
    for (id, line) in lines.iter().enumerate() {
        let Some((name, rest)) = label_at_start(line.text.trim()) else {
            continue;
        };
        let found = shape_value(name, rest).map(|v| (v, vec![id])).or_else(|| {
            let v = neighbour(lines, id, !tabled(id))?;
            shape_value(name, &lines[v].text).map(|value| (value, vec![id, v]))
        });
        if let Some((value, ids)) = found {
            out.push(field(name, value, ids));
        }
    }
    let used: Vec<usize> = out.iter().flat_map(|f| f.line_ids.iter().copied()).collect();
    if !out.iter().any(|f| f.name == "date")
        && let Some((id, value)) = lines
            .iter()
            .enumerate()
            .filter(|(id, _)| !used.contains(id))
            .find_map(|(id, l)| shape_value("date", DATE_SHAPED.find(&l.text)?.as_str()).map(|v| (id, v)))
    {
        out.push(field("date", value, vec![id]));
    }
    out
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

static YEAR_FIRST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日|\b)").expect("valid"));
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\b").expect("valid"));
static DAY_MONTH_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?[\s\-./]*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[\s\-./,]*(\d{4}|\d{2})\b")
        .expect("valid")
});
static MONTH_NAME_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b",
    )
    .expect("valid")
});
static COMPACT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^((?:19|20)\d{2})(\d{2})(\d{2})$").expect("valid"));

fn iso(year: u32, month: u32, day: u32) -> Option<String> {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days)
        .contains(&day)
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// A two-digit year: 00–40 in this century, the rest in the last.
fn full_year(digits: &str) -> Option<u32> {
    let y: u32 = digits.parse().ok()?;
    Some(match digits.len() {
        2 if y <= 40 => 2000 + y,
        2 => 1900 + y,
        _ => y,
    })
}

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    MONTHS.iter().position(|m| *m == lower).map(|i| i as u32 + 1)
}

/// The first date in `text` in ISO 8601, if its order is certain: year first
/// (2023-08-25, 2023年8月25日), a month by name (25 Aug 2023, Aug 25, 2023),
/// eight digits (20230825), or day and month told apart by a day above 12
/// (25/08/2023, 08/25/2023). 03/04/2023 could be either, so it gives none.
pub fn find_date(text: &str) -> Option<String> {
    let n = |s: &str| s.parse::<u32>().ok();
    if let Some(c) = COMPACT.captures(text.trim()) {
        return iso(n(&c[1])?, n(&c[2])?, n(&c[3])?);
    }
    if let Some(c) = YEAR_FIRST.captures(text) {
        return iso(n(&c[1])?, n(&c[2])?, n(&c[3])?);
    }
    if let Some(c) = DAY_MONTH_NAME.captures(text) {
        return iso(full_year(&c[3])?, month_number(&c[2])?, n(&c[1])?);
    }
    if let Some(c) = MONTH_NAME_DAY.captures(text) {
        return iso(full_year(&c[3])?, month_number(&c[1])?, n(&c[2])?);
    }
    if let Some(c) = NUMERIC.captures(text) {
        let (a, b, year) = (n(&c[1])?, n(&c[2])?, full_year(&c[3])?);
        return match (a > 12, b > 12) {
            (true, false) => iso(year, b, a),
            (false, true) => iso(year, a, b),
            _ if a == b => iso(year, a, b),
            _ => None,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned;

    fn line(text: &str, x0: f32, y0: f32, x1: f32) -> Line {
        Line::read(text.to_owned(), axis_aligned(x0, y0, x1, y0 + 20.0), 0.9, 0.9)
    }

    fn get<'a>(fields: &'a [Field], name: &str) -> &'a Field {
        fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no {name} in {fields:#?}"))
    }

    #[test]
    fn dates_in_several_orders() {
        assert_eq!(find_date("2023-08-25").as_deref(), Some("2023-08-25"));
        assert_eq!(find_date("1990年1月2日").as_deref(), Some("1990-01-02"));
        assert_eq!(find_date("2019.12.31").as_deref(), Some("2019-12-31"));
        assert_eq!(find_date("25/08/2023").as_deref(), Some("2023-08-25"));
        assert_eq!(find_date("08/25/2023").as_deref(), Some("2023-08-25"));
        assert_eq!(find_date("15-01-18 10:42").as_deref(), Some("2018-01-15"));
        assert_eq!(find_date("12 JAN 1974").as_deref(), Some("1974-01-12"));
        assert_eq!(find_date("3rd March 2021").as_deref(), Some("2021-03-03"));
        assert_eq!(find_date("Aug 5, 2023").as_deref(), Some("2023-08-05"));
        assert_eq!(find_date("12-Sep-99").as_deref(), Some("1999-09-12"));
        assert_eq!(find_date("19900102").as_deref(), Some("1990-01-02"));
        // Day and month could be either way round: no guess.
        assert_eq!(find_date("03/04/2023"), None);
        assert_eq!(find_date("31/02/2023"), None, "no such day");
        assert_eq!(find_date("Total 12.50"), None);
        assert!(could_be_a_date("03/04/2023") && could_be_a_date("2023.1.2"));
        assert!(!could_be_a_date("1300-88-5200"));
    }

    #[test]
    fn a_receipt_without_labels_still_gets_its_date_and_its_total_amount() {
        let lines = vec![
            line("GIANT HYPERMARKET", 40.0, 30.0, 300.0),
            line("Tel: 1300-88-5200", 40.0, 60.0, 300.0),
            line("15/01/2018 10:42", 40.0, 90.0, 300.0),
            line("Total Incl. GST: RM 1,052.80", 40.0, 120.0, 400.0),
            line("TOTAL QTY: 3", 40.0, 150.0, 300.0),
        ];
        let f = find_fields(&lines, &[]);
        let date = get(&f, "date");
        assert_eq!(
            (date.value.as_str(), date.line_ids.as_slice()),
            ("2018-01-15", &[2][..])
        );
        let totals: Vec<&str> = f
            .iter()
            .filter(|x| x.name == "total")
            .map(|x| x.value.as_str())
            .collect();
        assert_eq!(totals, ["1052.80"], "a total needs an amount");
    }

    #[test]
    fn a_chinese_id_card() {
        let lines = vec![
            line("姓名 韩梅梅", 40.0, 30.0, 200.0),
            line("性别 女", 40.0, 70.0, 120.0),
            line("民族 汉", 150.0, 70.0, 240.0),
            line("出生 1990年1月2日", 40.0, 110.0, 260.0),
            line("公民身份号码", 40.0, 300.0, 180.0),
            line("11010519900102002X", 200.0, 300.0, 480.0),
        ];
        let f = find_fields(&lines, &[]);
        assert_eq!(get(&f, "name").value, "韩梅梅");
        assert_eq!(get(&f, "sex").value, "女");
        assert_eq!(get(&f, "ethnicity").value, "汉");
        let birth = get(&f, "date_of_birth");
        assert_eq!(
            (birth.value.as_str(), birth.read_as.as_deref()),
            ("1990-01-02", Some("1990年1月2日"))
        );
        let id = get(&f, "id_number");
        assert_eq!(
            (id.value.as_str(), id.line_ids.as_slice()),
            ("11010519900102002X", &[4, 5][..])
        );
    }

    #[test]
    fn a_form_with_values_beside_and_below_their_labels() {
        let lines = vec![
            line("Name:", 40.0, 30.0, 100.0),
            line("Jane Smith", 160.0, 32.0, 300.0),
            line("Date of birth", 40.0, 70.0, 180.0),
            line("12 JAN 1974", 42.0, 94.0, 170.0),
            line("Invoice No: INV-2023-0042", 40.0, 140.0, 330.0),
            line("Date of the meeting was changed", 40.0, 180.0, 400.0),
            line("TOTAL 80.00", 40.0, 220.0, 180.0),
        ];
        let f = find_fields(&lines, &[]);
        let name = get(&f, "name");
        assert_eq!(
            (name.value.as_str(), name.line_ids.as_slice()),
            ("Jane Smith", &[0, 1][..])
        );
        let birth = get(&f, "date_of_birth");
        assert_eq!(
            (birth.value.as_str(), birth.line_ids.as_slice()),
            ("1974-01-12", &[2, 3][..])
        );
        assert_eq!(get(&f, "invoice_number").value, "INV-2023-0042");
        assert_eq!(get(&f, "total").value, "80.00");
        assert!(
            f.iter().all(|x| x.name != "date"),
            "prose starting with 'Date' is not a field: {f:#?}"
        );
    }

    #[test]
    fn a_label_in_a_table_takes_its_value_from_its_row_only() {
        let lines = vec![
            line("地区", 40.0, 30.0, 100.0),
            line("合计", 200.0, 30.0, 260.0),
            line("山东", 40.0, 60.0, 100.0),
            line("47.10", 200.0, 60.0, 260.0),
            line("合计", 40.0, 90.0, 100.0),
            line("56.33", 200.0, 90.0, 260.0),
        ];
        let in_table = vec![true; lines.len()];
        let totals: Vec<(String, Vec<usize>)> = find_fields(&lines, &in_table)
            .into_iter()
            .map(|f| (f.value, f.line_ids))
            .collect();
        assert_eq!(
            totals,
            [("56.33".to_owned(), vec![4, 5])],
            "the heading is not a label of the value below it"
        );
    }
}
