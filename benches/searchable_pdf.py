#!/usr/bin/env python3
"""Figures for `ocrdesk ocr --format pdf` (searchable PDF/A-2b), beside OCRmyPDF.

For every input (image or scanned PDF) this measures:
  1. consistency: pdftotext of our PDF against our `--format txt` output;
  2. word placement: share of pdftotext's words (-bbox) that lie on print (ink under the
     box along most of its length, on the page rendered by pdftoppm) and are words we read;
  3. validity: `qpdf --check` and the PDF/A-2 identification in the XMP metadata;
  4. size: our PDF against the input file;
  5. time: `--format pdf` against `--format json` on the same input;
  6. beside OCRmyPDF: time, size, and CER / word-F1 of pdftotext of both PDFs
     against the ground truth (NAME.gt.json beside each input).
Prints one table per group, per subset (folder/prefix, e.g. docs/funsd) and overall.
Progress goes to stderr. Standard library only; asserts nothing.

    python3 benches/searchable_pdf.py [--no-ocrmypdf] [--limit N] [FOLDER|FILE ...]
"""

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

# The repository root: default paths and the binary are relative to it, not to the caller's cwd.
REPO = Path(__file__).resolve().parent.parent
# The release binary; the wrapper (benches/searchable_pdf.sh) builds it.
BINARY = REPO / "target" / "release" / "ocrdesk"
# The evaluation data beside the checkout, as in the other benches.
DEFAULT_INPUTS = ["../shared/eval/docs", "../shared/eval/zhdocs", "../shared/eval/pdfs/scan_*.pdf"]
# Threads for both tools: the benchmark machine has 2 cores.
THREADS = "2"
# File types `ocrdesk ocr` reads; anything else in a folder (e.g. NAME.gt.json) is passed over.
INPUT_EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".pdf"}
# JPEG inputs get their own size line: a PDF should hold the JPEG as is (DCT pass-through).
JPEG_EXTENSIONS = {".jpg", ".jpeg"}
# Tesseract languages for the ground truth's "lang" (absent in the PDF truths: English).
TESSERACT_LANGS = {"en": "eng", "zh": "chi_sim+eng"}
# Resolution OCRmyPDF assumes for images without one, the same as ocrdesk places them at.
IMAGE_DPI = "300"
# An OCRmyPDF run longer than this counts as failed (so one bad input cannot stall the run).
OCRMYPDF_TIMEOUT_S = 900
# The goals, printed under the tables and used to list the inputs that miss them.
GOAL_CONSISTENCY = 0.02
GOAL_WORDS_IN_BOX = 0.90
# A pixel this much darker than the page's paper (its median grey) is ink: faint thermal
# print on a grey receipt still is, paper texture and JPEG noise are not.
INK_SHARE_OF_PAPER = 0.8
# Share of a word box's length its ink must span: a box off its word by half its length fails.
INK_SPAN = 0.5
# Pages are rendered this fine to look for ink: 6-pt print is still 12 px high.
RENDER_DPI = 144
GOAL_JPEG_SIZE = 1.3
GOAL_OVERHEAD = 0.05
# PDF/A-2 identification in XMP, as element (what ocrdesk writes) or as attribute.
PDFA2_ID = re.compile(r'pdfaid:part(?:>\s*|="\s*)2\b')
# One page or one word of `pdftotext -bbox` (XHTML), in document order.
BBOX_ITEM = re.compile(
    r'<page width="([-\d.]+)" height="([-\d.]+)">'
    r'|<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>',
    re.S,
)
# CJK characters (ideographs, kana, CJK and full-width punctuation), each a word of its own in word-F1.
CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002ffff"
WORD_TOKEN = re.compile(f"[{CJK}]|[^\\s{CJK}]+")


def log(message):
    """Print a progress line to stderr."""
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Inputs and ground truth


def collect_inputs(arguments, limit):
    """The input files named by `arguments` (folders, files, glob patterns), relative paths taken
    from the repository root; with `limit`, only the first `limit` (sorted) of each folder."""
    per_folder = {}
    for argument in arguments:
        path = Path(argument)
        if not path.is_absolute():
            path = REPO / path
        if any(ch in argument for ch in "*?["):
            found = sorted(path.parent.glob(path.name))
        elif path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            found = [path]
        else:
            log(f"warning: {argument} not found, skipped")
            continue
        for file in found:
            if file.suffix.lower() in INPUT_EXTENSIONS:
                files = per_folder.setdefault(file.parent, [])
                if file not in files:
                    files.append(file)
    inputs = []
    for files in per_folder.values():
        inputs.extend(files[:limit] if limit else files)
    return inputs


