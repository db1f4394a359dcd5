"""The closing statement: the results tape's signed QR, which central staff read from a photo.

Payload: ``KS1:`` + the canonical JSON of the statement + ``.`` + the kiosk's Ed25519 signature
(unpadded base64url) over ``kiosk-closing/1 || 0x00 || statement``. ASCII only (every id is
ASCII), QR byte mode. The statement::

    {"format": "kiosk-closing/1", "election_hex", "station", "mode", "kiosk_key_hex",
     "ballots": ballots cast in this store,
     "turnout": {ballot style: ballots}                      (styles with at least one ballot)
     "contests": {contest: {"ballots": n, "options": {option: selections}}}
                 ("options" only when every option was on at least k ballots, the privacy
                  floor: kiosk.contract.tally_rules.counts_shown; every option then, zeros too)
     "log_head": {"seq", "hash_hex"}                         (the closing batch_sealed entry)
     "batch": {"number", "header_hash_hex"}                  (the closing batch)
     "time": Unix s of the closing}

Turnout shows no selection, so it is given per ballot style whatever its size (the Ttabok
participation bonus needs it); selection counts only for contests the floor allows.
:func:`parse_closing` is strict (anything but exactly this, in exactly these bytes, raises
:class:`~kiosk.errors.FormatError`, a wrong signature :class:`~kiosk.errors.SignatureError`);
:func:`check_closing` sets a statement beside its election. Pure: no storage, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url, from_hex, parse_json
from kiosk.contract.election import ID_PATTERN, Election
from kiosk.errors import FormatError
from kiosk.contract.keys import SigningKey, VerifyKey
from kiosk.contract.tally_rules import counts_shown

PREFIX = "KS1:"
CLOSING_FORMAT = "kiosk-closing/1"
CLOSING_CONTEXT = "kiosk-closing/1"
MODES = ("official", "test")
MAX_PAYLOAD = 100_000  # a reader takes no longer statement; the kiosk prints none longer (closing_parts)
FIELDS = {"format", "election_hex", "station", "mode", "kiosk_key_hex", "ballots", "turnout", "contests",
          "log_head", "batch", "time"}


@dataclass(frozen=True)
class ClosingStatement:
    """A parsed, signature-checked closing statement (``body`` is exactly what was signed)."""

    body: dict

    @property
    def kiosk_key(self) -> VerifyKey:
        """The key that signed it (central staff check it is on the kiosk roster)."""
        return VerifyKey.from_hex(self.body["kiosk_key_hex"])

    def __getitem__(self, key: str):
        return self.body[key]


def sign_closing(key: SigningKey, body: dict) -> str:
    """The QR payload of a statement body signed by the kiosk key (checked first: a bug raises)."""
    _check_body(body)
    if body["kiosk_key_hex"] != key.verify_key.hex:
        raise ValueError("the statement names another kiosk key than the one signing it")
    message = canonical_bytes(body)
    return PREFIX + message.decode("ascii") + "." + b64url(key.sign(CLOSING_CONTEXT, message))


def parse_closing(text: object) -> ClosingStatement:
    """Parse a payload and check its signature against the kiosk key it names."""
    if not isinstance(text, str) or len(text) > MAX_PAYLOAD:
        raise FormatError("this is not a closing statement (not text, or far too long)")
    if not text.isascii():
        raise FormatError("a closing statement is ASCII only")
    if not text.startswith(PREFIX):
        if text[:2] == "KS" and text[2:].split(":", 1)[0].isdigit():
            raise FormatError(f"closing statement version {text[2:].split(':', 1)[0]} is not known "
                              f"to this version (it reads {PREFIX[:-1]})", hint="update the reading software")
        raise FormatError("this is not a closing statement (it does not begin with KS1:)")
    message, dot, sig_text = text[len(PREFIX):].rpartition(".")
    if not dot:
        raise FormatError("the closing statement has no signature")
    body = parse_json(message, "the closing statement")
    if not isinstance(body, dict) or canonical_bytes(body).decode("ascii", "replace") != message:
        raise FormatError("the closing statement is not canonical JSON")
    _check_body(body)
    key = VerifyKey.from_hex(body["kiosk_key_hex"], "kiosk_key_hex")
    key.verify(CLOSING_CONTEXT, message.encode("ascii"), from_b64url(sig_text, "the closing signature"))
    return ClosingStatement(body)


def _count(value: object, what: str, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value < 2**53:
        raise FormatError(f"{what} must be a whole number from {least}")
    return value


def _id(value: object, what: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise FormatError(f"{what} must be an id (letters, digits, '_', '.', '-')")
    return value


def _object(value: object, what: str, keys: set[str] | None = None) -> dict:
    if not isinstance(value, dict) or (keys is not None and set(value) != keys):
        raise FormatError(f"{what} must be an object" + (f" with exactly {sorted(keys)}" if keys else ""))
    return value


def _check_body(body: dict) -> None:
    """Shape and types; raises FormatError naming the first problem."""
    _object(body, "the statement", FIELDS)
    if body["format"] != CLOSING_FORMAT:
        raise FormatError(f"format {body['format']!r} is not {CLOSING_FORMAT!r}")
    from_hex(body["election_hex"], "election_hex", 32)
    from_hex(body["kiosk_key_hex"], "kiosk_key_hex", 32)
    _id(body["station"], "station")
    if body["mode"] not in MODES:
        raise FormatError("mode must be official or test")
    ballots = _count(body["ballots"], "ballots")
    _count(body["time"], "time")
    turnout = _object(body["turnout"], "turnout")
    for style, n in turnout.items():
        _count(n, f"turnout.{_id(style, 'a ballot style')}", 1)
    if sum(turnout.values()) != ballots:
        raise FormatError("the turnout per ballot style does not add up to the ballots cast")
    for contest, counts in _object(body["contests"], "contests").items():
        where = f"contests.{_id(contest, 'a contest')}"
        counts = _object(counts, where)
        if set(counts) not in ({"ballots"}, {"ballots", "options"}):
            raise FormatError(f"{where} must hold ballots, and options only at or above the privacy floor")
        if _count(counts["ballots"], f"{where}.ballots", 1) > ballots:
            raise FormatError(f"{where}.ballots is more than the ballots cast")
        for option, n in _object(counts.get("options", {}), f"{where}.options").items():
            _count(n, f"{where}.options.{_id(option, 'an option')}")
    head = _object(body["log_head"], "log_head", {"seq", "hash_hex"})
    _count(head["seq"], "log_head.seq", 1)
    from_hex(head["hash_hex"], "log_head.hash_hex", 32)
    batch = _object(body["batch"], "batch", {"number", "header_hash_hex"})
    _count(batch["number"], "batch.number", 1)
    from_hex(batch["header_hash_hex"], "batch.header_hash_hex", 32)


def check_closing(statement: ClosingStatement, election: Election) -> list[str]:
    """What does not agree between a statement and its election (empty: it agrees).

    Known styles, contests and options; each contest's ballots equal to the turnout of the
    styles that show it; option counts present exactly when the privacy floor allows them, listing
    every option, none above the ballots, in all no more than ballots × allowed.
    """
    b, k = statement.body, election.privacy_floor
    if b["election_hex"] != election.fingerprint_hex:
        return ["the statement is about another election"]
    problems = [f"turnout: unknown ballot style {s}" for s in b["turnout"] if election.style(s) is None]
    if problems:
        return problems
    for contest_id, counts in b["contests"].items():
        contest = election.contest(contest_id)
        if contest is None:
            problems.append(f"contests.{contest_id}: unknown contest")
            continue
        shown_on = sum(n for s, n in b["turnout"].items() if contest_id in election.style(s).contests)
        if counts["ballots"] != shown_on:
            problems.append(f"contests.{contest_id}: {counts['ballots']} ballots, but {shown_on} by the turnout")
        options = counts.get("options")
        if (options is not None) != counts_shown(election, contest_id, b["turnout"]):
            problems.append(f"contests.{contest_id}: option counts must be given exactly when every option "
                            f"was on at least {election.contest_floors.get(contest_id, k)} ballots")
        elif options is not None:
            if set(options) != {o.id for o in contest.options}:
                problems.append(f"contests.{contest_id}: the options are not the contest's")
            elif any(n > counts["ballots"] * (contest.max if contest.is_score else 1) for n in options.values()) \
                    or sum(options.values()) > counts["ballots"] * contest.max * (len(contest.options) if contest.is_score else 1):
                problems.append(f"contests.{contest_id}: more selections than the ballots allow")
    listed = {c.id for c in election.contests if any(c.id in election.style(s).contests for s in b["turnout"])}
    problems += [f"contests.{c}: missing" for c in sorted(listed - set(b["contests"]))]
    return problems
