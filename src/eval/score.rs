//! Scoring a page against its ground truth (`NAME.gt.json` beside each image).
//!
//! Page text is the lines row by row (top to bottom, each row left to right; not
//! column by column, so that the order of truth and prediction never hangs on
//! whether their boxes happen to part into columns alike: this scores reading,
//! `benches/layout.py` scores the order) joined by spaces, lower-cased, with
//! whitespace collapsed and spaces between CJK characters removed. CER is the
//! character edit distance to the truth over the truth's length; word-F1 matches
//! whitespace tokens (each CJK character a token) as a bag. Truth regions marked
//! `ignore` are dropped, and so are predicted lines centred inside them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::geometry::reading_order::row_order;
use crate::geometry::{Point, Quad, quad_center, quad_contains};
use crate::text::is_cjk;

use super::EvalError;

/// One line of ground truth.
#[derive(Clone, Debug, Deserialize)]
pub struct TruthLine {
    pub text: String,
    /// x1, y1, …, x4, y4.
    #[serde(rename = "box")]
    pub coords: Vec<f32>,
    #[serde(default)]
    pub ignore: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Truth {
    pub lines: Vec<TruthLine>,
}

impl TruthLine {
    pub fn quad(&self) -> Quad {
        let c = |i: usize| self.coords.get(i).copied().unwrap_or(0.0);
        [
            Point::new(c(0), c(1)),
            Point::new(c(2), c(3)),
            Point::new(c(4), c(5)),
            Point::new(c(6), c(7)),
        ]
    }
}

/// An image with ground truth beside it.
#[derive(Clone, Debug)]
pub struct Sample {
    pub image: PathBuf,
    pub truth: PathBuf,
    /// `dir/prefix`, e.g. `docs/sroie`.
    pub subset: String,
}

/// Every image in `dir` with a `NAME.gt.json` that has `lines`, sorted by name.
pub fn find_samples(dir: &Path) -> std::io::Result<Vec<Sample>> {
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut samples = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.ends_with(".gt.json") || !is_image_name(name) {
            continue;
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let truth = dir.join(format!("{stem}.gt.json"));
        if !truth.is_file() {
            continue;
        }
        let prefix = stem.split('_').next().unwrap_or(stem);
        samples.push(Sample {
            image: path.clone(),
            truth,
            subset: format!("{dir_name}/{prefix}"),
        });
    }
    samples.sort_by(|a, b| a.image.cmp(&b.image));
    Ok(samples)
}

fn is_image_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".gif"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Loads a truth file; `None` when it has no line-level truth (MRZ, tables, PDFs).
pub fn load_truth(path: &Path) -> Result<Option<Truth>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::ReadTruth {
        path: path.to_owned(),
        source,
    })?;
    let invalid = |source| EvalError::ParseTruth {
        path: path.to_owned(),
        source,
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(invalid)?;
    if value.get("lines").is_none() {
        return Ok(None);
    }
    serde_json::from_value(value).map(Some).map_err(invalid)
}

/// Scores of one page.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PageScore {
    pub cer: f64,
    pub word_f1: f64,
}

/// Scores predicted lines (text and box) against the truth.
pub fn score_page(truth: &Truth, predicted: &[(String, Quad)]) -> PageScore {
    let ignored: Vec<Quad> = truth.lines.iter().filter(|l| l.ignore).map(TruthLine::quad).collect();
    let kept_truth: Vec<(String, Quad)> = truth
        .lines
        .iter()
        .filter(|l| !l.ignore)
        .map(|l| (l.text.clone(), l.quad()))
        .collect();
    let kept_pred: Vec<(String, Quad)> = predicted
        .iter()
        .filter(|(_, q)| {
            let c = quad_center(q);
            !ignored.iter().any(|ig| quad_contains(ig, c))
        })
        .cloned()
        .collect();
    let truth_text = page_text(&kept_truth);
    let pred_text = page_text(&kept_pred);
    PageScore {
        cer: cer(&pred_text, &truth_text),
        word_f1: word_f1(&pred_text, &truth_text),
    }
}

