"""The count of a format-2 election re-derived from its public record, with nothing secret (pure).

What ``kiosk-central verify --from`` checks after the package, the board's checkpoint, root and
cosignatures (:mod:`sync.central.observer`), in this order; each check gives :class:`Finding` s
naming their place, and the first problem is the first failing item:

1. :func:`check_ballots`: every board leaf a format-2 sealed ballot (``kiosk-sealed-ballot/2``),
   signed by a kiosk on the roster and by its token's key, the token key on the roll for its
   style and mode, every proof of its encrypted ballot valid (on ``workers`` processes).
2. :func:`check_count`: the counted ballots (double uses set aside unless the authority-signed
   decisions say otherwise, :func:`sync.central.count.counted_leaves`), the aggregates recomputed
   from them and compared with the published ``kiosk-aggregates/1``, each trustee's published
   partial decryption checked against its verification key, any k combined, the counts read, the
   results recomputed by the election's rules and compared with the published ``results.json``.
3. :func:`sync.central.selection_check.check_selection`: when the package has selection rules, the
   published ``selection.json`` re-derived from those results, the signed scores and the committed lot.
4. :func:`check_spoiled`: each spoiled (checked) ballot signed, its proofs valid, never on the
   board, and opened with its published seed (what it contains is shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from kiosk.contract.ballot import SEALED_BALLOT_CONTEXT, TOKEN_BALLOT_CONTEXT, SealedBallot, \
    parse_sealed_ballot
from kiosk.contract.canonical import canonical_bytes, from_b64url, parse_json
from kiosk.contract.crypto.encrypted_ballot import open_with_seed, parse_ballot_bytes, verify_ballot
from kiosk.contract.crypto.records import Aggregates
from kiosk.contract.double_use import DECISIONS_FILE, Decision, load_decisions
from kiosk.contract.election import Election
from kiosk.contract.findings import Finding, note, ok, problem
from kiosk.contract.keys import VerifyKey
from kiosk.contract.roster import Roster
from kiosk.contract.tally_rules import Count, contest_results
from kiosk.errors import FormatError, KioskError, ProofError
from sync.central.count import BoardBallot, ElectionKey, aggregates_of, ballots_of, count_of, counted_leaves, \
    decrypted_counts, parse_partials
from sync.central.proof_pool import check_all
from sync.central.selection_check import check_selection

MAX_LINES = 50  # problem lines per check printed before a summary of the rest


@dataclass(frozen=True)
class CountFiles:
    """The count's part of a published record, as published (parsed JSON, not yet checked)."""

    aggregates: object | None = None
    partials: tuple[tuple[str, object], ...] = ()      # (file name, body)
    results: object | None = None
    spoiled: tuple[bytes, ...] = ()                    # one spoiled entry's canonical JSON each
    selection: object | None = None                    # kiosk-selection/1, when the package has selection rules


@dataclass
class Derived:
    """What the record gave, when every check up to the results passed."""

    count: Count | None = None
    results: list = field(default_factory=list)
    double_uses: list[dict] = field(default_factory=list)
    spoiled: list[tuple[str, str, dict]] = field(default_factory=list)   # (ballot id, style, contents)
    selection: dict | None = None   # the selection re-derived from the results, as selection.json holds it


def _cap(found: list[Finding], what: str) -> list[Finding]:
    return found if len(found) <= MAX_LINES else found[:MAX_LINES] + [problem(what, f"{len(found) - MAX_LINES} more "
                                                                                   "problems not listed")]


def _signer(ballot: SealedBallot, keys: list[tuple[str, VerifyKey]], last: list[int]) -> str | None:
    message = ballot.kiosk_message()
    for i in last + [i for i in range(len(keys)) if i not in last]:   # a batch's leaves come together
        if keys[i][1].is_valid(SEALED_BALLOT_CONTEXT, message, ballot.sig):
            last[:] = [i]
            return keys[i][0]
    return None


