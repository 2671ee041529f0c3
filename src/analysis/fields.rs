//! Label/value fields of ID cards and forms: "Name: …", "姓名 …", "Date of birth …",
//! with the value on the same line or in the line beside or below the label.
//! Dates are given in ISO 8601 when the printed form leaves no doubt.

use std::sync::LazyLock;

use regex::Regex;

use super::dates::{DATE_SHAPED, could_be_a_date, find_date};
use crate::geometry::bounds;
use crate::result::{Field, FieldSource, Line};
use crate::text::is_cjk;

/// Field names and the labels that introduce them, English and Chinese.
const LABELS: &[(&str, &[&str])] = &[
    ("name", &["full name", "name", "姓名"]),
    ("surname", &["surname", "family name", "last name", "nom"]),
    (
        "given_names",
        &["given names", "given name", "first name", "forenames", "prénoms"],
    ),
    (
        "date_of_birth",
        &[
            "date of birth",
            "birth date",
            "d.o.b.",
            "dob",
            "date de naissance",
            "出生日期",
            "出生",
        ],
    ),
    (
        "place_of_birth",
        &["place of birth", "lieu de naissance", "出生地点", "出生地"],
    ),
    ("sex", &["sex", "gender", "sexe", "性别"]),
    ("nationality", &["nationality", "nationalité", "国籍"]),
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
    ("document_number", &["document number", "document no.", "document no"]),
    (
        "passport_number",
        &["passport number", "passport no.", "passport no", "护照号码"],
    ),
    (
        "date_of_issue",
        &[
            "date of issue",
            "issue date",
            "issued on",
            "date de délivrance",
            "签发日期",
        ],
    ),
    (
        "date_of_expiry",
        &[
            "date of expiry",
            "expiry date",
            "expiration date",
            "valid until",
            "date d'expiration",
            "有效期至",
        ],
    ),
    ("validity", &["有效期限"]),
    (
        "issuing_authority",
        &["issuing authority", "authority", "autorité", "签发机关"],
    ),
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
            "inv no.",
            "inv no",
            "inv#",
            "bill#",
            "doc no.",
            "doc no",
            "tax invoice no",
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
/// label alone or followed by its value both count. A bilingual label ("Surname /
/// Nom", "姓名 Name", "Nom / Surname") is one label, never a label and its value.
fn label_at_start(text: &str) -> Option<(&'static str, &str)> {
    let (name, rest) = match label_word_at_start(text) {
        Some((name, rest)) => (name, skip_second_language(name, rest.trim_start())),
        None => label_after_unknown_first_language(text)?,
    };
    let (colon, rest) = match rest.strip_prefix([':', '：']) {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    // "Total 12.50" and "Name Jane" are pairs; "Date of the meeting" is not.
    let latin = !text.chars().next().is_some_and(is_cjk);
    if latin && !colon && !rest.is_empty() && rest.chars().next().is_some_and(char::is_lowercase) {
        return None;
    }
    Some((name, rest))
}

/// Whether `text` begins with a field's label ("公民身份号码", "Date of birth").
pub(super) fn starts_with_label(text: &str) -> bool {
    label_at_start(text).is_some()
}

/// The label `text` begins with, and the text right after it.
fn label_word_at_start(text: &str) -> Option<(&'static str, &str)> {
    let lower = text.to_lowercase();
    LABELS_BY_LENGTH.iter().find_map(|(label, name)| {
        if !lower.starts_with(label) {
            return None;
        }
        // Lower-casing can change byte lengths only outside ASCII (é is two bytes in
        // both cases, as are the Chinese labels), so the byte offset carries over.
        let rest = text.get(label.len()..)?;
        // A label ending in a letter or digit must end a word ("nom" is not "Nombre");
        // "INV#123" and Chinese labels run straight into their values.
        let ends_in_word = label.ends_with(|c: char| c.is_alphanumeric()) && !label.chars().any(is_cjk);
        if ends_in_word && rest.chars().next().is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        Some((*name, rest))
    })
}

/// Passes over a label's second language after its first: the same field's label
/// ("姓名 Name", "Sex / Sexe"), or after a slash the words up to the colon, or
/// else up to the first word with a digit ("Total / Totaal 12.50"), or the whole
/// rest when there is none (the value is then beside or below).
fn skip_second_language<'t>(name: &str, rest: &'t str) -> &'t str {
    let (slashed, after) = match rest.strip_prefix(['/', '／', '|']) {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    if let Some((other, tail)) = label_word_at_start(after)
        && other == name
    {
        return tail.trim_start();
    }
    if !slashed {
        return rest;
    }
    if let Some(colon) = after.find([':', '：']) {
        return &after[colon..];
    }
    after
        .split_whitespace()
        .find(|word| word.chars().any(|c| c.is_ascii_digit()))
        .and_then(|word| after.find(word))
        .map_or("", |start| &after[start..])
}

/// "Apellidos / Surname": a label we know after a slash, behind a first-language
/// label we do not (a few words, no digits).
fn label_after_unknown_first_language(text: &str) -> Option<(&'static str, &str)> {
    let (first, after) = text.split_once(['/', '／'])?;
    let short_label = first.split_whitespace().count() <= 3 && !first.chars().any(|c| c.is_ascii_digit());
    if !short_label {
        return None;
    }
    let (name, rest) = label_word_at_start(after.trim_start())?;
    Some((name, rest.trim_start()))
}

/// The line that holds the value of the label on line `id`: the nearest line to
/// its right on the same row, or else (if `below`) the line just below it, if
/// neither is a label itself.
pub(super) fn neighbour(lines: &[Line], id: usize, below: bool) -> Option<usize> {
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
/// What a field's value must look like, or `None` if it is not what the label
/// promises (then the line beside or below is tried): a date field needs a
/// date, a total an amount (the last one on the line).
fn shape_value(name: &str, value: &str) -> Option<(String, Option<String>)> {
    let value = value.trim_start_matches([':', '：', ' ']).trim();
    if value.is_empty() || reads_as_a_label(value) {
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

/// Words that name what a field is, never what it holds: a "value" made of them
/// is the next label of a form read in the wrong place ("/Last name", "IV Issue
/// Date", "Registration Number" beside a surname).
const LABEL_WORDS: &[&str] = &[
    "number",
    "name",
    "names",
    "surname",
    "given",
    "date",
    "birth",
    "place",
    "type",
    "code",
    "category",
    "height",
    "signature",
    "expiry",
    "issue",
    "nationality",
    "sex",
    "registration",
    "nom",
    "prénoms",
    "lieu",
    "taille",
    "sexe",
    "nationalité",
];

/// Whether a would-be value is a label instead: a second language's label after a
/// slash, or words that name a field.
pub fn reads_as_a_label(value: &str) -> bool {
    let lower = value.to_lowercase();
    value.starts_with(['/', '／'])
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| LABEL_WORDS.contains(&word))
}

/// The label/value fields on the page, in reading order. A page with no
/// labelled date gets the first date printed on it as its `date`. A label in a
/// table (`in_table`) takes its value from its own row only: the line below a
/// column heading is the column's first value, not the heading's.
pub fn find_fields(lines: &[Line], in_table: &[bool]) -> Vec<Field> {
    let tabled = |id: usize| in_table.get(id).copied().unwrap_or(false);
    let mut out = Vec::new();
    let field = |name: &str, (value, read_as): (String, Option<String>), ids: Vec<usize>| Field {
        read_as,
        ..Field::from_lines(FieldSource::Fields, name, value, ids, lines)
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

    /// A passport's data page (ICAO 9303's specimen): English/French labels over
    /// their values, and labels in the other order or with a Chinese twin.
    #[test]
    fn bilingual_labels_are_one_label_and_their_values_lie_below_or_beside() {
        let lines = vec![
            line("Surname / Nom", 40.0, 30.0, 200.0),
            line("ERIKSSON", 40.0, 52.0, 160.0),
            line("Given names/Prénoms", 40.0, 90.0, 240.0),
            line("ANNA MARIA", 40.0, 112.0, 190.0),
            line("Sexe / Sex", 40.0, 150.0, 140.0),
            line("F", 40.0, 172.0, 60.0),
            line("Nationality/Nationalité: UTOPIAN", 200.0, 150.0, 500.0),
            line("Date of birth / Date de naissance", 40.0, 210.0, 330.0),
            line("12 AUG 1974", 40.0, 232.0, 170.0),
            line("Apellidos / Surname: GARCIA", 40.0, 290.0, 330.0),
            line("Total / Totaal 12.50", 40.0, 370.0, 240.0),
            line("姓名 Name", 40.0, 330.0, 140.0),
            line("韩梅梅", 160.0, 330.0, 240.0),
        ];
        let f = find_fields(&lines, &[]);
        let value = |name: &str| {
            f.iter()
                .filter(|x| x.name == name)
                .map(|x| x.value.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(value("surname"), ["ERIKSSON", "GARCIA"], "{f:#?}");
        assert_eq!(value("given_names"), ["ANNA MARIA"]);
        assert_eq!(value("sex"), ["F"]);
        assert_eq!(value("nationality"), ["UTOPIAN"]);
        assert_eq!(value("date_of_birth"), ["1974-08-12"]);
        assert_eq!(value("name"), ["韩梅梅"]);
        assert_eq!(value("total"), ["12.50"]);
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
