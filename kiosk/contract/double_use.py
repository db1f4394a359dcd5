"""A token used twice: the node's signed record of it, and the authority's signed decisions.

No rule an attacker can steer decides which ballot of a doubly used token counts (the tally
used to keep the smallest leaf hash, and a stolen kiosk key could redraw ``ballot_id`` until it
won). Instead:

1. Ballots of one token that are the *same bytes* (``ballot_id``, sealed form and signature
   equal: one ballot delivered twice) are one ballot, counted once, and not a double use.
2. Distinct ballots of one token are a double use. The node that catches it writes a record
   signed with its own key (context ``kiosk-double-use/1``) in ``DATA/double-uses/MODE/REF.json``::

       {"ballots": [{"ballot_id_hex", "batch", "kiosk_key_hex", "leaf_index"}, ...],
        "election_hex", "format": "kiosk-double-use/1", "node_id", "token_ref_hex"}

3. The tally sets all of its ballots aside and reports a finding (exit 1) until central staff
   decide, in ``decisions.json`` beside ``election.json`` (authority-signed, context
   ``kiosk-double-use-decisions/1``)::

       {"decisions": [{"count_ballot_id_hex": HEX | null, "reason", "token_ref_hex"}, ...],
        "election_hex", "format": "kiosk-double-use-decisions/1"}

   ``count_ballot_id_hex`` names the ballot whose paper record the staff found (the id the
   paper record prints), or null: neither counts. ``kiosk-central verify`` checks each decision
   against the board.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from kiosk.contract.envelope import read_envelope, seal_envelope, write_envelope
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.errors import FormatError, KioskError

RECORD_CONTEXT = RECORD_FORMAT = "kiosk-double-use/1"
DECISIONS_FILE = "decisions.json"
DECISIONS_CONTEXT = DECISIONS_FORMAT = "kiosk-double-use-decisions/1"
RECORDS_DIR = "double-uses"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX32 = re.compile(r"[0-9a-f]{32}")
MAX_REASON = 300


@dataclass(frozen=True)
class UsedBallot:
    """One ballot of a doubly used token, as the board holds it."""

    leaf_index: int
    kiosk_key_hex: str
    batch: int
    ballot_id_hex: str

    def to_json(self) -> dict:
        return {"ballot_id_hex": self.ballot_id_hex, "batch": self.batch, "kiosk_key_hex": self.kiosk_key_hex,
                "leaf_index": self.leaf_index}


def distinct_ballots(leaves: Sequence, same=lambda leaf: leaf.ballot) -> list[list]:
    """Board leaves of one token grouped by identical ballot bytes (first leaf of each group first).

    More than one group is a double use; one group is one ballot delivered more than once.
    """
    groups: dict[Any, list] = {}
    for leaf in leaves:
        groups.setdefault(same(leaf), []).append(leaf)
    return list(groups.values())


def record_body(election_hex: str, node_id: str, token_ref: bytes, ballots: Iterable[UsedBallot]) -> dict:
    """The body a node signs when it catches a double use."""
    return {"ballots": [b.to_json() for b in sorted(ballots, key=lambda b: b.leaf_index)],
            "election_hex": election_hex, "format": RECORD_FORMAT, "node_id": node_id,
            "token_ref_hex": token_ref.hex()}


def read_record(path: Path, node_key: VerifyKey) -> dict:
    """A node's double-use record, its signature checked against the node's key."""
    body = read_envelope(path, RECORD_CONTEXT, node_key, "a double-use record")
    if not isinstance(body, dict) or body.get("format") != RECORD_FORMAT:
        raise FormatError(f"{path} is not a double-use record")
    return body


@dataclass(frozen=True)
class Decision:
    """Central staff's decision on one doubly used token: count one ballot (by id) or neither."""

    token_ref_hex: str
    count_ballot_id_hex: str | None
    reason: str

    def to_json(self) -> dict:
        return {"count_ballot_id_hex": self.count_ballot_id_hex, "reason": self.reason,
                "token_ref_hex": self.token_ref_hex}


def _decision(i: int, d: Any) -> Decision:
    if not isinstance(d, dict) or set(d) != {"count_ballot_id_hex", "reason", "token_ref_hex"}:
        raise FormatError(f"decisions.json: decisions[{i}] must have exactly count_ballot_id_hex, reason, token_ref_hex")
    ref, count, reason = d["token_ref_hex"], d["count_ballot_id_hex"], d["reason"]
    if not isinstance(ref, str) or not _HEX64.fullmatch(ref):
        raise FormatError(f"decisions.json: decisions[{i}].token_ref_hex is not 64 lowercase hex")
    if count is not None and (not isinstance(count, str) or not _HEX32.fullmatch(count)):
        raise FormatError(f"decisions.json: decisions[{i}].count_ballot_id_hex is not a ballot id (32 hex) or null")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        raise FormatError(f"decisions.json: decisions[{i}].reason must say why, in at most {MAX_REASON} characters")
    return Decision(ref, count, reason)


def load_decisions(directory: Path, election_hex: str, authority: VerifyKey) -> dict[str, Decision]:
    """The authority-signed decisions by token reference (hex); none when there is no file."""
    path = Path(directory) / DECISIONS_FILE
    if not path.exists():
        return {}
    body = read_envelope(path, DECISIONS_CONTEXT, authority, "the double-use decisions")
    if not isinstance(body, dict) or set(body) != {"decisions", "election_hex", "format"} \
            or body["format"] != DECISIONS_FORMAT or body["election_hex"] != election_hex \
            or not isinstance(body["decisions"], list):
        raise FormatError("decisions.json is not this election's double-use decisions")
    out: dict[str, Decision] = {}
    for i, d in enumerate(body["decisions"]):
        decision = _decision(i, d)
        if decision.token_ref_hex in out:
            raise FormatError(f"decisions.json decides token {decision.token_ref_hex[:16]} twice")
        out[decision.token_ref_hex] = decision
    return out


def add_decision(directory: Path, election_hex: str, authority: SigningKey, decision: Decision) -> None:
    """Append a decision to ``decisions.json`` and sign it again (a token is decided once)."""
    decided = load_decisions(directory, election_hex, authority.verify_key)
    _decision(0, decision.to_json())
    if decision.token_ref_hex in decided:
        raise KioskError(f"token {decision.token_ref_hex[:16]} is already decided",
                         hint="a decision is final and published; nothing to do")
    body = {"decisions": [d.to_json() for d in decided.values()] + [decision.to_json()],
            "election_hex": election_hex, "format": DECISIONS_FORMAT}
    write_envelope(Path(directory) / DECISIONS_FILE, seal_envelope(DECISIONS_CONTEXT, body, authority))