def _signed(ballot: SealedBallot) -> bool:
    return VerifyKey(ballot.token_key).is_valid(TOKEN_BALLOT_CONTEXT, ballot.token_message(), ballot.token_sig)


def check_ballots(election: Election, key: ElectionKey, mode: str, leaves: Sequence[bytes], roll, roster: Roster | None,
                  workers: int = 1) -> tuple[list[Finding], list[BoardBallot]]:
    """Step 1 of the module docstring; the board ballots that passed every check."""
    out: list[Finding] = []
    keys = [(k.kiosk_key_hex, VerifyKey.from_hex(k.kiosk_key_hex)) for k in roster.kiosks] if roster else []
    last: list[int] = []
    parsed: dict[int, tuple[SealedBallot, str]] = {}
    for i, data in enumerate(leaves):
        try:
            ballot = parse_sealed_ballot(data, election, f"leaf {i}")
        except FormatError as e:
            out.append(problem(f"leaf {i}", f"not a format-2 sealed ballot: {e.message}"))
            continue
        signer = _signer(ballot, keys, last) if roster is not None else None
        if signer is None:
            out.append(problem(f"leaf {i}", f"ballot {ballot.ballot_id.hex()}: its signature is by no kiosk on the roster"))
        elif not _signed(ballot):
            out.append(problem(f"leaf {i}", f"ballot {ballot.ballot_id.hex()}: the token's signature does not verify"))
        else:
            parsed[i] = (ballot, signer)
    if roll is not None:
        on_roll = roll.lookup_many(sorted({b.token_key for b, _ in parsed.values()}))
        for i, (ballot, _) in list(parsed.items()):
            found = on_roll.get(ballot.token_key)
            if found != (mode, ballot.style):
                out.append(problem(f"leaf {i}", f"ballot {ballot.ballot_id.hex()}: its token key is not on the roll "
                                                f"for {mode} style {ballot.style}"))
                del parsed[i]
    order = sorted(parsed)
    items = [(parsed[i][0].style, parsed[i][0].ballot_id.hex(), parsed[i][0].encrypted) for i in order]
    for n, reason in check_all(key.public_key, election, items, workers=workers):
        out.append(problem(f"leaf {order[n]}", reason))
        del parsed[order[n]]
    good = [BoardBallot(i, parsed[i][1], parsed[i][0]) for i in sorted(parsed)]
    if not out:
        out.append(ok("ballots", f"all {len(leaves)} leaves are format-2 ballots signed by roster kiosks and by "
                                 f"their tokens' keys{', on the roll' if roll is not None else ''}, every proof valid"))
    return _cap(out, "ballots"), good


def _first_difference(published: Aggregates, derived: Aggregates) -> str:
    if published.election != derived.election:
        return f"it names election {published.election[:40]!r}, not {derived.election}"
    mine = {(c, o): (ct, n) for c, o, ct, n in derived.items}
    for n, (c, o, ct, b) in enumerate(published.items, 1):
        if (c, o) not in mine:
            return f"aggregate {n} ({c}/{o}) is of no contest and option the counted ballots give (or below the floor)"
        if mine[(c, o)] != (ct, b):
            return (f"aggregate {n} ({c}/{o}) is not the sum of the {mine[(c, o)][1]} counted ballots that show "
                    f"that option")
    if len(published.items) != len(derived.items):
        return f"{len(published.items)} aggregates published, the counted ballots give {len(derived.items)}"
    return "the aggregates are not in the order of the election's contests and options"


def results_json(results: list) -> list[dict]:
    """Contest results as ``results.json`` holds them (the same shape as ``kiosk-central tally``'s)."""
    return [{"contest": c.contest, "ballots": c.ballots, "suppressed": c.suppressed,
             "options": [o.__dict__ for o in c.options]} for c in results]


