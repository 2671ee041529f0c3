#!/usr/bin/env bash
# The desktop app's figures, in a real window under Xvfb:
#  1. frame times while a 20-page batch is read (20 images of ../shared/eval/docs),
#     the window repainting continuously (`--measure-frames continuous`), then
#     only when needed (`on-demand`, as in use) to see the reading speed;
#  2. launch to visible window, five times, seen from outside with xdotool.
# Needs: xvfb, xdotool (see packaging/test.sh for the Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${EVAL:-../shared/eval/docs}
cargo build --release --quiet
BIN=$PWD/target/release/ocrdesk
# Settings of this run stay out of the user's own.
export XDG_CONFIG_HOME=$(mktemp -d) XDG_DATA_HOME=$(mktemp -d)
mapfile -t FILES < <(ls "$EVAL"/*.png "$EVAL"/*.jpg 2>/dev/null | sort | head -20)
echo "== frame times while ${#FILES[@]} pages are read, repainting continuously"
xvfb-run -a -s "-screen 0 1280x800x24" "$BIN" --measure-frames continuous "${FILES[@]}"
echo "== the same, repainting only when a page arrives (normal use: reading speed)"
xvfb-run -a -s "-screen 0 1280x800x24" "$BIN" --measure-frames on-demand "${FILES[@]}"
echo "== the command line on the same files, for comparison"
/usr/bin/time -f "%e s" "$BIN" ocr --threads 2 "${FILES[@]}" > /dev/null

echo "== launch to visible window (ms)"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  for run in 1 2 3 4 5; do
    start=$(date +%s%N)
    "$0" "$1" & pid=$!
    until xdotool search --onlyvisible --name "^OCR Desk$" >/dev/null 2>&1; do sleep 0.005; done
    end=$(date +%s%N)
    echo "run $run: $(( (end - start) / 1000000 )) ms"
    kill $pid; wait $pid 2>/dev/null || true
  done' "$BIN" "${FILES[0]}"
