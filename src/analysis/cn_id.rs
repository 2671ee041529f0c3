//! The 18-character number of a Chinese resident identity card (GB 11643-1999):
//! six digits of the region, eight of the birth date, three of sequence (odd for a
//! man, even for a woman) and an ISO 7064 MOD 11-2 check character (0–9 or X).

use std::sync::LazyLock;

use regex::Regex;

use crate::result::{Field, FieldSource, Verdict};

/// An 18-character identity number standing alone in a line.
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])([1-9][0-9]{16}[0-9Xx])(?:$|[^0-9Xx])").expect("valid pattern"));

/// The weights of ISO 7064 MOD 11-2 for the first 17 digits (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder mod 11.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// What a number says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The check character agrees with the other 17.
    pub checksum_valid: bool,
    /// The birth date it encodes, `YYYY-MM-DD`, when the digits are a date.
    pub birth: Option<String>,
    /// The sex its sequence digit encodes.
    pub male: Option<bool>,
}

impl Checked {
    /// Whether a printed birth date (`1990年1月2日`, `1990-01-02`, `1990.1.2`) is the encoded one.
    pub fn birth_matches(&self, printed: &str) -> bool {
        let numbers: Vec<u32> = printed
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        match (&self.birth, numbers.as_slice()) {
            (Some(birth), [y, m, d]) => *birth == format!("{y:04}-{m:02}-{d:02}"),
            // 19900102 printed as one run of digits.
            (Some(birth), [ymd]) if *ymd > 10_000_000 => {
                *birth == format!("{:04}-{:02}-{:02}", ymd / 10_000, ymd / 100 % 100, ymd % 100)
            }
            _ => false,
        }
    }

    /// Whether the printed sex (男/女, M/F) is the encoded one.
    pub fn sex_matches(&self, printed: &str) -> bool {
        let printed_male = match printed.trim() {
            "男" | "M" | "m" | "Male" | "male" => true,
            "女" | "F" | "f" | "Female" | "female" => false,
            _ => return false,
        };
        self.male == Some(printed_male)
    }
}

/// Checks an identity number (spaces ignored; `x` read as `X`).
pub fn check(number: &str) -> Checked {
    let chars: Vec<char> = number
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let digits: Option<Vec<u32>> = chars.iter().take(17).map(|c| c.to_digit(10)).collect();
    let Some(digits) = digits.filter(|d| d.len() == 17 && chars.len() == 18) else {
        return Checked {
            checksum_valid: false,
            birth: None,
            male: None,
        };
    };
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let checksum_valid = CHECK[(sum % 11) as usize] == chars[17];
    let number_at = |range: std::ops::Range<usize>| digits[range].iter().fold(0, |n, d| n * 10 + d);
    let (year, month, day) = (number_at(6..10), number_at(10..12), number_at(12..14));
    let birth = ((1800..=2200).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day))
        .then(|| format!("{year:04}-{month:02}-{day:02}"));
    Checked {
        checksum_valid,
        birth,
        male: Some(digits[16] % 2 == 1),
    }
}

/// Checks a resident identity card's fields as a border officer checks a passport's
/// zone: the `id_number` field gets its check character's verdict, and where the
/// number's birth date or sex digit says otherwise than the printed `date_of_birth`
/// or `sex`, both fields are marked (`mismatch`) with what the other says. Returns
/// how many printed fields were compared.
pub fn check_card(fields: &mut [Field]) -> usize {
    let Some(number) = fields
        .iter()
        .position(|f| f.source == FieldSource::Fields && f.name == "id_number")
    else {
        return 0;
    };
    let checked = check(&fields[number].value);
    fields[number].verdict = Some(if checked.checksum_valid {
        Verdict::Valid
    } else {
        Verdict::Invalid
    });
    // A number whose check fails was misread: what its digits say is not evidence.
    if !checked.checksum_valid {
        return 0;
    }
    let mut compared = 0;
    for name in ["date_of_birth", "sex"] {
        let Some(printed) = fields
            .iter()
            .position(|f| f.source == FieldSource::Fields && f.name == name)
        else {
            continue;
        };
        let as_printed = fields[printed]
            .read_as
            .clone()
            .unwrap_or_else(|| fields[printed].value.clone());
        let (agrees, encoded) = match name {
            "sex" => (
                checked.sex_matches(&as_printed),
                checked.male.map(|m| if m { "男" } else { "女" }.to_owned()),
            ),
            _ => (checked.birth_matches(&as_printed), checked.birth.clone()),
        };
        compared += 1;
        if !agrees && let Some(encoded) = encoded {
            fields[printed].mismatch = Some(format!("the identity number says {encoded}"));
            fields[number].mismatch = Some(format!("printed page says {as_printed}"));
        }
    }
    compared
}

