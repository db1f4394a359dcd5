"""The three QR decoders, each wrapped to take a grayscale image and return printable texts.

zxing-cpp, pyzbar (ZBar) and OpenCV's detector. Each returns the texts of the QR codes it read,
printable ASCII only: a ballot token or a card is never binary, and a decoder that guesses a
character set for binary bytes must not turn them into text we would act on. Library errors
are caught here: a decoder that fails on a frame has read nothing.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from kiosk.scanning import is_printable_payload

log = logging.getLogger(__name__)
# Model 2 only: the family ``QRCode`` includes Micro QR, which zxing-cpp 3 "reads" in the
# finder pattern of an ordinary code (measured: a six-digit Micro QR text on a clean frame).
_ZXING_FORMAT = zxingcpp.BarcodeFormat.QRCodeModel2
_ZBAR_SYMBOLS = [pyzbar.ZBarSymbol.QRCODE]


def _printable_unique(texts: list[str]) -> list[str]:
    return [t for t in dict.fromkeys(texts) if is_printable_payload(t)]


def zxing_texts(gray: np.ndarray) -> list[str]:
    """zxing-cpp: the fastest and most reliable reader of camera frames we measured."""
    results = zxingcpp.read_barcodes(gray, formats=_ZXING_FORMAT, try_rotate=False, try_invert=False,
                                     text_mode=zxingcpp.TextMode.Plain)
    return _printable_unique([r.text for r in results if r.valid and r.content_type == zxingcpp.ContentType.Text])


def zbar_texts(gray: np.ndarray) -> list[str]:
    """pyzbar: slower, but reads some codes with a finger or a glare over a finder pattern."""
    texts = []
    for symbol in pyzbar.decode(gray, symbols=_ZBAR_SYMBOLS):
        try:
            texts.append(symbol.data.decode("ascii"))
        except UnicodeDecodeError:
            continue  # binary bytes: never a token
    return _printable_unique(texts)


_opencv_detector = None


def opencv_texts(gray: np.ndarray) -> list[str]:
    """OpenCV's QR detector (for comparison in the bench: it earns no place in the cascade)."""
    global _opencv_detector
    if _opencv_detector is None:
        _opencv_detector = cv2.QRCodeDetector()
    try:
        ok, texts, _, _ = _opencv_detector.detectAndDecodeMulti(gray)
    except cv2.error as e:  # seen: an assertion inside its k-means on cluttered frames
        log.debug("OpenCV's QR detector failed on a frame: %s", type(e).__name__)
        return []
    return _printable_unique(list(texts)) if ok else []
