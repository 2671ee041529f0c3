//! Greedy CTC decoding of recogniser output.
//!
//! The PP-OCR recogniser emits, for every time step, a score for each class:
//! class 0 is the CTC blank, classes 1..=N are the dictionary's characters (the
//! model's metadata key `character`, one per line) and class N+1 is a space.

use ndarray::ArrayView2;

/// The recogniser's alphabet: the dictionary plus the space that follows it.
#[derive(Clone, Debug)]
pub struct Charset {
    /// Index i holds class i + 1.
    symbols: Vec<String>,
}

impl Charset {
    /// Builds the alphabet from the model's `character` metadata (one symbol a line).
    pub fn from_metadata(dictionary: &str) -> Self {
        let mut symbols: Vec<String> = dictionary.lines().map(str::to_owned).collect();
        symbols.push(" ".to_owned());
        Self { symbols }
    }

    /// Number of classes the model must output: blank + dictionary + space.
    pub fn num_classes(&self) -> usize {
        self.symbols.len() + 1
    }

    fn symbol(&self, class: usize) -> Option<&str> {
        class
            .checked_sub(1)
            .and_then(|i| self.symbols.get(i))
            .map(String::as_str)
    }
}

/// Decoded text and its confidence (mean probability of the kept time steps).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub confidence: f32,
    /// Time step of each emitted character, for word and character boxes.
    pub steps: Vec<usize>,
}

/// Best-path decoding of one `[T, classes]` probability matrix: take the best
/// class per step, merge repeats, drop blanks.
pub fn decode(probs: ArrayView2<f32>, charset: &Charset) -> Decoded {
    let mut text = String::new();
    let mut steps = Vec::new();
    let mut confidence_sum = 0f32;
    let mut previous = usize::MAX;
    for (t, row) in probs.outer_iter().enumerate() {
        let (class, p) = match row.as_slice() {
            Some(scores) => argmax(scores),
            None => row.iter().enumerate().fold(
                (0usize, f32::MIN),
                |best, (i, &v)| if v > best.1 { (i, v) } else { best },
            ),
        };
        if class != previous
            && let Some(sym) = charset.symbol(class)
        {
            text.push_str(sym);
            steps.push(t);
            confidence_sum += p;
        }
        previous = class;
    }
    let confidence = if steps.is_empty() {
        0.0
    } else {
        confidence_sum / steps.len() as f32
    };
    Decoded {
        text,
        confidence,
        steps,
    }
}

/// Index and value of the largest score (the first, on ties). With ~18,700
/// classes per time step this is the decoder's hot loop: the maximum is found
/// with a lane-parallel fold the compiler vectorises, then located.
fn argmax(scores: &[f32]) -> (usize, f32) {
    const LANES: usize = 16;
    let mut lanes = [f32::MIN; LANES];
    let chunks = scores.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (m, &v) in lanes.iter_mut().zip(chunk) {
            *m = m.max(v);
        }
    }
    let max = lanes.iter().chain(tail).copied().fold(f32::MIN, f32::max);
    let index = scores.iter().position(|&v| v == max).unwrap_or(0);
    (index, max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn one_hot(classes: &[usize], n: usize, p: f32) -> Array2<f32> {
        let mut m = Array2::<f32>::from_elem((classes.len(), n), (1.0 - p) / (n - 1) as f32);
        for (t, &c) in classes.iter().enumerate() {
            m[[t, c]] = p;
        }
        m
    }

    #[test]
    fn repeats_merge_and_blanks_separate() {
        let cs = Charset::from_metadata("a\nb\nl\no");
        assert_eq!(cs.num_classes(), 6);
        // b b _ a l l _ l o: the repeated b and l merge, the blank keeps the second l.
        let m = one_hot(&[2, 2, 0, 1, 3, 3, 0, 3, 4], 6, 0.9);
        let d = decode(m.view(), &cs);
        assert_eq!(d.text, "ballo");
        assert_eq!(d.steps, vec![0, 3, 4, 7, 8]);
        assert!((d.confidence - 0.9).abs() < 1e-6);
    }

    #[test]
    fn last_class_is_a_space() {
        let cs = Charset::from_metadata("a\nb");
        let m = one_hot(&[1, 3, 2], 4, 0.8);
        assert_eq!(decode(m.view(), &cs).text, "a b");
    }

    #[test]
    fn all_blank_is_empty_with_zero_confidence() {
        let cs = Charset::from_metadata("a");
        let m = one_hot(&[0, 0, 0], 3, 0.99);
        let d = decode(m.view(), &cs);
        assert_eq!(d.text, "");
        assert_eq!(d.confidence, 0.0);
    }

    #[test]
    fn argmax_finds_first_maximum_past_the_lanes() {
        let mut v = vec![0.0f32; 37];
        v[35] = 2.0;
        v[20] = 2.0;
        assert_eq!(argmax(&v), (20, 2.0));
        assert_eq!(argmax(&[0.5]), (0, 0.5));
    }

    #[test]
    fn multibyte_symbols_decode() {
        let cs = Charset::from_metadata("中\n文");
        let m = one_hot(&[1, 0, 2], 4, 0.7);
        assert_eq!(decode(m.view(), &cs).text, "中文");
    }
}
