//! Machine-readable zones (ICAO 9303: TD1, TD2, TD3, MRV-A, MRV-B) among a
//! page's lines. Finding the zone in the text, repairing OCR-B confusions only
//! where a check digit confirms the repair, parsing and checking are done by
//! the `mrz` crate; this module feeds it the lines, and reports every field with
//! the lines it came from and the verdict of its check digit.

use serde::{Deserialize, Serialize};

use crate::geometry::{Point, Quad};
pub use crate::result::Verdict;
use crate::result::{Field, FieldSource, Line};

fn verdict(check: Option<bool>) -> Option<Verdict> {
    check.map(|ok| if ok { Verdict::Valid } else { Verdict::Invalid })
}

/// One field of the zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MrzField {
    pub name: String,
    pub value: String,
    /// Present for the fields a check digit covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

/// A machine-readable zone as read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MrzReading {
    /// `TD1`, `TD2`, `TD3`, `MRV-A` or `MRV-B`.
    pub format: String,
    /// The zone's lines after repair, as checked.
    pub lines: Vec<String>,
    pub fields: Vec<MrzField>,
    /// Every check digit the format prints agrees.
    pub valid: bool,
    /// Check digits that agree, and how many the format prints.
    pub checks_passed: u8,
    pub checks_total: u8,
    /// Indices of the page lines the zone was read from.
    pub line_ids: Vec<usize>,
}

impl MrzReading {
    /// The zone's fields as page fields, each carrying the zone's lines and the
    /// lowest confidence among them.
    pub fn to_fields(&self, lines: &[Line]) -> Vec<Field> {
        self.fields
            .iter()
            .map(|f| Field {
                verdict: f.verdict,
                ..Field::from_lines(FieldSource::Mrz, &f.name, f.value.clone(), self.line_ids.clone(), lines)
            })
            .collect()
    }
}

/// Shortest zone line (TD1) less a little for what OCR may drop.
const MIN_ZONE_LINE: usize = 25;

/// Finds and reads the machine-readable zone among `lines` (in reading order).
/// `None` when there is none.
pub fn read_mrz(lines: &[Line]) -> Option<MrzReading> {
    // Candidate zone lines: long, mostly the MRZ alphabet, with filler or dates.
    let candidates: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| (i, zone_text(&line.text)))
        .filter(|(_, text)| looks_like_zone_line(text))
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let (data, filler_led) = best_zone(&candidates)?;
    let mut zone: Vec<String> = data.mrz_lines.lines().map(str::to_owned).collect();
    if filler_led > 0
        && let Some(first) = zone.first_mut()
    {
        // The zone as printed: the fillers that were read as zeros put back.
        first.replace_range(TD1_NUMBER_START..TD1_NUMBER_START + filler_led, &"<".repeat(filler_led));
    }
    let line_ids = source_lines(&zone, &candidates);
    let checks = &data.checks;
    let format = match data.format {
        mrz::Format::Td1 => "TD1",
        mrz::Format::Td2 => "TD2",
        mrz::Format::Td3 => "TD3",
        mrz::Format::MrvA => "MRV-A",
        mrz::Format::MrvB => "MRV-B",
        _ => "MRZ",
    };
    let mut fields = Vec::new();
    let mut add = |name: &str, value: String, verdict: Option<Verdict>| {
        fields.push(MrzField {
            name: name.to_owned(),
            value,
            verdict,
        });
    };
    add("document_type", data.document_type.clone(), None);
    add("issuing_state", letters_only(&data.issuing_country), None);
    add("surname", letters_only(&data.surname), None);
    add("given_names", letters_only(&data.given_names), None);
    add(
        "document_number",
        data.full_document_number()
            .get(filler_led..)
            .unwrap_or_default()
            .to_owned(),
        verdict(checks.document_number),
    );
    add("nationality", letters_only(&data.nationality), None);
    add(
        "date_of_birth",
        data.date_of_birth.to_string(),
        verdict(checks.date_of_birth),
    );
    add("sex", data.sex.to_string(), None);
    add(
        "date_of_expiry",
        data.date_of_expiry.to_string(),
        verdict(checks.date_of_expiry),
    );
    // TD3's optional data is the personal number, with a check digit of its own.
    let optional_verdict = verdict(checks.personal_number);
    add(
        "optional_data",
        data.optional_data_1.clone().unwrap_or_default(),
        optional_verdict,
    );
    if let Some(second) = &data.optional_data_2 {
        add("optional_data_2", second.clone(), None);
    }
    if let Some(composite) = verdict(checks.composite) {
        add("composite", String::new(), Some(composite));
    }
    Some(MrzReading {
        format: format.to_owned(),
        lines: zone,
        fields,
        valid: checks.all_valid(),
        checks_passed: checks.verified(),
        checks_total: checks.applicable(),
        line_ids,
    })
}

