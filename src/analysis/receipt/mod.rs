//! Receipts and invoices: who sold (`company`, its `address`, its `tax_id`) and the
//! amount due (`total`), found the way a person reads a receipt.
//!
//! - The seller heads the receipt: among the header's lines (those above the first
//!   title, date or amount) the first with a legal form (SDN BHD, LTD, GMBH,
//!   有限公司), or else the first name that an address follows; its address runs
//!   from the first line that looks like one to the telephone, tax or title lines.
//! - Each amount is what its label (the words before it on its row) says it is:
//!   a total, a subtotal, a tax, a rounding, a discount, a tender, change or a
//!   count. The amount due is the total that tender − change confirms, where
//!   both are printed; else the last total within the rounding and discounts of
//!   the largest one. Without any total label, what was paid less the change;
//!   without that either, the amount the receipt prints most often (the total,
//!   the tender and the tax summary repeat it).

mod amounts;

use std::sync::LazyLock;

use regex::Regex;

use crate::result::{Field, FieldSource, Line};
use amounts::{amount_due, amounts, format_cents, has_amount};

/// The receipt's fields: `company`, `address`, `tax_id` and `total`, those found;
/// none on a page without an amount due (not a receipt or an invoice).
pub fn find_receipt_fields(lines: &[Line]) -> Vec<Field> {
    let amounts = amounts(lines);
    let Some(total) = amount_due(&amounts) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let field =
        |name: &str, value: String, ids: Vec<usize>| Field::from_lines(FieldSource::Fields, name, value, ids, lines);
    let header_end = header_end(lines);
    let company = company(lines, header_end);
    if let Some((id, name)) = &company {
        out.push(field("company", name.clone(), vec![*id]));
    }
    // The address follows the seller's name, or heads the receipt when the name was not read.
    if let Some(ids) = address(lines, company.map_or(0, |(id, _)| id + 1)) {
        let text: Vec<&str> = ids.iter().map(|&i| lines[i].text.trim()).collect();
        out.push(field("address", text.join(" "), ids));
    }
    if let Some((id, number)) = tax_id(lines) {
        out.push(field("tax_id", number, vec![id]));
    }
    let mut ids = total.line_ids.clone();
    ids.sort_unstable();
    let value = format_cents(total.cents);
    let mut due = field("total", value.clone(), ids);
    // As printed where it differs ("1,250.00"), as the other fields do.
    due.read_as = (total.printed != value).then_some(total.printed);
    out.push(due);
    out
}

/// Lowercase words of a text (letters and digits); CJK text stays in the phrase checks.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn has_word(words: &[String], list: &[&str]) -> bool {
    words.iter().any(|w| list.contains(&w.as_str()))
}

fn has_phrase(text: &str, list: &[&str]) -> bool {
    let lower = text.to_lowercase();
    list.iter().any(|p| lower.contains(p))
}

/// Where the header ends: the first title ("TAX INVOICE", "RECEIPT"), date or
/// amount line, or the end of the page.
fn header_end(lines: &[Line]) -> usize {
    lines
        .iter()
        .position(|l| is_title(&l.text) || crate::analysis::dates::find_date(&l.text).is_some() || has_amount(&l.text))
        .unwrap_or(lines.len())
}

fn is_title(text: &str) -> bool {
    // Inside words too: OCR runs "TAX INVOICE" together, and numbers a cashier ("CASHIER01").
    has_phrase(text, &["invoice", "receipt", "cashier", "发票", "收据", "小票"])
        || has_word(&words(text), &["bill", "inv", "table", "order"])
}

/// Legal forms and business words that mark a line as a business's name.
const LEGAL_FORMS: &[&str] = &[
    "sdn",
    "bhd",
    "berhad",
    "ltd",
    "limited",
    "llc",
    "inc",
    "corp",
    "corporation",
    "plc",
    "gmbh",
    "pte",
    "pty",
    "llp",
    "co",
    "sarl",
    "bv",
    "ag",
    "enterprise",
    "enterprises",
    "trading",
];

