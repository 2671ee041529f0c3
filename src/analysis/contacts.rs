//! Contact details among a page's lines: phone numbers (E.164 where the country
//! can be told), e-mail addresses, web addresses and postal addresses (with the
//! Chinese province, city and district where present).
//!
//! Phone numbers are parsed and validated with the `phonenumber` crate (Google's
//! libphonenumber metadata); the country comes from a `+` prefix, or else from
//! the page (Chinese text, a country or region named on it).

use std::sync::LazyLock;

use phonenumber::{Mode, country};
use regex::Regex;

use super::fields;
use crate::geometry::bounds;
use crate::result::{Field, FieldSource, Line};

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9][a-z0-9._%+-]*\s?@\s?[a-z0-9-]+(?:\s?\.\s?[a-z0-9-]+)*\s?\.\s?[a-z]{2,}\b")
        .expect("valid")
});
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:https?://[^\s<>()]+|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s<>()]*)?|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|gov|edu|io|cn|com\.cn|co\.uk|de|fr|jp|my|sg|hk|tw|au|in)(?:/[^\s<>()]*)?)",
    )
    .expect("valid")
});
/// A run that may be a phone number: digits with the separators people print.
static PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:\+|\b00)?\(?\d[\d\s().\-/]{5,}\d\b").expect("valid"));
static PHONE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\btel\b|\bphone\b|\btelephone\b|\bmobile\b|\bmob\b|\bcell\b|\bfax\b|\bhp\b|\bt\s*[:.]|\bm\s*[:.]|\bf\s*[:.]|电话|手机|传真|联系方式|热线)")
        .expect("valid")
});
static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$").expect("valid"));
static CHINESE_REGION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<province>(?:北京|天津|上海|重庆)市|[\p{Han}]{2,3}?(?:省|自治区|特别行政区))?",
        r"(?P<city>[\p{Han}]{2,6}?(?:市|自治州|地区|盟))?",
        r"(?P<district>[\p{Han}]{1,6}?(?:区|县|旗|市))?",
    ))
    .expect("valid")
});
static STREET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\b\d+[a-z]?\b.*\b(street|st|road|rd|avenue|ave|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|square|sq|highway|hwy)\b\.?|\b(jalan|jln|lorong|taman|no\.?\s*\d+)\b)")
        .expect("valid")
});
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\b\d{5}(-\d{4})?\b|\b\d{4}\b\s+[a-z]|\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b)").expect("valid")
});
static ADDRESS_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(address|addr\.?|地址|住址|通讯地址)\s*[:：]?\s*").expect("valid"));

/// The 34 provincial-level divisions of China, by the short names addresses use.
const CHINESE_PROVINCES: [&str; 34] = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
];

fn has_han(text: &str) -> bool {
    text.chars().any(|c| matches!(c as u32, 0x4E00..=0x9FFF))
}

/// The country that numbers without a `+` on this page belong to, if the page says.
fn page_country(lines: &[Line]) -> Option<country::Id> {
    let text: String = lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n");
    let han = text.chars().filter(|c| matches!(*c as u32, 0x4E00..=0x9FFF)).count();
    if han * 5 >= text.chars().filter(|c| !c.is_whitespace()).count().max(1) {
        return Some(country::Id::CN);
    }
    let lower = text.to_lowercase();
    let hints: [(&[&str], country::Id); 9] = [
        (
            &[
                "malaysia",
                "sdn bhd",
                "sdn. bhd",
                "jalan ",
                "selangor",
                "kuala lumpur",
                "johor",
            ],
            country::Id::MY,
        ),
        (&["singapore"], country::Id::SG),
        (&["hong kong"], country::Id::HK),
        (&["united kingdom", "england", "london"], country::Id::GB),
        (&["germany", "deutschland", "gmbh"], country::Id::DE),
        (&["france", "paris"], country::Id::FR),
        (&["australia"], country::Id::AU),
        (&["canada"], country::Id::CA),
        (&["usa", "united states", "u.s.a"], country::Id::US),
    ];
    hints
        .iter()
        .find(|(words, _)| words.iter().any(|w| lower.contains(w)))
        .map(|(_, id)| *id)
}

fn field(name: &str, value: String, read_as: Option<String>, ids: &[usize], lines: &[Line]) -> Field {
    Field {
        read_as,
        ..Field::from_lines(FieldSource::Contacts, name, value, ids.to_vec(), lines)
    }
}

