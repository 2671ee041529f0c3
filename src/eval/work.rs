//! Where the time goes: per subset, each stage's milliseconds beside the model
//! work behind them (runs, lines, second readings, padding), and how far the page
//! is from the least work these models can do for it.

use std::fmt::Write as _;

use crate::result::{ModelCalls, StageTimings};

/// Stage times and model work summed over a subset's pages.
#[derive(Clone, Debug, Default)]
pub(super) struct WorkTally {
    pages: usize,
    detection_ms: f64,
    orientation_ms: f64,
    recognition_ms: f64,
    total_ms: f64,
    calls: ModelCalls,
}

impl WorkTally {
    pub(super) fn add(&mut self, t: &StageTimings) {
        self.merge(&WorkTally {
            pages: 1,
            detection_ms: t.detection_ms,
            orientation_ms: t.orientation_ms,
            recognition_ms: t.recognition_ms,
            total_ms: t.total_ms,
            calls: t.calls,
        });
    }

    pub(super) fn merge(&mut self, other: &WorkTally) {
        self.pages += other.pages;
        self.detection_ms += other.detection_ms;
        self.orientation_ms += other.orientation_ms;
        self.recognition_ms += other.recognition_ms;
        self.total_ms += other.total_ms;
        self.calls.add(&other.calls);
    }

    fn per_page(&self, v: f64) -> f64 {
        if self.pages == 0 { 0.0 } else { v / self.pages as f64 }
    }

    /// The time of the least model work, per page: one detection pass, the
    /// orientation stage as it ran (the classifier, and the direction check when
    /// it ran), and each line recognised once with no padding. The recogniser's
    /// time is taken as proportional to its input columns (its cost grows with
    /// the width of the batch tensor), and detection's as the mean of its passes
    /// (a coarse pass is cheaper than a full one), so the bound is an estimate.
    pub(super) fn lower_bound_ms(&self) -> f64 {
        let c = &self.calls;
        let detection = if c.detections > 0 {
            self.detection_ms * self.pages as f64 / c.detections as f64
        } else {
            self.detection_ms
        };
        let recognition = if c.recognised_columns > 0 {
            self.recognition_ms * c.first_reading_text_columns as f64 / c.recognised_columns as f64
        } else {
            self.recognition_ms
        };
        self.per_page(detection + self.orientation_ms + recognition)
    }
}

/// The table: one row per subset and a total.
pub(super) fn work_table(rows: &[(String, WorkTally)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<14} {:>5} {:>7} {:>7} {:>7} | {:>4} {:>4} {:>5} {:>4} {:>6} {:>4} {:>5} {:>7} | {:>7} {:>6}",
        "per page",
        "pages",
        "det-ms",
        "cls-ms",
        "rec-ms",
        "det",
        "clsb",
        "lines",
        "recb",
        "again",
        "agb",
        "check",
        "padding",
        "bound",
        "×bound"
    );
    let mut total = WorkTally::default();
    let row = |out: &mut String, name: &str, w: &WorkTally| {
        let c = &w.calls;
        let per = |v: u32| w.per_page(v as f64);
        let padding = if c.recognised_columns > 0 {
            1.0 - c.text_columns as f64 / c.recognised_columns as f64
        } else {
            0.0
        };
        let bound = w.lower_bound_ms();
        let _ = writeln!(
            out,
            "{:<14} {:>5} {:>7.0} {:>7.0} {:>7.0} | {:>4.1} {:>4.1} {:>5.1} {:>4.1} {:>6.1} {:>4.1} {:>5.1} {:>6.0}% | {:>7.0} {:>5.2}x",
            name,
            w.pages,
            w.per_page(w.detection_ms),
            w.per_page(w.orientation_ms),
            w.per_page(w.recognition_ms),
            per(c.detections),
            per(c.classifier_batches),
            per(c.lines_read),
            per(c.first_reading_batches),
            per(c.second_readings),
            per(c.second_reading_batches),
            per(c.orientation_checks),
            100.0 * padding,
            bound,
            if bound > 0.0 {
                w.per_page(w.total_ms) / bound
            } else {
                0.0
            }
        );
    };
    for (name, w) in rows {
        row(&mut out, name, w);
        total.merge(w);
    }
    row(&mut out, "total", &total);
    let _ = writeln!(
        out,
        "det/clsb/recb/agb: detector passes and classifier, first-reading and second-reading batches; \
         again: lines read a second time; check: crops read to settle the page's direction; \
         padding: share of recogniser columns that are padding; bound: one detection, the classifier, \
         each line read once unpadded (ms, estimated from recogniser columns); ×bound: actual time over it"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(detections: u32, columns: u64, text: u64, first: u64) -> StageTimings {
        StageTimings {
            detection_ms: 200.0,
            orientation_ms: 50.0,
            recognition_ms: 1000.0,
            total_ms: 1300.0,
            calls: ModelCalls {
                detections,
                lines_read: 10,
                recognised_columns: columns,
                text_columns: text,
                first_reading_text_columns: first,
                ..ModelCalls::default()
            },
            ..StageTimings::default()
        }
    }

    #[test]
    fn the_bound_keeps_one_detection_and_the_unpadded_first_reading() {
        let mut w = WorkTally::default();
        // Two detector passes, a quarter of the recogniser's columns are the lines' own first reading.
        w.add(&page(2, 4000, 2000, 1000));
        assert!((w.lower_bound_ms() - (100.0 + 50.0 + 250.0)).abs() < 1e-9);
    }

    #[test]
    fn the_table_has_a_row_per_subset_and_a_total() {
        let mut a = WorkTally::default();
        a.add(&page(1, 1000, 500, 500));
        let table = work_table(&[("docs/a".to_owned(), a.clone()), ("docs/b".to_owned(), a)]);
        let rows: Vec<&str> = table.lines().collect();
        assert_eq!(rows.len(), 5, "{table}");
        assert!(rows[1].starts_with("docs/a") && rows[3].starts_with("total"), "{table}");
        // Half the columns are padding; the page took 1300 ms against a bound of 200 + 50 + 500.
        assert!(
            rows[1].contains("50%") && rows[1].contains("750") && rows[1].contains("1.73x"),
            "{table}"
        );
        assert!(rows[3].contains("    2 "), "{table}");
    }
}
