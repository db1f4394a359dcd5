"""A seeded generator of synthetic camera frames of printed ballot-token slips.

Real tokens (minted by ``kiosk.contract.minting``) are rendered as printed slips, placed in front of a
simulated camera over cluttered backgrounds and degraded the ways a booth camera sees them.
Used by the suite (a small fixed sample in ``tests/data/scan_sample``) and by
``bench/scan_bench.py`` (the large set, generated on demand). Same seed, same frames.
"""

from scancorpus.corpus import CATEGORIES, HARD_CATEGORIES, Sample, generate, make_frame
from scancorpus.presentation import Presentation, hand_presentation

__all__ = ["CATEGORIES", "HARD_CATEGORIES", "Sample", "generate", "make_frame", "Presentation",
           "hand_presentation"]
