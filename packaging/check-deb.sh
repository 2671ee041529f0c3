#!/usr/bin/env bash
# Checks the package built by build-deb.sh as a clerk's IT department would meet it:
#  - desktop-file-validate on its menu entry and lintian on the package;
#  - installed with dpkg -i into a fresh Debian (debootstrap, no checkout, no
#    Rust), where from another folder `ocrdesk --version` must find every asset
#    under /usr/lib/ocrdesk and `ocrdesk ocr` must read the bundled sample;
#  - removed with dpkg -r, after which the system must be as it was before.
# Needs root (debootstrap, chroot) and Debian's package mirror.
set -euo pipefail
cd "$(dirname "$0")/.."

NEEDED=(debootstrap lintian desktop-file-utils)
missing=()
for pkg in "${NEEDED[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
deb=target/debian/ocrdesk_${version}_amd64.deb
[ -f "$deb" ] || { echo "check-deb: $deb is missing: run bash packaging/build-deb.sh first" >&2; exit 1; }
echo "== package: $(du -h "$deb" | cut -f1) ($(du -b "$deb" | cut -f1) bytes); installed: $(dpkg-deb -f "$deb" Installed-Size) KiB"

echo "== desktop-file-validate"
rm -rf target/debian/unpacked
dpkg-deb -x "$deb" target/debian/unpacked
desktop-file-validate target/debian/unpacked/usr/share/applications/ocrdesk.desktop
echo "ok"

echo "== lintian"
lintian --no-tag-display-limit --info "$deb" | tee target/debian/lintian.txt || true
if grep -q '^E: ' target/debian/lintian.txt; then
  echo "check-deb: lintian reports errors" >&2
  exit 1
fi
echo "lintian: $(grep -c '^E: ' target/debian/lintian.txt || true) errors, $(grep -c '^W: ' target/debian/lintian.txt || true) warnings"

# Installing into a fresh Debian needs chroot and mount (root with CAP_SYS_ADMIN).
# Where the kernel refuses them (an unprivileged container), say so loudly and stop
# after the checks above rather than fail on the machine instead of the package.
probe=$(mktemp -d)
if ! mount -t tmpfs none "$probe" 2>/dev/null; then
  rmdir "$probe"
  echo "check-deb: WARNING: this machine does not allow mount: the install into a fresh Debian is NOT checked here" >&2
  exit 0
fi
umount "$probe" && rmdir "$probe"

# A pristine Debian, made once and kept as a tarball; each check unpacks a new copy.
base=target/debian/bookworm-minbase.tar
if [ ! -f "$base" ]; then
  rm -rf target/debian/bootstrap
  debootstrap --variant=minbase bookworm target/debian/bootstrap http://deb.debian.org/debian
  tar -C target/debian/bootstrap -cf "$base" .
  rm -rf target/debian/bootstrap
fi
root=$(mktemp -d /tmp/ocrdesk-deb-check.XXXXXX)
cleanup() {
  for m in proc dev/pts dev; do umount "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/ocrdesk.deb"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

echo "== the libraries it depends on, from Debian"
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g')
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $depends > /dev/null
snapshot() { in_root find / -xdev \( -path /proc -o -path /tmp -o -path /var/lib/dpkg -o -path /var/log -o -path /var/cache -o -path /root \) -prune -o -print | sort; }
snapshot > target/debian/before.txt

echo "== dpkg -i"
in_root dpkg -i /tmp/ocrdesk.deb
echo "== from another folder: ocrdesk --version"
version_text=$(in_root sh -c 'cd /tmp && ocrdesk --version')
echo "$version_text"
if echo "$version_text" | grep -q "NOT FOUND"; then echo "check-deb: an asset is missing" >&2; exit 1; fi
# Every component --version lists (all lines after the first) is under /usr/lib/ocrdesk.
if [ "$(echo "$version_text" | grep -c ': /usr/lib/ocrdesk/')" -ne "$(echo "$version_text" | tail -n +2 | grep -c .)" ]; then
  echo "check-deb: not every asset was found under /usr/lib/ocrdesk" >&2; exit 1
fi
echo "== ocrdesk ocr /usr/share/doc/ocrdesk/sample.png"
text=$(in_root sh -c 'cd /tmp && ocrdesk ocr /usr/share/doc/ocrdesk/sample.png --format txt')
echo "$text" | head -n 8
echo "$text" | grep -q "INVOICE" || { echo "check-deb: the sample was not read" >&2; exit 1; }
echo "== ocrdesk ocr /usr/share/doc/ocrdesk/sample.pdf (its text layer)"
in_root sh -c 'cd /tmp && ocrdesk ocr /usr/share/doc/ocrdesk/sample.pdf --format txt' | grep -q "INVOICE"
echo "ok"
echo "== man ocrdesk, completions"
zcat "$root/usr/share/man/man1/ocrdesk.1.gz" | grep -q '^\.TH ocrdesk 1'
ls "$root/usr/share/bash-completion/completions/ocrdesk" "$root/usr/share/zsh/vendor-completions/_ocrdesk" \
   "$root/usr/share/fish/vendor_completions.d/ocrdesk.fish"

echo "== dpkg -r"
in_root dpkg -r ocrdesk
snapshot > target/debian/after.txt
if ! diff target/debian/before.txt target/debian/after.txt; then
  echo "check-deb: dpkg -r left the files above behind" >&2; exit 1
fi
echo "dpkg -r: the system is as before ($(wc -l < target/debian/before.txt) paths compared)"
echo "check-deb: all checks passed"
