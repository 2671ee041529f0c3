//! Tables on `../shared/eval/tables` (or DIR): reads each image with `NAME.gt.json`,
//! finds its tables, and scores the largest against the truth HTML with TEDS
//! (tree-edit-distance similarity, Zhong et al. 2020, as PubTabNet defines it):
//! `1 - TED(pred, truth) / max(|pred|, |truth|)` over the trees of `table`,
//! `thead`, `tbody`, `tr` and `td` nodes (`th` counts as `td`).
//! - structure only: a `td` matches a `td` with the same row and column span;
//! - with content: a matching `td` costs the normalised edit distance of the texts.
//!
//! `cargo run --release --example table_eval -- [DIR] [--show NAME] [--beside PEER.jsonl]`
//!
//! `--beside` scores a peer's tables with the same TEDS, beside ours: one JSON
//! object a line, `{"image": PATH, "html": …, "seconds": …}`, as
//! `../shared/peers/run_rapidtable.py` prints for RapidTable (`benches/tables.sh`).

use std::path::PathBuf;

use ocrdesk::analysis::Extract;
use ocrdesk::document::OpenOptions;
use ocrdesk::pipeline::read_and_extract;
use ocrdesk::{EngineOptions, OcrEngine};
use serde_json::Value;

/// A node of an HTML table tree.
#[derive(Debug, Default)]
struct Node {
    tag: String,
    row_span: usize,
    column_span: usize,
    text: Vec<char>,
    children: Vec<Node>,
}

fn decode_entities(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn attribute(tag: &str, name: &str) -> usize {
    tag.find(&format!("{name}="))
        .and_then(|i| {
            let rest = &tag[i + name.len() + 1..];
            let digits: String = rest
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .unwrap_or(1)
}

/// Parses the `<table>` in `html` into a tree; formatting inside cells becomes text.
fn parse_table(html: &str) -> Node {
    const STRUCTURE: [&str; 5] = ["table", "thead", "tbody", "tr", "td"];
    let mut stack: Vec<Node> = vec![Node {
        tag: "root".into(),
        ..Node::default()
    }];
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(stripped) = rest.strip_prefix('<') {
            let end = stripped.find('>').unwrap_or(stripped.len());
            let tag = &stripped[..end];
            rest = stripped.get(end + 1..).unwrap_or("");
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            let name = if name == "th" { "td".to_owned() } else { name };
            if !STRUCTURE.contains(&name.as_str()) {
                continue;
            }
            if closing {
                if stack.len() > 1 && stack.last().is_some_and(|n| n.tag == name) {
                    let node = stack.pop().expect("checked");
                    stack.last_mut().expect("root").children.push(node);
                }
            } else {
                stack.push(Node {
                    row_span: attribute(tag, "rowspan"),
                    column_span: attribute(tag, "colspan"),
                    tag: name,
                    ..Node::default()
                });
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = decode_entities(&rest[..end]);
            if let Some(top) = stack.last_mut()
                && top.tag == "td"
            {
                top.text.extend(text.chars().filter(|c| !c.is_whitespace()));
            }
            rest = &rest[end..];
        }
    }
    while stack.len() > 1 {
        let node = stack.pop().expect("checked");
        stack.last_mut().expect("root").children.push(node);
    }
    let mut root = stack.pop().expect("root");
    root.children
        .iter()
        .position(|n| n.tag == "table")
        .map(|i| root.children.swap_remove(i))
        .unwrap_or(Node {
            tag: "table".into(),
            ..Node::default()
        })
}

/// A tree in post-order with each node's leftmost leaf, for Zhang–Shasha.
struct Flat<'a> {
    nodes: Vec<&'a Node>,
    leftmost: Vec<usize>,
}

fn flatten(root: &Node) -> Flat<'_> {
    fn walk<'a>(n: &'a Node, nodes: &mut Vec<&'a Node>, leftmost: &mut Vec<usize>) -> usize {
        let mut first = None;
        for c in &n.children {
            let l = walk(c, nodes, leftmost);
            first.get_or_insert(l);
        }
        let me = nodes.len();
        nodes.push(n);
        let l = first.unwrap_or(me);
        leftmost.push(l);
        l
    }
    let (mut nodes, mut leftmost) = (Vec::new(), Vec::new());
    walk(root, &mut nodes, &mut leftmost);
    Flat { nodes, leftmost }
}

