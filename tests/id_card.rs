//! Chinese resident identity cards the tests draw, read end to end: every printed
//! field found under its name, and the 18-digit number checked (its MOD 11-2 check
//! character, its birth date and sex digit against the printed ones).

mod common;

use std::collections::BTreeMap;

use common::id_card::{Front, back, front};
use common::{engine, save, temp_dir};
use ocrdesk::analysis::Extract;
use ocrdesk::document::OpenOptions;
use ocrdesk::pipeline::read_and_extract;
use ocrdesk::result::{Field, FieldSource, Verdict};

/// The label/value and contact fields of a card, read as a clerk's export would.
fn fields_of(card: &image::RgbImage) -> (Vec<Field>, Vec<String>) {
    let dir = temp_dir();
    let path = save(card, dir.path(), "card.png");
    let doc = read_and_extract(engine(), &path, &OpenOptions::default(), Extract::ALL, |_| ()).expect("the card reads");
    let page = &doc.pages[0];
    (page.fields.clone(), page.lines.iter().map(|l| l.text.clone()).collect())
}

fn by_name(fields: &[Field], source: FieldSource) -> BTreeMap<String, Field> {
    fields
        .iter()
        .filter(|f| f.source == source)
        .map(|f| (f.name.clone(), f.clone()))
        .collect()
}

/// The value of the field `name`, or a failure showing what was found and read.
fn value_of<'a>(printed: &'a BTreeMap<String, Field>, name: &str, lines: &[String]) -> &'a str {
    printed
        .get(name)
        .map(|f| f.value.as_str())
        .unwrap_or_else(|| panic!("no {name} in {printed:#?}\n{lines:#?}"))
}

const ADDRESS: [&str; 2] = ["北京市朝阳区建国路", "88号院3号楼"];

#[test]
fn the_front_of_a_card_gives_every_field_and_its_number_checks() {
    let (fields, lines) = fields_of(&front(&Front {
        name: "张伟",
        sex: "男",
        ethnicity: "汉",
        birth: "1990 年 1 月 2 日",
        address: &ADDRESS,
        number: "110105199001020016",
    }));
    let printed = by_name(&fields, FieldSource::Fields);
    let value = |name: &str| value_of(&printed, name, &lines);
    assert_eq!(value("name"), "张伟");
    assert_eq!(value("sex"), "男");
    assert_eq!(value("ethnicity"), "汉");
    assert_eq!(value("date_of_birth"), "1990-01-02");
    assert_eq!(value("id_number"), "110105199001020016");
    assert_eq!(printed["id_number"].verdict, Some(Verdict::Valid));
    assert!(fields.iter().all(|f| f.mismatch.is_none()), "{fields:#?}");
    // The address runs over two lines and is read whole.
    let address = by_name(&fields, FieldSource::Contacts)
        .remove("address")
        .unwrap_or_else(|| panic!("no address in {fields:#?}\n{lines:#?}"));
    assert_eq!(address.value.replace(' ', ""), ADDRESS.concat(), "{address:?}");
}

#[test]
fn a_number_that_disagrees_with_the_printed_birth_date_or_fails_its_check_is_flagged() {
    // The number says 2 January; the card prints 20 January.
    let (fields, lines) = fields_of(&front(&Front {
        name: "李娜",
        sex: "女",
        ethnicity: "汉",
        birth: "1985 年 7 月 24 日",
        address: &["广东省深圳市南山区科技园路1号"],
        number: "440306198507140022",
    }));
    let printed = by_name(&fields, FieldSource::Fields);
    let number = printed
        .get("id_number")
        .unwrap_or_else(|| panic!("{fields:#?}\n{lines:#?}"));
    assert_eq!(number.verdict, Some(Verdict::Valid));
    assert_eq!(
        number.mismatch.as_deref(),
        Some("printed page says 1985年7月24日"),
        "{number:?}"
    );
    assert_eq!(
        printed["date_of_birth"].mismatch.as_deref(),
        Some("the identity number says 1985-07-14")
    );
    // The sex digit (2, even: a woman) agrees with 女.
    assert!(printed["sex"].mismatch.is_none(), "{:?}", printed["sex"]);

    // One digit changed: the check character no longer agrees.
    let (fields, lines) = fields_of(&front(&Front {
        name: "王芳",
        sex: "男",
        ethnicity: "回",
        birth: "1978 年 3 月 20 日",
        address: &["江苏省南京市玄武区中山路8号"],
        number: "320102197803201524",
    }));
    let printed = by_name(&fields, FieldSource::Fields);
    let number = printed
        .get("id_number")
        .unwrap_or_else(|| panic!("{fields:#?}\n{lines:#?}"));
    assert_eq!(number.value, "320102197803201524");
    assert_eq!(number.verdict, Some(Verdict::Invalid));
    // A number that fails its check is not held against the page.
    assert!(fields.iter().all(|f| f.mismatch.is_none()), "{fields:#?}");
}

#[test]
fn the_back_of_a_card_gives_the_issuing_office_and_the_validity() {
    let (fields, lines) = fields_of(&back("北京市公安局朝阳分局", "2015.03.01-2035.03.01"));
    let printed = by_name(&fields, FieldSource::Fields);
    let value = |name: &str| value_of(&printed, name, &lines);
    assert_eq!(value("issuing_authority"), "北京市公安局朝阳分局");
    assert_eq!(value("validity"), "2015.03.01-2035.03.01");
}
