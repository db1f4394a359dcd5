"""Helpers for the store tests: an election with many tokens, stations, valid choices, the CLI."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ceremonyhelp import LocalCeremony, run_ceremony

from kiosk.station.provisioning import provision
from kiosk.contract.election import Election
from kiosk.contract.minting import mint_tokens
from kiosk.contract.package import create_package
from kiosk.station.polls import open_polls
from kiosk.station.station import Station
from kiosk.contract.ttabok import ttabok_spec

NOW = 1_495_850_400  # 2017-05-27 02:00 UTC, the Ttabok vote's morning


@dataclass(frozen=True)
class Tokens:
    """A frozen election package and its tokens as (style, payload) per mode."""

    directory: Path
    election: Election
    test: list[tuple[str, str]]
    official: list[tuple[str, str]]
    ceremony: LocalCeremony | None = None   # the trustees' secrets (the test plays them)


def make_election(directory: Path, per_style: int, communities: int = 24,
                  ceremony: tuple[int, int] = (3, 2), spec: dict | None = None) -> Tokens:
    """Create, mint (test and official) and freeze an election package.

    Its key comes from an in-process k-of-n ceremony (``ceremony=(n, k)``, 2 of 3 by default; it
    takes milliseconds, so every election runs its own). ``spec``: another election than the Ttabok
    vote of ``communities``.
    """
    spec = spec or ttabok_spec(communities)
    local = run_ceremony(spec["id"], *ceremony)
    package = create_package(directory, spec, election_key=local.record)
    styles = [s.id for s in package.election.styles]
    test = mint_tokens(package, [(s, per_style) for s in styles], "test")
    official = mint_tokens(package, [(s, per_style) for s in styles], "official")
    roll = package.roll()
    roll.freeze(package.authority_key())
    roll.close()
    # interleave styles so that the first tokens of the lists cover many ballot styles
    order = sorted(range(len(test)), key=lambda i: (i % per_style, i))
    return Tokens(directory, package.election, [(test[i].style, test[i].payload) for i in order],
                  [(official[i].style, official[i].payload) for i in order], local)


def make_station(tokens: Tokens, root: Path, mode: str = "test", polls_open: bool = True,
                 seal_interval_s: int = 0, cards=None) -> Path:
    """Provision a station in ``root``, load the card list of ``cards`` (a pollhelp.Cards) when given,
    and (by default) open its polls."""
    provision(tokens.directory, "S-0001", root, NOW, mode=mode, seal_interval_s=seal_interval_s)
    if cards is not None:
        load_cards(tokens, root, cards.pins)
    if polls_open:
        with Station.open(root) as station:
            open_polls(station, NOW)
    return root


def load_cards(tokens: Tokens, root: Path, pins, issued: int = NOW) -> None:
    """What the authority and the technician do: a card list of ``pins`` (CardPin records) signed
    for this station's kiosk key, loaded with ``kiosk cards load``'s function."""
    from kiosk.contract.card_list import make_card_list
    from kiosk.contract.package import load_package
    from kiosk.station.cardlist import load_card_list

    with Station.open(root) as station:
        envelope = make_card_list(load_package(tokens.directory).authority_key(), station.config.election_hex,
                                  station.config.kiosk_key_hex, station.config.station, pins, issued)
        load_card_list(station, json.dumps(envelope).encode("utf-8"), issued)


def choices(election: Election, style_id: str, n: int = 2) -> dict:
    """Valid selections: the first ``n`` options the style allows in each of its contests."""
    style = election.style(style_id)
    out = {}
    for contest_id in style.contests:
        contest = election.contest(contest_id)
        allowed = [o.id for o in contest.options if o.id not in style.exclude]
        out[contest_id] = allowed[:min(n, contest.max)]
    return out


def kiosk_cli(*argv: str) -> tuple[int, str]:
    """Run the ``kiosk`` command in-process: (exit code, stdout)."""
    from kiosk.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([str(a) for a in argv])
    return code, out.getvalue()


def verify_json(root: Path) -> tuple[int, dict]:
    """``kiosk verify --json``: (exit code, report)."""
    code, out = kiosk_cli("verify", "--data", root, "--json")
    return code, json.loads(out)
