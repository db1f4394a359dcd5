"""Write the suite's small fixed sample of hard frames: ``tests/data/scan_sample/``.

    .venv/bin/python bench/make_scan_sample.py [--seed N]

One frame per category at 640x480 and a few at 1280x720, as JPEG, with ``manifest.json``
giving each frame's category and printed payload (tokens of a throwaway test election).
Re-run only to change the sample on purpose: the suite's expected rates depend on it.
"""

from __future__ import annotations

import argparse
import json

import cv2

from scan_tokens import ROOT, minted_payloads
from scancorpus import generate

OUT = ROOT / "tests" / "data" / "scan_sample"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.jpg"):
        old.unlink()
    payloads = minted_payloads(40)
    manifest = {}
    wide = ("clean", "finger", "small", "combined", "empty")
    samples = list(generate(payloads, args.seed, 2, sizes=((640, 480),))) + \
        list(generate(payloads[20:], args.seed, 1, sizes=((1280, 720),), categories=wide))
    for s in samples:
        name = f"{s.name}.jpg"
        cv2.imwrite(str(OUT / name), s.image, [cv2.IMWRITE_JPEG_QUALITY, 92])
        manifest[name] = {"category": s.category, "payload": s.payload}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"{len(manifest)} frames in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