fn rename_cost(a: &Node, b: &Node, content: bool) -> f64 {
    if a.tag != b.tag || (a.tag == "td" && (a.row_span, a.column_span) != (b.row_span, b.column_span)) {
        return 1.0;
    }
    if content && a.tag == "td" {
        let (x, y): (String, String) = (a.text.iter().collect(), b.text.iter().collect());
        return 1.0 - strsim::normalized_levenshtein(&x, &y);
    }
    0.0
}

/// Zhang–Shasha tree edit distance, insert and delete costing 1.
fn tree_edit_distance(a: &Node, b: &Node, content: bool) -> f64 {
    let (fa, fb) = (flatten(a), flatten(b));
    let (n, m) = (fa.nodes.len(), fb.nodes.len());
    let keyroots = |f: &Flat| {
        let mut k: Vec<usize> = (0..f.nodes.len())
            .filter(|&i| !(i + 1..f.nodes.len()).any(|j| f.leftmost[j] == f.leftmost[i]))
            .collect();
        k.sort();
        k
    };
    let mut td = vec![vec![0.0f64; m]; n];
    for &i in &keyroots(&fa) {
        for &j in &keyroots(&fb) {
            let (li, lj) = (fa.leftmost[i], fb.leftmost[j]);
            let (rows, cols) = (i - li + 2, j - lj + 2);
            let mut fd = vec![vec![0.0f64; cols]; rows];
            for x in 1..rows {
                fd[x][0] = fd[x - 1][0] + 1.0;
            }
            for y in 1..cols {
                fd[0][y] = fd[0][y - 1] + 1.0;
            }
            for x in 1..rows {
                for y in 1..cols {
                    let (ni, nj) = (li + x - 1, lj + y - 1);
                    let delete = fd[x - 1][y] + 1.0;
                    let insert = fd[x][y - 1] + 1.0;
                    if fa.leftmost[ni] == li && fb.leftmost[nj] == lj {
                        let rename = fd[x - 1][y - 1] + rename_cost(fa.nodes[ni], fb.nodes[nj], content);
                        fd[x][y] = delete.min(insert).min(rename);
                        td[ni][nj] = fd[x][y];
                    } else {
                        let px = fa.leftmost[ni] - li;
                        let py = fb.leftmost[nj] - lj;
                        fd[x][y] = delete.min(insert).min(fd[px][py] + td[ni][nj]);
                    }
                }
            }
        }
    }
    td[n - 1][m - 1]
}

fn size(n: &Node) -> usize {
    1 + n.children.iter().map(size).sum::<usize>()
}

