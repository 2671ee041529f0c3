#!/usr/bin/env bash
# Builds target/debian/ocrdesk_<version>_amd64.deb: the stripped release program,
# the models, ONNX Runtime and PDFium under /usr/lib/ocrdesk, the menu entry and
# icons, man pages and shell completions, the copyright and every bundled part's
# licence. Uses dpkg-deb directly: the layout below is the whole package.
#
#   bash packaging/build-deb.sh            # build the package
#   bash packaging/check-deb.sh            # then install it where no checkout is, and check it
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages this script uses: rsvg-convert draws the PNG icons from the SVG,
# dpkg-shlibdeps (dpkg-dev) finds the libraries the binaries link against.
NEEDED=(librsvg2-bin dpkg-dev)
missing=()
for pkg in "${NEEDED[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python3 packaging/fetch_assets.py

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
out=target/debian
stage=$out/stage
deb=$out/ocrdesk_${version}_amd64.deb
rm -rf "$stage" && mkdir -p "$stage"

# The program, built so that it never looks for assets in this checkout, stripped.
OCRDESK_PACKAGED=1 cargo build --release --locked --bin ocrdesk
install -D -m 0755 "${CARGO_TARGET_DIR:-target}/release/ocrdesk" "$stage/usr/bin/ocrdesk"
strip --strip-all --remove-section=.comment "$stage/usr/bin/ocrdesk"

# Models and native libraries where the program looks first: PREFIX/lib/ocrdesk.
lib=$stage/usr/lib/ocrdesk
install -D -m 0644 -t "$lib/models" models/*.onnx
install -D -m 0644 -t "$lib/runtime" runtime/libonnxruntime.so.* runtime/libpdfium.so
# PDFium's build keeps its symbol table; a shared library is shipped without (policy 10.2).
strip --strip-unneeded "$lib/runtime/libpdfium.so"

# Menu entry and icons (hicolor: the SVG and the PNG sizes desktops ask for).
share=$stage/usr/share
install -D -m 0644 packaging/deb/ocrdesk.desktop "$share/applications/ocrdesk.desktop"
install -D -m 0644 packaging/deb/ocrdesk.svg "$share/icons/hicolor/scalable/apps/ocrdesk.svg"
for size in 16 22 24 32 48 64 128 256 512; do
  mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" packaging/deb/ocrdesk.svg -o "$share/icons/hicolor/${size}x${size}/apps/ocrdesk.png"
done

# Man pages and completions, from the clap definitions.
generated=$out/generated
rm -rf "$generated"
"$stage/usr/bin/ocrdesk" package-files "$generated"
mkdir -p "$share/man/man1"
for page in "$generated"/man/*.1; do
  gzip -9n -c "$page" > "$share/man/man1/$(basename "$page").gz"
done
install -D -m 0644 "$generated/completions/ocrdesk.bash" "$share/bash-completion/completions/ocrdesk"
install -D -m 0644 "$generated/completions/_ocrdesk" "$share/zsh/vendor-completions/_ocrdesk"
install -D -m 0644 "$generated/completions/ocrdesk.fish" "$share/fish/vendor_completions.d/ocrdesk.fish"

# Documentation: copyright, changelog, README, licences, the Rust crates linked in,
# and the sample as an image and as a searchable PDF made by the program itself.
doc=$share/doc/ocrdesk
install -D -m 0644 packaging/deb/copyright "$doc/copyright"
install -D -m 0644 packaging/deb/lintian-overrides "$share/lintian/overrides/ocrdesk"
gzip -9n -c packaging/deb/changelog > "$doc/changelog.gz"
install -m 0644 README.md assets/sample.png "$doc/"
python3 packaging/fetch_assets.py --licences "$doc/licences"
fonts=$(cargo metadata --locked --format-version 1 --filter-platform x86_64-unknown-linux-gnu | python3 -c '
import json, sys, pathlib
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "epaint_default_fonts":
        print(pathlib.Path(p["manifest_path"]).parent / "fonts")')
install -D -m 0644 -t "$doc/licences/fonts" "$fonts"/*.txt
{
  echo "Rust crates linked into /usr/bin/ocrdesk, with their licences (cargo tree):"
  cargo tree --locked -e normal,no-proc-macro --prefix none --format '{p} {l}' --target x86_64-unknown-linux-gnu | sed 's/ (\*)$//; s/ (\/[^)]*)//' | sort -u
} > "$doc/rust-crates.txt"
ORT_DISABLE_TELEMETRY=1 "$stage/usr/bin/ocrdesk" ocr assets/sample.png --format pdf --out "$out/sample"
install -m 0644 "$out/sample/sample.pdf" "$doc/sample.pdf"
find "$doc/licences" -type f -exec chmod 0644 {} +
find "$stage" -type d -exec chmod 0755 {} +

# Control: the libraries the binaries link against (dpkg-shlibdeps), and those
# the window opens at run time: OpenGL/EGL, X11 and Wayland, keyboard maps.
mkdir -p "$out/shlibs/debian" "$stage/DEBIAN"
printf 'Source: ocrdesk\n\nPackage: ocrdesk\nArchitecture: amd64\n' > "$out/shlibs/debian/control"
shlibs=$(cd "$out/shlibs" && dpkg-shlibdeps -O --ignore-missing-info \
  "../stage/usr/bin/ocrdesk" ../stage/usr/lib/ocrdesk/runtime/*.so* | sed -n 's/^shlibs:Depends=//p')
installed_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: ocrdesk
Version: $version
Architecture: amd64
Maintainer: OCR Desk maintainers <packaging@ocrdesk.invalid>
Installed-Size: $installed_kb
Depends: $shlibs, libgl1, libegl1, libxkbcommon0, libxkbcommon-x11-0, libx11-6, libx11-xcb1, libxcursor1, libxrandr2, libxi6, libwayland-client0, libwayland-cursor0, libwayland-egl1
Recommends: fonts-noto-cjk, xdg-desktop-portal-gtk | zenity
Section: graphics
Priority: optional
Description: fast, private, offline OCR for scans, photos and PDFs
 OCR Desk reads every line of scanned documents, phone photos and PDFs with
 local recognition models (PP-OCRv6 on ONNX Runtime), draws the boxes over the
 page, finds tables, passport and ID-card zones, contact details and labelled
 fields, and exports JSON, text, CSV, HTML, Excel and searchable PDF/A.
 .
 Nothing leaves the machine: no network access, no telemetry. The same engine
 runs from the command line (ocrdesk ocr) for batches and scripts.
CONTROL
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb"
echo "built $deb: $(du -h "$deb" | cut -f1) ($(du -b "$deb" | cut -f1) bytes), installed size ${installed_kb} KiB"
