//! Per-subset sums and the report table: one row per subset and a total, the
//! peer's columns beside ours when it read the same images.

use std::collections::HashMap;

use super::PageScore;
use super::work::WorkTally;

/// Per-subset sums.
#[derive(Default)]
pub(super) struct Tally {
    images: usize,
    cer: f64,
    word_f1: f64,
    seconds: f64,
    cpu_seconds: f64,
    /// Time inside ONNX Runtime sessions and in all, over the subset's pages.
    pub(super) inference_ms: f64,
    pub(super) total_ms: f64,
    /// Stage times and model work, for the table of where the time goes.
    pub(super) work: WorkTally,
}

impl Tally {
    pub(super) fn add(&mut self, s: PageScore, seconds: f64, cpu_seconds: f64) {
        self.images += 1;
        self.cer += s.cer;
        self.word_f1 += s.word_f1;
        self.seconds += seconds;
        self.cpu_seconds += cpu_seconds;
    }
    fn mean(&self, v: f64) -> f64 {
        if self.images == 0 { 0.0 } else { v / self.images as f64 }
    }
}

/// The report table, one row per subset and a total.
pub(super) fn report(ours: &[(String, Tally)], theirs: &HashMap<String, Tally>, with_peer: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut total = Tally::default();
    let mut peer_total = Tally::default();
    let _ = write!(
        out,
        "{:<14} {:>6} {:>7} {:>8} {:>9} {:>9}",
        "subset", "images", "CER", "word-F1", "s/image", "cpu-s/img"
    );
    if with_peer {
        let _ = write!(
            out,
            " | {:>8} {:>8} {:>9} {:>9} {:>7}",
            "peer CER", "peer F1", "s/image", "cpu-s/img", "speedup"
        );
    }
    out.push('\n');
    let row = |out: &mut String, name: &str, t: &Tally, p: Option<&Tally>| {
        let _ = write!(
            out,
            "{:<14} {:>6} {:>7.3} {:>8.3} {:>9.3} {:>9.3}",
            name,
            t.images,
            t.mean(t.cer),
            t.mean(t.word_f1),
            t.mean(t.seconds),
            t.mean(t.cpu_seconds)
        );
        if let Some(p) = p {
            let speedup = if t.seconds > 0.0 {
                p.mean(p.seconds) / t.mean(t.seconds)
            } else {
                0.0
            };
            let _ = write!(
                out,
                " | {:>8.3} {:>8.3} {:>9.3} {:>9.3} {:>6.2}x",
                p.mean(p.cer),
                p.mean(p.word_f1),
                p.mean(p.seconds),
                p.mean(p.cpu_seconds),
                speedup
            );
        }
        out.push('\n');
    };
    for (name, t) in ours {
        let p = theirs.get(name).filter(|p| p.images == t.images);
        row(&mut out, name, t, p);
        merge(&mut total, t);
        if let Some(p) = p {
            merge(&mut peer_total, p);
        }
    }
    row(
        &mut out,
        "total",
        &total,
        (peer_total.images == total.images && with_peer).then_some(&peer_total),
    );
    if total.total_ms > 0.0 {
        let _ = writeln!(
            out,
            "time inside ONNX Runtime sessions: {:.1}% (overhead {:.1}%)",
            100.0 * total.inference_ms / total.total_ms,
            100.0 * (1.0 - total.inference_ms / total.total_ms)
        );
    }
    out
}

fn merge(into: &mut Tally, t: &Tally) {
    into.images += t.images;
    into.cer += t.cer;
    into.word_f1 += t.word_f1;
    into.seconds += t.seconds;
    into.cpu_seconds += t.cpu_seconds;
    into.inference_ms += t.inference_ms;
    into.total_ms += t.total_ms;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(images: usize, cer: f64, word_f1: f64, seconds: f64, cpu_seconds: f64) -> Tally {
        Tally {
            images,
            cer,
            word_f1,
            seconds,
            cpu_seconds,
            inference_ms: 0.0,
            total_ms: 0.0,
            work: WorkTally::default(),
        }
    }

    #[test]
    fn the_report_is_a_row_per_subset_a_total_and_the_peer_beside_when_it_read_the_same_images() {
        let ours = vec![
            (
                "docs/a".to_owned(),
                Tally {
                    inference_ms: 600.0,
                    total_ms: 800.0,
                    ..tally(2, 0.2, 1.8, 1.0, 2.0)
                },
            ),
            ("docs/b".to_owned(), tally(1, 0.5, 0.5, 2.0, 1.0)),
        ];
        // The peer read only one of docs/b's images: no peer columns there, nor in the total.
        let theirs = HashMap::from([
            ("docs/a".to_owned(), tally(2, 0.4, 1.6, 3.0, 4.0)),
            ("docs/b".to_owned(), tally(0, 0.0, 0.0, 0.0, 0.0)),
        ]);
        let expected = "\
subset         images     CER  word-F1   s/image cpu-s/img | peer CER  peer F1   s/image cpu-s/img speedup
docs/a              2   0.100    0.900     0.500     1.000 |    0.200    0.800     1.500     2.000   3.00x
docs/b              1   0.500    0.500     2.000     1.000
total               3   0.233    0.767     1.000     1.000
time inside ONNX Runtime sessions: 75.0% (overhead 25.0%)
";
        assert_eq!(report(&ours, &theirs, true), expected);
        let without_peer = report(&ours[1..], &HashMap::new(), false);
        assert_eq!(
            without_peer,
            "\
subset         images     CER  word-F1   s/image cpu-s/img
docs/b              1   0.500    0.500     2.000     1.000
total               1   0.500    0.500     2.000     1.000
"
        );
    }
}
