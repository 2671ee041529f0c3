#!/usr/bin/env bash
# Table structure beside RapidTable 0.3.0 (SLANet-plus, the model OCR Desk uses, fed by
# RapidOCR 3.10's reading): each tool's tables scored with the same TEDS (PubTabNet's
# definition, `examples/table_eval.rs`), per image and per group, with the seconds of
# the table step. Prints figures; asserts nothing.
#
#   bash benches/tables.sh            # ../shared/eval/tables
#   EVAL=DIR bash benches/tables.sh   # another folder of NAME.png + NAME.gt.json
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${EVAL:-../shared/eval/tables}
VENV=${RAPIDTABLE_VENV:-.cache/rapidtable-venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q rapid-table==0.3.0 rapidocr==3.10.0 onnxruntime==1.31.1
fi
peer=$(mktemp --suffix .jsonl)
trap 'rm -f "$peer"' EXIT
# RapidTable first, then OCR Desk, one after the other on the same images.
"$VENV/bin/python" ../shared/peers/run_rapidtable.py "$EVAL"/*.png > "$peer" 2> >(grep -v "\[INFO\]" >&2)
ORT_DISABLE_TELEMETRY=1 cargo run --release --quiet --example table_eval -- "$EVAL" --beside "$peer"
