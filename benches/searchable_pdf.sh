#!/usr/bin/env bash
# Searchable PDF figures: pdftotext of our PDF vs our text, words in their line boxes,
# qpdf --check and PDF/A id, size vs input, PDF time vs JSON time, and CER / word-F1 /
# size / time beside OCRmyPDF (tesseract 5). Prints figures; asserts nothing.
#
#   bash benches/searchable_pdf.sh                  # about an hour on 2 cores
#   bash benches/searchable_pdf.sh --limit 3        # first 3 inputs of each folder
#   bash benches/searchable_pdf.sh --no-ocrmypdf    # our PDFs only
#   EVAL=../shared/eval NO_BUILD=1 bash benches/searchable_pdf.sh
# Needs poppler-utils (pdftotext, pdfinfo), qpdf and ocrmypdf with tesseract-ocr-eng/-chi-sim.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${EVAL:-../shared/eval}

if [ -z "${NO_BUILD:-}" ]; then
  cargo build --release --quiet --bin ocrdesk
fi
if [ ! -x target/release/ocrdesk ]; then
  echo "target/release/ocrdesk not found: cargo build --release" >&2
  exit 1
fi

shopt -s nullglob
inputs=("$EVAL/docs" "$EVAL/zhdocs" "$EVAL"/pdfs/scan_*.pdf)
python3 benches/searchable_pdf.py "$@" "${inputs[@]}"
