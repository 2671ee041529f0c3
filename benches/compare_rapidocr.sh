#!/usr/bin/env bash
# Accuracy and speed beside RapidOCR 3.10 (same PP-OCRv6 models), in one run on the
# same machine, plus peak memory for one A4 page at 300 dpi. Prints figures; asserts nothing.
#
#   bash benches/compare_rapidocr.sh            # EVAL=../shared/eval VENV=../rapidocr-venv THREADS=2
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${EVAL:-../shared/eval}
VENV=${VENV:-../rapidocr-venv}
THREADS=${THREADS:-2}

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q rapidocr==3.10.0 onnxruntime==1.31.1
fi
python3 packaging/fetch_assets.py >/dev/null
cargo build --release --quiet
cargo build --release --quiet --example render_sample

shopt -s nullglob
images=("$EVAL"/docs/*.jpg "$EVAL"/docs/*.png "$EVAL"/zhdocs/*.jpg "$EVAL"/scene/*.jpg)
echo "== RapidOCR 3.10 on ${#images[@]} images (threads $THREADS), then ocrdesk on the same images"
"$VENV/bin/python" ../shared/peers/run_rapidocr.py --threads "$THREADS" "${images[@]}" 2>/dev/null \
  | grep '^{' > target/rapidocr.jsonl
target/release/ocrdesk eval "$EVAL/docs" "$EVAL/zhdocs" "$EVAL/scene" --threads "$THREADS" \
  --compare target/rapidocr.jsonl
echo
echo "== The same images as batches (ocrdesk reads one image per core at a time; RapidOCR one after another)"
target/release/ocrdesk eval "$EVAL/docs" "$EVAL/zhdocs" "$EVAL/scene" --threads "$THREADS" --batch \
  --compare target/rapidocr.jsonl

echo
echo "== Peak memory, one A4 page at 300 dpi (2480x3508, 11 pt text)"
target/release/examples/render_sample --a4 target/a4-300dpi.png >/dev/null
for extra in "" "--det-refine"; do
  python3 - "$THREADS" $extra <<'PY'
import subprocess, sys, time
# Each run in a fresh process, its peak resident set read by GNU time's format via /proc:
# use a tiny wrapper so that runs do not share RUSAGE_CHILDREN.
wrapper = "import resource,subprocess,sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); " \
          "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
cmd = ["target/release/ocrdesk", "ocr", "--threads", sys.argv[1], "--format", "txt", "target/a4-300dpi.png", *sys.argv[2:]]
t = time.perf_counter()
peak_kib = int(subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, check=True).stdout)
wall = time.perf_counter() - t
lines = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.count("\n")
label = " ".join(sys.argv[2:]) or "default"
print(f"{label:>13}: {lines} lines, wall {wall:.2f} s (model loading included), peak resident memory {peak_kib / 1024:.0f} MiB")
PY
done
