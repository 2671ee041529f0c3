#!/usr/bin/env python3
"""Smart documents on whole pages: text, reading order and layout regions of `ocrdesk ocr`
against ../shared/eval/layout (OmniDocBench pages: NAME.jpg beside NAME.gt.json, which holds
the page's `blocks`, each with category, box, reading `order` and `ignore`, and its reference
`markdown`).

    python3 benches/layout.py [FOLDER]

Runs `target/release/ocrdesk ocr` once per format (md, txt, json) over all pages, then prints:

1. Per page and their mean:
   - md, txt: normalised character edit distance (0 same, 1 nothing alike) between our
     `--format md` / `--format txt` output and the reference Markdown, both stripped of
     formulas, HTML and Markdown syntax and all whitespace: words read wrongly and text read
     out of order both count (a two-column page read straight across scores badly).
   - order: OmniDocBench's reading-order distance. Reference blocks in the reading flow
     (order set, not ignored, not `abandon`) are matched one-to-one to our regions with an
     order (best IoU first, IoU >= 0.5, kind not considered); the reference orders of the
     matched pairs, taken in our order, are compared with the same orders sorted: edit
     distance over the number of pairs (0 with fewer than 2 pairs, so read it with the
     "(matched/reference)" count beside it: a page we found no regions on also scores 0).
   - layout ms and its share of the page's total_ms (from `--format json` timings).
2. Regions per kind: reference and our counts, matched (one-to-one, same kind, IoU >= 0.5,
   best IoU first, summed over pages), precision and recall, and all kinds together.
   Reference categories map to our kinds as in KIND_OF_CATEGORY; the others are not
   scored, e.g. equation_caption (a formula's number "(1)": we have no such kind, and its
   text is read as part of the page all the same), abandon, and blocks marked ignore. Our
   sub_title counts as title (OmniDocBench's title covers headings at every level). Our
   regions left unmatched that lie on an unscored reference block (IoU >= 0.5) are not
   counted against precision: the reference does not say what they are.

Goals: md distance <= 0.15, order <= 0.15, layout under 10% of page OCR time.
Standard library only; asserts nothing. Needs target/release/ocrdesk (cargo build --release).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

# The same normalised edit distance as the searchable-PDF bench (bit-parallel Levenshtein).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from searchable_pdf import normalised_distance  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BINARY = REPO / "target" / "release" / "ocrdesk"
DEFAULT_FOLDER = REPO.parent / "shared" / "eval" / "layout"
# Formulas are left out of the comparison (the rule: they are not text to read).
FORMULA = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)
HTML_TAG = re.compile(r"<[^>]+>")
# Markdown syntax characters: headings, emphasis, table bars, code, quotes, rules.
MARKDOWN_SYNTAX = re.compile(r"[#*|`>_-]")
WHITESPACE = re.compile(r"\s+")
# OmniDocBench's threshold: a box must overlap its match more than it misses it.
MATCH_IOU = 0.5
# The goals.
GOAL_TEXT = 0.15
GOAL_ORDER = 0.15
GOAL_LAYOUT_SHARE = 0.10
# Reference (OmniDocBench) categories as our region kinds.
KIND_OF_CATEGORY = {
    "text_block": "text", "title": "title", "figure": "image", "figure_caption": "image_caption",
    "table": "table", "table_caption": "table_caption", "header": "header", "footer": "footer",
    "page_number": "page_number", "equation_isolated": "formula", "page_footnote": "footnote",
    "reference": "reference", "code_txt": "text", "list": "text",
}  # Any other category (equation_caption, abandon, text_mask, table_footnote, ...) is not scored.
# Our kinds scored as another (the reference has one kind for titles at every level).
SCORED_AS = {"sub_title": "title"}
OUR_KINDS = ["title", "text", "header", "footer", "page_number", "image", "image_caption",
             "table", "table_caption", "formula", "reference", "footnote", "stamp"]


def plain(text):
    """Text without formulas, markup or whitespace."""
    text = FORMULA.sub("", text)
    text = HTML_TAG.sub("", text)
    text = MARKDOWN_SYNTAX.sub("", text)
    return WHITESPACE.sub("", text)


def bounds(box):
    """Axis-aligned (x0, y0, x1, y1) of a box given as 8 numbers, 4 [x, y] points or 4 bounds."""
    flat = [v for point in box for v in point] if isinstance(box[0], (list, tuple)) else list(box)
    if len(flat) == 4:
        return tuple(flat)
    xs, ys = flat[0::2], flat[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def iou(a, b):
    """Intersection over union of two (x0, y0, x1, y1) boxes (0 when either is empty)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def greedy_matches(reference_boxes, our_boxes):
    """One-to-one pairs (reference index, our index) with IoU >= MATCH_IOU, best IoU first."""
    candidates = sorted(((iou(r, o), i, j) for i, r in enumerate(reference_boxes)
                         for j, o in enumerate(our_boxes)), reverse=True)
    used_reference, used_ours, pairs = set(), set(), []
    for overlap, i, j in candidates:
        if overlap < MATCH_IOU:
            break
        if i not in used_reference and j not in used_ours:
            used_reference.add(i)
            used_ours.add(j)
            pairs.append((i, j))
    return pairs