fn teds(pred: &Node, truth: &Node, content: bool) -> f64 {
    let most = size(pred).max(size(truth)) as f64;
    1.0 - tree_edit_distance(pred, truth, content) / most
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/eval/tables"));
    let mut show = None;
    let mut peer: std::collections::HashMap<String, (String, Option<f64>)> = Default::default();
    while let Some(a) = args.next() {
        if a == "--show" {
            show = args.next();
        } else if a == "--beside" {
            let path = args.next().ok_or_else(|| anyhow::anyhow!("--beside needs a file"))?;
            for line in std::fs::read_to_string(&path)?.lines().filter(|l| !l.trim().is_empty()) {
                let v: Value = serde_json::from_str(line)?;
                let stem = PathBuf::from(v["image"].as_str().unwrap_or_default())
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                peer.insert(
                    stem,
                    (v["html"].as_str().unwrap_or_default().to_owned(), v["seconds"].as_f64()),
                );
            }
        } else {
            dir = PathBuf::from(a);
        }
    }
    let engine = OcrEngine::new(EngineOptions::default())?;
    let mut images: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.to_string_lossy().ends_with(".json"))
        .collect();
    images.sort();
    let extract = Extract {
        tables: true,
        ..Extract::default()
    };
    let (mut structure_sum, mut content_sum, mut count) = (0.0, 0.0, 0);
    // Per group: ours (TEDS-S, TEDS), the peer's (TEDS-S, TEDS), images, table seconds (ours, peer's).
    let mut subsets: std::collections::BTreeMap<&str, [f64; 7]> = Default::default();
    println!(
        "{:<28} {:>5} {:>9} {:>9} {:>9} {:>10} {:>9} {:>9} {:>9}",
        "image", "found", "rows×cols", "TEDS-S", "TEDS", "table s", "peer S", "peer", "peer s"
    );
    for image in &images {
        let name = image
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(truth) = std::fs::read(image.with_file_name(format!("{name}.gt.json"))) else {
            continue;
        };
        let truth: Value = serde_json::from_slice(&truth)?;
        let truth_html = truth["html"].as_str().unwrap_or_default();
        let doc = read_and_extract(&engine, image, &OpenOptions::default(), extract, |_| ())?;
        let tables: Vec<_> = doc.pages.iter().flat_map(|p| p.tables.iter()).collect();
        let largest = tables.iter().max_by(|a, b| {
            let area = |t: &&&ocrdesk::result::Table| (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]);
            area(a).total_cmp(&area(b))
        });
        let pred_html = largest.map(|t| t.to_html()).unwrap_or_else(|| "<table></table>".into());
        let (pred, gt) = (parse_table(&pred_html), parse_table(truth_html));
        let (s, c) = (teds(&pred, &gt, false), teds(&pred, &gt, true));
        let shape = largest.map_or("-".into(), |t| format!("{}×{}", t.rows, t.columns));
        let table_seconds: f64 = doc.pages.iter().map(|p| p.timings.tables_ms).sum::<f64>() / 1000.0;
        let (peer_html, peer_seconds) = peer.get(&name).cloned().unwrap_or_default();
        let peer_tree = parse_table(if peer_html.is_empty() {
            "<table></table>"
        } else {
            &peer_html
        });
        let (ps, pc) = (teds(&peer_tree, &gt, false), teds(&peer_tree, &gt, true));
        let peer_seconds = peer_seconds.unwrap_or(0.0);
        if peer.is_empty() {
            println!(
                "{name:<28} {:>5} {shape:>9} {s:>9.3} {c:>9.3} {table_seconds:>10.3}",
                tables.len()
            );
        } else {
            println!(
                "{name:<28} {:>5} {shape:>9} {s:>9.3} {c:>9.3} {table_seconds:>10.3} {ps:>9.3} {pc:>9.3} {peer_seconds:>9.3}",
                tables.len()
            );
        }
        if show.as_deref() == Some(name.as_str()) {
            println!("pred:  {pred_html}\ntruth: {truth_html}\npeer:  {peer_html}");
        }
        structure_sum += s;
        content_sum += c;
        count += 1;
        let subset = if name.starts_with("PMC") {
            "PubTabNet"
        } else {
            "OmniDocBench"
        };
        let e = subsets.entry(subset).or_default();
        for (slot, v) in e.iter_mut().zip([s, c, ps, pc, 1.0, table_seconds, peer_seconds]) {
            *slot += v;
        }
    }
    let mut all = [0.0; 7];
    for (subset, sums) in &subsets {
        let n = sums[4].max(1.0);
        print!(
            "{subset:<28} {:>5} images  TEDS-S {:.3}  TEDS {:.3}  table s {:.3}",
            sums[4],
            sums[0] / n,
            sums[1] / n,
            sums[5] / n
        );
        if !peer.is_empty() {
            print!(
                "  | peer TEDS-S {:.3}  TEDS {:.3}  table s {:.3}",
                sums[2] / n,
                sums[3] / n,
                sums[6] / n
            );
        }
        println!();
        for (a, v) in all.iter_mut().zip(sums) {
            *a += v;
        }
    }
    if !peer.is_empty() {
        let n = all[4].max(1.0);
        println!(
            "peer, all {} images: TEDS structure-only {:.3}, with content {:.3}",
            all[4],
            all[2] / n,
            all[3] / n
        );
    }
    let n = count.max(1) as f64;
    println!(
        "all {count} images: TEDS structure-only {:.3}, with content {:.3}",
        structure_sum / n,
        content_sum / n
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teds_is_one_for_the_same_table_and_counts_span_errors() {
        let a = parse_table("<table><tr><td colspan=\"2\">A</td></tr><tr><td>1</td><td>2</td></tr></table>");
        let b = parse_table("<table><tr><th colspan=2>A</th></tr><tr><td>1</td><td>2</td></tr></table>");
        assert_eq!(teds(&a, &b, true), 1.0);
        let c = parse_table("<table><tr><td>A</td></tr><tr><td>1</td><td>2</td></tr></table>");
        // One relabelled cell out of 6 nodes.
        assert!((teds(&a, &c, false) - (1.0 - 1.0 / 6.0)).abs() < 1e-9);
    }
}