/// The seller's name: see the module's documentation.
fn company(lines: &[Line], header_end: usize) -> Option<(usize, String)> {
    let header = 0..header_end.min(lines.len());
    // A legal form names a business even where the name begins with a number ("99 SPEED MART S/B").
    let legal = header.clone().find(|&i| {
        let text = &lines[i].text;
        let legal_form =
            has_word(&words(text), LEGAL_FORMS) || text.contains("S/B") || has_phrase(text, &["有限公司", "公司"]);
        legal_form && !is_stop_line(text) && !text.trim().starts_with('(')
    });
    // Without one, a name is known by what follows it: an address (a form's title
    // or a table's heading is followed by none).
    let id = legal.or_else(|| {
        header
            .clone()
            .find(|&i| is_name_like(&lines[i].text) && address(lines, i + 1).is_some())
    })?;
    Some((id, clean_name(&lines[id].text)))
}

static REGISTRATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[\s(]*(?:co\.?\s*(?:reg\.?\s*)?no\.?\s*[:.]?\s*)?\d[\d\s]{3,}-?\s*[a-z]?\s*\)?\s*$")
        .expect("valid")
});

/// A name without its registration number ("(616227-D)", "1110644-W") or a label
/// before it ("DIMILIKI:", "OWNED BY:").
fn clean_name(text: &str) -> String {
    let text = match text.split_once([':', '：']) {
        Some((_, after)) if !after.trim().is_empty() => after,
        _ => text,
    };
    let text = REGISTRATION.replace(text, "");
    text.trim().trim_end_matches([',', '.', ';']).trim().to_owned()
}

/// A line that could be a business's name: words, not an address, a telephone,
/// a registration or tax number, a slogan or a decoration.
fn is_name_like(text: &str) -> bool {
    let text = text.trim();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 3 || text.starts_with('(') || text.contains('*') {
        return false;
    }
    let w = words(text);
    let slogan = has_word(
        &w,
        &[
            "thank", "thanks", "welcome", "please", "again", "promo", "terima", "kasih",
        ],
    );
    !slogan && !is_stop_line(text) && !starts_address(text)
}

/// A postcode of five or six digits standing alone ("47100 PUCHONG"), not part of
/// a longer code ("000000#7259").
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[\s,])\d{5,6}(?:$|[\s,.])").expect("valid"));
static HOUSE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:no\.?\s*,?\s*)?\d+[a-z]?(?:-\d+[a-z]?)?\s*[,.\s]").expect("valid"));
static PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\+?\d{2,4}[-\s]\s?\d{3,4}[\s-]?\d{3,5}").expect("valid"));

/// Words of street addresses (English, Malay) and Chinese address characters.
const STREET_WORDS: &[&str] = &[
    "jalan",
    "jln",
    "jl",
    "lorong",
    "taman",
    "tmn",
    "lot",
    "level",
    "floor",
    "flr",
    "tingkat",
    "bangunan",
    "block",
    "blk",
    "unit",
    "suite",
    "road",
    "rd",
    "street",
    "st",
    "avenue",
    "ave",
    "lane",
    "drive",
    "kampung",
    "kg",
    "batu",
    "seksyen",
    "section",
    "persiaran",
    "lebuh",
    "mall",
    "plaza",
    "centre",
    "center",
    "complex",
    "building",
    "kawasan",
    "perindustrian",
    "industrial",
    "bandar",
];

fn starts_address(text: &str) -> bool {
    let text = text.trim();
    if text.starts_with('(') || is_stop_line(text) {
        return false;
    }
    has_word(&words(text), STREET_WORDS)
        || POSTCODE.is_match(text) && text.chars().any(char::is_alphabetic)
        || HOUSE_NUMBER.is_match(text.trim())
        || has_phrase(text, &["路", "街", "号", "大厦", "区"])
}

/// A line that ends an address: a telephone, a tax or registration number, an
/// e-mail or web address, a title, a date or an amount.
fn is_stop_line(text: &str) -> bool {
    let w = words(text);
    has_word(
        &w,
        &[
            "tel",
            "telephone",
            "phone",
            "fax",
            "hp",
            "mobile",
            "whatsapp",
            "whatsapps",
            "gst",
            "sst",
            "vat",
            "tax",
            "reg",
            "email",
            "www",
            "com",
            "date",
            "time",
        ],
    ) || text.contains('@')
        || PHONE.is_match(text)
        || is_title(text)
        || has_amount(text)
        || crate::analysis::dates::find_date(text).is_some()
        || has_phrase(text, &["电话", "税号", "h/p"])
}

