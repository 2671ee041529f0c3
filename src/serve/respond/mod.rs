//! The answers, built from a page read: the cloud's response models
//! (`huaweicloudsdkocr/v1/model/*_result.py`) filled from OCR Desk's result model.
//! Pure functions of the page: tested without models.

mod cards;

use base64::Engine as _;
use serde_json::{Value, json};

use super::error::ApiError;
use super::request::{Endpoint, Params};
use crate::analysis::blocks;
use crate::geometry::{Point, Quad};
use crate::result::{Document, FieldSource, Page};

/// The `result` of `endpoint` for the one page of `doc` that was read.
pub fn respond(endpoint: Endpoint, params: &Params, doc: &Document) -> Result<Value, ApiError> {
    let page = doc
        .pages
        .first()
        .ok_or_else(|| ApiError::bad_parameter(format!("the document has no page {}", params.pdf_page)))?;
    let result = match endpoint {
        Endpoint::GeneralText => general_text(page, params),
        Endpoint::GeneralTable => general_table(page, params, doc)?,
        Endpoint::WebImage => web_image(page, params),
        Endpoint::SmartDocument => json!([smart_document(page, params, doc)?]),
        Endpoint::Passport => cards::passport(page)?,
        Endpoint::IdCard => cards::id_card(page, params)?,
    };
    Ok(json!({ "result": result }))
}

/// A quad as the cloud writes it: four integer `[x, y]` corners from the top left, clockwise.
pub fn location(quad: &Quad) -> Value {
    json!(
        quad.iter()
            .map(|p| [p.x.round() as i64, p.y.round() as i64])
            .collect::<Vec<_>>()
    )
}

/// The page's turn as general-text reports it: -1 unless asked for.
fn direction(page: &Page, params: &Params) -> f64 {
    if params.detect_direction {
        f64::from(page.orientation.direction)
    } else {
        -1.0
    }
}

pub(super) fn confidence(value: f32) -> f64 {
    (f64::from(value) * 10_000.0).round() / 10_000.0
}

/// One text line as a words block; `char_list` (empty unless `character_mode`) places
/// each character along the line by its advance (a CJK character a full em, others
/// half): an estimate from the line's box, not a per-character detection.
fn words_block(page: &Page, index: usize, params: &Params) -> Value {
    let line = &page.lines[index];
    let chars = if params.character_mode {
        char_list(&line.text, &line.quad, line.confidence)
    } else {
        Vec::new()
    };
    json!({
        "words": line.text,
        "location": location(&line.quad),
        "confidence": confidence(line.confidence),
        "char_list": chars,
    })
}

fn char_list(text: &str, quad: &Quad, line_confidence: f32) -> Vec<Value> {
    let advance = |c: char| if crate::text::is_cjk(c) { 1.0 } else { 0.5 };
    let total: f32 = text.chars().map(advance).sum();
    if total == 0.0 {
        return Vec::new();
    }
    let along = |top: bool, share: f32| {
        let (a, b) = if top { (quad[0], quad[1]) } else { (quad[3], quad[2]) };
        Point::new(a.x + (b.x - a.x) * share, a.y + (b.y - a.y) * share)
    };
    let mut start = 0.0;
    let mut out = Vec::new();
    for c in text.chars() {
        let end = start + advance(c) / total;
        if !c.is_whitespace() {
            let corners = [
                along(true, start),
                along(true, end),
                along(false, end),
                along(false, start),
            ];
            out.push(json!({
                "char": c.to_string(),
                "char_location": location(&corners),
                "char_confidence": confidence(line_confidence),
            }));
        }
        start = end;
    }
    out
}

/// A line as a plain text block: its words, confidence and corners.
fn text_block(line: &crate::result::Line) -> Value {
    json!({"words": line.text, "confidence": confidence(line.confidence), "location": location(&line.quad)})
}

fn words_blocks(page: &Page, params: &Params) -> Vec<Value> {
    (0..page.lines.len()).map(|i| words_block(page, i, params)).collect()
}

fn general_text(page: &Page, params: &Params) -> Value {
    let blocks = words_blocks(page, params);
    json!({
        "direction": direction(page, params),
        "words_block_count": blocks.len(),
        "words_block_list": blocks,
    })
}

