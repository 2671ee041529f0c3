//! The card operations: a passport from its machine-readable zone, a Chinese
//! resident identity card from its printed fields and its checked number.

use serde_json::{Value, json};

use super::{confidence, field};
use crate::analysis::cn_id;
use crate::result::{FieldSource, Page, Verdict};
use crate::serve::error::ApiError;
use crate::serve::request::Params;

/// The passport's fields from its machine-readable zone; check-digit verdicts and
/// each field's confidence beside them.
pub(super) fn passport(page: &Page) -> Result<Value, ApiError> {
    let mrz: Vec<_> = page.fields.iter().filter(|f| f.source == FieldSource::Mrz).collect();
    if mrz.is_empty() {
        return Err(ApiError::recognition_failed(
            "no machine-readable zone was found on the page".into(),
        ));
    }
    let value = |name: &str| mrz.iter().find(|f| f.name == name).map(|f| f.value.clone());
    // The cloud's field names for OCR Desk's.
    const NAMES: [(&str, &str); 9] = [
        ("passport_type", "document_type"),
        ("country_code", "issuing_state"),
        ("passport_number", "document_number"),
        ("nationality", "nationality"),
        ("surname", "surname"),
        ("given_name", "given_names"),
        ("sex", "sex"),
        ("date_of_birth", "date_of_birth"),
        ("date_of_expiry", "date_of_expiry"),
    ];
    let mut result = serde_json::Map::new();
    let mut confidences = serde_json::Map::new();
    for (theirs, ours) in NAMES {
        if let Some(v) = value(ours) {
            result.insert(theirs.into(), json!(v.trim_end_matches('<')));
        }
        if let Some(f) = mrz.iter().find(|f| f.name == ours) {
            confidences.insert(theirs.into(), json!(confidence(f.confidence)));
        }
    }
    let checks: serde_json::Map<String, Value> = mrz
        .iter()
        .filter_map(|f| f.verdict.map(|v| (f.name.clone(), json!(v == Verdict::Valid))))
        .collect();
    // Where the printed page says otherwise than the zone, under the cloud's names.
    let mismatches: serde_json::Map<String, Value> = NAMES
        .iter()
        .filter_map(|(theirs, ours)| {
            let f = mrz.iter().find(|f| f.name == *ours)?;
            Some(((*theirs).to_owned(), json!(f.mismatch.as_ref()?)))
        })
        .collect();
    result.insert("confidence".into(), Value::Object(confidences));
    let mut extra = json!({"check_digits_valid": checks});
    if !mismatches.is_empty() {
        extra["mismatch"] = Value::Object(mismatches);
    }
    result.insert("extra_info".into(), extra);
    Ok(Value::Object(result))
}

/// A Chinese resident identity card: the printed fields, and the 18-digit number
/// checked (ISO 7064 MOD 11-2, and its birth date and sex digit against the printed ones).
pub(super) fn id_card(page: &Page, params: &Params) -> Result<Value, ApiError> {
    let printed = |name| field(page, FieldSource::Fields, name).map(str::to_owned);
    let number = printed("id_number").or_else(|| cn_id::find_number(page.lines.iter().map(|l| l.text.as_str())));
    let (valid_from, valid_to) = printed("validity").and_then(|v| cn_id::validity(&v)).unzip();
    let front = number.is_some() || printed("name").is_some();
    if !front && printed("issuing_authority").is_none() && valid_from.is_none() {
        return Err(ApiError::recognition_failed(
            "no identity card field was found on the page".into(),
        ));
    }
    let address = field(page, FieldSource::Contacts, "address").map(str::to_owned);
    let birth = printed("date_of_birth");
    let sex = printed("sex");
    let mut result = json!({
        "name": printed("name"), "sex": sex, "birth": birth, "ethnicity": printed("ethnicity"),
        "address": address, "number": number, "issue": printed("issuing_authority"),
        "valid_from": valid_from, "valid_to": valid_to,
    });
    if params.return_verification {
        let checked = number.as_deref().map(cn_id::check);
        result["verification_result"] = json!({
            "valid_number": checked.as_ref().is_some_and(|c| c.checksum_valid),
            "valid_birth": checked.as_ref().zip(birth.as_deref()).is_some_and(|(c, b)| c.birth_matches(b)),
            "valid_sex": checked.as_ref().zip(sex.as_deref()).is_some_and(|(c, s)| c.sex_matches(s)),
        });
        // What the number and the printed fields say of each other, as the page's fields carry it.
        let mismatch: serde_json::Map<String, Value> =
            [("number", "id_number"), ("birth", "date_of_birth"), ("sex", "sex")]
                .into_iter()
                .filter_map(|(theirs, ours)| {
                    let f = page
                        .fields
                        .iter()
                        .find(|f| f.source == FieldSource::Fields && f.name == ours)?;
                    Some((theirs.to_owned(), json!(f.mismatch.as_ref()?)))
                })
                .collect();
        if !mismatch.is_empty() {
            result["verification_result"]["mismatch"] = Value::Object(mismatch);
        }
    }
    // Fields not found are left out, as the cloud leaves out what a side does not print.
    if let Value::Object(map) = &mut result {
        map.retain(|_, v| !v.is_null());
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::tests::{answer, field, page};
    use crate::result::FieldSource;
    use crate::serve::request::{Endpoint, Params};

    #[test]
    fn a_page_without_a_zone_or_card_is_a_recognition_failure() {
        let p = page(&[("Just a letter", 0.0, 0.0, 100.0, 20.0)]);
        assert_eq!(
            answer(Endpoint::Passport, &Params::default(), p.clone())
                .unwrap_err()
                .code,
            "AIS.0105"
        );
        assert_eq!(
            answer(Endpoint::IdCard, &Params::default(), p).unwrap_err().code,
            "AIS.0105"
        );
    }

    #[test]
    fn a_passport_answer_says_where_the_printed_page_disagrees_with_the_zone() {
        let mut p = page(&[("P<UTOERIKSSON<<ANNA<MARIA", 0.0, 0.0, 400.0, 20.0)]);
        let mut birth = field(FieldSource::Mrz, "date_of_birth", "1974-08-12");
        birth.mismatch = Some("printed page says 21 AUG 1974".into());
        p.fields = vec![field(FieldSource::Mrz, "surname", "ERIKSSON"), birth];
        let result = answer(Endpoint::Passport, &Params::default(), p).unwrap();
        assert_eq!(result["date_of_birth"], "1974-08-12");
        assert_eq!(
            result["extra_info"]["mismatch"],
            json!({"date_of_birth": "printed page says 21 AUG 1974"})
        );
    }

    #[test]
    fn an_identity_card_is_checked_against_its_number() {
        let mut p = page(&[("姓名 张三", 0.0, 0.0, 100.0, 20.0)]);
        p.fields = vec![
            field(FieldSource::Fields, "name", "张三"),
            field(FieldSource::Fields, "sex", "女"),
            field(FieldSource::Fields, "date_of_birth", "1949年12月31日"),
            field(FieldSource::Fields, "id_number", "11010519491231002X"),
        ];
        let params = Params {
            return_verification: true,
            ..Params::default()
        };
        let result = answer(Endpoint::IdCard, &params, p).unwrap();
        assert_eq!(result["number"], "11010519491231002X");
        assert_eq!(
            result["verification_result"],
            json!({"valid_number": true, "valid_birth": true, "valid_sex": true})
        );
        assert!(result.get("issue").is_none());
    }
}
