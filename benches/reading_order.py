#!/usr/bin/env python3
"""Reading order on whole pages: `ocrdesk ocr --format txt` against each page's reference
Markdown (../shared/eval/layout: OmniDocBench pages with `markdown` in NAME.gt.json).

The distance is the normalised character edit distance after stripping Markdown and HTML
syntax, formulas and all whitespace from both sides, so it counts words read wrongly and
text read out of order (a two-column page read straight across scores badly even when
every line is read right). Prints one line per page and the mean. Standard library only;
asserts nothing. Needs target/release/ocrdesk (cargo build --release).

    python3 benches/reading_order.py [FOLDER]
"""

import json
import os
import re
import subprocess
import sys
import tempfile
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


def plain(text):
    """Text without formulas, markup or whitespace."""
    text = FORMULA.sub("", text)
    text = HTML_TAG.sub("", text)
    text = MARKDOWN_SYNTAX.sub("", text)
    return WHITESPACE.sub("", text)


def main():
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER
    if not BINARY.exists():
        sys.exit(f"{BINARY} not found: cargo build --release")
    truths = sorted(folder.glob("*.gt.json"))
    images = [t.with_name(t.name[: -len(".gt.json")] + ".jpg") for t in truths]
    missing = [str(i) for i in images if not i.exists()]
    if missing:
        sys.exit(f"images missing beside their truth: {', '.join(missing)}")
    with tempfile.TemporaryDirectory() as out:
        environment = dict(os.environ, ORT_DISABLE_TELEMETRY="1")
        subprocess.run([str(BINARY), "ocr", "--format", "txt", "--out", out, *map(str, images)],
                       check=True, env=environment, stdout=subprocess.DEVNULL)
        distances = []
        print(f"{'page':<12} {'kind':<22} {'layout':<16} distance")
        for truth, image in zip(truths, images):
            reference = json.loads(truth.read_text(encoding="utf-8"))
            ours = (Path(out) / f"{image.stem}.txt").read_text(encoding="utf-8")
            distance = normalised_distance(plain(ours), plain(reference["markdown"]))
            distances.append(distance)
            print(f"{image.stem:<12} {reference.get('source', ''):<22} {reference.get('layout', ''):<16} {distance:.3f}")
    print(f"{'mean':<12} {'':<22} {'':<16} {sum(distances) / len(distances):.3f}  ({len(distances)} pages)")


if __name__ == "__main__":
    main()
