//! From a file path to a [`Document`]: open, read every page, time it.

pub mod searchable;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use std::ops::ControlFlow;

use image::RgbImage;

use crate::analysis::seals::FoundSeal;
use crate::analysis::{self, Extract};
use crate::document::{self, OpenOptions, PageContent, TextLayerPage};
use crate::error::{DocumentError, OcrError};
use crate::geometry::reading_order::reading_order;
use crate::guard;
use crate::ocr::OcrEngine;
use crate::ocr::trace::PageTrace;
use crate::result::{
    Document, LayoutProposal, Line, Page, PageOrientation, RegionKind, Seal, StageTimings, TableKind, TextSource,
};

/// Fewest lines on a page for the layout model to run: two columns of three
/// lines, the least that can be read in more than one order (as
/// `geometry::columns` counts columns).
const LAYOUT_MIN_LINES: usize = 6;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error("{path}: {source}")]
    Ocr { path: String, source: OcrError },
    /// A bug: something panicked while this file was read. Only this file fails.
    #[error("{path}: internal error: {panic}")]
    Internal { path: String, panic: guard::Panic },
}

/// Runs one file's work; a panic inside it becomes that file's [`ReadError::Internal`].
pub fn guarded<T>(path: &Path, work: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    guard::catch(work).unwrap_or_else(|panic| {
        Err(ReadError::Internal {
            path: path.display().to_string(),
            panic,
        })
    })
}

/// Runs the analyses in `extract` on a page of `path` just read (its images at
/// hand), then lets go of the level view, which only they need.
pub fn analyse(engine: &OcrEngine, path: &Path, read: &mut PageRead, extract: Extract) {
    #[cfg(debug_assertions)]
    panic_if_asked(path);
    #[cfg(not(debug_assertions))]
    let _ = path;
    let level = read.level_view.take();
    let proposals = read.layout.take();
    // First, while nothing yet points at the lines by their place in the list.
    if let Some(image) = read
        .image
        .as_ref()
        .filter(|_| extract.mrz && read.page.source == TextSource::Ocr)
    {
        let started = Instant::now();
        if complete_zone(engine, image, &mut read.page.lines) {
            let took = ms(started);
            read.page.timings.analysis_ms += took;
            read.page.timings.total_ms += took;
        }
    }
    if let Some(image) = read.image.as_ref() {
        let owners = analysis::seals::owners(image, &read.found_seals, &read.page.lines);
        for (k, seal) in read.page.seals.iter_mut().enumerate() {
            seal.line_ids = (0..owners.len()).filter(|&i| owners[i] == Some(k)).collect();
        }
    }
    if let Some(proposals) = &proposals {
        let started = Instant::now();
        analysis::layout::lay_out(&mut read.page, proposals);
        let layout_ms = ms(started);
        read.page.timings.layout_ms += layout_ms;
        read.page.timings.total_ms += layout_ms;
    }
    analysis::extract_tables(&mut read.page, read.image.as_ref(), level.as_ref(), extract);
    if let Some(proposals) = proposals.as_ref().filter(|p| !p.is_empty()) {
        analysis::layout::agree_on_tables(&mut read.page);
        let image = level.as_ref().or(read.image.as_ref());
        if let Some(image) = image.filter(|_| extract.tables && read.page.source == TextSource::Ocr) {
            read_table_structures(engine, image, &mut read.page, proposals);
        }
    }
    // After the table model, so that a label in its tables keeps to its row.
    analysis::extract_fields(&mut read.page, extract);
    // Signatures, where the layout was analysed: what no line, seal or picture explains.
    if let (Some(_), Some(image), TextSource::Ocr) = (&proposals, read.image.as_ref(), read.page.source) {
        let started = Instant::now();
        read.page.signatures = analysis::signatures::find_signatures(image, &read.page);
        let took = ms(started);
        read.page.timings.seals_ms += took;
        read.page.timings.total_ms += took;
    }
}

