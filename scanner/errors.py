"""The scanner's errors: one base, each with a hint a technician can act on."""

from __future__ import annotations

from kiosk.errors import DeviceError, KioskError


class ScannerError(KioskError):
    """Base of every error ``scanner`` raises on purpose."""


class SourceURLError(ScannerError):
    """A camera URL that does not parse (untrusted input: a setting or a command line)."""


class SourceUnavailable(ScannerError, DeviceError):
    """A frame source that cannot be opened now (no camera there, no such file or folder)."""


class SourceLost(ScannerError, DeviceError):
    """A frame source that stopped giving frames (a camera unplugged, a folder removed)."""