def _shown(value: object) -> str:
    """A published value in a message, cut short (it comes from outside)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _results_difference(published: object, derived: list[dict], ballots: int) -> str | None:
    if not isinstance(published, dict) or not isinstance(published.get("results"), list):
        return "not a results file with a list of results"
    if published.get("ballots_counted") != ballots:
        return f"it says {_shown(published.get('ballots_counted'))} ballots counted, the record gives {ballots}"
    theirs = {c["contest"]: c for c in published["results"] if isinstance(c, dict) and isinstance(c.get("contest"), str)}
    for contest in derived:
        mine = theirs.get(contest["contest"])
        if mine is None:
            return f"contest {contest['contest']} is missing"
        for field_ in ("ballots", "suppressed"):
            if mine.get(field_) != contest[field_]:
                return f"contest {contest['contest']}: {field_} {_shown(mine.get(field_))}, the record gives {contest[field_]!r}"
        listed = mine.get("options") if isinstance(mine.get("options"), list) else []
        options = {o["option"]: o for o in listed if isinstance(o, dict) and isinstance(o.get("option"), str)}
        for o in contest["options"]:
            for field_, value in o.items():
                if options.get(o["option"], {}).get(field_) != value:
                    return (f"contest {contest['contest']} option {o['option']}: {field_} "
                            f"{_shown(options.get(o['option'], {}).get(field_))}, the record gives {value!r}")
    if len(theirs) != len(derived):
        return f"{len(theirs)} contests published, the election has {len(derived)}"
    return None


def check_count(election: Election, key: ElectionKey, board: list[BoardBallot], decisions: dict[str, Decision],
                files: CountFiles, all_leaves_good: bool = True) -> tuple[list[Finding], Derived]:
    """Step 2 of the module docstring."""
    out: list[Finding] = []
    derived = Derived()
    counted = counted_leaves(board, decisions)
    derived.double_uses = counted.double_uses
    for d in counted.double_uses:
        outcome = (f"decided: ballot {d['counted']} counted ({d['reason']})" if d["counted"] else
                   f"decided: none counted ({d['reason']})") if d["decided"] else "undecided: none counted"
        out.append(note(f"token key {d['token_ref_hex'][:16]}", f"used for {d['ballots']} ballots at kiosks "
                                                                 f"{', '.join(d['kiosks'])}; {outcome}"))
    if not all_leaves_good:
        out.append(problem("aggregates.json", "not checked: the board holds ballots that fail their checks"))
        return out, derived
    ballots = ballots_of(election, counted.ballots)
    mine = aggregates_of(election, ballots)
    if files.aggregates is None:  # a board before its tally (an observer during the day): what is there verifies
        return out + [note("aggregates.json", "not published yet: the count is checked once `kiosk-central tally "
                                              "--aggregates` publishes it")], derived
    try:
        published = Aggregates.from_json(files.aggregates)
    except FormatError as e:
        return out + [problem("aggregates.json", e.message)], derived
    if published != mine:
        return out + [problem("aggregates.json", _first_difference(published, mine))], derived
    out.append(ok("aggregates.json", f"the {len(mine.items)} aggregates are the sums of the {len(ballots)} counted "
                                     "ballots (contests below the privacy floor left out)"))
    partials = []
    for name, body in files.partials:
        try:
            partials += parse_partials(key, published, [body])
        except FormatError as e:
            return out + [problem(name, e.message)], derived
    try:
        counts = decrypted_counts(key, published, partials, election)
    except (FormatError, ProofError) as e:
        where = next((name for (name, _), p in zip(files.partials, partials) if f"trustee {p.index}'s" in e.message),
                     "partial decryptions")
        return out + [problem(where, e.message)], derived
    out.append(ok("partial decryptions", f"{len(partials)} trustees' partial decryptions, every proof valid; "
                                         f"{key.ceremony.threshold} of {key.ceremony.count} combined"))
    try:
        derived.count = count_of(election, ballots, published, counts)
    except ValueError as e:
        return out + [problem("combination", str(e))], derived
    derived.results = contest_results(election, derived.count)
    difference = _results_difference(files.results, results_json(derived.results), derived.count.ballots)
    if files.results is None:
        out.append(problem("results.json", "not published"))
    elif difference:
        out.append(problem("results.json", difference))
    else:
        out.append(ok("results.json", f"equal to the results re-derived from the record: {derived.count.ballots} "
                                      f"ballots, {len(derived.results)} contests"))
    return out, derived


def parse_spoiled(data: bytes, election: Election, what: str) -> tuple[SealedBallot, bytes]:
    """A spoiled entry ``{"ballot": SEALED BALLOT/2, "nonce_seed_b64"}`` (batch format 2's ``spoiled`` list)."""
    value = parse_json(data, what)
    if not isinstance(value, dict) or set(value) != {"ballot", "nonce_seed_b64"}:
        raise FormatError(f"{what}: expected exactly ballot and nonce_seed_b64", "use the record the node published")
    ballot = parse_sealed_ballot(canonical_bytes(value["ballot"]), election, f"{what}.ballot")
    seed = from_b64url(value["nonce_seed_b64"], f"{what}.nonce_seed_b64")
    if len(seed) != 32:
        raise FormatError(f"{what}: the nonce seed is not 32 bytes", "use the record the node published")
    return ballot, seed


def open_spoiled(election: Election, key: ElectionKey, ballot: SealedBallot, seed: bytes) -> dict:
    """What a spoiled ballot contains: its proofs checked, then opened with its seed alone."""
    encrypted = parse_ballot_bytes(ballot.encrypted, election, ballot.style, ballot.ballot_id.hex())
    verify_ballot(key.public_key, election, encrypted)
    return open_with_seed(key.public_key, election, encrypted, seed)


def check_spoiled(election: Election, key: ElectionKey, roster: Roster | None, lines: Sequence[bytes],
                  board: Sequence[BoardBallot], derived: Derived) -> list[Finding]:
    """Step 3 of the module docstring (``board``: the board's ballots that passed their checks)."""
    out: list[Finding] = []
    keys = [(k.kiosk_key_hex, VerifyKey.from_hex(k.kiosk_key_hex)) for k in roster.kiosks] if roster else []
    on_board = {b.ballot.ballot_id.hex() for b in board}
    for n, data in enumerate(lines, 1):
        place = f"spoiled ballot {n}"
        try:
            ballot, seed = parse_spoiled(data, election, place)
            if roster is not None and _signer(ballot, keys, []) is None:
                raise ProofError("its signature is by no kiosk on the roster", "")
            if not _signed(ballot):
                raise ProofError("the token's signature does not verify", "")
            if ballot.ballot_id.hex() in on_board:
                raise ProofError("it is also on the board: a spoiled ballot never counts", "")
            contents = open_spoiled(election, key, ballot, seed)
        except KioskError as e:
            out.append(problem(place, e.message))
            continue
        derived.spoiled.append((ballot.ballot_id.hex(), ballot.style, contents))
    if lines and not out:
        out.append(ok("spoiled ballots", f"all {len(lines)} signed, proofs valid, none on the board, each opened "
                                         "with its published seed"))
    return _cap(out, "spoiled ballots")


def check_record_count(package, roll, roster: Roster | None, mode: str, leaves: Sequence[bytes], files: CountFiles,
                       workers: int = 1) -> tuple[list[Finding], list[BoardBallot], Derived]:
    """Steps 1 to 3 on a loaded package (its ``decisions.json`` read beside ``election.json``)."""
    election = package.election
    key = ElectionKey.of(election)
    found, good = check_ballots(election, key, mode, leaves, roll, roster, workers)
    try:
        decisions = load_decisions(package.directory, election.fingerprint_hex, package.authority)
    except KioskError as e:
        return found + [problem(DECISIONS_FILE, e.message)], good, Derived()
    more, derived = check_count(election, key, good, decisions, files,
                                all_leaves_good=not any(f.level == "problem" for f in found))
    found += more
    if derived.count is not None and not any(f.level == "problem" for f in found):
        more, derived.selection = check_selection(election, package.directory, package.authority, derived.count,
                                                  files.selection)
        found += more
    found += check_spoiled(election, key, roster, files.spoiled, good, derived)
    return found, good, derived