def subset_of(path):
    """The subset an input belongs to: folder name and the file-name prefix before `_`."""
    return f"{path.parent.name}/{path.stem.split('_')[0]}"


def load_truth(path):
    """(reference text, language) from NAME.gt.json beside the input, or (None, "en") when it
    has no transcription. Line truths: the non-ignored lines joined with spaces, in file order;
    PDF truths: the per-page texts or the reference text."""
    gt_path = path.with_name(path.stem + ".gt.json")
    if not gt_path.is_file():
        return None, "en"
    truth = json.loads(gt_path.read_text(encoding="utf-8"))
    lang = truth.get("lang") or "en"
    if truth.get("lines") is not None:
        text = " ".join(line["text"] for line in truth["lines"] if not line.get("ignore"))
    elif truth.get("pages"):
        text = " ".join(truth["pages"])
    else:
        text = truth.get("reference_text")
    return (text if text and text.strip() else None), lang


# ---------------------------------------------------------------------------------------------
# Text measures


def levenshtein(a, b):
    """Edit distance between two strings, on code points (insert, delete, substitute: 1 each).
    A common prefix and suffix are cut first (they do not change the distance), then Hyyrö's
    bit-parallel algorithm (Myers 1999): one pass over `b` with `a` held as bit vectors in
    Python integers, so a whole 60-page document compares in seconds."""
    shortest = min(len(a), len(b))
    start = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    a, b = a[start:len(a) - end], b[start:len(b) - end]
    if not a or not b:
        return len(a) + len(b)
    full = (1 << len(a)) - 1
    last = 1 << (len(a) - 1)
    positions = {}  # character -> bit i set where a[i] is it
    for i, char in enumerate(a):
        positions[char] = positions.get(char, 0) | (1 << i)
    plus, minus, score = full, 0, len(a)  # vertical deltas +1 / -1, distance at the last row
    for char in b:
        equal = positions.get(char, 0)
        vertical = equal | minus
        horizontal = ((((equal & plus) + plus) & full) ^ plus) | equal
        h_plus = minus | (~(horizontal | plus) & full)
        h_minus = plus & horizontal
        if h_plus & last:
            score += 1
        elif h_minus & last:
            score -= 1
        h_plus = ((h_plus << 1) | 1) & full
        h_minus = (h_minus << 1) & full
        plus = h_minus | (~(vertical | h_plus) & full)
        minus = h_plus & vertical
    return score


def collapse_whitespace(text):
    """All whitespace runs (spaces, newlines, form feeds, …) to one space, stripped."""
    return " ".join(text.split())


def normalised_distance(a, b):
    """Edit distance over the longer length (0 when both are empty)."""
    longest = max(len(a), len(b))
    return levenshtein(a, b) / longest if longest else 0.0


def squeeze(text):
    """Lower-cased, all whitespace removed: the form CER compares (layout does not count,
    reading order does)."""
    return "".join(text.lower().split())


def cer(hypothesis, reference):
    """Character error rate of `hypothesis` against a non-empty `reference`, both squeezed."""
    ref = squeeze(reference)
    return levenshtein(squeeze(hypothesis), ref) / len(ref)


def words_of(text):
    """Bag of lower-cased whitespace-separated words; each CJK character is a word of its own."""
    return Counter(WORD_TOKEN.findall(text.lower()))


def word_f1(hypothesis, reference):
    """Order-free word F1 between two texts (bags of words)."""
    hyp, ref = words_of(hypothesis), words_of(reference)
    common = sum((hyp & ref).values())
    if not common:
        return 0.0
    precision = common / sum(hyp.values())
    recall = common / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


# ---------------------------------------------------------------------------------------------
# Running the tools


