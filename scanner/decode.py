"""Decoding QR codes in a frame: ``decode_frame(frame) -> list[str]``.

zxing-cpp first (fast and reliable on camera frames), pyzbar as a fallback. Only printable
text is returned: a payload holding bytes outside printable ASCII is dropped, because a
ballot token or card is never binary.
"""

from __future__ import annotations

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

_QR = zxingcpp.BarcodeFormat.QRCode


def _printable(text: str) -> bool:
    return bool(text) and all(" " <= ch <= "~" for ch in text)


def _gray(frame: np.ndarray) -> np.ndarray:
    return frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def decode_frame(frame: np.ndarray) -> list[str]:
    """The texts of the QR codes in a BGR or grayscale image (empty when none is read)."""
    if frame is None:
        return []
    gray = _gray(frame)
    texts = [r.text for r in zxingcpp.read_barcodes(gray, formats=_QR) if r.valid]
    if not texts:
        texts = [s.data.decode("ascii", "replace") for s in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])]
    return [t for t in dict.fromkeys(texts) if _printable(t)]
