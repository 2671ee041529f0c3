//! `ocrdesk ocr --debug-dir DIR`: what each stage of the engine produced on each
//! page, written as files one can open: the detector's probability map as PNG,
//! every line's crop, and one JSON file per stage.
//!
//! ```text
//! DIR/<file name>/page-001/page.json            the page as exported (after analysis)
//!                          pass-1/detection-map.png   (…-1, …-2 when a coarse pass ran first)
//!                          pass-1/1-detected.json     boxes, scores, 0/180 probabilities
//!                          pass-1/3-orientation.json  how the page lies; the turn, if any
//!                          pass-1/5-recognised.json   each line's first reading
//!                          pass-1/6-second-readings.json
//!                          pass-1/8-kept.json         the lines kept, in reading order
//!                          pass-1/crops/0001.png      each line as the recogniser saw it
//! ```
//!
//! A page that lay turned or skewed has a `pass-2` too, read on the upright view
//! (`pass-2/view.png`); `pass-1` then stops at the orientation.

use std::io;
use std::path::{Path, PathBuf};

use image::RgbImage;
use serde_json::{Value, json};

use crate::ocr::ctc::Decoded;
use crate::ocr::page::Candidate;
use crate::ocr::trace::PassTrace;
use crate::pipeline::PageRead;

/// The folder of one page of `file` under `dir`.
pub fn page_dir(dir: &Path, file: &Path, page_index: usize) -> PathBuf {
    let name = file
        .file_name()
        .map_or_else(|| "input".to_owned(), |n| n.to_string_lossy().into_owned());
    dir.join(name).join(format!("page-{:03}", page_index + 1))
}

/// Writes what the engine recorded on this page of `file` (nothing when the page
/// came from a PDF's text layer: no stage ran).
pub fn write_page(dir: &Path, file: &Path, read: &PageRead) -> io::Result<()> {
    let folder = page_dir(dir, file, read.page.index);
    std::fs::create_dir_all(&folder)?;
    write_json(&folder.join("page.json"), &read.page)?;
    let Some(trace) = &read.trace else { return Ok(()) };
    for (n, pass) in trace.passes.iter().enumerate() {
        write_pass(&folder.join(format!("pass-{}", n + 1)), pass, read.image.as_ref())?;
    }
    Ok(())
}

fn write_pass(folder: &Path, pass: &PassTrace, image: Option<&RgbImage>) -> io::Result<()> {
    std::fs::create_dir_all(folder)?;
    if let Some(view) = &pass.view {
        save_png(view, &folder.join("view.png"))?;
    }
    let several = pass.detection_maps.len() > 1;
    for (n, map) in pass.detection_maps.iter().enumerate() {
        let name = if several {
            format!("detection-map-{}.png", n + 1)
        } else {
            "detection-map.png".to_owned()
        };
        save_png(&map.map, &folder.join(name))?;
    }
    let maps: Vec<Value> = pass
        .detection_maps
        .iter()
        .map(|m| {
            let g = &m.geometry;
            json!({
                "tensor": [g.tensor_width, g.tensor_height],
                "scaled": [g.scaled_width, g.scaled_height],
                "pad_top": g.pad_top,
                "scale": [g.scale_x, g.scale_y],
            })
        })
        .collect();
    let detected: Vec<Value> = pass.detected.iter().map(candidate_json).collect();
    write_json(
        &folder.join("1-detected.json"),
        &json!({ "detection_passes": maps, "lines": detected }),
    )?;
    write_json(
        &folder.join("3-orientation.json"),
        &json!({
            "found": pass.orientation.map(|o| json!({
                "direction": o.direction,
                "skew": o.skew,
                "confidence": o.confidence,
                "unsure": o.unsure,
                "skew_lines": o.skew_lines,
            })),
            "upright_turn": pass.upright_turn.map(|t| json!({ "by": t.by, "straighten": t.straighten })),
        }),
    )?;
    if pass.upright_turn.is_some() {
        // This pass stops here: the next one reads the page upright.
        return Ok(());
    }
    write_json(&folder.join("5-recognised.json"), &readings_json(&pass.recognised))?;
    write_json(
        &folder.join("6-second-readings.json"),
        &readings_json(&pass.second_readings),
    )?;
    write_json(&folder.join("8-kept.json"), &pass.kept)?;
    if let Some(image) = image {
        let crops = folder.join("crops");
        std::fs::create_dir_all(&crops)?;
        for (n, (line, _)) in pass.second_readings.iter().enumerate() {
            save_png(&line.crop.to_image(image), &crops.join(crop_name(n)))?;
        }
    }
    Ok(())
}

fn crop_name(n: usize) -> String {
    format!("{:04}.png", n + 1)
}

fn candidate_json(c: &Candidate) -> Value {
    json!({
        "corners": points(&c.crop.corners),
        "seen_corners": points(&c.seen.corners),
        "score": c.score,
        "p_upside_down": c.p_upside_down,
    })
}

/// A quad's corners as `[x, y]` pairs.
fn points(quad: &crate::geometry::Quad) -> Vec<[f32; 2]> {
    quad.iter().map(|p| [p.x, p.y]).collect()
}

fn readings_json(readings: &[(Candidate, Decoded)]) -> Value {
    Value::Array(
        readings
            .iter()
            .enumerate()
            .map(|(n, (c, d))| {
                json!({
                    "crop": format!("crops/{}", crop_name(n)),
                    "corners": points(&c.crop.corners),
                    "flipped": c.flipped,
                    "text": d.text,
                    "confidence": d.confidence,
                })
            })
            .collect(),
    )
}

/// Written straight from the value (not through `Value`), so that numbers read
/// as the JSON export writes them.
fn write_json(path: &Path, value: &impl serde::Serialize) -> io::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    bytes.push(b'\n');
    std::fs::write(path, bytes)
}

fn save_png<P, C>(image: &image::ImageBuffer<P, C>, path: &Path) -> io::Result<()>
where
    P: image::PixelWithColorType,
    [P::Subpixel]: image::EncodableLayout,
    C: std::ops::Deref<Target = [P::Subpixel]>,
{
    image
        .save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| io::Error::other(format!("{}: {e}", path.display())))
}
