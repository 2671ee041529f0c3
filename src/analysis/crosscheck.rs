//! The printed page against the machine-readable zone. A passport or an identity
//! card states each fact twice, once for people and once for machines, and a
//! border officer compares the two by eye; here each disagreement is flagged on
//! both fields with what the other one says.

use mrz::TransliterationStyle;

use crate::result::{Field, FieldSource};

/// The zone's fields and the printed fields that state the same fact.
const PAIRS: &[(&str, &[&str])] = &[
    ("surname", &["surname"]),
    ("given_names", &["given_names"]),
    ("document_number", &["passport_number", "document_number"]),
    ("date_of_birth", &["date_of_birth"]),
    ("date_of_expiry", &["date_of_expiry"]),
    ("sex", &["sex"]),
    ("nationality", &["nationality"]),
];

/// Compares each zone field with the printed fields of the same fact and sets
/// `mismatch` on both where they disagree. Returns how many pairs could be compared.
pub fn cross_check(fields: &mut [Field]) -> usize {
    let mut compared = 0;
    // A visa's zone numbers the visa; the passport number printed on it is another document's.
    let visa = fields
        .iter()
        .any(|f| f.source == FieldSource::Mrz && f.name == "document_type" && f.value.starts_with('V'));
    // A page may print the whole name under one label ("Surname, Given names"), in
    // either order.
    let zone_value = |name: &str| {
        fields
            .iter()
            .find(|f| f.source == FieldSource::Mrz && f.name == name)
            .map_or(String::new(), |f| f.value.clone())
    };
    let (surname, given) = (zone_value("surname"), zone_value("given_names"));
    let whole_names = [format!("{surname} {given}"), format!("{given} {surname}")];
    for (zone_name, printed_names) in PAIRS {
        if visa && *zone_name == "document_number" {
            continue;
        }
        let Some(zone) = fields
            .iter()
            .position(|f| f.source == FieldSource::Mrz && f.name == *zone_name)
        else {
            continue;
        };
        let printed: Vec<usize> = (0..fields.len())
            .filter(|&i| fields[i].source == FieldSource::Fields && printed_names.contains(&fields[i].name.as_str()))
            .collect();
        for i in printed {
            let whole_name = || {
                whole_names
                    .iter()
                    .any(|whole| names_agree(whole, fields[i].value.trim()))
            };
            let is_name = matches!(*zone_name, "surname" | "given_names");
            let agrees = agree(zone_name, &fields[zone].value, &fields[i]);
            compared += usize::from(agrees.is_some());
            if agrees == Some(false) && !(is_name && whole_name()) {
                let as_printed = fields[i].read_as.clone().unwrap_or_else(|| fields[i].value.clone());
                fields[zone].mismatch = Some(format!("printed page says {as_printed}"));
                fields[i].mismatch = Some(format!("zone says {}", fields[zone].value));
            }
        }
    }
    compared
}

/// Whether the zone's value and the printed field state the same thing; `None`
/// where they cannot be compared: a printed value that is not one of its kind
/// (a label read in its place), a printed date whose day and month could be
/// either way round, a sex or nationality printed as a word.
fn agree(name: &str, zone: &str, printed: &Field) -> Option<bool> {
    let value = printed.value.trim();
    match name {
        "surname" | "given_names" => is_a_name(value).then(|| names_agree(zone, value)),
        "document_number" => is_a_document_number(value).then(|| alphanumerics(zone) == alphanumerics(value)),
        // Both in ISO 8601 (the printed one only when its order was certain), compared
        // as the zone prints them: its two-digit years leave the century to a guess.
        "date_of_birth" | "date_of_expiry" => printed
            .read_as
            .is_some()
            .then(|| zone.get(2..).is_some_and(|yymmdd| value.get(2..) == Some(yymmdd))),
        "sex" => printed_sex(&printed.value).map(|sex| zone == sex),
        "nationality" => {
            let code = printed.value.trim().to_uppercase();
            (code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()))
                .then(|| mrz::codes_equivalent(zone, &code))
        }
        _ => None,
    }
}

/// A printed name and the zone's agree when the name, written in the zone's
/// alphabet by any of ICAO's transliterations (Ü as U, UE or UXX), has the same
/// letters: the zone turns hyphens, apostrophes and spaces into filler.
fn names_agree(zone: &str, printed: &str) -> bool {
    let zone = letters(zone);
    [
        TransliterationStyle::Simple,
        TransliterationStyle::Expanded,
        TransliterationStyle::XxSuffix,
    ]
    .into_iter()
    .any(|style| letters(&mrz::transliterate(printed, style)) == zone)
}

/// A name as a page prints it: letters, spaces, hyphens and apostrophes, and no
/// word of a label.
fn is_a_name(value: &str) -> bool {
    value.chars().any(char::is_alphabetic)
        && value
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’'))
        && !crate::analysis::fields::reads_as_a_label(value)
}

