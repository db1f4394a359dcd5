"""The test deck for logic-and-accuracy testing: known test ballots in, the same tally out.

Runs only on a test-mode station whose ballot box is empty: opens the polls, casts one
seeded random ballot per test token of the tokens file (and replays the first token, and
shows an official token if the file has one, expecting both refused), closes the polls
(which seals the closing batch), then recomputes the tally from the ballot box and sets it
beside the tally the deck expected. Test mode has no voters, so no privacy floor applies.
"""

from __future__ import annotations

import random
from pathlib import Path

from kiosk.contract.canonical import parse_json
from kiosk.station.casting import Cast, cast
from kiosk.contract.election import Election
from kiosk.errors import FormatError, KioskError
from kiosk.station.polls import StepRefused, close_polls, open_polls
from kiosk.contract.rules import normalise_selections
from kiosk.files import read_input
from kiosk.station.lifecycle import StationState
from kiosk.station.station import Station
from kiosk.contract.tokens import Refused, parse_token

DEFAULT_SEED = 2017


def read_payloads(path: Path) -> list[tuple[str, str, str]]:
    """(style, mode, payload) of every line of a ``payloads.tsv`` (style, mode, png, payload)."""
    rows = []
    text = read_input(path, f"the payloads file {path}").decode("ascii")
    for n, line in enumerate(text.splitlines(), 1):
        parts = line.split("\t")
        if len(parts) != 4 or parts[1] not in ("test", "official"):
            raise FormatError(f"{path} line {n} is not 'style, mode, png, payload' separated by tabs",
                              hint="give the payloads.tsv that 'kiosk-central tokens mint' wrote")
        rows.append((parts[0], parts[1], parts[3]))
    return rows


def deck_selections(election: Election, style_id: str, rng: random.Random) -> dict:
    """A random valid choice for a ballot style: per contest between min and max allowed options
    (a score contest: a random grade in min..max for every shown option)."""
    style = election.style(style_id)
    out = {}
    for contest_id in style.contests:
        contest = election.contest(contest_id)
        options = [o.id for o in contest.options if o.id not in style.exclude]
        if contest.is_score:
            out[contest_id] = {o: rng.randint(contest.min, contest.max) for o in options}
            continue
        out[contest_id] = rng.sample(options, rng.randint(contest.min, min(contest.max, len(options))))
    return normalise_selections(election, style_id, out)


def tally(selections: list[dict], election: Election) -> dict[str, dict[str, int]]:
    """Choices per contest and option (every option listed, zeros included); grades summed for score."""
    counts = {c.id: {o.id: 0 for o in c.options} for c in election.contests}
    for chosen in selections:
        for contest_id, options in chosen.items():
            if isinstance(options, dict):
                for option_id, grade in options.items():
                    counts[contest_id][option_id] += grade
                continue
            for option_id in options:
                counts[contest_id][option_id] += 1
    return counts


def run_test_deck(root: Path, tokens_file: Path, now: int, seed: int = DEFAULT_SEED) -> dict:
    """Cast the deck, close the polls, and return expected and recomputed tallies side by side."""
    rows = read_payloads(tokens_file)
    with Station.open(root) as station:
        if station.mode != "test":
            raise KioskError("the test deck runs only in test mode; this station is in official mode",
                             hint="logic-and-accuracy testing happens before the change to official mode")
        if station.state is StationState.PROVISIONED and isinstance(open_polls(station, now), StepRefused):
            raise KioskError("the polls could not be opened: the test ballot box is not empty")
        if not station.accepts_ballots or station.ballots:
            raise KioskError(f"the test deck needs an empty test ballot box with the polls open "
                             f"(state {station.state.value}, {station.ballots} ballots)",
                             hint="provision a fresh station for another test deck")
        rng = random.Random(seed)
        expected, expected_refusals, refusals = [], {}, {}
        test_rows = [r for r in rows if r[1] == "test"]
        for style, _, payload in test_rows:
            chosen = deck_selections(station.election, style, rng)
            result = cast(station, payload, chosen, now)
            if isinstance(result, Cast):
                expected.append(chosen)
            else:
                refusals[result.reason.value] = refusals.get(result.reason.value, 0) + 1
        extra = [r[2] for r in test_rows[:1]] + [r[2] for r in rows if r[1] == "official"][:1]
        for payload in extra:  # a replayed test token and an official token: both must be refused
            token = parse_token(payload)
            reason = "already_used" if not isinstance(token, Refused) and token.mode == "test" else "wrong_mode"
            expected_refusals[reason] = expected_refusals.get(reason, 0) + 1
            result = cast(station, payload, deck_selections(station.election, rows[0][0], rng), now)
            if isinstance(result, Refused):
                refusals[result.reason.value] = refusals.get(result.reason.value, 0) + 1
        batch = close_polls(station, now)
        actual = [parse_json(r.selections, "selections") for r in station.store.ballots()]
        e = station.election
        report = {"station": station.config.station, "mode": station.mode, "seed": seed,
                  "tokens": len(test_rows), "cast": len(expected), "ballots_in_box": len(actual),
                  "refused": {"expected": expected_refusals, "actual": refusals},
                  "closing_batch": batch.header.number if not isinstance(batch, StepRefused) else None,
                  "expected": tally(expected, e), "actual": tally(actual, e)}
    report["match"] = (report["expected"] == report["actual"] and report["refused"]["expected"] == refusals
                       and len(expected) == len(actual) == len(test_rows))
    return report