/// A passport's or visa's zone of which only one line was read (the detector
/// missed the other on a skewed photo): the places one line pitch above and below
/// it are read on `image` (which the lines' boxes are on), and the reading whose
/// zone passes the most check digits joins the lines, in its place above or below.
/// The check digits decide, so nothing is added that the zone does not confirm.
/// Whether the model was run.
pub fn complete_zone(engine: &OcrEngine, image: &RgbImage, lines: &mut Vec<Line>) -> bool {
    let Some((lone, places)) = analysis::mrz::missing_line_places(lines) else {
        return false;
    };
    let quads: Vec<_> = places.iter().map(|(q, _)| *q).collect();
    let Ok(readings) = engine.read_places(image, &quads) else {
        return true;
    };
    let checks_with = |line: &Line| {
        let mut with = lines.clone();
        with.push(line.clone());
        analysis::mrz::read_mrz(&with).map_or(0, |zone| zone.checks_passed)
    };
    let best = places
        .iter()
        .zip(readings)
        .filter(|(_, (text, _))| !text.trim().is_empty())
        .map(|(&(quad, above), (text, confidence))| {
            let line = Line::read(text, quad, confidence, 0.0);
            (checks_with(&line), line, above)
        })
        .filter(|(checks, _, _)| *checks > 0)
        .max_by_key(|(checks, _, _)| *checks);
    if let Some((_, line, above)) = best {
        lines.insert(if above { lone } else { lone + 1 }, line);
    }
    true
}

/// The tables' structure as the table model reads it (`image`: the page laid level,
/// as the layout model and the tables saw it): first where the layout model
/// proposes a table, then for each table found from rules or alignment that it did
/// not see as one. [`analysis::table::adopt_structures`] decides between the
/// model's grid and the rules'. A table the model cannot read costs a page warning.
fn read_table_structures(engine: &OcrEngine, image: &RgbImage, page: &mut Page, proposals: &[LayoutProposal]) {
    let started = Instant::now();
    let read = |bounds: [f32; 4], warnings: &mut Vec<String>| {
        engine
            .read_table_structure(image, bounds)
            .map_err(|e| {
                warnings.push(format!(
                    "a table on this page could not be read by the table model: {e}"
                ))
            })
            .ok()
            .flatten()
            .map(|structure| LayoutProposal {
                kind: RegionKind::Table,
                bounds,
                score: 1.0,
                structure: Some(structure),
            })
    };
    let proposed: Vec<LayoutProposal> = proposals
        .iter()
        .filter(|p| p.kind == RegionKind::Table)
        .filter_map(|p| read(p.bounds, &mut page.warnings))
        .collect();
    analysis::table::adopt_structures(page, &proposed);
    let unseen: Vec<[f32; 4]> = page
        .tables
        .iter()
        .filter(|t| t.kind != TableKind::Model)
        .filter(|t| !proposed.iter().any(|p| analysis::table::same_table(&p.bounds, &t.bbox)))
        .map(|t| t.bbox)
        .collect();
    let found: Vec<LayoutProposal> = unseen.into_iter().filter_map(|b| read(b, &mut page.warnings)).collect();
    analysis::table::adopt_structures(page, &found);
    let took = ms(started);
    page.timings.tables_ms += took;
    page.timings.total_ms += took;
}

/// Test builds only: the analysis of the file named by `OCRDESK_TEST_PANIC_IN_ANALYSIS`
/// panics, so that tests can show that a bug costs one file and not the batch.
#[cfg(debug_assertions)]
fn panic_if_asked(path: &Path) {
    if let Some(name) = std::env::var_os("OCRDESK_TEST_PANIC_IN_ANALYSIS")
        && path.file_name() == Some(name.as_os_str())
    {
        panic!(
            "deliberate panic in the analysis of {} (OCRDESK_TEST_PANIC_IN_ANALYSIS)",
            path.display()
        );
    }
}

/// Opens `path` and reads every page with `engine`.
pub fn read_file(engine: &OcrEngine, path: &Path) -> Result<Document, ReadError> {
    read_document(engine, path, &OpenOptions::default(), |_| ())
}

/// Opens `path` and reads its selected pages: text-layer pages from their layer,
/// all others with `engine`. `on_page` sees each page as soon as it is read.
pub fn read_document(
    engine: &OcrEngine,
    path: &Path,
    options: &OpenOptions,
    mut on_page: impl FnMut(&Page),
) -> Result<Document, ReadError> {
    read_and_extract(engine, path, options, Extract::default(), |read| on_page(&read.page))
}

/// Like [`read_document`], and runs the analyses in `extract` on each page while
/// its image is at hand; `on_page` sees the page analysed, with its image.
pub fn read_and_extract(
    engine: &OcrEngine,
    path: &Path,
    options: &OpenOptions,
    extract: Extract,
    on_page: impl FnMut(&PageRead),
) -> Result<Document, ReadError> {
    read_and_extract_from(engine, path, None, options, extract, on_page)
}

/// Like [`read_and_extract`] for a document already in memory (a request's body):
/// `name` stands for it in errors and in the document's `source`.
pub fn read_bytes_and_extract(
    engine: &OcrEngine,
    name: &Path,
    bytes: &[u8],
    options: &OpenOptions,
    extract: Extract,
) -> Result<Document, ReadError> {
    read_and_extract_from(engine, name, Some(bytes), options, extract, |_| ())
}