/// A zone has at most three lines; with one stray line beside them, every order of
/// the candidates is tried (24), more would cost more than it finds.
const MAX_REORDERED_LINES: usize = 4;

/// The zone among the candidate lines: as read, when every check digit agrees.
/// Otherwise the repairs the check digits can confirm are tried — a TD1 card's
/// document code `I` read as `1` (`1<UTO…`, `1DD<<…`), and the lines in another
/// order (a layout read out of order) — and the first reading they make valid is
/// kept. When none is, the zone as read, with the verdicts of its checks — or, on
/// a TD1 card whose document number begins with filler (which ICAO 9303 does not
/// allow, and which the `mrz` crate reads shifted), the zone read with those fillers
/// as zeros, when more of its check digits agree: a check digit counts `<` and `0`
/// alike, so they check exactly what is printed. Returns the zone and how many
/// fillers were read as zeros.
fn best_zone(candidates: &[(usize, String)]) -> Option<(mrz::MrzData, usize)> {
    let texts: Vec<&str> = candidates.iter().map(|(_, t)| t.as_str()).collect();
    let as_read = mrz::find_and_parse(&texts.join("\n")).ok();
    if as_read.as_ref().is_some_and(mrz::MrzData::valid) {
        return as_read.map(|zone| (zone, 0));
    }
    let repaired: Vec<String> = texts.iter().map(|t| repair_document_code(t)).collect();
    let orders = if repaired.len() <= MAX_REORDERED_LINES {
        orders(repaired.len())
    } else {
        vec![(0..repaired.len()).collect()]
    };
    let valid = orders.into_iter().find_map(|order| {
        let text: Vec<&str> = order.iter().map(|&i| repaired[i].as_str()).collect();
        mrz::find_and_parse(&text.join("\n")).ok().filter(mrz::MrzData::valid)
    });
    if let Some(zone) = valid {
        return Some((zone, 0));
    }
    let (zeroed, fillers): (Vec<String>, Vec<usize>) = repaired.iter().map(|t| filler_led_number(t)).unzip();
    let filler_led = fillers.iter().copied().max().unwrap_or(0);
    let verified = |zone: &Option<mrz::MrzData>| zone.as_ref().map_or(0, |z| z.checks.verified());
    if filler_led > 0 {
        let zeroed = mrz::find_and_parse(&zeroed.join("\n")).ok();
        if verified(&zeroed) > verified(&as_read) {
            return zeroed.map(|zone| (zone, filler_led));
        }
    }
    as_read.map(|zone| (zone, 0))
}

/// Where a TD1 card's document number starts on its first line.
const TD1_NUMBER_START: usize = 5;

/// A TD1 first line (30 characters, document code I, A or C) whose document number
/// begins with filler, with that filler as zeros, and how many there were; any
/// other line as it is, and 0.
fn filler_led_number(text: &str) -> (String, usize) {
    let td1_first = text.len() == 30 && text.starts_with(['I', 'A', 'C']);
    let fillers = text
        .get(TD1_NUMBER_START..TD1_NUMBER_START + 9)
        .map_or(0, |number| number.chars().take_while(|&c| c == '<').count());
    if !td1_first || fillers == 0 || fillers == 9 {
        return (text.to_owned(), 0);
    }
    let mut zeroed = text.to_owned();
    zeroed.replace_range(TD1_NUMBER_START..TD1_NUMBER_START + fillers, &"0".repeat(fillers));
    (zeroed, fillers)
}

/// A TD1 card's first line with its document code's `I` read as `1` turned back.
/// TD1 codes begin with I, A or C, never a digit; the line is recognised by what
/// follows the code (a letter or filler, then the issuing state's letters), which
/// a TD1 second line (six digits of birth date) never has.
fn repair_document_code(text: &str) -> String {
    let bytes = text.as_bytes();
    let letter_or_filler = |b: &u8| b.is_ascii_uppercase() || *b == b'<';
    match bytes {
        [b'1', code, state @ ..]
            if letter_or_filler(code) && state.len() >= 3 && state[..3].iter().all(letter_or_filler) =>
        {
            format!("I{}", &text[1..])
        }
        _ => text.to_owned(),
    }
}

