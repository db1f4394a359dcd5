"""The experts' scores: a file the authority signs after the experts' meeting, published with the record.

A signed-score electorate (``electorates[].scores_max``, kiosk/contract/judging_rules.py) does not
vote on kiosks: its secretary types one score per project into a CSV (``project,score``), and the
authority signs it into ``scores.json`` beside ``election.json`` (``kiosk-central scores add``),
context ``kiosk-expert-scores/1``::

    {"election_hex", "format": "kiosk-expert-scores/1",
     "scores": {ELECTORATE: {PROJECT: SCORE, ...}, ...}}

Every project of every stage that uses the electorate must have a whole score in 0..scores_max; an
electorate's scores are signed once and are final (they are published and recomputed by anyone).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from kiosk.contract.envelope import read_envelope, seal_envelope, write_envelope
from kiosk.contract.judging_rules import JudgingRules
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.errors import FormatError, KioskError

SCORES_FILE = "scores.json"
SCORES_CONTEXT = SCORES_FORMAT = "kiosk-expert-scores/1"
MAX_CSV_BYTES = 10_000_000


def parse_scores_csv(data: bytes, what: str = "the scores file") -> dict[str, int]:
    """A ``project,score`` CSV (UTF-8, header row first) as {project: score}; every bad row named."""
    if len(data) > MAX_CSV_BYTES:
        raise FormatError(f"{what} is larger than {MAX_CSV_BYTES:,} bytes", hint="give one row per project")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FormatError(f"{what} is not UTF-8 text", hint="save it as CSV UTF-8") from e
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise FormatError(f"{what} is not a CSV file: {e}", hint="one row per project: project,score") from e
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows or [c.strip().lower() for c in rows[0]] != ["project", "score"]:
        raise FormatError(f"{what} must start with the header row 'project,score'",
                          hint="one row per project after it, for example P001,27")
    out: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row]
        if len(cells) != 2 or not cells[0] or not cells[1].isascii() or not cells[1].isdigit() or len(cells[1]) > 9:
            raise FormatError(f"{what}, row {n}: must be a project id and a whole score, got {','.join(row)[:60]!r}",
                              hint="write whole numbers only (no decimals, no signs)")
        if cells[0] in out:
            raise FormatError(f"{what}, row {n}: project {cells[0]!r} is given twice", hint="give each project once")
        out[cells[0]] = int(cells[1])
    return out


def check_scores(rules: JudgingRules, electorate_id: str, scores: Any, what: str = "the scores") -> dict[str, int]:
    """The scores of one signed-score electorate, checked against the package's rules."""
    e = rules.electorate(electorate_id) if isinstance(electorate_id, str) else None
    if e is None or not e.signed_scores:
        names = ", ".join(x.id for x in rules.electorates if x.signed_scores) or "none"
        raise KioskError(f"{electorate_id!r} is not an electorate that gives signed scores (the package's: {names})",
                         hint="name an electorate with scores_max in the election's electorates")
    if not isinstance(scores, dict):
        raise FormatError(f"{what} of {e.id!r} must map project ids to whole scores")
    projects = {p.id for p in rules.projects}
    for pid, score in scores.items():
        if pid not in projects:
            raise FormatError(f"{what} of {e.id!r}: project {pid!r} is not in the election's selection.projects",
                              hint="check the project id (ids are case-sensitive)")
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= e.scores_max:
            raise FormatError(f"{what} of {e.id!r}: project {pid!r} has score {score!r}, not a whole number "
                              f"in 0..{e.scores_max}", hint=f"scores of {e.id!r} go from 0 to {e.scores_max}")
    needed = {p.id for s in rules.stages if any(t.electorate == e.id for t in s.points) for p in rules.pool(s)}
    missing = sorted(needed - set(scores))
    if missing:
        raise FormatError(f"{what} of {e.id!r} give no score for {len(missing)} projects: {', '.join(missing[:10])}",
                          hint="give a score (0 if none) for every project the stages rank with it")
    return dict(scores)


def load_scores(directory: Path, election_hex: str, authority: VerifyKey, rules: JudgingRules) -> dict[str, dict]:
    """The authority-signed scores by electorate; none when there is no ``scores.json``."""
    path = Path(directory) / SCORES_FILE
    if not path.exists():
        return {}
    body = read_envelope(path, SCORES_CONTEXT, authority, "the experts' scores")
    if not isinstance(body, dict) or set(body) != {"election_hex", "format", "scores"} \
            or body["format"] != SCORES_FORMAT or body["election_hex"] != election_hex \
            or not isinstance(body["scores"], dict):
        raise FormatError(f"{path} is not this election's experts' scores ({SCORES_FORMAT})",
                          hint="give the scores.json signed for this election")
    return {e: check_scores(rules, e, s, str(path)) for e, s in body["scores"].items()}


def add_scores(directory: Path, election_hex: str, authority: SigningKey, rules: JudgingRules,
               electorate_id: str, scores: dict[str, int]) -> Path:
    """Check one electorate's scores, add them to ``scores.json`` and sign it again (once per electorate)."""
    given = load_scores(directory, election_hex, authority.verify_key, rules)
    checked = check_scores(rules, electorate_id, scores)
    if electorate_id in given:
        raise KioskError(f"the scores of {electorate_id!r} are already signed",
                         hint="signed scores are final and published; nothing to do")
    body = {"election_hex": election_hex, "format": SCORES_FORMAT, "scores": {**given, electorate_id: checked}}
    path = Path(directory) / SCORES_FILE
    write_envelope(path, seal_envelope(SCORES_CONTEXT, body, authority))
    return path