/// Every contact detail on the page, in reading order.
pub fn find_contacts(lines: &[Line]) -> Vec<Field> {
    let country = page_country(lines);
    let mut fields = Vec::new();
    for (id, line) in lines.iter().enumerate() {
        let text = line.text.as_str();
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for m in EMAIL.find_iter(text) {
            let email: String = m.as_str().chars().filter(|c| !c.is_whitespace()).collect();
            fields.push(field("email", email.to_lowercase(), None, &[id], lines));
            taken.push((m.start(), m.end()));
        }
        for m in URL.find_iter(text) {
            let overlaps = taken.iter().any(|&(a, b)| m.start() < b && m.end() > a);
            let after_at = text[..m.start()].ends_with('@');
            if !overlaps && !after_at {
                fields.push(field(
                    "url",
                    m.as_str().trim_end_matches(['.', ',']).to_owned(),
                    None,
                    &[id],
                    lines,
                ));
                taken.push((m.start(), m.end()));
            }
        }
        let labelled = PHONE_LABEL.find(text);
        for m in PHONE.find_iter(text) {
            // Digits glued to letters ("NW-2026-0417", "GB33 …") are a reference.
            let glued = text[..m.start()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '-');
            if glued || taken.iter().any(|&(a, b)| m.start() < b && m.end() > a) {
                continue;
            }
            if let Some((value, read)) = phone(m.as_str(), labelled.is_some(), country) {
                let name = match labelled {
                    Some(l) if l.as_str().to_lowercase().starts_with('f') || l.as_str() == "传真" => "fax",
                    _ => "phone",
                };
                fields.push(field(name, value, Some(read), &[id], lines));
            }
        }
    }
    fields.extend(addresses(lines));
    fields
}

/// A phone number from a run of digits: E.164 when valid for its country, else
/// the digits as printed when a label says it is a phone number.
fn phone(run: &str, labelled: bool, country: Option<country::Id>) -> Option<(String, String)> {
    let read = run.trim().to_owned();
    let digits: String = read.chars().filter(char::is_ascii_digit).collect();
    if !(7..=15).contains(&digits.len()) || DATE_LIKE.is_match(&read) {
        return None;
    }
    // Amounts and decimals ("1,234.50") are not numbers to call.
    if read.contains('.') && !read.contains(' ') && !read.contains('-') && read.matches('.').count() == 1 {
        return None;
    }
    let international = read.starts_with('+') || read.starts_with("00");
    let candidate = match read.strip_prefix("00") {
        Some(number) => format!("+{number}"),
        None => read.clone(),
    };
    let parsed = if international {
        phonenumber::parse(None, &candidate).ok()
    } else {
        country.and_then(|c| phonenumber::parse(Some(c), &candidate).ok())
    };
    match parsed {
        Some(number) if phonenumber::is_valid(&number) => Some((number.format().mode(Mode::E164).to_string(), read)),
        // Unvalidated digits count only where a label says they are a phone number:
        // otherwise they are as likely an invoice number or an account.
        _ if labelled => Some((digits, read)),
        _ => None,
    }
}

/// Postal addresses: a line labelled as one, a Chinese address (province, city
/// or district followed by streets and numbers), or a street line with the
/// lines below it up to the one with the postcode. A label standing alone (an
/// identity card's 住址) takes the line beside or below it as its value.
fn addresses(lines: &[Line]) -> Vec<Field> {
    let mut out = Vec::new();
    let mut used = vec![false; lines.len()];
    for id in 0..lines.len() {
        if used[id] {
            continue;
        }
        let text = lines[id].text.trim();
        let label = ADDRESS_LABEL.find(text);
        let (start, rest) = match label {
            Some(m) if text[m.end()..].trim().is_empty() => match fields::neighbour(lines, id, true) {
                Some(value) if !used[value] => (value, lines[value].text.trim()),
                _ => continue,
            },
            _ => (id, label.map_or(text, |m| &text[m.end()..])),
        };
        // Another label before the address ("Bill to: …") is not part of it.
        let rest = match rest.split_once([':', '：']) {
            Some((before, after)) if before.chars().count() <= 16 && !before.chars().any(|c| c.is_ascii_digit()) => {
                after.trim_start()
            }
            _ => rest,
        };
        let mut ids: Vec<usize> = if start == id { vec![id] } else { vec![id, start] };
        if has_han(rest) {
            if label.is_none() && chinese_address(rest).is_none() {
                continue;
            }
            // A labelled Chinese address may wrap onto the lines under its start,
            // joined without spaces as Chinese is written.
            let mut value = rest.to_owned();
            if label.is_some() {
                for next in wrapped_below(lines, start) {
                    value.push_str(lines[next].text.trim());
                    ids.push(next);
                }
            }
            for &i in &ids {
                used[i] = true;
            }
            out.push(field("address", value.clone(), None, &ids, lines));
            for (name, part) in chinese_address(&value).unwrap_or_default() {
                out.push(field(name, part, None, &ids, lines));
            }
            continue;
        }
        if label.is_none() && !STREET.is_match(rest) {
            continue;
        }
        // The address runs on over the next lines until its postcode or a line
        // that is something else (a phone number, an e-mail, another label).
        let mut value = rest.to_owned();
        let mut next = start + 1;
        while !POSTCODE.is_match(&value) && next < lines.len() && ids.len() < 4 {
            let t = lines[next].text.trim();
            if PHONE_LABEL.is_match(t) || EMAIL.is_match(t) || t.is_empty() || fields::starts_with_label(t) {
                break;
            }
            if !value.is_empty() {
                value.push_str(if value.ends_with(',') { " " } else { ", " });
            }
            value.push_str(t);
            ids.push(next);
            next += 1;
        }
        if value.len() < 8 || (label.is_none() && !POSTCODE.is_match(&value)) {
            continue;
        }
        for &i in &ids {
            used[i] = true;
        }
        out.push(field("address", value, None, &ids, lines));
    }
    out
}

