//! The amounts on a receipt and what their labels say they are, and from them
//! the amount due (see the parent module).

use std::sync::LazyLock;

use regex::Regex;

use super::{has_phrase, has_word, words};
use crate::geometry::{Point, median};
use crate::result::Line;

/// What an amount's label says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum AmountKind {
    Count,
    Subtotal,
    Tax,
    Rounding,
    Discount,
    Change,
    Tender,
    Total,
    Unlabelled,
}

/// An amount printed on the page, with what its label says.
#[derive(Clone, Debug)]
pub(super) struct Amount {
    /// The line it is printed on, and the lines of its label.
    pub(super) line_ids: Vec<usize>,
    /// In cents, so that sums and differences are exact.
    pub(super) cents: i64,
    /// As printed ("1,250.00", "-0.01").
    pub(super) printed: String,
    kind: AmountKind,
}

/// A money amount: digits with two decimals, thousands with commas, an optional
/// minus, the space OCR may put after the point ("170. 00"); not a percentage ("6.00 %").
static AMOUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(-?)(?:\d{1,3}(?:,\d{3})+|\d*)\.\s?(\d{2})\b(\s*%)?").expect("valid"));

pub(super) fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// What an amount's label says it is, in English, Malay and Chinese. The order of
/// the checks matters: "TOTAL GST" is a tax, "TOTAL QTY" a count, "SUB TOTAL" a
/// subtotal, "TOTAL INCL. GST" the total.
fn classify(label: &str) -> AmountKind {
    use AmountKind::*;
    let w = words(label);
    if has_word(&w, &["qty", "quantity", "item", "items", "pcs", "count"]) || has_phrase(label, &["数量"]) {
        return Count;
    }
    if has_word(&w, &["sub", "subtotal", "excl", "excluding", "exclusive", "before"])
        || has_phrase(label, &["sub-total", "小计", "不含税"])
    {
        return Subtotal;
    }
    let tax_included = has_word(&w, &["incl", "inclusive", "including", "inc", "with", "after"])
        || has_phrase(label, &["含税", "价税合计"]);
    if (has_word(&w, &["gst", "tax", "vat", "sst", "service", "serv", "svc"]) && !tax_included)
        || has_phrase(label, &["税额"])
    {
        return Tax;
    }
    if has_word(&w, &["rounding", "round", "adj", "adjustment", "adjustmt"]) || has_phrase(label, &["抹零"]) {
        return Rounding;
    }
    if has_word(&w, &["discount", "disc", "saving", "savings", "voucher"]) || has_phrase(label, &["优惠", "折扣"]) {
        return Discount;
    }
    if (has_word(&w, &["change", "changes", "baki"]) || (has_word(&w, &["balance"]) && !has_word(&w, &["due"])))
        || has_phrase(label, &["找零", "找赎"])
    {
        return Change;
    }
    if has_word(
        &w,
        &[
            "cash",
            "tunai",
            "tender",
            "tendered",
            "paid",
            "payment",
            "received",
            "card",
            "visa",
            "mastercard",
            "credit",
            "debit",
            "collected",
            "eftpos",
        ],
    ) || has_phrase(label, &["现金", "实收"])
    {
        return Tender;
    }
    if has_word(
        &w,
        &[
            "total", "totals", "nett", "net", "payable", "due", "grand", "jumlah", "amount", "amt",
        ],
    ) || has_phrase(label, &["合计", "总计", "应付", "实付", "价税合计"])
    {
        return Total;
    }
    Unlabelled
}

/// The direction the page's text runs, as a unit vector: the median angle of its
/// lines. One line's own box tilts by a degree or two, which across a receipt's
/// width moves a row by half a line; the page's lines together do not.
fn text_direction(lines: &[Line]) -> Point {
    let angle = median(lines.iter().map(|l| {
        let q = &l.quad;
        (q[1].y - q[0].y).atan2(q[1].x - q[0].x)
    }))
    .unwrap_or(0.0);
    Point::new(angle.cos(), angle.sin())
}

