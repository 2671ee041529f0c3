#!/usr/bin/env bash
# Figures for documents: pages at any angle, PDFs, and fuzzing of every opener.
#   bash benches/documents.sh            (about 15 minutes on 2 cores)
# Needs ../shared/eval beside the checkout and the assets (python3 packaging/fetch_assets.py).
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${EVAL:-../shared/eval}

cargo build --release --quiet --bin ocrdesk --example pdf_bench

echo "== Rotated copies of $EVAL/docs (turned by the eval, boxes turned back before scoring)"
for degrees in 0 90 180 270 7 -7; do
  printf 'rotate %4s°  ' "$degrees"
  ./target/release/ocrdesk eval "$EVAL/docs" --rotate "$degrees" | grep '^total'
done

echo "== PDFs in $EVAL/pdfs (text layer vs OCR, CER against the truth, ms per page)"
./target/release/examples/pdf_bench "$EVAL/pdfs"

echo "== Fuzzing: 100,000 mutated PNG, JPEG, GIF, BMP, WebP, TIFF, PCX, PSD and PDF files"
FUZZ_CASES=100000 cargo test --release --quiet --test fuzz_documents -- --nocapture 2>/dev/null | grep '^fuzzed'