/// The first identity number among `lines`, wherever it is printed.
pub fn find_number<'a>(lines: impl Iterator<Item = &'a str>) -> Option<String> {
    lines
        .filter_map(|l| {
            let compact: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            NUMBER.captures(&compact).map(|c| c[1].to_ascii_uppercase())
        })
        .next()
}

/// A validity period `2010.01.01-2030.01.01` (or `…-长期`) as its two ends.
pub fn validity(text: &str) -> Option<(String, String)> {
    let (from, to) = text.split_once(['-', '—', '－', '至'])?;
    let (from, to) = (from.trim(), to.trim());
    (!from.is_empty() && !to.is_empty()).then(|| (from.to_owned(), to.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard's own example number (GB 11643-1999, appendix).
    const EXAMPLE: &str = "11010519491231002X";

    #[test]
    fn the_standards_example_checks() {
        let c = check(EXAMPLE);
        assert!(c.checksum_valid);
        assert_eq!(c.birth.as_deref(), Some("1949-12-31"));
        assert_eq!(c.male, Some(false));
        assert!(c.birth_matches("1949年12月31日"));
        assert!(c.sex_matches("女"));
        assert!(!c.sex_matches("男"));
    }

    #[test]
    fn one_wrong_digit_fails_the_check() {
        assert!(!check("11010519491231012X").checksum_valid);
        assert!(!check("1101051949123100").checksum_valid);
    }

    fn printed(name: &str, value: &str, read_as: Option<&str>) -> Field {
        let mut f = Field::from_lines(FieldSource::Fields, name, value.into(), Vec::new(), &[]);
        f.read_as = read_as.map(str::to_owned);
        f
    }

    #[test]
    fn a_cards_number_gets_a_verdict_and_disagreements_are_marked_on_both_sides() {
        let mut fields = vec![
            printed("name", "张三", None),
            printed("sex", "女", None),
            printed("date_of_birth", "1949-12-31", Some("1949年12月31日")),
            printed("id_number", EXAMPLE, None),
        ];
        assert_eq!(check_card(&mut fields), 2);
        assert_eq!(fields[3].verdict, Some(Verdict::Valid));
        assert!(fields.iter().all(|f| f.mismatch.is_none()), "{fields:?}");

        // The printed birth date differs from the number's; the sex agrees.
        fields[2] = printed("date_of_birth", "1949-12-13", Some("1949年12月13日"));
        check_card(&mut fields);
        assert_eq!(
            fields[2].mismatch.as_deref(),
            Some("the identity number says 1949-12-31")
        );
        assert_eq!(fields[3].mismatch.as_deref(), Some("printed page says 1949年12月13日"));
        assert!(fields[1].mismatch.is_none());

        // A misread number fails its check and is not held against the page.
        let mut misread = vec![
            printed("sex", "男", None),
            printed("id_number", "11010519491231012X", None),
        ];
        assert_eq!(check_card(&mut misread), 0);
        assert_eq!(misread[1].verdict, Some(Verdict::Invalid));
        assert!(misread[0].mismatch.is_none());
    }

    #[test]
    fn a_number_is_found_in_its_line_and_a_period_split() {
        let lines = ["公民身份号码 110105 19491231 002x", "住址"];
        assert_eq!(find_number(lines.into_iter()).as_deref(), Some(EXAMPLE));
        assert_eq!(
            validity("2010.01.01-2030.01.01"),
            Some(("2010.01.01".into(), "2030.01.01".into()))
        );
    }
}