/// Every order of `0..n`, the given order first.
fn orders(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for first in 0..n {
        for rest in orders(n - 1) {
            let mut order = vec![first];
            order.extend(rest.into_iter().map(|i| if i >= first { i + 1 } else { i }));
            all.push(order);
        }
    }
    all
}

/// A field the zone prints in letters only (names and state codes: ICAO 9303 part 3
/// allows A–Z and the filler there, and no check digit covers them) with the digits
/// OCR mistakes for letters turned back: 0→O, 1→I, 2→Z, 5→S, 8→B.
fn letters_only(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0' => 'O',
            '1' => 'I',
            '2' => 'Z',
            '5' => 'S',
            '8' => 'B',
            c => c,
        })
        .collect()
}

/// A line as the zone's alphabet: upper case, spaces dropped (OCR splits
/// filler runs), the guillemets and brackets OCR reads `<` as turned back into `<`.
fn zone_text(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '«' | '‹' | '〈' | '＜' | '(' | '[' | '{' => '<',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

fn looks_like_zone_line(text: &str) -> bool {
    let len = text.chars().count();
    if len < MIN_ZONE_LINE {
        return false;
    }
    let in_alphabet = text
        .chars()
        .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '<')
        .count();
    let fillers = text.chars().filter(|&c| c == '<').count();
    // A full optional-data field leaves a second line without filler, but its
    // dates and check digits make it rich in digits; prose in capitals is neither.
    let digits = text.chars().filter(char::is_ascii_digit).count();
    in_alphabet as f32 >= 0.9 * len as f32 && (fillers >= 1 || digits >= 12)
}

/// Where the other line of a two-line zone may lie, when the page shows one line
/// of a passport's or visa's zone (36 or 44 characters) and no zone reads: the
/// line's box moved a line pitch up and down. ICAO 9303 prints zone lines at a
/// fixed pitch, about 1.75 character heights; the detector's box is one to one and
/// a half character heights tall, so five distances each way cover its fit. Returns the lone line's index
/// and the places, each with whether it lies above the line.
pub fn missing_line_places(lines: &[Line]) -> Option<(usize, Vec<(Quad, bool)>)> {
    /// Pitches tried, in the lone line's box heights.
    const PITCHES_IN_HEIGHTS: [f32; 5] = [0.9, 1.1, 1.3, 1.5, 1.7];
    if read_mrz(lines).is_some() {
        return None;
    }
    let zone_lines: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let text = zone_text(&lines[i].text);
            // A line of 36 or 44 give or take a character the reader dropped or added.
            let len = text.chars().count();
            looks_like_zone_line(&text) && ((35..=37).contains(&len) || (43..=45).contains(&len))
        })
        .collect();
    let [lone] = zone_lines[..] else {
        return None;
    };
    let q = lines[lone].quad;
    let height = q[0].distance(q[3]).max(q[1].distance(q[2]));
    if height < 1.0 {
        return None;
    }
    // The unit vector from the line's top edge to its bottom edge.
    let (dx, dy) = (
        (q[3].x + q[2].x - q[0].x - q[1].x) / 2.0,
        (q[3].y + q[2].y - q[0].y - q[1].y) / 2.0,
    );
    let norm = dx.hypot(dy).max(f32::EPSILON);
    let places = [true, false]
        .into_iter()
        .flat_map(|above| PITCHES_IN_HEIGHTS.map(|k| (above, k)))
        .map(|(above, k)| {
            let step = if above { -k * height } else { k * height };
            let moved = q.map(|p| Point::new(p.x + dx / norm * step, p.y + dy / norm * step));
            (moved, above)
        })
        .collect();
    Some((lone, places))
}

