//! The result model shared by the CLI, the app and every exporter:
//! `Document → pages → lines`. Its JSON form is documented in the README.

use serde::{Deserialize, Serialize};

use crate::ocr::geometry::Quad;
pub use crate::ocr::orientation::PageOrientation;

/// One text line as read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub text: String,
    /// Corners in source-image pixels: top-left, top-right, bottom-right, bottom-left
    /// as the line reads.
    #[serde(rename = "box", with = "quad_as_pairs")]
    pub quad: Quad,
    /// Recognition confidence, 0 to 1 (mean probability of the characters read).
    pub confidence: f32,
    /// Mean text probability of the detected region, 0 to 1.
    pub detection_score: f32,
    /// The line was printed upside down and was turned before reading.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub upside_down: bool,
}

/// Where the time of one page went, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StageTimings {
    /// Opening the file and decoding the page image.
    pub decode_ms: f64,
    /// Detection: resize, model, post-processing.
    pub detection_ms: f64,
    /// Line orientation: crops and model.
    pub orientation_ms: f64,
    /// Recognition: crops, model, decoding.
    pub recognition_ms: f64,
    /// Of the above, time spent inside the ONNX Runtime sessions.
    pub inference_ms: f64,
    /// The whole page, decode included.
    pub total_ms: f64,
}

/// Where a page's text came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextSource {
    #[default]
    Ocr,
    TextLayer,
}

/// One page of a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// 0-based page index within the document.
    pub index: usize,
    pub width: u32,
    pub height: u32,
    /// How the page lay: the turn that makes it upright, its skew, how sure.
    pub orientation: PageOrientation,
    pub source: TextSource,
    pub lines: Vec<Line>,
    pub timings: StageTimings,
}

impl Page {
    /// The page's text: one line of text per line read, in reading order.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Everything read from one input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The input path as given.
    pub source: String,
    /// Pages the document has; `pages` holds the ones selected for reading.
    pub page_count: usize,
    pub pages: Vec<Page>,
}

mod quad_as_pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::ocr::geometry::{Point, Quad};

    pub fn serialize<S: Serializer>(q: &Quad, s: S) -> Result<S::Ok, S::Error> {
        let pairs: [[f32; 2]; 4] = q.map(|p| [p.x, p.y]);
        pairs.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Quad, D::Error> {
        let pairs = <[[f32; 2]; 4]>::deserialize(d)?;
        Ok(pairs.map(|[x, y]| Point::new(x, y)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::geometry::Point;

    #[test]
    fn line_json_has_box_as_four_pairs() {
        let line = Line {
            text: "TOTAL 12.50".into(),
            quad: [
                Point::new(1.0, 2.0),
                Point::new(30.0, 2.0),
                Point::new(30.0, 12.0),
                Point::new(1.0, 12.0),
            ],
            confidence: 0.98,
            detection_score: 0.9,
            upside_down: false,
        };
        let json = serde_json::to_value(&line).expect("serialises");
        assert_eq!(
            json["box"],
            serde_json::json!([[1.0, 2.0], [30.0, 2.0], [30.0, 12.0], [1.0, 12.0]])
        );
        assert!(json.get("upside_down").is_none());
        let back: Line = serde_json::from_value(json).expect("round-trips");
        assert_eq!(back, line);
    }
}
