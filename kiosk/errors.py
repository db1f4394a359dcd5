"""The core's error types, grouped by origin, each with a hint a person can act on.

Expected outcomes (a refused token, a wrong PIN) are values, not exceptions; these are for
input that cannot be used at all, and for storage and key problems.

Every error names its ``origin``, which a command turns into its exit code
(``kiosk/app/cliutil.py``, docs/commands.md "Exit codes"): ``CHECKED`` the thing checked is bad
(1), ``INPUT`` usage or input (2), ``STORAGE`` storage or a device (3), ``NETWORK`` a peer that
cannot be reached (4). A subclass outside the core (printer, scanner, sync) picks one of these.
"""

from __future__ import annotations


CHECKED, INPUT, STORAGE, NETWORK = "checked", "input", "storage", "network"
ORIGINS = (CHECKED, INPUT, STORAGE, NETWORK)


class KioskError(Exception):
    """Base of every error the core raises on purpose. ``hint`` says what to do."""

    origin = INPUT

    def __init__(self, message: str, hint: str = "", korean: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.korean = korean   # (what happened, what to do) in Korean, for a refusal a poll worker or technician reads

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class FormatError(KioskError):
    """Untrusted input that does not parse or has an unknown version."""


class ValidationError(KioskError):
    """A structure that parses but breaks a rule; ``problems`` lists each one as (path, text)."""

    def __init__(self, what: str, problems: list[tuple[str, str]], hint: str = "") -> None:
        lines = "; ".join(f"{path}: {text}" for path, text in problems)
        super().__init__(f"{what} is not valid: {lines}", hint)
        self.problems = problems


class SignatureError(KioskError):
    """A signature that does not verify, or a signer that is not the expected one."""

    origin = CHECKED


class KeyFileError(KioskError):
    """A key file that is missing, unreadable, malformed or readable by others."""


class StorageError(KioskError):
    """A store file that cannot be read or written."""

    origin = STORAGE


class DeviceError(KioskError):
    """A device (printer, scanner, camera, serial port) that is missing or stopped answering."""

    origin = STORAGE


class NetworkError(KioskError):
    """A node or other peer that cannot be reached, or whose answer was lost on the way."""

    origin = NETWORK


class ProofError(KioskError):
    """A zero-knowledge proof or a published cryptographic value that does not check; names the item."""

    origin = CHECKED
