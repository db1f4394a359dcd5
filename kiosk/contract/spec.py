"""Hand-written election specs (TOML or JSON): an election body without keys.

The spec has the fields of ``election.json`` that a person writes: ``id``, ``title``,
``contests``, ``styles``, optional ``tally``, ``privacy_floor`` (default 10), ``paper_record``
(default true), ``receipt`` (default: none printed) and ``nodes`` (default none). Keys and the trustee split are added by
``election init``. See docs/election-spec.md for a worked example.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from kiosk.contract.canonical import parse_json
from kiosk.contract.election import DEFAULT_PRIVACY_FLOOR
from kiosk.errors import FormatError, ValidationError
from kiosk.files import read_input

SPEC_FIELDS = {"id", "title", "contests", "styles", "tally", "privacy_floor", "paper_record", "receipt", "nodes",
               "electorates", "selection"}


def read_spec(path: Path) -> dict:
    """Read a spec file into an election body without keys (defaults filled in)."""
    path = Path(path)
    raw = read_input(path, f"the spec {path}")
    if path.suffix.lower() == ".toml":
        try:
            spec = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise FormatError(f"{path} is not valid TOML: {e}") from e
    else:
        spec = parse_json(raw, str(path))
    if not isinstance(spec, dict):
        raise FormatError(f"{path} must hold a table of election fields")
    unknown = sorted(set(spec) - SPEC_FIELDS)
    if unknown:
        raise ValidationError(f"the spec {path}", [(k, "is not a known field (check the spelling)") for k in unknown])
    _no_floats(spec, "")
    spec.setdefault("privacy_floor", DEFAULT_PRIVACY_FLOOR)
    spec.setdefault("paper_record", True)
    spec.setdefault("nodes", [])
    return spec


def _no_floats(value: object, path: str) -> None:
    if isinstance(value, float):
        raise ValidationError("the spec", [(path or "$", "must be a whole number, not a decimal")])
    if isinstance(value, dict):
        for k, v in value.items():
            _no_floats(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _no_floats(v, f"{path}[{i}]")
    elif not isinstance(value, (str, int, bool)) and value is not None:
        raise ValidationError("the spec", [(path, f"{type(value).__name__} values are not allowed")])