fn centre(line: &Line) -> Point {
    let q = &line.quad;
    Point::new(
        (q[0].x + q[1].x + q[2].x + q[3].x) / 4.0,
        (q[0].y + q[1].y + q[2].y + q[3].y) / 4.0,
    )
}

/// The lines on line `i`'s row before it (to its left, as the text runs `along`),
/// nearest last.
fn row_before(lines: &[Line], i: usize, along: Point) -> Vec<usize> {
    let height = lines[i].quad[0].distance(lines[i].quad[3]).max(1.0);
    let start = lines[i].quad[0];
    let c = centre(&lines[i]);
    let mut found: Vec<(f32, usize)> = (0..lines.len())
        .filter(|&j| j != i)
        .filter_map(|j| {
            let d = centre(&lines[j]);
            let (dx, dy) = (d.x - c.x, d.y - c.y);
            // Across the row: within half a line height of its middle.
            let across = (dx * -along.y + dy * along.x).abs();
            let ahead = (d.x - start.x) * along.x + (d.y - start.y) * along.y;
            (across <= 0.5 * height && ahead < 0.0).then_some((ahead, j))
        })
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    found.into_iter().map(|(_, j)| j).collect()
}

/// Every amount on the page, with the kind its label gives it.
pub(super) fn amounts(lines: &[Line]) -> Vec<Amount> {
    let along = text_direction(lines);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for m in AMOUNT.captures_iter(&line.text) {
            let whole = m.get(0).expect("a match");
            if !is_money(&line.text, &m) {
                continue;
            }
            let Some(cents) = parse_cents(whole.as_str()) else {
                continue;
            };
            let before = &line.text[..whole.start()];
            let mut label_ids = row_before(lines, i, along);
            let mut label: Vec<&str> = label_ids.iter().map(|&j| lines[j].text.as_str()).collect();
            label.push(before);
            let mut kind = classify(&label.join(" "));
            // A label printed on its own line just above the amount's row ("CASH"
            // over "RM 170.00"), on a row with no amount of its own.
            let row_start = label_ids.iter().copied().chain([i]).min().unwrap_or(i);
            if kind == AmountKind::Unlabelled
                && let Some(above) = row_start.checked_sub(1)
                && words(&lines[above].text).len() <= MAX_LABEL_WORDS
                && !row_has_amount(lines, above, along)
            {
                let above_kind = classify(&lines[above].text);
                if above_kind != AmountKind::Unlabelled {
                    kind = above_kind;
                    label_ids.push(above);
                }
            }
            label_ids.push(i);
            out.push(Amount {
                line_ids: label_ids,
                cents,
                printed: whole.as_str().to_owned(),
                kind,
            });
        }
    }
    out
}

/// An amount match that is money: not a percentage ("6.00 %") and not part of a
/// date or a longer number ("11.02.18", "1.2.30").
fn is_money(text: &str, m: &regex::Captures) -> bool {
    let whole = m.get(0).expect("a match");
    let after = &text[whole.end()..];
    let before = &text[..whole.start()];
    let digit_after = |s: &str| s.chars().nth(1).is_some_and(|c| c.is_ascii_digit());
    // ".50" alone is an amount; "NO.50" is a house number.
    let bare_decimals = whole.as_str().trim_start_matches('-').starts_with('.');
    let percentage = m.get(3).is_some();
    let in_a_longer_number = (after.starts_with(['.', ':']) && digit_after(after))
        || before.ends_with(|c: char| c == '.' || c.is_ascii_digit());
    let house_number = bare_decimals && before.ends_with(char::is_alphanumeric);
    !(percentage || in_a_longer_number || house_number)
}

/// Most words a label on its own line has ("TOTAL SALES (INCLUSIVE GST)"); more is
/// a sentence ("Very well received. The old packs are…").
const MAX_LABEL_WORDS: usize = 5;

