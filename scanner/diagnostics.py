"""The technician's bench check of a camera: what it reads, its frame rate, the decode latency.

Behind ``kiosk diag scanner --source URL``. Payloads are secrets: the report shows a masked
form (the first four characters, the length and a short hash, enough to tell two codes apart)
unless asked to reveal them.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from scanner.decode import decode_traced
from scanner.errors import SourceLost, SourceUnavailable
from scanner.sources import Clock, open_source


def masked(text: str) -> str:
    """A payload shown without giving it away: ``KT1T… (38 characters, #1a2b3c4d)``."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{text[:4]}… ({len(text)} characters, #{digest})"


@dataclass
class ScannerDiagnosis:
    """What a bench check saw. ``problem`` is set when the camera could not be used."""

    source: str
    frames: int = 0
    frames_per_s: float = 0.0
    decode_ms_median: float = 0.0
    decode_ms_p95: float = 0.0
    decode_ms_max: float = 0.0
    frames_read_a_code: int = 0
    codes: dict[str, int] = field(default_factory=dict)     # shown text -> frames it was read in
    steps: dict[str, int] = field(default_factory=dict)     # cascade step -> frames it read
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """The camera gave frames and at least one code was read."""
        return self.problem is None and self.frames_read_a_code > 0

    def as_dict(self) -> dict:
        """The report as JSON-ready values (``--json``)."""
        return asdict(self) | {"ok": self.ok}


def diagnose_scanner(url: str, seconds: float = 10.0, max_frames: int = 300, reveal: bool = False,
                     clock: Clock = time.monotonic) -> ScannerDiagnosis:
    """Read the source for ``seconds`` (or ``max_frames``, or to its end) and measure.

    ``SourceURLError`` propagates (a usage error); a camera that is missing or lost is a
    ``problem`` in the report.
    """
    source = open_source(url)
    report = ScannerDiagnosis(source.label)
    decode_ms: list[float] = []
    stamps: list[float] = []
    try:
        source.open()
        deadline_s = clock() + seconds
        while report.frames < max_frames and clock() < deadline_s:
            frame = source.read()
            if frame is None:
                break
            started = time.perf_counter()
            texts, step = decode_traced(frame.image)
            decode_ms.append((time.perf_counter() - started) * 1000)
            stamps.append(frame.captured_s)
            report.frames += 1
            if texts:
                report.frames_read_a_code += 1
                report.steps[step] = report.steps.get(step, 0) + 1
            for text in texts:
                shown = text if reveal else masked(text)
                report.codes[shown] = report.codes.get(shown, 0) + 1
    except (SourceUnavailable, SourceLost) as e:
        report.problem = e.message
    finally:
        source.close()
    if decode_ms:
        report.decode_ms_median = round(float(np.median(decode_ms)), 2)
        report.decode_ms_p95 = round(float(np.percentile(decode_ms, 95)), 2)
        report.decode_ms_max = round(max(decode_ms), 2)
    if len(stamps) > 1 and stamps[-1] > stamps[0]:
        report.frames_per_s = round((len(stamps) - 1) / (stamps[-1] - stamps[0]), 1)
    if report.problem is None and not report.frames:
        report.problem = "the source gave no frame"
    return report
