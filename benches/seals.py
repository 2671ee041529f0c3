#!/usr/bin/env python3
"""Seals and stamps found by `ocrdesk ocr`, and their ring text, against ../shared/eval/seals
(real scans and photos: NAME.{png,jpg,bmp} beside NAME.gt.json, which holds what is known:
`seals` or `stamps` with `text` and a box `bbox_xyxy` or `bbox_xyxy_approx`, or `boxes` with
class `stamp`/`signature`; several were read by eye and say so).

    python3 benches/seals.py [FOLDER]

Runs `target/release/ocrdesk ocr --format json` once over every image, then prints per image
and in all:
- seals found: reference seals with a box matched one-to-one by one of ours at IoU >= 0.3
  (the boxes are rough); ours left unmatched are false seals (stamps the reference names
  without a box — the Slovak and Czech ones — are not scored either way).
- ring text: normalised character edit distance between our seal's `text` and the
  reference's ring text (its text up to the first " / " or " (", spaces removed), on the
  matched seals whose reference does not say the ring is hard to read (blurry, faint,
  unclear, low confidence, inferred, ring partly legible). Where the reference is all
  Chinese, only the Chinese characters of ours are compared (a bilingual Chinese/Zhuang
  ring's reference gives the Chinese alone).
- time: the page's `timings.seals_ms` and its share of `total_ms`.

- signatures: against the reference's count (`signatures`: a number, or text starting
  with one, or `boxes` of class `signature`): found = min(ours, reference) per page;
  where the reference has boxes, also matched one-to-one at IoU >= 0.3; ours on pages the
  reference has no signatures on are false; ours beyond the count on pages with some are
  counted as extra (they may be initials or handwriting the reference does not count).

Goals (issue 14): seals found >= 80%, ring text distance <= 0.25, signatures found >= 70%.
Standard library only; asserts nothing. Needs target/release/ocrdesk (cargo build --release).
"""

import itertools
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from layout import iou, sequence_distance as edit_distance  # noqa: E402
ROOT = os.path.dirname(HERE)
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
HARD_TO_READ = ("blurry", "faint", "unclear", "low confidence", "inferred", "ring partly legible")
MATCH_IOU = 0.3


def reference_seals(gt):
    """(box, ring text or None when hard to read) for each reference seal with a box."""
    out = []
    for s in gt.get("seals", []) + [x for x in gt.get("stamps", []) if isinstance(x, dict)]:
        box = s.get("bbox_xyxy") or s.get("bbox_xyxy_approx")
        if not box:
            continue
        text = s.get("text", "")
        ring = text.split(" / ")[0].split(" (")[0].replace(" ", "")
        hard = any(w in text for w in HARD_TO_READ) or "[" in ring
        out.append((box, None if hard or not ring else ring))
    for b in gt.get("boxes", []):
        if b.get("class") == "stamp":
            out.append((b["bbox_xyxy"], None))
    return out


def is_cjk(c):
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def signature_count(gt):
    s = gt.get("signatures")
    if isinstance(s, int):
        return s
    if isinstance(s, str):
        digits = "".join(itertools.takewhile(str.isdigit, s))
        return int(digits) if digits else None
    return len([b for b in gt.get("boxes", []) if b.get("class") == "signature"])


def match_count(ours, refs):
    pairs = sorted(((iou(o, r), i, j) for i, o in enumerate(ours) for j, r in enumerate(refs)), reverse=True)
    used_o, used_r = set(), set()
    for score, i, j in pairs:
        if score >= MATCH_IOU and i not in used_o and j not in used_r:
            used_o.add(i)
            used_r.add(j)
    return len(used_r)