/// A document number as a page prints it: one code of letters and digits, with
/// at least one digit (the zone's field holds up to 9 characters, longer ones
/// run on into the optional data).
fn is_a_document_number(value: &str) -> bool {
    let code = alphanumerics(value);
    !value.contains(char::is_whitespace) && code.len() >= 5 && code.chars().any(|c| c.is_ascii_digit())
}

fn letters(text: &str) -> String {
    text.chars().filter(char::is_ascii_uppercase).collect()
}

fn alphanumerics(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The zone's letter for a printed sex: its first letter ("F", "F/F", "M / M"),
/// or 男/女 on a Chinese card.
fn printed_sex(text: &str) -> Option<&'static str> {
    match text.trim().chars().next()? {
        'M' | 'm' | '男' => Some("M"),
        'F' | 'f' | '女' => Some("F"),
        'X' | 'x' => Some("X"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(source: FieldSource, name: &str, value: &str, read_as: Option<&str>) -> Field {
        Field {
            source,
            name: name.to_owned(),
            value: value.to_owned(),
            confidence: 0.9,
            line_ids: Vec::new(),
            verdict: None,
            read_as: read_as.map(str::to_owned),
            mismatch: None,
        }
    }

    fn zone(name: &str, value: &str) -> Field {
        field(FieldSource::Mrz, name, value, None)
    }

    fn printed(name: &str, value: &str, read_as: Option<&str>) -> Field {
        field(FieldSource::Fields, name, value, read_as)
    }

    #[test]
    fn a_date_that_disagrees_is_flagged_on_both_fields_with_what_the_other_says() {
        let mut fields = vec![
            zone("date_of_birth", "1974-08-21"),
            zone("surname", "ERIKSSON"),
            printed("date_of_birth", "1974-08-12", Some("12 AUG 1974")),
            printed("surname", "Eriksson", None),
        ];
        cross_check(&mut fields);
        assert_eq!(fields[0].mismatch.as_deref(), Some("printed page says 12 AUG 1974"));
        assert_eq!(fields[2].mismatch.as_deref(), Some("zone says 1974-08-21"));
        assert_eq!(fields[1].mismatch, None, "same letters in another case agree");
        assert_eq!(fields[3].mismatch, None);
    }

    #[test]
    fn labels_read_as_values_and_centuries_are_not_disagreements() {
        let mut fields = vec![
            zone("surname", "SAVA"),
            zone("document_number", "S998527"),
            zone("date_of_expiry", "2098-01-04"),
            printed("surname", "/Last name", None),
            printed("passport_number", "2a. Greisst/Taille/Height", None),
            // The zone's "98" is taken as 2098; the page prints the century.
            printed("date_of_expiry", "1998-01-04", Some("04 JAN 1998")),
        ];
        cross_check(&mut fields);
        assert!(fields.iter().all(|f| f.mismatch.is_none()), "{fields:#?}");
        let mut fields = vec![
            zone("surname", "ERIKSSON"),
            zone("given_names", "ANNA MARIA"),
            printed("surname", "ERIKSSON ANNA MARIA", None),
        ];
        cross_check(&mut fields);
        assert!(
            fields.iter().all(|f| f.mismatch.is_none()),
            "the whole name agrees: {fields:#?}"
        );
    }

    #[test]
    fn a_visa_s_printed_passport_number_is_not_its_zone_number() {
        let mut fields = vec![
            zone("document_type", "V"),
            zone("document_number", "L8988901C"),
            printed("passport_number", "M123889546", None),
        ];
        cross_check(&mut fields);
        assert!(fields.iter().all(|f| f.mismatch.is_none()), "{fields:#?}");
    }

    #[test]
    fn names_agree_under_any_icao_transliteration() {
        assert!(names_agree("MUELLER", "Müller"));
        assert!(names_agree("MULLER", "MÜLLER"));
        assert!(names_agree("JEAN PAUL", "Jean-Paul"));
        assert!(names_agree("OCONNOR", "O'Connor"));
        assert!(!names_agree("ERIKSON", "ERIKSSON"));
    }

    #[test]
    fn what_cannot_be_compared_is_not_flagged() {
        let mut fields = vec![
            zone("date_of_expiry", "2012-04-15"),
            zone("nationality", "UTO"),
            zone("sex", "F"),
            zone("document_number", "L898902C3"),
            // Day and month could be either way round: no ISO form, no verdict.
            printed("date_of_expiry", "04/05/2012", None),
            printed("nationality", "UTOPIAN", None),
            printed("sex", "F/F", None),
            printed("passport_number", "L898902C3", None),
        ];
        cross_check(&mut fields);
        assert!(fields.iter().all(|f| f.mismatch.is_none()), "{fields:#?}");
        let mut fields = vec![
            zone("sex", "F"),
            printed("sex", "男", None),
            zone("document_number", "L898902C3"),
            printed("passport_number", "L898962C3", None),
        ];
        cross_check(&mut fields);
        assert_eq!(fields[1].mismatch.as_deref(), Some("zone says F"));
        assert_eq!(fields[3].mismatch.as_deref(), Some("zone says L898902C3"));
    }
}