/// Whether line `i` or a line on its row holds an amount.
fn row_has_amount(lines: &[Line], i: usize, along: Point) -> bool {
    let (c, height) = (centre(&lines[i]), lines[i].quad[0].distance(lines[i].quad[3]).max(1.0));
    lines.iter().any(|l| {
        let d = centre(l);
        let across = ((d.x - c.x) * -along.y + (d.y - c.y) * along.x).abs();
        across <= 0.5 * height && AMOUNT.find(&l.text).is_some()
    })
}

fn parse_cents(text: &str) -> Option<i64> {
    let negative = text.starts_with('-');
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let value: i64 = digits.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// The amount due; see the module's documentation.
pub(super) fn amount_due(amounts: &[Amount]) -> Option<Amount> {
    use AmountKind::*;
    let of = |kind: AmountKind| amounts.iter().filter(move |a| a.kind == kind);
    let totals: Vec<&Amount> = of(Total).filter(|a| a.cents > 0).collect();
    // What was handed over less what came back: each tender less each change.
    let changes: Vec<&Amount> = of(Change).collect();
    let paid: Vec<(i64, Vec<usize>)> = of(Tender)
        .filter(|t| t.cents > 0)
        .flat_map(|t| {
            if changes.is_empty() {
                return vec![(t.cents, t.line_ids.clone())];
            }
            let with = |c: &&Amount| (t.cents - c.cents, [t.line_ids.clone(), c.line_ids.clone()].concat());
            changes.iter().map(with).filter(|(p, _)| *p > 0).collect()
        })
        .collect();
    if let Some(confirmed) = totals.iter().rev().find(|a| paid.iter().any(|(p, _)| *p == a.cents)) {
        return Some((*confirmed).clone());
    }
    if let Some(largest) = totals.iter().map(|a| a.cents).max() {
        // A total may fall below the largest only by what the receipt takes off after it.
        let slack: i64 = amounts
            .iter()
            .filter(|a| matches!(a.kind, Rounding | Discount))
            .map(|a| a.cents.abs())
            .sum();
        return totals
            .iter()
            .rev()
            .find(|a| a.cents >= largest - slack)
            .map(|a| (*a).clone());
    }
    // No total label read: what was paid, less its change.
    if let Some((cents, line_ids)) = paid.into_iter().min_by_key(|(p, _)| *p) {
        return Some(Amount {
            line_ids,
            cents,
            printed: format_cents(cents),
            kind: Total,
        });
    }
    // Nor any tender: the amount printed most often, at least twice; the larger on a tie.
    let mut best: Option<(usize, &Amount)> = None;
    for a in amounts.iter().filter(|a| a.cents > 0) {
        let count = amounts.iter().filter(|b| b.cents == a.cents).count();
        if count >= 2 && best.is_none_or(|(n, b)| (count, a.cents) > (n, b.cents)) {
            best = Some((count, a));
        }
    }
    best.map(|(_, a)| a.clone())
}

pub(super) fn has_amount(text: &str) -> bool {
    AMOUNT
        .captures_iter(text)
        .any(|m| m.get(3).is_none() && m[0].chars().filter(char::is_ascii_digit).count() >= 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_say_what_an_amount_is() {
        use AmountKind::*;
        for (label, kind) in [
            ("TOTAL (EXCLUDING GST):", Subtotal),
            ("SUB TOTAL INCL. GST RM", Subtotal),
            ("TOTAL GST :", Tax),
            ("GST PAYABLE (6%):", Tax),
            ("TOTAL INCLUDES 6% GST", Tax),
            ("TOTAL (INCLUSIVE OF GST):", Total),
            ("TOTAL INCL.OF GST", Total),
            ("NET TOTAL ROUNDED(MYR) :", Total),
            ("ROUNDING ADJ:", Rounding),
            ("TOTAL QTY:", Count),
            ("TOTAL SAVING:", Discount),
            ("CASH RM", Tender),
            ("CHANGES RM", Change),
            ("BALANCE DUE", Total),
            ("价税合计", Total),
            ("1 X 17.41", Unlabelled),
        ] {
            assert_eq!(classify(label), kind, "{label}");
        }
    }
}