def box_of(quad):
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return [min(xs), min(ys), max(xs), max(ys)]


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "eval", "seals")
    images = sorted(
        os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(IMAGE_EXTS)
    )
    binary = os.path.join(ROOT, "target", "release", "ocrdesk")
    env = dict(os.environ, ORT_DISABLE_TELEMETRY="1")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [binary, "ocr", "--format", "json", "--out", out, *images],
            env=env, check=False, stdout=subprocess.DEVNULL,
        )
        found_total = ref_total = false_total = 0
        sig = {"ref": 0, "found": 0, "false": 0, "extra": 0, "boxes": 0, "box_matched": 0}
        distances = []
        shares = []
        print(f"{'image':46} {'found':>7} {'false':>5} {'ring text (ours | reference) distance':}")
        for path in images:
            stem = os.path.splitext(os.path.basename(path))[0]
            gt_path = os.path.join(folder, stem + ".gt.json")
            gt = json.load(open(gt_path, encoding="utf-8")) if os.path.exists(gt_path) else {}
            try:
                doc = json.load(open(os.path.join(out, stem + ".json"), encoding="utf-8"))
            except OSError:
                print(f"{stem:46} no output")
                continue
            ours = [(box_of(s["box"]), s.get("text", "")) for p in doc["pages"] for s in p.get("seals", [])]
            for p in doc["pages"]:
                t = p["timings"]
                if t.get("total_ms"):
                    shares.append((t.get("seals_ms", 0.0), t["total_ms"]))
            refs = reference_seals(gt)
            pairs = sorted(
                ((iou(o[0], r[0]), i, j) for i, o in enumerate(ours) for j, r in enumerate(refs)),
                reverse=True,
            )
            used_o, used_r, matched = set(), set(), []
            for score, i, j in pairs:
                if score < MATCH_IOU or i in used_o or j in used_r:
                    continue
                used_o.add(i)
                used_r.add(j)
                matched.append((i, j))
            unscored = [x for x in gt.get("stamps", []) if not isinstance(x, dict)]
            false = 0 if unscored else len(ours) - len(matched)
            found_total += len(matched)
            ref_total += len(refs)
            false_total += false
            notes = []
            for i, j in matched:
                ring = refs[j][1]
                if ring is None:
                    notes.append(f"{ours[i][1]!r} (not scored)")
                    continue
                ours_text = ours[i][1].replace(" ", "")
                if all(is_cjk(c) for c in ring):
                    # The reference gives a bilingual ring's Chinese alone.
                    ours_text = "".join(c for c in ours_text if is_cjk(c))
                d = min(1.0, edit_distance(ours_text, ring) / len(ring))
                distances.append(d)
                notes.append(f"{ours_text} | {ring} {d:.2f}")
            signatures = [box_of(s["box"]) for p in doc["pages"] for s in p.get("signatures", [])]
            count = signature_count(gt)
            if count is not None:
                sig["ref"] += count
                sig["found"] += min(count, len(signatures))
                if count == 0:
                    sig["false"] += len(signatures)
                else:
                    sig["extra"] += max(0, len(signatures) - count)
            ref_boxes = [b["bbox_xyxy"] for b in gt.get("boxes", []) if b.get("class") == "signature"]
            if ref_boxes:
                sig["boxes"] += len(ref_boxes)
                sig["box_matched"] += match_count(signatures, ref_boxes)
            notes.append(f"signatures {len(signatures)}/{count}")
            print(f"{stem[:46]:46} {len(matched):>3}/{len(refs):<3} {false:>5} {'; '.join(notes)}")
        print()
        share = sum(s for s, _ in shares) / max(1e-9, sum(t for _, t in shares))
        mean_ms = sum(s for s, _ in shares) / max(1, len(shares))
        print(f"seals found {found_total}/{ref_total} = {found_total / max(1, ref_total):.0%} (goal >= 80%), "
              f"false seals {false_total}")
        if distances:
            print(f"ring text distance {sum(distances) / len(distances):.3f} over {len(distances)} legible "
                  f"rings (goal <= 0.25)")
        print(f"signatures found {sig['found']}/{sig['ref']} = {sig['found'] / max(1, sig['ref']):.0%} "
              f"(goal >= 70%), false on pages without signatures {sig['false']}, extra on pages with "
              f"some {sig['extra']}; matched to reference boxes (IoU >= 0.3) {sig['box_matched']}/{sig['boxes']}")
        print(f"seals and signatures: {mean_ms:.0f} ms a page on average, {share:.1%} of page time")


if __name__ == "__main__":
    main()
