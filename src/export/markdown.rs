//! A page as a reader reads it — headings, paragraphs, tables in place — as
//! Markdown and as HTML. Both follow the page's regions in reading order; running
//! headers, footers and page numbers are left out, and so is the text inside
//! figures (labels of a chart are not prose). A page without regions (read with
//! `--no-layout`) gives its lines in order, one paragraph each.

use crate::result::{Document, Page, RegionKind};
use crate::text::{escape_html, join_lines};

/// One block of a page's reading flow.
#[derive(Debug, PartialEq)]
enum Block {
    /// A heading, level 1 (the page's title) or 2.
    Heading(u8, String),
    Paragraph(String),
    /// A displayed formula, as read.
    Formula(String),
    /// An index into the page's tables.
    Table(usize),
}

/// The page's reading flow.
fn blocks(page: &Page) -> Vec<Block> {
    let mut table_of = vec![None; page.lines.len()];
    for (t, table) in page.tables.iter().enumerate() {
        for &id in table.cells.iter().flat_map(|c| &c.line_ids) {
            if let Some(slot) = table_of.get_mut(id) {
                *slot = Some(t);
            }
        }
    }
    let mut written = vec![false; page.tables.len()];
    let mut out = Vec::new();
    // Tables in place of their first line; the other lines as the region has them.
    let mut take = |ids: &[usize], out: &mut Vec<Block>| -> Vec<usize> {
        let mut rest = Vec::new();
        for &id in ids {
            match table_of.get(id).copied().flatten() {
                Some(t) if !written[t] => {
                    written[t] = true;
                    out.push(Block::Table(t));
                }
                Some(_) => {}
                None => rest.push(id),
            }
        }
        rest
    };
    let text = |ids: &[usize]| join_lines(ids.iter().map(|&i| page.lines[i].text.as_str()));
    if page.regions.is_empty() {
        let all: Vec<usize> = (0..page.lines.len()).collect();
        for id in take(&all, &mut out) {
            out.push(Block::Paragraph(page.lines[id].text.clone()));
        }
        return out;
    }
    for region in page.regions.iter().filter(|r| r.kind.in_flow()) {
        // A table the analyses rebuilt from its rules is one, whatever the layout
        // model called its box; a figure's other text is not prose.
        let rest = take(&region.line_ids, &mut out);
        if rest.is_empty() || region.kind == RegionKind::Image {
            continue;
        }
        out.push(match region.kind {
            RegionKind::Title => Block::Heading(1, text(&rest)),
            RegionKind::SubTitle => Block::Heading(2, text(&rest)),
            // A table the analyses did not rebuild: its rows as they were read.
            RegionKind::Table => Block::Paragraph(
                rest.iter()
                    .map(|&i| page.lines[i].text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            RegionKind::Formula => Block::Formula(text(&rest)),
            _ => Block::Paragraph(text(&rest)),
        });
    }
    out
}

/// The documents as Markdown: a page's blocks separated by blank lines, pages by a
/// rule; a heading per document when there are several.
pub fn to_markdown(docs: &[Document]) -> String {
    let mut md = String::new();
    for doc in docs {
        if docs.len() > 1 {
            md.push_str(&format!(
                "# {}\n\n",
                escape_markdown(&super::tables::file_name(&doc.source))
            ));
        }
        for (p, page) in doc.pages.iter().enumerate() {
            if p > 0 {
                md.push_str("---\n\n");
            }
            for block in blocks(page) {
                match block {
                    Block::Heading(level, text) => {
                        md.push_str(&"#".repeat(usize::from(level)));
                        md.push(' ');
                        md.push_str(&escape_markdown(&text));
                    }
                    Block::Paragraph(text) => md.push_str(&escape_markdown(&text)),
                    // Display math, as Markdown writers set it: `$$` on lines of their own.
                    Block::Formula(text) => md.push_str(&format!("$$\n{}\n$$", text.replace("$$", "$ $"))),
                    Block::Table(t) => md.push_str(&page.tables[t].to_html()),
                }
                md.push_str("\n\n");
            }
        }
    }
    md
}

/// Text that Markdown would read as syntax at a line's start (a heading, a quote,
/// a list) or as HTML (`<` before a letter, `/`, `!` or `?`), escaped to read as itself.
fn escape_markdown(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut escaped = String::with_capacity(line.len());
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                let opens_tag = chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
                if c == '<' && opens_tag {
                    escaped.push_str("&lt;");
                } else {
                    escaped.push(c);
                }
            }
            let line = escaped;
            match line.chars().next() {
                Some('#' | '>' | '-' | '+' | '*') => format!("\\{line}"),
                _ => line,
            }
        })
        .collect::<Vec<_>>()
        .join("  \n")
}

/// The page's reading flow as HTML: headings, paragraphs, tables in place.
pub(super) fn page_html(page: &Page) -> String {
    let mut html = String::new();
    for block in blocks(page) {
        match block {
            Block::Heading(level, text) => {
                let tag = format!("h{}", level + 2);
                html.push_str(&format!("<{tag}>{}</{tag}>\n", escape_html(&text)));
            }
            Block::Paragraph(text) => {
                html.push_str(&format!("<p>{}</p>\n", escape_html(&text).replace('\n', "<br>")));
            }
            Block::Formula(text) => html.push_str(&format!("<p class=\"formula\">{}</p>\n", escape_html(&text))),
            Block::Table(t) => {
                html.push_str(&page.tables[t].to_html());
                html.push('\n');
            }
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::axis_aligned;
    use crate::result::{Line, PageOrientation, Region, StageTimings, TextSource};

    fn region(kind: RegionKind, order: Option<usize>, line_ids: Vec<usize>) -> Region {
        Region {
            kind,
            quad: axis_aligned(0.0, 0.0, 1.0, 1.0),
            order,
            line_ids,
            confidence: 0.9,
        }
    }

    fn page() -> Page {
        let texts = [
            "Running head",
            "Results",
            "We measured the exam-",
            "ple twice.",
            "Figure label",
            "12",
        ];
        Page {
            index: 0,
            width: 1000,
            height: 1400,
            orientation: PageOrientation::default(),
            source: TextSource::Ocr,
            lines: texts
                .iter()
                .map(|t| Line::read((*t).into(), axis_aligned(0.0, 0.0, 1.0, 1.0), 0.99, 0.9))
                .collect(),
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: vec![
                region(RegionKind::Header, None, vec![0]),
                region(RegionKind::Title, Some(0), vec![1]),
                region(RegionKind::Text, Some(1), vec![2, 3]),
                region(RegionKind::Image, Some(2), vec![4]),
                region(RegionKind::PageNumber, None, vec![5]),
            ],
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: StageTimings::default(),
        }
    }

    #[test]
    fn markdown_has_the_flow_with_headings_and_joined_paragraphs_and_no_running_heads() {
        let doc = Document {
            source: "a.png".into(),
            page_count: 1,
            pages: vec![page()],
        };
        assert_eq!(to_markdown(&[doc]), "# Results\n\nWe measured the example twice.\n\n");
    }

    #[test]
    fn html_follows_the_same_structure() {
        assert_eq!(
            page_html(&page()),
            "<h3>Results</h3>\n<p>We measured the example twice.</p>\n"
        );
    }

    #[test]
    fn a_line_that_reads_as_markdown_syntax_is_escaped() {
        assert_eq!(escape_markdown("# 1 <b>\n- item < 3"), "\\# 1 &lt;b>  \n\\- item < 3");
    }
}
