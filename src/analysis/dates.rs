//! Dates as printed on documents, in ISO 8601 where their order is certain.

use std::sync::LazyLock;

use regex::Regex;

/// Something shaped like a date, in any order: numbers with separators, or a
/// day with a month's name.
pub(super) static DATE_SHAPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,4}[-/.年]\d{1,2}[-/.月]\d{1,4}|\d{1,2}[\s-]*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[\s-]*\d{2,4})")
        .expect("valid")
});

/// Whether three numbers could be a date in some order: two of them 1–12 or
/// 1–31 and the other a year (so a phone number such as 1300-88-5200 is not).
pub(super) fn could_be_a_date(text: &str) -> bool {
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
}