/// For each zone line, the candidate line it was read from (the most similar).
fn source_lines(zone: &[String], candidates: &[(usize, String)]) -> Vec<usize> {
    let mut ids: Vec<usize> = zone
        .iter()
        .filter_map(|z| {
            candidates
                .iter()
                .map(|(i, text)| (*i, strsim::normalized_levenshtein(z, text)))
                .filter(|(_, similarity)| *similarity >= 0.5)
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i)
        })
        .collect();
    ids.dedup();
    ids
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

    fn field<'a>(reading: &'a MrzReading, name: &str) -> &'a MrzField {
        reading
            .fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no field {name}"))
    }

    /// The ICAO 9303 Part 4 specimen passport, read with OCR's usual slips:
    /// spaces in filler runs, a guillemet for `<`, and O for 0 in the birth date.
    #[test]
    fn a_td3_zone_is_found_among_other_lines_repaired_and_checked() {
        let page = lines(&[
            "PASSPORT  PASSEPORT",
            "Surname ERIKSSON",
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<< <<<<<<<<<<<<<",
            "L898902C36UTO74O8122F1204159ZE184226B<<<<«10",
        ]);
        let reading = read_mrz(&page).expect("a zone");
        assert_eq!(reading.format, "TD3");
        assert_eq!(reading.line_ids, [2, 3]);
        assert!(reading.valid, "{reading:?}");
        assert_eq!((reading.checks_passed, reading.checks_total), (5, 5));
        assert_eq!(field(&reading, "surname").value, "ERIKSSON");
        assert_eq!(field(&reading, "given_names").value, "ANNA MARIA");
        assert_eq!(field(&reading, "document_number").value, "L898902C3");
        assert_eq!(field(&reading, "date_of_birth").value, "1974-08-12");
        assert_eq!(field(&reading, "date_of_birth").verdict, Some(Verdict::Valid));
        assert_eq!(field(&reading, "date_of_expiry").value, "2012-04-15");
        assert_eq!(field(&reading, "sex").value, "F");
        assert_eq!(field(&reading, "nationality").value, "UTO");
        assert_eq!(field(&reading, "optional_data").value, "ZE184226B");
        assert_eq!(field(&reading, "composite").verdict, Some(Verdict::Valid));
    }

    /// The ICAO 9303 Part 5 specimen identity card (TD1, three lines of 30).
    #[test]
    fn a_td1_card_is_read_with_both_optional_fields() {
        let page = lines(&[
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ]);
        let reading = read_mrz(&page).expect("a zone");
        assert_eq!(reading.format, "TD1");
        assert!(reading.valid);
        assert_eq!(field(&reading, "document_number").value, "D23145890");
        assert_eq!(field(&reading, "document_number").verdict, Some(Verdict::Valid));
        assert_eq!(reading.line_ids, [0, 1, 2]);
    }

    #[test]
    fn a_lone_passport_zone_line_says_where_its_other_line_may_be() {
        let line = |t: &str, y0: f32| {
            Line::read(
                t.into(),
                crate::geometry::axis_aligned(40.0, y0, 940.0, y0 + 40.0),
                0.9,
                0.9,
            )
        };
        let second = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
        let page = vec![line("PASSPORT", 100.0), line(second, 400.0)];
        let (lone, places) = missing_line_places(&page).expect("places to look");
        assert_eq!(lone, 1);
        // Five pitches up and five down, each the line's box moved square to it.
        let tops: Vec<(f32, bool)> = places.iter().map(|(q, above)| (q[0].y.round(), *above)).collect();
        assert_eq!(
            tops,
            [
                (364.0, true),
                (356.0, true),
                (348.0, true),
                (340.0, true),
                (332.0, true),
                (436.0, false),
                (444.0, false),
                (452.0, false),
                (460.0, false),
                (468.0, false)
            ]
        );
        assert!(places.iter().all(|(q, _)| q[0].x == 40.0 && q[1].x == 940.0));
        // With both lines read, or with no zone line, there is nothing to look for.
        let whole = vec![
            line("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", 352.0),
            line(second, 400.0),
        ];
        assert!(missing_line_places(&whole).is_none());
        assert!(missing_line_places(&[line("PASSPORT", 100.0)]).is_none());
    }

    /// A card whose document number begins with filler (PassportEye's test card
    /// from "CMW"): read where it is printed, the fillers left out of the number.
    #[test]
    fn a_td1_number_that_begins_with_filler_is_read_where_it_is_printed() {
        let page = lines(&[
            "IDCMW<512849702<<<<<<<<<<<<<<<",
            "6104128M1402209CMW<<<<<<<<<<<1",
            "PUBLIC<<JON<<<<<<<<<<<<<<<<<<<",
        ]);
        let reading = read_mrz(&page).expect("a zone");
        assert_eq!(field(&reading, "issuing_state").value, "CMW");
        assert_eq!(field(&reading, "document_number").value, "51284970");
        assert_eq!(field(&reading, "document_number").verdict, Some(Verdict::Valid));
        // The card's composite check digit does not agree: 3 of 4 checks pass.
        assert_eq!((reading.checks_passed, reading.checks_total), (3, 4));
        assert_eq!(reading.lines[0], "IDCMW<512849702<<<<<<<<<<<<<<<");
    }

    /// A visa (MRV-A) whose optional data fills its field: line 2 has no filler.
    #[test]
    fn a_visa_line_without_filler_is_still_found() {
        let page = lines(&[
            "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L8988901C4XXX4009078F9612109ZE184226B1234567",
        ]);
        let reading = read_mrz(&page).expect("a zone");
        assert_eq!(reading.format, "MRV-A");
        assert!(reading.valid, "{reading:?}");
        assert_eq!(field(&reading, "optional_data").value, "ZE184226B1234567");
        assert_eq!(reading.line_ids, [0, 1]);
    }

    #[test]
    fn a_wrong_digit_is_reported_on_its_field() {
        // Date of expiry 120415 changed to 120416: its check digit (9) disagrees.
        let page = lines(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204169ZE184226B<<<<<10",
        ]);
        let reading = read_mrz(&page).expect("a zone");
        assert!(!reading.valid);
        assert_eq!(field(&reading, "date_of_birth").verdict, Some(Verdict::Valid));
        assert_ne!(field(&reading, "date_of_expiry").verdict, Some(Verdict::Valid));
    }

    #[test]
    fn digits_read_in_names_and_state_codes_are_letters() {
        let reading = read_mrz(&lines(&[
            "P<UT0ERIKSS0N<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<",
            "L898902C36UT07408122F1204159ZE184226B<<<<<10",
        ]))
        .expect("a zone");
        assert_eq!(field(&reading, "surname").value, "ERIKSSON");
        assert_eq!(field(&reading, "given_names").value, "ANNA MARIA");
        assert_eq!(field(&reading, "nationality").value, "UTO");
        assert_eq!(field(&reading, "document_number").value, "L898902C3");
    }

    /// The Part 5 specimen card with its document code's I read as the digit 1.
    #[test]
    fn a_td1_card_whose_document_code_reads_as_a_digit_is_repaired() {
        let page = lines(&[
            "1<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ]);
        let reading = read_mrz(&page).expect("a zone");
        assert_eq!(reading.format, "TD1");
        assert!(reading.valid, "{reading:?}");
        assert_eq!(field(&reading, "document_type").value, "I");
        assert_eq!(field(&reading, "document_number").value, "D23145890");
        assert_eq!(reading.line_ids, [0, 1, 2]);
    }

    #[test]
    fn only_a_first_line_s_document_code_is_repaired() {
        assert_eq!(
            repair_document_code("1DD<<T220001293<<<<<<<<<<<<<<<"),
            "IDD<<T220001293<<<<<<<<<<<<<<<"
        );
        // A TD1 second line of someone born in 2014, and a digit-led document number.
        assert_eq!(
            repair_document_code("1408122F1204159UTO<<<<<<<<<<<6"),
            "1408122F1204159UTO<<<<<<<<<<<6"
        );
        assert_eq!(repair_document_code("1A2345678"), "1A2345678");
    }

    /// Zone lines read out of order (the name line first, the first line last) are
    /// put back in the order their check digits confirm.
    #[test]
    fn zone_lines_read_out_of_order_are_reassembled() {
        let page = lines(&[
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "I<UTOD231458907<<<<<<<<<<<<<<<",
        ]);
        let reading = read_mrz(&page).expect("a zone");
        assert!(reading.valid, "{reading:?}");
        assert_eq!(field(&reading, "surname").value, "ERIKSSON");
        assert_eq!(field(&reading, "date_of_birth").value, "1974-08-12");
        let passport = read_mrz(&lines(&[
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        ]))
        .expect("a zone");
        assert!(passport.valid, "{passport:?}");
        assert_eq!(field(&passport, "document_number").value, "L898902C3");
        assert_eq!(orders(3)[0], [0, 1, 2]);
        assert_eq!(orders(4).len(), 24);
    }

    #[test]
    fn ordinary_text_has_no_zone() {
        let page = lines(&[
            "INVOICE 2026-117",
            "Total due 80.00",
            "REF<NUMBER 1234",
            "A LONG LINE OF CAPITALS WITHOUT ANY FILLER AT ALL",
        ]);
        assert_eq!(read_mrz(&page), None);
    }
}
