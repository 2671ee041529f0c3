#!/usr/bin/env bash
# Installs what the tests need, fetches the assets, then runs every check:
# formatting, clippy, and the whole test suite. The README's test command and CI.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: DejaVu Sans draws the text fixtures (Droid Sans
# Fallback the Chinese ones), qpdf
# encrypts the PDF fixture and checks the searchable PDFs, poppler-utils reads
# their text back (pdftotext, pdfinfo), libtiff-tools writes a CCITT Group 4 fax TIFF;
# strace proves that nothing leaves the machine, for the command line and for the
# window; desktop-file-validate checks the menu entry the .deb installs. The window
# runs under Xvfb with Mesa's software OpenGL and X11's libraries.
DEBIAN_PACKAGES=(fonts-dejavu-core fonts-droid-fallback qpdf poppler-utils libtiff-tools strace desktop-file-utils
  xvfb xauth libgl1-mesa-dri libegl1 libgl1 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 libx11-xcb1)
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Each step's wall time, for the README's set-up figures.
step() {
  local name=$1 started=$SECONDS
  shift
  "$@"
  echo "test.sh: $name took $((SECONDS - started)) s ($SECONDS s since the start)"
}

step "assets" python3 packaging/fetch_assets.py

# Huawei Cloud's own OCR SDK, pinned (tests/sdk/requirements.txt): tests/serve.rs drives
# `ocrdesk serve` with it, unchanged, as an office's scripts would.
cloud_sdk() {
  [ -x .cache/sdk-venv/bin/python ] || python3 -m venv .cache/sdk-venv
  .cache/sdk-venv/bin/pip install -q --disable-pip-version-check -r tests/sdk/requirements.txt
}
step "cloud SDK" cloud_sdk
step "fmt" cargo fmt --check
step "clippy" cargo clippy --locked --all-targets -- -D warnings
# The tests run in the release profile, so that the dependencies are built once for
# them, for the window (`cargo run --release`) and for the package; our own crate
# keeps a debug build's checks (debug assertions, overflow checks, the test hooks).
step "tests" cargo test --release --locked \
  --config 'profile.release.package.ocrdesk.debug-assertions=true' \
  --config 'profile.release.package.ocrdesk.overflow-checks=true'

# The .deb a clerk's IT department installs: built, then installed into a fresh
# Debian with no checkout, run from another folder, and removed again.
step "package" bash packaging/build-deb.sh
step "package check" $sudo bash packaging/check-deb.sh