fn read_and_extract_from(
    engine: &OcrEngine,
    path: &Path,
    bytes: Option<&[u8]>,
    options: &OpenOptions,
    extract: Extract,
    mut on_page: impl FnMut(&PageRead),
) -> Result<Document, ReadError> {
    let mut pages = Vec::new();
    let page_count = guarded(path, || {
        read_pages_unguarded(engine, path, bytes, options, |mut read| {
            analyse(engine, path, &mut read, extract);
            on_page(&read);
            pages.push(read.page);
            ControlFlow::Continue(())
        })
    })?;
    Ok(Document {
        source: path.display().to_string(),
        page_count,
        pages,
    })
}

/// One page just read, with what a viewer needs to show it.
pub struct PageRead {
    pub page: Page,
    /// The page image: always for OCR'd pages, for text-layer pages only when
    /// [`OpenOptions::render_text_pages`] is set.
    pub image: Option<RgbImage>,
    /// The page laid upright and level, when the engine turned it to read it:
    /// for the analyses, dropped once they ran.
    pub level_view: Option<RgbImage>,
    /// What each stage of the engine produced, when its `trace` option is on.
    pub trace: Option<Box<PageTrace>>,
    /// The blocks the layout model proposed on the page as the engine read it (none
    /// on a text-layer page: its regions come from its lines); `None` when the
    /// engine has no layout model. Taken by [`analyse`].
    pub layout: Option<Vec<LayoutProposal>>,
    /// The seals found on the page, as found (`page.seals` has what was read in them).
    pub found_seals: Vec<FoundSeal>,
    /// Position among the selected pages (0-based) and how many were selected.
    pub position: usize,
    pub selected: usize,
}

/// Reads the selected pages of `path` one at a time and hands each to `on_page`,
/// which may stop the reading (to cancel it). Returns the document's page count.
/// A panic anywhere in it (opening, reading, `on_page`) is this file's error.
pub fn read_pages(
    engine: &OcrEngine,
    path: &Path,
    options: &OpenOptions,
    on_page: impl FnMut(PageRead) -> ControlFlow<()>,
) -> Result<usize, ReadError> {
    guarded(path, || read_pages_unguarded(engine, path, None, options, on_page))
}

/// Reads `bytes`, or the file at `path` when `None`.
fn read_pages_unguarded(
    engine: &OcrEngine,
    path: &Path,
    bytes: Option<&[u8]>,
    options: &OpenOptions,
    mut on_page: impl FnMut(PageRead) -> ControlFlow<()>,
) -> Result<usize, ReadError> {
    let mut failure = None;
    let mut opened = Instant::now();
    let mut each_page = |source: document::SourcePage| {
        let decode_ms = ms(opened);
        let read = match source.content {
            PageContent::Image(image) => engine.read(&image).and_then(|mut text| {
                let trace = text.trace.take();
                let level_view = text.level_view.take();
                // A page of a few lines (a street sign, a label) has one way to read
                // it; its regions come from its lines without the model's time.
                let (proposals, layout_ms) = if text.lines.len() >= LAYOUT_MIN_LINES {
                    engine.propose_layout(level_view.as_ref().unwrap_or(&image))?
                } else {
                    (Vec::new(), 0.0)
                };
                text.timings.layout_ms = layout_ms;
                text.timings.total_ms += layout_ms;
                let mut warnings = source.warnings;
                let (found_seals, seals, seals_ms) = seals_of(engine, &image, &mut warnings);
                text.timings.seals_ms = seals_ms;
                text.timings.total_ms += seals_ms;
                let page = Page {
                    index: source.index,
                    width: image.width(),
                    height: image.height(),
                    orientation: text.orientation,
                    source: TextSource::Ocr,
                    lines: text.lines,
                    fields: Vec::new(),
                    tables: Vec::new(),
                    warnings,
                    regions: Vec::new(),
                    seals,
                    signatures: Vec::new(),
                    timings: text.timings,
                };
                let layout = engine.has_layout().then_some(proposals);
                Ok((page, Some(image), level_view, trace, layout, found_seals))
            }),
            PageContent::Text(mut layer) => {
                let image = layer.image.take();
                let layout = engine.has_layout().then(Vec::new);
                Ok((
                    text_layer_page(source.index, layer),
                    image,
                    None,
                    None,
                    layout,
                    Vec::new(),
                ))
            }
        };
        match read {
            Ok((mut page, image, level_view, trace, layout, found_seals)) => {
                page.timings.decode_ms = decode_ms;
                page.timings.total_ms += decode_ms;
                let flow = on_page(PageRead {
                    page,
                    image,
                    level_view,
                    trace,
                    layout,
                    found_seals,
                    position: source.position,
                    selected: source.selected,
                });
                opened = Instant::now();
                flow
            }
            Err(source) => {
                failure = Some(ReadError::Ocr {
                    path: path.display().to_string(),
                    source,
                });
                ControlFlow::Break(())
            }
        }
    };
    let page_count = match bytes {
        Some(bytes) => document::for_each_page_of(path, bytes, options, &mut each_page)?,
        None => document::for_each_page(path, options, &mut each_page)?,
    };
    match failure {
        Some(e) => Err(e),
        None => Ok(page_count),
    }
}