def run(command, timeout=None):
    """Run a command; (seconds of wall time, CompletedProcess with text output)."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=timeout)
    return time.perf_counter() - start, done


def ocrdesk(file, fmt, out_dir=None):
    """Run `ocrdesk ocr --format FMT` on one file (into `out_dir` when given);
    (seconds, stdout). Raises RuntimeError when it fails."""
    command = [str(BINARY), "ocr", "--threads", THREADS, "--format", fmt]
    if out_dir is not None:
        command += ["--out", str(out_dir)]
    seconds, done = run(command + [str(file)])
    if done.returncode != 0:
        raise RuntimeError(f"ocrdesk --format {fmt} exited {done.returncode}: {last_line(done.stderr)}")
    return seconds, done.stdout


def only_file(folder, suffix):
    """The one file with `suffix` that a run wrote into `folder`."""
    found = sorted(folder.glob(f"*{suffix}"))
    if len(found) != 1:
        raise RuntimeError(f"expected one {suffix} in {folder}, found {len(found)}")
    return found[0]


def pdftotext(pdf, *options):
    """pdftotext's output for a PDF (UTF-8), with the given options."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(pdf), "-"],
                          capture_output=True, text=True, errors="replace")
    if done.returncode != 0:
        raise RuntimeError(f"pdftotext {' '.join(options)} exited {done.returncode}: {last_line(done.stderr)}")
    return done.stdout