/// Lines row by row, normalised and joined.
pub fn page_text(lines: &[(String, Quad)]) -> String {
    let quads: Vec<Quad> = lines.iter().map(|(_, q)| *q).collect();
    let joined = row_order(&quads)
        .into_iter()
        .map(|i| lines[i].0.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    normalize(&joined)
}

/// Lower-case, whitespace collapsed to single spaces, no spaces between CJK characters.
pub fn normalize(text: &str) -> String {
    let words: Vec<String> = text.split_whitespace().map(|w| w.to_lowercase()).collect();
    let mut out = String::new();
    for w in words {
        if let (Some(prev), Some(next)) = (out.chars().last(), w.chars().next())
            && !(is_cjk(prev) && is_cjk(next))
        {
            out.push(' ');
        }
        out.push_str(&w);
    }
    out
}

/// Character error rate: edit distance over the truth's length (1.0 for an empty
/// truth with a non-empty prediction).
///
/// ```
/// use ocrdesk::eval::{cer, normalize};
/// let truth = normalize("TOTAL  12.50");
/// assert_eq!(truth, "total 12.50");
/// assert_eq!(cer(&normalize("Total 12.5O"), &truth), 1.0 / 11.0);
/// ```
pub fn cer(predicted: &str, truth: &str) -> f64 {
    let truth_len = truth.chars().count();
    let distance = strsim::levenshtein(predicted, truth);
    if truth_len == 0 {
        return if distance == 0 { 0.0 } else { 1.0 };
    }
    distance as f64 / truth_len as f64
}

/// Tokens for word-F1: whitespace-separated words, each CJK character its own token.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        let mut current = String::new();
        for c in word.chars() {
            if is_cjk(c) {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                out.push(c.to_string());
            } else {
                current.push(c);
            }
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

/// Bag-of-tokens F1 between prediction and truth.
///
/// ```
/// use ocrdesk::eval::word_f1;
/// // Order does not matter; one of two words missing gives P = 1, R = 1/2.
/// assert_eq!(word_f1("paid cash", "cash paid"), 1.0);
/// assert!((word_f1("paid", "paid cash") - 2.0 / 3.0).abs() < 1e-12);
/// ```
pub fn word_f1(predicted: &str, truth: &str) -> f64 {
    let (p, t) = (tokens(predicted), tokens(truth));
    if p.is_empty() && t.is_empty() {
        return 1.0;
    }
    if p.is_empty() || t.is_empty() {
        return 0.0;
    }
    let mut bag: HashMap<&str, usize> = HashMap::new();
    for w in &t {
        *bag.entry(w.as_str()).or_default() += 1;
    }
    let mut matched = 0usize;
    for w in &p {
        if let Some(n) = bag.get_mut(w.as_str())
            && *n > 0
        {
            *n -= 1;
            matched += 1;
        }
    }
    let precision = matched as f64 / p.len() as f64;
    let recall = matched as f64 / t.len() as f64;
    if matched == 0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned;

    #[test]
    fn normalisation_lowercases_and_joins_cjk() {
        assert_eq!(normalize("  Total   AMOUNT\n 12.50 "), "total amount 12.50");
        assert_eq!(normalize("中 文 ABC 字"), "中文 abc 字");
    }

    #[test]
    fn cer_counts_edits_over_truth_length() {
        assert_eq!(cer("hello", "hello"), 0.0);
        assert!((cer("helo", "hello") - 0.2).abs() < 1e-9);
        assert_eq!(cer("", ""), 0.0);
        assert_eq!(cer("x", ""), 1.0);
    }

    #[test]
    fn word_f1_is_a_bag_match_with_cjk_characters_as_tokens() {
        assert_eq!(word_f1("a b c", "c b a"), 1.0);
        assert!((word_f1("a b", "a b c d") - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(tokens("价格12元 total"), vec!["价", "格", "12", "元", "total"]);
    }

    #[test]
    fn predictions_inside_ignored_regions_are_dropped() {
        let truth: Truth = serde_json::from_str(
            r#"{"lines":[{"text":"STOP","box":[0,0,100,0,100,20,0,20],"ignore":false},
                          {"text":"(illegible)","box":[0,50,100,50,100,70,0,70],"ignore":true}]}"#,
        )
        .expect("valid truth");
        let pred = vec![
            ("stop".to_string(), axis_aligned(0.0, 0.0, 100.0, 20.0)),
            ("blur".to_string(), axis_aligned(0.0, 52.0, 100.0, 68.0)),
        ];
        let s = score_page(&truth, &pred);
        assert_eq!(s.cer, 0.0);
        assert_eq!(s.word_f1, 1.0);
    }
}