/// The seals on a page image and their ring text, and the time taken, when the
/// engine analyses layout (the seals' own lines become stamp regions there). A
/// seal that cannot be read costs the page its seals and a warning, not the file.
fn seals_of(engine: &OcrEngine, image: &RgbImage, warnings: &mut Vec<String>) -> (Vec<FoundSeal>, Vec<Seal>, f64) {
    if !engine.has_layout() {
        return (Vec::new(), Vec::new(), 0.0);
    }
    read_seals(engine, image).unwrap_or_else(|e| {
        warnings.push(format!("the seals on this page could not be read: {e}"));
        (Vec::new(), Vec::new(), 0.0)
    })
}

/// The seals on a page image and their ring text, and the time taken.
fn read_seals(engine: &OcrEngine, image: &RgbImage) -> Result<(Vec<FoundSeal>, Vec<Seal>, f64), OcrError> {
    let started = Instant::now();
    let found = analysis::seals::find_seals(image);
    let candidates: Vec<Vec<RgbImage>> = found.iter().map(|s| analysis::seals::ring_strips(image, s)).collect();
    let to_read: Vec<RgbImage> = candidates.iter().flatten().cloned().collect();
    let (read, _) = engine.read_strips(&to_read)?;
    let mut read = read.into_iter();
    let seals = found
        .iter()
        .zip(&candidates)
        .map(|(f, strips)| {
            // The surer of the candidate readings of the ring.
            let (text, text_confidence) = read
                .by_ref()
                .take(strips.len())
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap_or_default();
            Seal {
                quad: f.quad(image.width(), image.height()),
                shape: f.shape,
                colour: f.colour,
                text,
                confidence: f.outline,
                text_confidence,
                line_ids: Vec::new(),
            }
        })
        .collect();
    Ok((found, seals, ms(started)))
}

/// A page read from a PDF text layer: its lines in reading order, sure of every character.
fn text_layer_page(index: usize, layer: TextLayerPage) -> Page {
    let quads: Vec<_> = layer.lines.iter().map(|l| l.quad).collect();
    let mut lines: Vec<Option<_>> = layer.lines.into_iter().map(Some).collect();
    let lines = reading_order(&quads)
        .into_iter()
        .filter_map(|i| lines[i].take())
        .map(|l| Line::read(l.text, l.quad, 1.0, 1.0))
        .collect();
    Page {
        index,
        width: layer.width,
        height: layer.height,
        // The layer's own geometry: PDFium renders the page as its /Rotate says.
        orientation: PageOrientation {
            confidence: 1.0,
            ..PageOrientation::default()
        },
        source: TextSource::TextLayer,
        lines,
        fields: Vec::new(),
        tables: Vec::new(),
        warnings: Vec::new(),
        regions: Vec::new(),
        seals: Vec::new(),
        signatures: Vec::new(),
        timings: StageTimings::default(),
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Reads many files on `workers` threads sharing one engine (build it with
/// [`crate::ocr::Parallelism::AcrossPages`] so that each has sessions of its own).
/// `on_page` sees each page as it is analysed, on the worker that read it (for
/// `--debug-dir`); `on_result` runs on the calling thread as each file finishes,
/// with the file's index in `paths`. A failed file never stops the others.
pub fn read_files(
    engine: &OcrEngine,
    paths: &[PathBuf],
    options: &OpenOptions,
    extract: Extract,
    workers: usize,
    on_page: &(dyn Fn(&Path, &PageRead) + Sync),
    mut on_result: impl FnMut(usize, Result<Document, ReadError>),
) {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, paths.len().max(1)) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let read = read_and_extract(engine, path, options, extract, |page| on_page(path, page));
                    if tx.send((i, read)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, result) in rx {
            on_result(i, result);
        }
    });
}