def last_line(text):
    """The last non-empty line of a tool's message, for a one-line report."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def qpdf_check(pdf):
    """(True if `qpdf --check` passes without errors or warnings, first complaint or "")."""
    done = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True, errors="replace")
    if done.returncode == 0:
        return True, ""
    complaints = [line for line in (done.stdout + done.stderr).splitlines()
                  if "error" in line.lower() or "warning" in line.lower()]
    return False, f"exit {done.returncode}: " + (complaints[0] if complaints else last_line(done.stdout + done.stderr))


def has_pdfa2_id(pdf):
    """Whether `pdfinfo -meta` shows the PDF/A-2 identification (pdfaid:part 2)."""
    done = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, errors="replace")
    return bool(PDFA2_ID.search(done.stdout))


def run_ocrmypdf(file, lang, out_pdf, sidecar):
    """OCRmyPDF on one input into `out_pdf`, PDF/A output, Tesseract's own text into `sidecar`;
    (seconds, None) or (seconds, error)."""
    command = ["ocrmypdf", "-l", TESSERACT_LANGS.get(lang, "eng"), "--output-type", "pdfa",
               "--jobs", THREADS, "-q", "--sidecar", str(sidecar)]
    if file.suffix.lower() == ".pdf":
        command.append("--force-ocr")  # scanned PDFs: OCR every page
    else:
        command += ["--image-dpi", IMAGE_DPI]
    try:
        seconds, done = run(command + [str(file), str(out_pdf)], timeout=OCRMYPDF_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return OCRMYPDF_TIMEOUT_S, f"timed out after {OCRMYPDF_TIMEOUT_S} s"
    if done.returncode != 0 or not out_pdf.is_file():
        return seconds, f"exit {done.returncode}: {last_line(done.stderr)}"
    return seconds, None


# ---------------------------------------------------------------------------------------------
# Word placement


def bbox_pages(bbox_xhtml):
    """Pages of `pdftotext -bbox`: [(width_pt, height_pt, [(word, x0, y0, x1, y1), …]), …],
    coordinates in points from the top-left corner."""
    pages = []
    for match in BBOX_ITEM.finditer(bbox_xhtml):
        if match.group(1) is not None:
            pages.append((float(match.group(1)), float(match.group(2)), []))
        elif pages:
            x0, y0, x1, y1 = (float(match.group(k)) for k in range(3, 7))
            pages[-1][2].append((html.unescape(match.group(7)), x0, y0, x1, y1))
    return pages


def read_pgm(path):
    """(width, height, bytes) of a binary 8-bit PGM (what `pdftoppm -gray` writes)."""
    data = path.read_bytes()
    fields, at = [], 0
    while len(fields) < 4:
        while data[at:at + 1].isspace():
            at += 1
        if data[at:at + 1] == b"#":
            at = data.index(b"\n", at)
            continue
        end = at
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    if fields[0] != b"P5" or int(fields[3]) > 255:
        raise RuntimeError(f"{path}: not an 8-bit binary PGM")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[at + 1:at + 1 + width * height]


def on_print(page_image, box):
    """Whether the printed ink under `box` (points from the top-left; the page rendered at
    RENDER_DPI) spans at least INK_SPAN of the box along its longer side: a highlight there
    lands on printed text."""
    width, height, pixels, ink_below = page_image
    x0, y0, x1, y1 = (int(round(v * RENDER_DPI / 72)) for v in box)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    if x1 <= x0 or y1 <= y0:
        return False
    columns, rows = set(), set()
    for y in range(y0, y1):
        row = pixels[y * width + x0:y * width + x1]
        for x, value in enumerate(row):
            if value < ink_below:
                columns.add(x)
                rows.add(y)
    if not columns:
        return False
    along_x = (max(columns) - min(columns) + 1) / (x1 - x0)
    along_y = (max(rows) - min(rows) + 1) / (y1 - y0)
    return (along_x if x1 - x0 >= y1 - y0 else along_y) >= INK_SPAN


def pages_kept(source, ours, work):
    """(pages of `ours` that pdftoppm renders exactly as the same page of `source` at 50 dpi,
    pages). A page turned upright or shown level differs on purpose."""
    renders = []
    for name, pdf in (("source", source), ("ours", ours)):
        folder = work / f"kept-{name}"
        folder.mkdir()
        subprocess.run(["pdftoppm", "-r", "50", "-gray", str(pdf), str(folder / "p")], check=True)
        renders.append(sorted(folder.glob("p*.pgm")))
    kept = sum(a.read_bytes() == b.read_bytes() for a, b in zip(*renders))
    return kept, len(renders[0])


def word_placement(result_json, bbox_xhtml, pdf, work):
    """Share of our PDF's words (pdftotext -bbox) that lie on print: the page rendered
    (pdftoppm, RENDER_DPI) has ink under the word's box along most of its length, and the
    word is in the text of a line we read. This needs no knowledge of how the page was
    laid out (scaled, turned level, rotated, copied from a PDF), so every page counts.
    Returns (words placed, words counted, pages skipped (always 0), [sample of misplaced words])."""
    placed = counted = 0
    misplaced = []
    json_pages = result_json["pages"]
    pdf_pages = bbox_pages(bbox_xhtml)
    if len(pdf_pages) != len(json_pages):
        raise RuntimeError(f"our PDF has {len(pdf_pages)} pages, the JSON {len(json_pages)}")
    prefix = work / "render"
    subprocess.run(["pdftoppm", "-r", str(RENDER_DPI), "-gray", str(pdf), str(prefix)], check=True)
    images = sorted(work.glob("render*.pgm"))
    if len(images) != len(pdf_pages):
        raise RuntimeError(f"pdftoppm rendered {len(images)} pages of {len(pdf_pages)}")
    for page, (_, _, words), image in zip(json_pages, pdf_pages, images):
        width, height, pixels = read_pgm(image)
        histogram = Counter(pixels)
        paper, seen = 255, 0
        for grey in sorted(histogram):
            seen += histogram[grey]
            if seen * 2 >= len(pixels):
                paper = grey
                break
        page_image = (width, height, pixels, paper * INK_SHARE_OF_PAPER)
        texts = {word for line in page["lines"] for word in line["text"].split()}
        lines = [line["text"] for line in page["lines"]]

        def read_here(word):
            # pdftotext cuts runs without spaces (Chinese) its own way: a piece of a line counts.
            return word in texts or any(word in line for line in lines)

        for word, x0, y0, x1, y1 in words:
            if not word.strip():
                # A blank "word": the bridge that keeps a row whole for text readers
                # (export::pdf::layout::bridge_rows). No text, nothing to highlight.
                continue
            counted += 1
            if read_here(word) and on_print(page_image, (x0, y0, x1, y1)):
                placed += 1
            elif len(misplaced) < 3:
                reason = "in no line's text" if not read_here(word) else f"({x0:.0f},{y0:.0f})-({x1:.0f},{y1:.0f}) pt not on print"
                misplaced.append(f"{word!r} {reason}")
    return placed, counted, 0, misplaced


# ---------------------------------------------------------------------------------------------
# One input


def measure(file, work, use_ocrmypdf):
    """All measures for one input, as a dict; work files go under `work` (removed after)."""
    result = {"file": file, "subset": subset_of(file), "input_bytes": file.stat().st_size,
              "jpeg": file.suffix.lower() in JPEG_EXTENSIONS}
    work.mkdir(parents=True)
    try:
        # 5. Time: JSON first, then PDF, one after the other, same threads.
        result["t_json"], _ = ocrdesk(file, "json", work / "json")
        result["t_pdf"], _ = ocrdesk(file, "pdf", work / "pdf")
        our_json = json.loads(only_file(work / "json", ".json").read_text(encoding="utf-8"))
        our_pdf = only_file(work / "pdf", ".pdf")
        _, our_txt = ocrdesk(file, "txt")

        # 1. Consistency of the text layer with the text we read.
        our_pdftotext = pdftotext(our_pdf)
        result["consistency"] = normalised_distance(collapse_whitespace(our_pdftotext),
                                                    collapse_whitespace(our_txt))
        # ... and in content-stream order (-raw: what copy-all gives in most viewers),
        # apart from pdftotext's own layout analysis, which reorders columns.
        result["consistency_raw"] = normalised_distance(collapse_whitespace(pdftotext(our_pdf, "-raw")),
                                                        collapse_whitespace(our_txt))
        # 2. Word placement.
        (result["placed"], result["words"], result["skipped_pages"],
         result["misplaced"]) = word_placement(our_json, pdftotext(our_pdf, "-bbox"), our_pdf, work)
        # 3. Validity.
        result["qpdf_ok"], result["qpdf_message"] = qpdf_check(our_pdf)
        result["pdfa_id"] = has_pdfa2_id(our_pdf)
        # 4. Size.
        result["size"] = our_pdf.stat().st_size / result["input_bytes"]
        # 4b. A PDF input's pages as they were: poppler renders them the same.
        if file.suffix.lower() == ".pdf":
            result["kept"], result["pages"] = pages_kept(file, our_pdf, work)

        # 6. Beside OCRmyPDF, against the ground truth.
        reference, lang = load_truth(file)
        if reference is not None:
            result["cer"] = cer(our_pdftotext, reference)
            result["f1"] = word_f1(our_pdftotext, reference)
        if use_ocrmypdf:
            their_pdf, their_sidecar = work / "ocrmypdf.pdf", work / "ocrmypdf.txt"
            result["t_ocrmypdf"], result["ocrmypdf_error"] = run_ocrmypdf(file, lang, their_pdf, their_sidecar)
            if result["ocrmypdf_error"] is None:
                result["size_ocrmypdf"] = their_pdf.stat().st_size / result["input_bytes"]
                try:
                    their_text = pdftotext(their_pdf)
                except RuntimeError as error:  # their PDF unreadable: their failure, not ours
                    result["ocrmypdf_error"] = str(error)
                else:
                    # The same consistency check as ours: their pdftotext against Tesseract's text.
                    sidecar_text = their_sidecar.read_text(encoding="utf-8", errors="replace")
                    result["consistency_ocrmypdf"] = normalised_distance(collapse_whitespace(their_text),
                                                                         collapse_whitespace(sidecar_text))
                    if reference is not None:
                        result["cer_ocrmypdf"] = cer(their_text, reference)
                        result["f1_ocrmypdf"] = word_f1(their_text, reference)
    except (RuntimeError, OSError, ValueError, KeyError) as error:
        result["error"] = str(error)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def progress_line(index, total, result):
    """One stderr line on how an input went."""
    name = f"{result['file'].parent.name}/{result['file'].name}"
    if "error" in result:
        return f"[{index}/{total}] {name}: FAILED: {result['error']}"
    parts = [f"json {result['t_json']:.1f}s", f"pdf {result['t_pdf']:.1f}s",
             f"txt≈pdf {result['consistency']:.3f}",
             f"on print {result['placed']}/{result['words']}", f"×{result['size']:.2f}"]
    if "kept" in result:
        parts.append(f"pages as they were {result['kept']}/{result['pages']}")
    if "cer" in result:
        parts.append(f"CER {result['cer']:.3f}")
    if "t_ocrmypdf" in result:
        if result["ocrmypdf_error"]:
            parts.append(f"ocrmypdf FAILED ({result['ocrmypdf_error']})")
        else:
            parts.append(f"ocrmypdf {result['t_ocrmypdf']:.1f}s")
            if "cer_ocrmypdf" in result:
                parts.append(f"CER {result['cer_ocrmypdf']:.3f}")
    return f"[{index}/{total}] {name}: " + ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# Tables


def mean(values):
    """Arithmetic mean, None for no values."""
    return sum(values) / len(values) if values else None


def fmt(value, pattern, missing="–"):
    """`pattern` applied to a value, or `missing` for None."""
    return missing if value is None else pattern.format(value)


def print_table(headers, rows):
    """A plain text table: first column left-aligned, the others too, padded to their widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    for row in [headers, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


def groups_of(results):
    """(label, results) per subset, in first-seen order, then all together."""
    subsets = {}
    for result in results:
        subsets.setdefault(result["subset"], []).append(result)
    groups = list(subsets.items())
    if len(groups) > 1:
        groups.append(("all", results))
    return groups


def pdf_table_row(label, results):
    """Row of the first table (our PDF: consistency, placement, validity, size, time)."""
    consistency = [r["consistency"] for r in results]
    raw = [r["consistency_raw"] for r in results]
    words = sum(r["words"] for r in results)
    placed = sum(r["placed"] for r in results)
    skipped = sum(r["skipped_pages"] for r in results)
    sizes = [r["size"] for r in results]
    t_json, t_pdf = sum(r["t_json"] for r in results), sum(r["t_pdf"] for r in results)
    return [
        label, len(results),
        f"{mean(consistency):.3f} / {max(consistency):.3f}",
        f"{mean(raw):.3f} / {max(raw):.3f}",
        fmt(placed / words if words else None, "{:.1%}"),
        skipped,
        f"{sum(r['qpdf_ok'] for r in results)}/{len(results)}",
        f"{sum(r['pdfa_id'] for r in results)}/{len(results)}",
        f"{mean(sizes):.2f}× / {max(sizes):.2f}×",
        f"{t_pdf / t_json - 1:+.1%}",
    ]


def comparison_row(label, results, use_ocrmypdf):
    """Row of the second table (beside OCRmyPDF). CER and F1 are over the inputs with a
    transcription (and, with OCRmyPDF, where it succeeded too, so both columns cover the same files)."""
    succeeded = [r for r in results if use_ocrmypdf and not r.get("ocrmypdf_error")]
    scored = [r for r in results if "cer" in r and (not use_ocrmypdf or "cer_ocrmypdf" in r)]

    def column(key, pattern, rows):
        return fmt(mean([r[key] for r in rows if key in r]), pattern)

    return [
        label, len(results), len(scored),
        column("cer", "{:.3f}", scored), column("cer_ocrmypdf", "{:.3f}", scored),
        column("f1", "{:.3f}", scored), column("f1_ocrmypdf", "{:.3f}", scored),
        column("size", "{:.2f}×", results), column("size_ocrmypdf", "{:.2f}×", succeeded),
        column("t_pdf", "{:.1f}", results), column("t_ocrmypdf", "{:.1f}", succeeded),
        column("consistency", "{:.3f}", succeeded if use_ocrmypdf else results),
        column("consistency_ocrmypdf", "{:.3f}", succeeded),
        f"{len(results) - len(succeeded)}" if use_ocrmypdf else "–",
    ]


def problems(results, use_ocrmypdf):
    """One line per input that failed or missed a goal, for finding out what went wrong."""
    lines = []
    for r in results:
        name = f"{r['file'].parent.name}/{r['file'].name}"
        if "error" in r:
            lines.append(f"{name}: ocrdesk run failed: {r['error']}")
            continue
        if r["consistency"] > GOAL_CONSISTENCY:
            lines.append(f"{name}: pdftotext differs from txt, distance {r['consistency']:.3f}")
        if r["words"] and r["placed"] / r["words"] < GOAL_WORDS_IN_BOX:
            lines.append(f"{name}: {r['placed']}/{r['words']} words on print; e.g. " + "; ".join(r["misplaced"]))
        if r["skipped_pages"]:
            lines.append(f"{name}: {r['skipped_pages']} rotated page(s) not checked for placement")
        if not r["qpdf_ok"]:
            lines.append(f"{name}: qpdf --check: {r['qpdf_message']}")
        if not r["pdfa_id"]:
            lines.append(f"{name}: no pdfaid:part 2 in the XMP metadata")
        if r["jpeg"] and r["size"] > GOAL_JPEG_SIZE:
            lines.append(f"{name}: PDF is {r['size']:.2f}× the JPEG")
        if use_ocrmypdf and r.get("ocrmypdf_error"):
            lines.append(f"{name}: ocrmypdf failed: {r['ocrmypdf_error']}")
    return lines


def report(results, use_ocrmypdf):
    """Print the tables and the list of inputs that missed a goal."""
    ok = [r for r in results if "error" not in r]
    if not ok:
        print("no input was read")
        return
    print("== Our searchable PDF (ocrdesk ocr --format pdf)")
    print_table(
        ["subset", "n", "pdftotext≈txt (mean/max)", "-raw≈txt (mean/max)", "words on print", "rot. pages skipped", "qpdf ok",
         "PDF/A id", "size ×input (mean/max)", "PDF overhead"],
        [pdf_table_row(label, rows) for label, rows in groups_of(ok)])
    jpeg_sizes = [r["size"] for r in ok if r["jpeg"]]
    if jpeg_sizes:
        print(f"JPEG inputs: {len(jpeg_sizes)}, PDF size ×input mean {mean(jpeg_sizes):.2f}×, "
              f"max {max(jpeg_sizes):.2f}×")
    print(f"goals: pdftotext≈txt ≤ {GOAL_CONSISTENCY}, words on print ≥ {GOAL_WORDS_IN_BOX:.0%}, "
          f"size ≤ {GOAL_JPEG_SIZE}× for JPEG inputs, PDF overhead < {GOAL_OVERHEAD:.0%} "
          f"(sum of pdf times / sum of json times − 1, model loading included)")
    print()
    print("== Beside OCRmyPDF" + (" (not run: --no-ocrmypdf)" if not use_ocrmypdf else "")
          + ": pdftotext of each PDF against the ground truth")
    print_table(
        ["subset", "n", "with gt", "CER ocrdesk", "CER ocrmypdf", "F1 ocrdesk", "F1 ocrmypdf",
         "size ocrdesk", "size ocrmypdf", "s/file ocrdesk", "s/file ocrmypdf",
         "pdftotext≈own text ocrdesk", "pdftotext≈own text ocrmypdf", "ocrmypdf failed"],
        [comparison_row(label, rows, use_ocrmypdf) for label, rows in groups_of(ok)])
    print("CER: lower-cased, whitespace removed, gt lines joined in file order; F1: bag of words "
          "(each CJK character a word); size: ×input file; s/file: wall time incl. model loading; "
          "pdftotext≈own text: default pdftotext of the PDF against the tool's own text "
          "(ours: --format txt; OCRmyPDF: its --sidecar, Tesseract's text), mean distance")
    notes = problems(results, use_ocrmypdf)
    if notes:
        print()
        print(f"== Inputs that failed or missed a goal ({len(notes)})")
        for note in notes:
            print(note)


# ---------------------------------------------------------------------------------------------


def main():
    """Parse the arguments, measure every input, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="*", default=DEFAULT_INPUTS,
                        help="folders, files or glob patterns (default: %(default)s, from the repo root)")
    parser.add_argument("--no-ocrmypdf", action="store_true", help="do not run OCRmyPDF beside")
    parser.add_argument("--limit", type=int, default=0, metavar="N",
                        help="only the first N inputs of each folder (for quick runs)")
    args = parser.parse_args()
    use_ocrmypdf = not args.no_ocrmypdf

    if not BINARY.is_file():
        sys.exit(f"{BINARY} not found: build it first (cargo build --release)")
    tools = ["pdftotext", "pdfinfo", "qpdf"] + (["ocrmypdf"] if use_ocrmypdf else [])
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        sys.exit(f"missing tools: {', '.join(missing)}")
    inputs = collect_inputs(args.inputs, args.limit)
    if not inputs:
        sys.exit("no inputs found")

    results = []
    with tempfile.TemporaryDirectory(prefix="searchable_pdf.") as temporary:
        for index, file in enumerate(inputs, 1):
            result = measure(file, Path(temporary) / str(index), use_ocrmypdf)
            log(progress_line(index, len(inputs), result))
            results.append(result)
    report(results, use_ocrmypdf)


if __name__ == "__main__":
    main()
