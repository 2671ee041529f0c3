//! A peer's results on the same images, scored beside ours: the JSON lines
//! `../shared/peers/run_rapidocr.py` prints, one image per line.

use std::collections::HashMap;
use std::path::Path;

use crate::geometry::{Point, Quad};

use super::{EvalError, file_name};

/// One peer result line.
#[derive(serde::Deserialize)]
pub(super) struct PeerResult {
    image: String,
    lines: Vec<PeerLine>,
    /// Time the peer took on this image.
    pub(super) seconds: f64,
    #[serde(default)]
    pub(super) cpu_seconds: f64,
}

#[derive(serde::Deserialize)]
struct PeerLine {
    text: String,
    #[serde(rename = "box")]
    quad: [[f32; 2]; 4],
}

impl PeerResult {
    /// The peer's lines, as `score_page` takes them.
    pub(super) fn lines(&self) -> Vec<(String, Quad)> {
        self.lines
            .iter()
            .map(|l| (l.text.clone(), l.quad.map(|[x, y]| Point::new(x, y))))
            .collect()
    }
}

/// The peer's results in `path`, by image file name (blank lines skipped).
pub(super) fn load_peer(path: &Path) -> Result<HashMap<String, PeerResult>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::ReadPeer {
        path: path.to_owned(),
        source,
    })?;
    let mut by_name = HashMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let result: PeerResult = serde_json::from_str(line).map_err(|source| EvalError::ParsePeer {
            path: path.to_owned(),
            line: i + 1,
            source,
        })?;
        by_name.insert(file_name(Path::new(&result.image)), result);
    }
    Ok(by_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_lines_are_keyed_by_file_name_and_a_bad_line_is_named() {
        let dir = tempfile::tempdir().expect("temp folder");
        let path = dir.path().join("peer.jsonl");
        std::fs::write(
            &path,
            r#"{"image":"/data/docs/a.png","lines":[{"text":"Hi","box":[[0,0],[9,0],[9,5],[0,5]]}],"seconds":0.5}

{"image":"b.png","lines":[],"seconds":1.0,"cpu_seconds":2.0}
"#,
        )
        .expect("peer file");
        let peer = load_peer(&path).expect("valid peer lines");
        assert_eq!(peer.len(), 2);
        assert_eq!(peer["a.png"].lines()[0].0, "Hi");
        assert_eq!(peer["a.png"].lines()[0].1[2], Point::new(9.0, 5.0));
        assert_eq!(peer["b.png"].cpu_seconds, 2.0);

        std::fs::write(&path, "{\"image\":\"a.png\"}\n").expect("peer file");
        let error = load_peer(&path).err().expect("a line without lines");
        assert_eq!(
            error.to_string(),
            format!("{}:1: not a peer result line", path.display())
        );
    }
}