/// The lines of the address after the company's line: from the first line that
/// starts one (skipping registration numbers, branch names and the like, at most
/// a few lines) up to the first stop line.
fn address(lines: &[Line], from: usize) -> Option<Vec<usize>> {
    /// Lines between a company's name and its address (a registration number,
    /// a branch, a licensee note) are at most this many on the receipts seen.
    const MAX_SKIPPED: usize = 4;
    let mut i = from;
    let mut skipped = 0;
    while i < lines.len() && !starts_address(&lines[i].text) {
        let text = &lines[i].text;
        if is_title(text) || has_amount(text) || skipped == MAX_SKIPPED {
            return None;
        }
        skipped += 1;
        i += 1;
    }
    let start = i;
    i += 1;
    while i < lines.len() && !is_stop_line(&lines[i].text) && !lines[i].text.trim().starts_with('(') {
        i += 1;
    }
    (start < lines.len()).then(|| (start..i.min(lines.len())).collect())
}

static TAX_ID: LazyLock<Regex> = LazyLock::new(|| {
    // A tax word with a number word after it ("GST REG. NO", "VAT NUMBER", "GST ID"),
    // so that "TAX INVOICE" is not one; or a label that is a number on its own.
    Regex::new(
        r"(?i)(?:\b(?:gst|sst|vat|tax)\b[\s.]*(?:reg(?:istration)?\.?\s*)?(?:id\.?\s*)?(?:no\.?|number|#)|\b(?:gst|sst|vat|tax)\s+(?:reg(?:istration)?|id)\b|\b(?:tin|abn|uen)\b|税号|纳税人识别号|统一社会信用代码)\s*[:：.#]?\s*([0-9A-Z][0-9A-Z-]{5,})?",
    )
    .expect("valid")
});