/// The page's tables as cells with their rows and columns, and the lines outside
/// them as a text region, in the order they stand on the page.
fn general_table(page: &Page, params: &Params, doc: &Document) -> Result<Value, ApiError> {
    let mut regions: Vec<(f32, Value)> = Vec::new();
    let mut in_tables = vec![false; page.lines.len()];
    for table in &page.tables {
        let mut cells = Vec::new();
        for cell in &table.cells {
            for &id in &cell.line_ids {
                if let Some(flag) = in_tables.get_mut(id) {
                    *flag = true;
                }
            }
            let mut block = json!({
                "words": cell.text,
                "rows": (cell.row..cell.row + cell.row_span).collect::<Vec<_>>(),
                "columns": (cell.column..cell.column + cell.column_span).collect::<Vec<_>>(),
            });
            let lines = || cell.line_ids.iter().filter_map(|&i| page.lines.get(i));
            if params.return_confidence {
                let lowest = lines().map(|l| l.confidence).fold(1.0, f32::min);
                block["confidence"] = json!(confidence(lowest));
            }
            if params.return_text_location {
                if let Some(quad) = table.cell_quad(cell, page.width, page.height) {
                    block["cell_location"] = location(&quad);
                }
                block["words_list"] = json!(lines().map(text_block).collect::<Vec<_>>());
            }
            cells.push(block);
        }
        let region = json!({"type": "table", "words_block_count": cells.len(), "words_block_list": cells});
        regions.push((table.bbox[1], region));
    }
    // The lines outside the tables, as text regions cut where a table stands between them.
    let mut run: Vec<usize> = Vec::new();
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for i in (0..page.lines.len()).filter(|&i| !in_tables[i]) {
        if let Some(&last) = run.last() {
            let (above, below) = (page.lines[last].quad[0].y, page.lines[i].quad[0].y);
            if page
                .tables
                .iter()
                .any(|t| t.bbox[1] >= above.min(below) && t.bbox[1] < above.max(below))
            {
                runs.push(std::mem::take(&mut run));
            }
        }
        run.push(i);
    }
    runs.push(run);
    for run in runs.into_iter().filter(|r| !r.is_empty()) {
        let top = run
            .iter()
            .map(|&i| page.lines[i].quad[0].y)
            .fold(f32::INFINITY, f32::min);
        let blocks: Vec<Value> = run.iter().map(|&i| text_block(&page.lines[i])).collect();
        regions.push((
            top,
            json!({"type": "text", "words_block_count": blocks.len(), "words_block_list": blocks}),
        ));
    }
    regions.sort_by(|a, b| a.0.total_cmp(&b.0));
    let regions: Vec<Value> = regions.into_iter().map(|(_, r)| r).collect();
    let mut result = json!({"words_region_count": regions.len(), "words_region_list": regions});
    if params.return_excel {
        result["excel"] = json!(excel(doc)?);
    }
    Ok(result)
}

/// The document as an .xlsx workbook (its lines, then a sheet per table), in base64.
fn excel(doc: &Document) -> Result<String, ApiError> {
    let bytes = crate::export::to_xlsx(std::slice::from_ref(doc))
        .map_err(|e| ApiError::internal(format!("cannot write the Excel file: {e}")))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The first value the page's analyses found under `name` from `source`.
pub(super) fn field<'a>(page: &'a Page, source: FieldSource, name: &str) -> Option<&'a str> {
    page.fields
        .iter()
        .find(|f| f.source == source && f.name == name)
        .map(|f| f.value.as_str())
}

fn web_image(page: &Page, params: &Params) -> Value {
    let blocks: Vec<Value> = page.lines.iter().map(text_block).collect();
    let mut extracted = json!({});
    if params.wants("contact_info") {
        let contact = |name| field(page, FieldSource::Contacts, name).unwrap_or_default();
        let address = contact("address");
        let regions = [contact("province"), contact("city"), contact("district")];
        // The address without the province, city and district it starts with.
        let detail = regions
            .iter()
            .fold(address, |rest, part| rest.strip_prefix(part).unwrap_or(rest));
        extracted["contact_info"] = json!({
            "name": field(page, FieldSource::Fields, "name").unwrap_or_default(),
            "phone": contact("phone"),
            "province": regions[0],
            "city": regions[1],
            "district": regions[2],
            "detail_address": detail,
        });
    }
    if params.wants("image_size") {
        extracted["image_size"] = json!({"height": page.height, "width": page.width});
    }
    json!({"words_block_count": blocks.len(), "words_block_list": blocks, "extracted_data": extracted})
}

