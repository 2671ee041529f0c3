//! The page's layout: the blocks a layout model proposes, and the regions a reader
//! sees (a paragraph, a title, a caption, a table, a figure), in reading order.

use serde::{Deserialize, Serialize};

use crate::geometry::Quad;

/// What a region is, in the cloud's smart-document vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    Title,
    SubTitle,
    Text,
    Header,
    Footer,
    PageNumber,
    Image,
    ImageCaption,
    Table,
    TableCaption,
    Formula,
    Reference,
    Footnote,
    Stamp,
}

impl RegionKind {
    /// The kind for one of the CDLA layout classes (`text`, `title`, `figure`,
    /// `figure_caption`, `table`, `table_caption`, `header`, `footer`, `reference`,
    /// `equation`), as the model's metadata names them.
    pub fn from_cdla(class: &str) -> Option<Self> {
        Some(match class {
            "text" => Self::Text,
            "title" => Self::Title,
            "figure" => Self::Image,
            "figure_caption" => Self::ImageCaption,
            "table" => Self::Table,
            "table_caption" => Self::TableCaption,
            "header" => Self::Header,
            "footer" => Self::Footer,
            "reference" => Self::Reference,
            "equation" => Self::Formula,
            _ => return None,
        })
    }

    /// Whether the region is part of the page's reading flow: running headers,
    /// footers and page numbers repeat on every page and are read apart; a
    /// stamp's text is the seal's, not the document's.
    pub fn in_flow(self) -> bool {
        !matches!(self, Self::Header | Self::Footer | Self::PageNumber | Self::Stamp)
    }

    /// The name used in JSON and by the cloud (`sub_title`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::SubTitle => "sub_title",
            Self::Text => "text",
            Self::Header => "header",
            Self::Footer => "footer",
            Self::PageNumber => "page_number",
            Self::Image => "image",
            Self::ImageCaption => "image_caption",
            Self::Table => "table",
            Self::TableCaption => "table_caption",
            Self::Formula => "formula",
            Self::Reference => "reference",
            Self::Footnote => "footnote",
            Self::Stamp => "stamp",
        }
    }
}

/// A block the layout model proposes: its kind, its box in page pixels (left,
/// top, right, bottom) and the model's score; for a table, its structure as the
/// table model read it, when there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct LayoutProposal {
    pub kind: RegionKind,
    pub bounds: [f32; 4],
    pub score: f32,
    pub structure: Option<TableStructure>,
}

/// A table's structure as the table model reads it from the table's picture:
/// its cells row by row, each with its place in the grid and where its content lies.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableStructure {
    pub cells: Vec<StructureCell>,
    /// Rows of the table's head (`<thead>`).
    pub header_rows: usize,
}

/// One cell of a [`TableStructure`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StructureCell {
    pub row: usize,
    pub column: usize,
    pub row_span: usize,
    pub column_span: usize,
    /// Where the cell's content lies, in page pixels (left, top, right, bottom).
    pub bounds: [f32; 4],
}

impl TableStructure {
    /// Rows and columns the cells cover.
    pub fn size(&self) -> (usize, usize) {
        let rows = self.cells.iter().map(|c| c.row + c.row_span).max().unwrap_or(0);
        let columns = self.cells.iter().map(|c| c.column + c.column_span).max().unwrap_or(0);
        (rows, columns)
    }
}

/// One block of the page as a reader sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub kind: RegionKind,
    /// Corners in source-image pixels: top-left, top-right, bottom-right, bottom-left.
    #[serde(rename = "box", with = "super::quad_as_pairs")]
    pub quad: Quad,
    /// Position in the page's reading flow from 0; `None` for headers, footers
    /// and page numbers.
    pub order: Option<usize>,
    /// The region's lines (indices into the page's lines), in reading order.
    pub line_ids: Vec<usize>,
    /// The layout model's score for the block, or how sure the rule that made
    /// it is (regions built from lines alone), 0 to 1.
    #[serde(serialize_with = "super::rounded::share")]
    pub confidence: f32,
}

/// A seal's outline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SealShape {
    Round,
    Oval,
}

/// The colour family of a seal's ink.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InkColour {
    Red,
    Blue,
}

/// An official seal or stamp on the page: where it is, its ring text (read
/// unwrapped along the ring), and the page lines printed inside it in its ink
/// (the horizontal text, read as it is and kept out of the body text).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seal {
    #[serde(rename = "box", with = "super::quad_as_pairs")]
    pub quad: Quad,
    pub shape: SealShape,
    pub colour: InkColour,
    /// The ring text, empty when nothing legible runs along the ring.
    pub text: String,
    /// How surely this is a seal: the share of its outline found inked.
    #[serde(serialize_with = "super::rounded::share")]
    pub confidence: f32,
    /// How surely the ring text is read (the recogniser's confidence).
    #[serde(serialize_with = "super::rounded::share")]
    pub text_confidence: f32,
    pub line_ids: Vec<usize>,
}

/// A handwritten signature: ink strokes that are neither print nor a seal, and the
/// label line that asks for it when there is one ("Signature", "签名").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    #[serde(rename = "box", with = "super::quad_as_pairs")]
    pub quad: Quad,
    pub label_line_id: Option<usize>,
    #[serde(serialize_with = "super::rounded::share")]
    pub confidence: f32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cdla_class_has_a_kind_named_as_the_cloud_names_it() {
        let classes = [
            "text",
            "title",
            "figure",
            "figure_caption",
            "table",
            "table_caption",
            "header",
            "footer",
            "reference",
            "equation",
        ];
        let names: Vec<_> = classes
            .iter()
            .map(|c| RegionKind::from_cdla(c).expect("known class").name())
            .collect();
        assert_eq!(
            names,
            [
                "text",
                "title",
                "image",
                "image_caption",
                "table",
                "table_caption",
                "header",
                "footer",
                "reference",
                "formula"
            ]
        );
        assert_eq!(RegionKind::from_cdla("seal"), None);
        let json = serde_json::to_value(RegionKind::SubTitle).expect("serialises");
        assert_eq!(json, RegionKind::SubTitle.name());
        assert!(!RegionKind::PageNumber.in_flow() && RegionKind::Text.in_flow());
    }
}