/// The seller's tax number: after its label on the line, or alone on the next line.
fn tax_id(lines: &[Line]) -> Option<(usize, String)> {
    let is_number = |s: &str| s.chars().filter(char::is_ascii_digit).count() >= 6;
    for (i, line) in lines.iter().enumerate() {
        let Some(c) = TAX_ID.captures(&line.text) else { continue };
        if let Some(number) = c.get(1).map(|m| m.as_str()).filter(|s| is_number(s)) {
            return Some((i, number.to_owned()));
        }
        if let Some(next) = lines.get(i + 1).map(|l| l.text.trim())
            && is_number(next)
            && next.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Some((i + 1, next.to_owned()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned;

    /// A receipt's lines from (text, left, top, right), 20 px tall.
    fn receipt(rows: &[(&str, f32, f32, f32)]) -> Vec<Line> {
        rows.iter()
            .map(|&(t, x0, y0, x1)| Line::read(t.to_owned(), axis_aligned(x0, y0, x1, y0 + 20.0), 0.9, 0.9))
            .collect()
    }

    fn value(fields: &[Field], name: &str) -> Option<String> {
        fields.iter().find(|f| f.name == name).map(|f| f.value.clone())
    }

    /// A Malaysian receipt: the seller in the second line with its owner's label and
    /// registration number, the address after the tax number, totals before and
    /// after rounding.
    #[test]
    fn a_receipt_s_seller_address_tax_number_and_amount_due() {
        let lines = receipt(&[
            ("BANH MI CAFE", 100.0, 0.0, 220.0),
            ("DIMILIKI: BANH MI CAFE SDN BHD 1110644-W", 40.0, 25.0, 360.0),
            ("(GST REG. NO : 000306700288)", 60.0, 50.0, 300.0),
            ("NO. 1 JALAN PUTERI 7/10", 60.0, 75.0, 300.0),
            ("BANDAR PUTERI, 47100 PUCHONG", 50.0, 100.0, 320.0),
            ("SELANGOR, MALAYSIA", 80.0, 125.0, 260.0),
            ("TEL: 03-80608866", 90.0, 150.0, 250.0),
            ("GUEST CHECK", 110.0, 175.0, 230.0),
            ("1 205 SUONG NON RAM CHUA", 20.0, 220.0, 230.0),
            ("9.90", 300.0, 220.0, 340.0),
            ("TOTAL (EXCLUDING GST):", 20.0, 260.0, 230.0),
            ("21.30", 300.0, 260.0, 340.0),
            ("GST PAYABLE (6%):", 20.0, 285.0, 200.0),
            ("1.31", 300.0, 285.0, 340.0),
            ("TOTAL (INCLUSIVE OF GST):", 20.0, 310.0, 240.0),
            ("23.26", 300.0, 310.0, 340.0),
            ("ROUNDING ADJ:", 20.0, 335.0, 160.0),
            ("-0.01", 300.0, 335.0, 340.0),
            ("TOTAL:", 20.0, 360.0, 90.0),
            ("23.25", 300.0, 360.0, 340.0),
        ]);
        // The seller and its address come before the body; the tax number is read
        // from its own line although it sits between the two.
        let f = find_receipt_fields(&lines);
        assert_eq!(value(&f, "company").as_deref(), Some("BANH MI CAFE SDN BHD"), "{f:#?}");
        assert_eq!(
            value(&f, "address").as_deref(),
            Some("NO. 1 JALAN PUTERI 7/10 BANDAR PUTERI, 47100 PUCHONG SELANGOR, MALAYSIA")
        );
        assert_eq!(value(&f, "tax_id").as_deref(), Some("000306700288"));
        assert_eq!(value(&f, "total").as_deref(), Some("23.25"));
    }

    /// Tender less change confirms the total that a tax line after it would hide.
    #[test]
    fn tender_less_change_confirms_the_total() {
        let lines = receipt(&[
            ("SEGI CASH & CARRY SDN.BHD", 40.0, 0.0, 300.0),
            ("(317041-W)", 120.0, 25.0, 220.0),
            ("PT17920, SEKSYEN U9,", 80.0, 50.0, 260.0),
            ("40150 SHAH ALAM,", 90.0, 75.0, 240.0),
            ("GST REG. NO. : 001951645696", 40.0, 100.0, 300.0),
            ("TOTAL INCL. GST:RM", 20.0, 150.0, 200.0),
            ("20.05", 300.0, 150.0, 340.0),
            ("CASH:RM", 20.0, 175.0, 100.0),
            ("50.00", 300.0, 175.0, 340.0),
            ("CHANGE:RM", 20.0, 200.0, 120.0),
            ("29.95", 300.0, 200.0, 340.0),
            ("TOTAL INCLUDES 6% GST", 20.0, 225.0, 220.0),
            ("0.99", 300.0, 225.0, 340.0),
        ]);
        let f = find_receipt_fields(&lines);
        assert_eq!(value(&f, "company").as_deref(), Some("SEGI CASH & CARRY SDN.BHD"));
        assert_eq!(
            value(&f, "address").as_deref(),
            Some("PT17920, SEKSYEN U9, 40150 SHAH ALAM,")
        );
        assert_eq!(value(&f, "total").as_deref(), Some("20.05"));
    }

    /// No label read beside any amount: the amount printed most often.
    #[test]
    fn without_total_labels_the_repeated_amount_is_the_total() {
        let lines = receipt(&[
            ("99 SPEED MART S/B (519537-X)", 40.0, 0.0, 300.0),
            ("2838 YONGCHUN LOKAM", 20.0, 100.0, 200.0),
            ("RM82.80 Z", 260.0, 100.0, 340.0),
            ("@6 X RM 13.80", 20.0, 125.0, 200.0),
            ("82.80", 260.0, 200.0, 340.0),
            ("82.80", 260.0, 300.0, 340.0),
        ]);
        let f = find_receipt_fields(&lines);
        assert_eq!(value(&f, "company").as_deref(), Some("99 SPEED MART S/B"));
        assert_eq!(value(&f, "total").as_deref(), Some("82.80"));
    }

    #[test]
    fn a_page_without_amounts_or_a_header_gets_no_receipt_fields() {
        let lines = receipt(&[
            ("Dear Sir or Madam,", 20.0, 0.0, 200.0),
            ("our VAT number is GB123456789", 20.0, 30.0, 240.0),
            ("the meeting is on 12.03.2026", 20.0, 60.0, 240.0),
        ]);
        assert_eq!(find_receipt_fields(&lines), []);
    }
}