/// The lines an address starting on line `first` wraps onto: each directly under
/// the one before (within a line's height), starting where it starts, in Chinese,
/// and neither a label nor a phone number.
fn wrapped_below(lines: &[Line], first: usize) -> Vec<usize> {
    // An identity card's address takes at most three lines.
    const MAX_WRAPPED_LINES: usize = 2;
    let mut wrapped = Vec::new();
    let mut last = first;
    while wrapped.len() < MAX_WRAPPED_LINES {
        let (x0, y0, _, y1) = bounds(&lines[last].quad);
        let h = line_height(&lines[last]);
        let next = (0..lines.len())
            .filter(|&i| i != last && i != first && !wrapped.contains(&i))
            .filter(|&i| {
                let (a0, b0, _, _) = bounds(&lines[i].quad);
                let t = lines[i].text.trim();
                // Starts where the line above starts (half a character either way)
                // and no further down than a line's gap.
                (a0 - x0).abs() < 0.5 * h
                    && b0 > y0
                    && b0 >= y1 - 0.3 * h
                    && b0 - y1 < h
                    && has_han(t)
                    && !PHONE_LABEL.is_match(t)
                    && !fields::starts_with_label(t)
            })
            .min_by(|&a, &b| bounds(&lines[a].quad).1.total_cmp(&bounds(&lines[b].quad).1));
        let Some(next) = next else { break };
        wrapped.push(next);
        last = next;
    }
    wrapped
}

fn line_height(line: &Line) -> f32 {
    let (_, y0, _, y1) = bounds(&line.quad);
    (y1 - y0).max(1.0)
}

