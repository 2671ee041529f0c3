//! How long a page took and how much model work that was.

use serde::{Deserialize, Serialize};

/// Where the time of one page went, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StageTimings {
    /// Opening the file and decoding the page image.
    #[serde(serialize_with = "super::rounded::millis")]
    pub decode_ms: f64,
    /// Detection: resize, model, post-processing.
    #[serde(serialize_with = "super::rounded::millis")]
    pub detection_ms: f64,
    /// Line orientation: crops and model.
    #[serde(serialize_with = "super::rounded::millis")]
    pub orientation_ms: f64,
    /// Recognition: crops, model, decoding.
    #[serde(serialize_with = "super::rounded::millis")]
    pub recognition_ms: f64,
    /// Of the above, time spent inside the ONNX Runtime sessions.
    #[serde(serialize_with = "super::rounded::millis")]
    pub inference_ms: f64,
    /// The layout model and the page's regions built from what it proposes.
    #[serde(default, serialize_with = "super::rounded::millis")]
    pub layout_ms: f64,
    /// Seals found and their ring text read, and signatures found.
    #[serde(default, serialize_with = "super::rounded::millis")]
    pub seals_ms: f64,
    /// The table model reading the structure of the page's tables (`--extract tables`).
    #[serde(default, serialize_with = "super::rounded::millis")]
    pub tables_ms: f64,
    /// Tables and fields (`--extract`), after the reading.
    #[serde(default, serialize_with = "super::rounded::millis")]
    pub analysis_ms: f64,
    /// The whole page, decode and analysis included.
    #[serde(serialize_with = "super::rounded::millis")]
    pub total_ms: f64,
    /// The model work behind these times.
    #[serde(default)]
    pub calls: ModelCalls,
}

/// How much model work one page took, stage by stage: what `ocrdesk eval` sets
/// beside the seconds, so that a change in speed can be told from a change in work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelCalls {
    /// Detector runs (a coarse pass and a finer one count as two).
    pub detections: u32,
    /// Line-orientation classifier batches.
    pub classifier_batches: u32,
    /// Recogniser batches of the first reading of every line.
    pub first_reading_batches: u32,
    /// Lines read the first time.
    pub lines_read: u32,
    /// Lines read again: the ones the classifier flipped (read the other way round)
    /// and the doubtful ones (read from a tighter crop).
    pub second_readings: u32,
    /// Recogniser batches of those second readings.
    pub second_reading_batches: u32,
    /// Line crops read by the recogniser to check the page's direction, when the
    /// classifier's lines leave it in doubt or say the page is turned.
    pub orientation_checks: u32,
    /// Recogniser input columns of the first and second readings, padding included
    /// (the direction check's are left out: its time is the orientation stage's).
    pub recognised_columns: u64,
    /// Of those, the columns that hold a line's own pixels (the rest is padding).
    pub text_columns: u64,
    /// The columns of the lines' own pixels in their first reading: the least
    /// recognition any reading of the page can compute.
    pub first_reading_text_columns: u64,
}

impl ModelCalls {
    /// Adds another pass's work (a page read again turned upright takes two passes).
    pub fn add(&mut self, other: &ModelCalls) {
        self.detections += other.detections;
        self.classifier_batches += other.classifier_batches;
        self.first_reading_batches += other.first_reading_batches;
        self.lines_read += other.lines_read;
        self.second_readings += other.second_readings;
        self.second_reading_batches += other.second_reading_batches;
        self.orientation_checks += other.orientation_checks;
        self.recognised_columns += other.recognised_columns;
        self.text_columns += other.text_columns;
        self.first_reading_text_columns += other.first_reading_text_columns;
    }
}