fn smart_document(page: &Page, params: &Params, doc: &Document) -> Result<Value, ApiError> {
    let blocks = words_blocks(page, params);
    let mut entry = json!({
        "ocr_result": {
            "direction": f64::from(page.orientation.direction),
            "words_block_count": blocks.len(),
            "words_block_list": blocks,
        }
    });
    if params.layout {
        let layout: Vec<Value> = blocks::blocks(page)
            .into_iter()
            .map(|b| {
                let mut block = json!({"type": b.kind, "location": location(&b.quad), "words_ids": b.line_ids});
                if let Some(table) = b.table {
                    block["table_id"] = json!(table);
                } else {
                    block["text"] = json!(b.text);
                }
                block
            })
            .collect();
        entry["layout_result"] = json!({"layout_block_count": layout.len(), "layout_block_list": layout});
    }
    if params.table {
        let excel = if params.return_excel { Some(excel(doc)?) } else { None };
        let tables: Vec<Value> = page
            .tables
            .iter()
            .map(|t| {
                let [x0, y0, x1, y1] = t.bbox;
                let cells: Vec<Value> = t
                    .cells
                    .iter()
                    .map(|c| {
                        json!({
                            "words": c.text,
                            "rows": (c.row..c.row + c.row_span).collect::<Vec<_>>(),
                            "columns": (c.column..c.column + c.column_span).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                let mut table = json!({
                    "location": location(&crate::geometry::axis_aligned(x0, y0, x1, y1)),
                    "words_block_count": cells.len(),
                    "words_block_list": cells,
                });
                if let Some(excel) = &excel {
                    table["excel"] = json!(excel);
                }
                table
            })
            .collect();
        entry["table_result"] = json!({"table_count": tables.len(), "table_list": tables});
    }
    if params.kv {
        let pairs: Vec<Value> = page
            .fields
            .iter()
            .filter(|f| f.source == FieldSource::Fields)
            .map(|f| {
                let words: Vec<Value> = f
                    .line_ids
                    .iter()
                    .filter_map(|&i| page.lines.get(i))
                    .map(|l| json!({"words": l.text, "location": location(&l.quad), "type": "value"}))
                    .collect();
                json!({"key": f.name, "value": f.value, "words_block_count": words.len(), "words_block_list": words})
            })
            .collect();
        entry["kv_result"] = json!({"kv_block_count": pairs.len(), "kv_block_list": pairs});
    }
    Ok(entry)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::geometry::axis_aligned;
    use crate::result::{Field, Line, PageOrientation, StageTimings, Table, TableCell, TableKind, TextSource};

    pub(super) fn page(lines: &[(&str, f32, f32, f32, f32)]) -> Page {
        Page {
            index: 0,
            width: 800,
            height: 600,
            orientation: PageOrientation::default(),
            source: TextSource::Ocr,
            lines: lines
                .iter()
                .map(|&(t, x0, y0, x1, y1)| Line::read(t.into(), axis_aligned(x0, y0, x1, y1), 0.98766, 0.9))
                .collect(),
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: Vec::new(),
            seals: Vec::new(),
            signatures: Vec::new(),
            timings: StageTimings::default(),
        }
    }

    pub(super) fn field(source: FieldSource, name: &str, value: &str) -> Field {
        Field {
            source,
            name: name.into(),
            value: value.into(),
            confidence: 0.9,
            line_ids: vec![0],
            verdict: None,
            read_as: None,
            mismatch: None,
        }
    }

    pub(super) fn answer(endpoint: Endpoint, params: &Params, page: Page) -> Result<Value, ApiError> {
        let doc = Document {
            source: "image".into(),
            page_count: 1,
            pages: vec![page],
        };
        respond(endpoint, params, &doc).map(|v| v["result"].clone())
    }

    #[test]
    fn general_text_gives_integer_corners_and_characters_when_asked() {
        let p = page(&[("AB 中", 10.4, 20.0, 110.0, 40.0)]);
        let plain = answer(Endpoint::GeneralText, &Params::default(), p.clone()).unwrap();
        assert_eq!(plain["direction"], -1.0);
        assert_eq!(
            plain["words_block_list"][0]["location"],
            json!([[10, 20], [110, 20], [110, 40], [10, 40]])
        );
        assert_eq!(plain["words_block_list"][0]["confidence"], 0.9877);
        assert_eq!(plain["words_block_list"][0]["char_list"], json!([]));
        let params = Params {
            character_mode: true,
            detect_direction: true,
            ..Params::default()
        };
        let chars = answer(Endpoint::GeneralText, &params, p).unwrap();
        assert_eq!(chars["direction"], 0.0);
        let list = chars["words_block_list"][0]["char_list"].as_array().unwrap().clone();
        // Three characters (the space has no box); A and B half an em, 中 a full one.
        assert_eq!(
            list.iter().map(|c| c["char"].as_str().unwrap()).collect::<String>(),
            "AB中"
        );
        assert_eq!(list[0]["char_location"][0], json!([10, 20]));
        assert_eq!(list[2]["char_location"][1], json!([110, 20]));
    }

    #[test]
    fn general_table_gives_cells_with_their_rows_and_columns_between_text_regions() {
        let mut p = page(&[
            ("Price list", 10.0, 10.0, 200.0, 30.0),
            ("Item", 10.0, 60.0, 80.0, 80.0),
            ("Price", 210.0, 60.0, 280.0, 80.0),
            ("Widget", 10.0, 100.0, 90.0, 120.0),
            ("Thank you", 10.0, 200.0, 150.0, 220.0),
        ]);
        let cell = |row, column, row_span, text: &str, ids: Vec<usize>| TableCell {
            row,
            column,
            row_span,
            column_span: 1,
            text: text.into(),
            line_ids: ids,
            edited: false,
        };
        p.tables.push(Table {
            kind: TableKind::Ruled,
            bbox: [0.0, 50.0, 400.0, 130.0],
            rows: 2,
            columns: 2,
            row_edges: vec![50.0, 90.0, 130.0],
            column_edges: vec![0.0, 200.0, 400.0],
            header_rows: 1,
            cells: vec![
                cell(0, 0, 1, "Item", vec![1]),
                cell(0, 1, 1, "Price", vec![2]),
                cell(1, 0, 1, "Widget", vec![3]),
                cell(1, 1, 1, "", vec![]),
            ],
            turned: 0.0,
        });
        let params = Params {
            return_text_location: true,
            return_confidence: true,
            ..Params::default()
        };
        let result = answer(Endpoint::GeneralTable, &params, p).unwrap();
        let types: Vec<&str> = result["words_region_list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["text", "table", "text"]);
        let widget = &result["words_region_list"][1]["words_block_list"][2];
        assert_eq!(
            (&widget["words"], &widget["rows"], &widget["columns"]),
            (&json!("Widget"), &json!([1]), &json!([0]))
        );
        assert_eq!(
            widget["cell_location"],
            json!([[0, 90], [200, 90], [200, 130], [0, 130]])
        );
        assert_eq!(widget["words_list"][0]["words"], "Widget");
    }

    #[test]
    fn web_image_splits_a_chinese_address_into_its_regions() {
        let mut p = page(&[("广东省深圳市南山区科技园路1号", 0.0, 0.0, 400.0, 30.0)]);
        p.fields = vec![
            field(FieldSource::Contacts, "address", "广东省深圳市南山区科技园路1号"),
            field(FieldSource::Contacts, "province", "广东省"),
            field(FieldSource::Contacts, "city", "深圳市"),
            field(FieldSource::Contacts, "district", "南山区"),
            field(FieldSource::Contacts, "phone", "+8613800138000"),
            field(FieldSource::Fields, "name", "张伟"),
        ];
        let params = Params {
            extract_type: vec!["contact_info".into(), "image_size".into()],
            ..Params::default()
        };
        let result = answer(Endpoint::WebImage, &params, p).unwrap();
        let contact = &result["extracted_data"]["contact_info"];
        assert_eq!(contact["detail_address"], "科技园路1号");
        assert_eq!(
            (&contact["province"], &contact["city"], &contact["district"]),
            (&json!("广东省"), &json!("深圳市"), &json!("南山区"))
        );
        assert_eq!(
            (&contact["name"], &contact["phone"]),
            (&json!("张伟"), &json!("+8613800138000"))
        );
        assert_eq!(
            result["extracted_data"]["image_size"],
            json!({"height": 600, "width": 800})
        );
    }
}