def sequence_distance(a, b):
    """Edit distance between two sequences (insert, delete, substitute: 1 each)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def order_distance(blocks, regions):
    """Reading-order distance of our ordered regions against the reference's ordered blocks,
    with the number of matched pairs and of reference blocks: (distance, matched, reference)."""
    reference = [b for b in blocks if b.get("order") is not None and not b.get("ignore")
                 and b.get("category") != "abandon"]
    ours = [r for r in regions if r.get("order") is not None]
    pairs = greedy_matches([bounds(b["box"]) for b in reference], [bounds(r["box"]) for r in ours])
    orders = [reference[i]["order"] for i, j in sorted(pairs, key=lambda p: ours[p[1]]["order"])]
    if len(orders) < 2:
        return 0.0, len(pairs), len(reference)
    return sequence_distance(orders, sorted(orders)) / len(orders), len(pairs), len(reference)


def scored_kind(block):
    """Our kind a reference block is scored as, or None when it is not scored."""
    if block.get("ignore"):
        return None
    return KIND_OF_CATEGORY.get(block.get("category"))


def region_counts(blocks, regions, counts):
    """Add one page to `counts`: kind -> [reference, ours, matched], same-kind greedy matching."""
    unscored = [bounds(b["box"]) for b in blocks if scored_kind(b) is None]
    ours = [(SCORED_AS.get(r.get("kind"), r.get("kind")), bounds(r["box"])) for r in regions]
    for kind in {scored_kind(b) for b in blocks} | {k for k, _ in ours}:
        if kind is None:
            continue
        reference = [bounds(b["box"]) for b in blocks if scored_kind(b) == kind]
        mine = [box for k, box in ours if k == kind]
        pairs = greedy_matches(reference, mine)
        matched = {j for _, j in pairs}
        # Unmatched regions on an unscored reference block are left out of precision.
        counted = [j for j, box in enumerate(mine) if j in matched
                   or not any(iou(box, u) >= MATCH_IOU for u in unscored)]
        counts[kind][0] += len(reference)
        counts[kind][1] += len(counted)
        counts[kind][2] += len(pairs)


def page_regions(page, width, height):
    """The page's regions with boxes as bounds in the reference's pixels (scaled if the page
    we read was a different size)."""
    sx = width / page["width"] if page.get("width") else 1.0
    sy = height / page["height"] if page.get("height") else 1.0
    regions = []
    for region in page.get("regions") or []:
        x0, y0, x1, y1 = bounds(region["box"])
        regions.append(dict(region, box=(x0 * sx, y0 * sy, x1 * sx, y1 * sy)))
    return regions


def ratio(part, whole):
    """part / whole as text, or '-' when whole is 0."""
    return f"{part / whole:.3f}" if whole else "-"


def run_ocr(fmt, images, out):
    """One `ocrdesk ocr --format FMT` over all images into `out`; exits if it fails."""
    environment = dict(os.environ, ORT_DISABLE_TELEMETRY="1")
    command = [str(BINARY), "ocr", "--format", fmt, "--out", str(out), *map(str, images)]
    result = subprocess.run(command, env=environment, stdout=subprocess.DEVNULL)
    if result.returncode != 0:
        sys.exit(f"ocrdesk ocr --format {fmt} failed (exit {result.returncode})")


def read_output(path):
    """Text of one output file; exits naming it if the binary did not write it."""
    if not path.exists():
        sys.exit(f"ocrdesk wrote no {path.name}")
    return path.read_text(encoding="utf-8")


def main():
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER
    if not BINARY.exists():
        sys.exit(f"{BINARY} not found: cargo build --release")
    images = sorted(folder.glob("*.jpg"))
    truths = [i.with_name(i.stem + ".gt.json") for i in images]
    unpaired = [str(i) for i, t in zip(images, truths) if not t.exists()]
    unpaired += [str(t) for t in sorted(folder.glob("*.gt.json")) if t not in truths]
    if unpaired or not images:
        sys.exit(f"each page needs NAME.jpg beside NAME.gt.json in {folder}; unpaired: {', '.join(unpaired) or 'no pages'}")
    rows, counts = [], defaultdict(lambda: [0, 0, 0])
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory)
        for fmt in ("md", "txt", "json"):
            run_ocr(fmt, images, out)
        for truth, image in zip(truths, images):
            reference = json.loads(truth.read_text(encoding="utf-8"))
            expected = plain(reference.get("markdown", ""))
            md = normalised_distance(plain(read_output(out / f"{image.stem}.md")), expected)
            txt = normalised_distance(plain(read_output(out / f"{image.stem}.txt")), expected)
            page = json.loads(read_output(out / f"{image.stem}.json"))["pages"][0]
            regions = page_regions(page, reference["width"], reference["height"])
            blocks = reference.get("blocks", [])
            order = order_distance(blocks, regions)
            region_counts(blocks, regions, counts)
            timings = page.get("timings") or {}
            rows.append((image.stem, reference.get("source", ""), reference.get("layout", ""), md, txt,
                         order, timings.get("layout_ms") or 0, timings.get("total_ms") or 0))

    print(f"{'page':<12} {'source':<20} {'layout':<16} {'md':>6} {'txt':>6} {'order':>15} {'layout ms':>10} {'share':>6}")
    for name, source, layout, md, txt, (order, matched, total), layout_ms, total_ms in rows:
        print(f"{name:<12} {source:<20} {layout:<16} {md:6.3f} {txt:6.3f} {f'{order:.3f} ({matched}/{total})':>15}"
              f" {layout_ms:10.0f} {ratio(layout_ms, total_ms):>6}")
    n = len(rows)
    md_mean, txt_mean = sum(r[3] for r in rows) / n, sum(r[4] for r in rows) / n
    order_mean = sum(r[5][0] for r in rows) / n
    matched, total = sum(r[5][1] for r in rows), sum(r[5][2] for r in rows)
    layout_ms, total_ms = sum(r[6] for r in rows), sum(r[7] for r in rows)
    print(f"{'mean':<12} {f'({n} pages)':<20} {'':<16} {md_mean:6.3f} {txt_mean:6.3f}"
          f" {f'{order_mean:.3f} ({matched}/{total})':>15} {layout_ms / n:10.0f} {ratio(layout_ms, total_ms):>6}")
    share = layout_ms / total_ms if total_ms else 0.0
    print(f"goals: md <= {GOAL_TEXT} ({'met' if md_mean <= GOAL_TEXT else 'missed'}),"
          f" order <= {GOAL_ORDER} ({'met' if order_mean <= GOAL_ORDER else 'missed'}),"
          f" layout < {GOAL_LAYOUT_SHARE:.0%} of page time ({'met' if share < GOAL_LAYOUT_SHARE else 'missed'})")

    print(f"\n{'kind':<14} {'reference':>9} {'ours':>6} {'matched':>7} {'P':>6} {'R':>6}")
    kinds = [k for k in OUR_KINDS + sorted(set(counts) - set(OUR_KINDS)) if any(counts.get(k, ()))]
    for kind in kinds + ["all"]:
        ref, ours, hit = [sum(counts[k][i] for k in kinds) for i in range(3)] if kind == "all" else counts[kind]
        print(f"{kind:<14} {ref:9d} {ours:6d} {hit:7d} {ratio(hit, ours):>6} {ratio(hit, ref):>6}")


if __name__ == "__main__":
    main()