/// The province, city and district a Chinese address starts with, when it names
/// at least two of them (or a province-level city) and goes on to a street.
fn chinese_address(text: &str) -> Option<Vec<(&'static str, String)>> {
    let caps = CHINESE_REGION.captures(text)?;
    let get = |n: &str| caps.name(n).map(|m| m.as_str().to_owned());
    let (mut province, city, district) = (get("province"), get("city"), get("district"));
    // "广东深圳市…": a province named without 省.
    if province.is_none()
        && let Some(p) = CHINESE_PROVINCES.iter().find(|p| text.starts_with(*p))
        && city.as_ref().is_some_and(|c| c.starts_with(p))
    {
        province = Some((*p).to_owned());
    }
    let named = [&province, &city, &district].iter().filter(|p| p.is_some()).count();
    let municipality = province
        .as_ref()
        .is_some_and(|p| ["北京市", "天津市", "上海市", "重庆市"].contains(&p.as_str()));
    let street = text.contains(['路', '街', '道', '号', '巷', '村', '镇', '乡', '弄', '楼', '室']);
    if !(street && (named >= 2 || (municipality && named >= 1))) {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(p) = province {
        if municipality {
            parts.push(("city", p.clone()));
        }
        parts.insert(0, ("province", p));
    }
    if let Some(c) = city.filter(|_| !municipality || parts.len() < 2) {
        parts.push(("city", c));
    }
    if let Some(d) = district {
        parts.push(("district", d));
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Point;

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .map(|t| Line::read((*t).to_owned(), [Point::new(0.0, 0.0); 4], 0.9, 0.9))
            .collect()
    }

    fn values<'a>(fields: &'a [Field], name: &str) -> Vec<&'a str> {
        fields
            .iter()
            .filter(|f| f.name == name)
            .map(|f| f.value.as_str())
            .collect()
    }

    #[test]
    fn a_chinese_waybill() {
        let page = lines(&[
            "收件人：张伟",
            "电话：138 0013 8000",
            "地址：广东省深圳市南山区科技园南区高新南一道8号",
            "寄件人：李娜 座机 (010) 6552-9988",
            "北京市朝阳区建国路88号SOHO现代城",
        ]);
        let f = find_contacts(&page);
        assert_eq!(values(&f, "phone"), ["+8613800138000", "+861065529988"]);
        let mobile = f.iter().find(|x| x.name == "phone").expect("phone");
        assert_eq!(
            (mobile.line_ids.as_slice(), mobile.read_as.as_deref()),
            (&[1][..], Some("138 0013 8000"))
        );
        assert_eq!(
            values(&f, "address"),
            [
                "广东省深圳市南山区科技园南区高新南一道8号",
                "北京市朝阳区建国路88号SOHO现代城"
            ]
        );
        assert_eq!(values(&f, "province"), ["广东省", "北京市"]);
        assert_eq!(values(&f, "city"), ["深圳市", "北京市"]);
        assert_eq!(values(&f, "district"), ["南山区", "朝阳区"]);
    }

    #[test]
    fn an_address_label_standing_alone_takes_the_lines_beside_and_under_it() {
        let line =
            |t: &str, x0, y0, x1, y1| Line::read(t.into(), crate::geometry::axis_aligned(x0, y0, x1, y1), 0.9, 0.9);
        // An identity card's front: the label, its value beside it wrapping onto
        // a second line, and the next field's label under that.
        let page = vec![
            line("住址", 70.0, 318.0, 122.0, 344.0),
            line("北京市朝阳区建国路", 180.0, 312.0, 480.0, 346.0),
            line("88号院3号楼", 181.0, 364.0, 380.0, 398.0),
            line("公民身份号码", 70.0, 520.0, 240.0, 548.0),
        ];
        let f = find_contacts(&page);
        let address = f.iter().find(|x| x.name == "address").expect("an address");
        assert_eq!(
            (address.value.as_str(), address.line_ids.as_slice()),
            ("北京市朝阳区建国路88号院3号楼", &[0, 1, 2][..])
        );
        assert_eq!(values(&f, "district"), ["朝阳区"]);
    }

    #[test]
    fn an_international_business_card() {
        let page = lines(&[
            "Dr. Jane Smith",
            "Acme Robotics Ltd",
            "T: +44 20 7946 0958",
            "M: +1 (415) 555-2671",
            "Fax 0049 30 901820",
            "jane.smith @acme-robotics.co.uk",
            "www.acme-robotics.co.uk",
            "221B Baker Street",
            "London NW1 6XE",
            "Invoice no. NW-2026-0417 · IBAN GB33 BUKB 2020 1555 5555 55",
        ]);
        let f = find_contacts(&page);
        assert_eq!(values(&f, "phone"), ["+442079460958", "+14155552671"]);
        assert_eq!(values(&f, "fax"), ["+4930901820"]);
        assert_eq!(values(&f, "email"), ["jane.smith@acme-robotics.co.uk"]);
        assert_eq!(values(&f, "url"), ["www.acme-robotics.co.uk"]);
        let address = f.iter().find(|x| x.name == "address").expect("address");
        assert_eq!(address.value, "221B Baker Street, London NW1 6XE");
        assert_eq!(address.line_ids, [7, 8]);
    }

    #[test]
    fn a_malaysian_receipt_numbers_by_the_page_country() {
        let page = lines(&[
            "SYARIKAT PERNIAGAAN GIN KEE",
            "NO 290, JALAN AIR PANAS,",
            "SETAPAK, 53200, KUALA LUMPUR.",
            "TEL : 03-4021 6088",
            "DATE : 15/01/2018 TOTAL 12.50",
        ]);
        let f = find_contacts(&page);
        assert_eq!(values(&f, "phone"), ["+60340216088"]);
        assert_eq!(
            values(&f, "address"),
            ["NO 290, JALAN AIR PANAS, SETAPAK, 53200, KUALA LUMPUR."]
        );
    }

    #[test]
    fn dates_amounts_and_plain_text_are_not_contacts() {
        let page = lines(&["Invoice 2023-08-25", "Total 1234.50", "Thank you for shopping"]);
        assert!(find_contacts(&page).is_empty());
    }
}
