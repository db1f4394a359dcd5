"""The dashboard's figures come from the store's own queries, the same on SQLite and PostgreSQL.

A node on a clock the test moves: a closed kiosk, one with a batch held for a gap, one whose only
batch was rejected, one registered that never sent anything; then what the store computes per
kiosk and per hour, and how the page sorts, filters and pages the stations.
"""

from __future__ import annotations

import secrets
from collections import Counter

import pytest

from centralhelp import batches, make_kiosk, signed_batch
from kiosk.contract.keys import save_signing_key
from sync.central.board import Board
from sync.central.dashboard import render
from sync.central.dashboard_view import SILENT_AFTER_S, HourlyTurnout, Query, StyleTurnout, build_view, style_rows
from sync.central.node import NODE_KEY, CentralNode
from sync.central.witnessing import Witnessing
from synchelp import kiosk_with_batches

T0 = 1_800_000_000 - 1_800_000_000 % 3600  # on the hour (UTC), so each step below falls in its own hour


class Clock:
    def __init__(self) -> None:
        self.now = float(T0)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def night(central, tmp_path):
    """The node after the evening below, its clock three hours past the first batch."""
    closed = kiosk_with_batches(central, tmp_path / "a", sizes=(7, 5), station="S-0001")
    still_open = kiosk_with_batches(central, tmp_path / "b", sizes=(4, 3, 2), station="S-0002", first_token=12,
                                    close=False)
    refused = make_kiosk(central, tmp_path / "c", station="S-0003")
    make_kiosk(central, tmp_path / "d", station="S-0004")  # never sends anything
    data = tmp_path / "n1"
    data.mkdir()
    save_signing_key(data / NODE_KEY, central.node_keys["n1"])
    clock = Clock()
    node = CentralNode(central.directory, data, clock=clock)
    a1, a2 = batches(closed)
    b1, _, b3 = batches(still_open)
    steps = [(0, a1, "accepted"), (0, a2, "accepted"), (3600, b1, "accepted"), (3600 + 60, b3, "held"),
             (3600 + 120, signed_batch(refused, central.election, [(central.official[0][0], secrets.token_bytes(16))]),
              "rejected"),
             (7200, a2, "duplicate")]  # S-0001 sends its closing batch again: it is timed by the resend
    for at, body, verdict in steps:
        clock.now = T0 + at
        assert node.submit(body).ack.verdict == verdict
    clock.now = T0 + 3 * 3600
    witnessing = Witnessing(Board(node))
    try:
        yield node, witnessing, {"a": closed, "b": still_open, "c": refused}
    finally:
        witnessing.close()
        node.close()


def key_of(root) -> str:
    from kiosk.station.datadir import DataDir
    from kiosk.contract.keys import load_signing_key

    return load_signing_key(DataDir(root).key_file).verify_key.hex


def test_the_store_computes_each_kiosks_figures(night):
    node, _, roots = night
    found = {a.kiosk_key_hex: a for a in node.store.kiosk_activity()}
    a, b, c = (found[key_of(roots[k])] for k in "abc")
    assert len(found) == 3                                    # S-0004 never sent anything: no row
    assert (a.last_batch, a.ballots, a.closed, a.held, a.rejected) == (2, 12, True, 0, 0)
    assert (a.last_contact, a.last_delivered) == (T0 + 7200, T0 + 7200)
    assert (b.last_batch, b.ballots, b.closed, b.held, b.rejected) == (1, 4, False, 1, 0)
    assert (b.last_contact, b.last_delivered) == (T0 + 3660, T0 + 3600)
    assert (c.last_batch, c.ballots, c.closed, c.held, c.rejected) == (0, 0, False, 0, 1)
    assert (c.last_contact, c.last_delivered) == (T0 + 3720, None)


def test_ballots_per_hour_count_each_batch_once_at_its_latest_delivery(night):
    node, _, roots = night
    assert HourlyTurnout().update(node.store, 0) == {T0: 7, T0 + 3600: 4, T0 + 7200: 5}
    assert HourlyTurnout().update(node.store, 1800) == {T0 - 1800: 7, T0 + 1800: 4, T0 + 5400: 5}  # half-hour zone
    kept = HourlyTurnout()
    kept.update(node.store, 0)
    node.clock.now = T0 + 4 * 3600
    assert node.submit(batches(roots["a"])[0]).ack.verdict == "duplicate"  # batch 1 again: it moves to this hour
    assert kept.update(node.store, 0) == HourlyTurnout().update(node.store, 0) == {T0 + 3600: 4, T0 + 7200: 5,
                                                                                   T0 + 4 * 3600: 7}


def test_problem_stations_come_first_and_the_filters_find_them(night):
    node, witnessing, _ = night
    view = build_view(node, witnessing, Query(), tokens=288)
    assert [r.station for r in view.stations] == ["S-0003", "S-0002", "S-0004", "S-0001"]
    assert [r.problems for r in view.stations] == [["rejected", "silent"], ["held", "silent"], ["never"], []]
    assert view.counts["open"] == 3 and view.counts["closed"] == 1
    assert view.blocking == ["S-0002", "S-0003", "S-0004"]
    assert (view.batches, view.ballots, view.held) == (3, 16, 1)
    assert [(r["station"], r["reason"]) for r in view.rejected] == [("S-0003", "not_on_roll")]

    def stations(**asked) -> list[str]:
        return [r.station for r in build_view(node, witnessing, Query(**asked), tokens=288).stations]

    assert stations(show="never") == ["S-0004"]
    assert stations(show="closed") == ["S-0001"]
    assert stations(show="silent") == ["S-0003", "S-0002"]
    assert stations(show="problems", sort="station") == ["S-0002", "S-0003", "S-0004"]
    assert stations(q="0002") == ["S-0002"]
    assert stations(sort="contact") == ["S-0004", "S-0002", "S-0003", "S-0001"]  # never, then the oldest contact
    assert stations(sort="ballots") == ["S-0001", "S-0002", "S-0003", "S-0004"]


def test_the_stations_come_in_pages(night):
    node, witnessing, _ = night
    seen = []
    for page in (1, 2, 3):
        view = build_view(node, witnessing, Query(sort="station", per_page=2, page=page), tokens=288)
        assert view.pages == 2 and view.matching == 4
        seen.append([r.station for r in view.stations])
    assert seen == [["S-0001", "S-0002"], ["S-0003", "S-0004"], ["S-0003", "S-0004"]]  # past the end: the last page
    page = render(build_view(node, witnessing, Query(sort="station", per_page=2), tokens=288))
    assert 'rel="next"' in page and "page 1 of 2" in page and "per=2" in page


def test_a_station_is_silent_only_while_open_and_quiet_for_longer_than_the_limit(night):
    node, witnessing, _ = night
    node.clock.now = T0 + 3720 + SILENT_AFTER_S  # S-0003's last contact exactly the limit ago
    rows = {r.station: r.problems for r in build_view(node, witnessing, Query(), tokens=288).stations}
    assert rows["S-0003"] == ["rejected"] and rows["S-0002"] == ["held", "silent"] and rows["S-0001"] == []


def test_the_query_string_is_read_leniently():
    q = Query.from_params({"sort": "nonsense", "show": "<script>", "page": "x", "per": "100000", "q": " S-1 "})
    assert (q.sort, q.show, q.page, q.per_page, q.q, q.refresh) == ("problems", "all", 1, 500, "S-1", False)
    assert Query.from_params({"refresh": "0", "page": "-4", "per": "1"}) == Query(refresh=False, page=1, per_page=10)
    assert Query.from_params({"refresh": "1"}).refresh and not Query.from_params({"refresh": "yes"}).refresh


def test_turnout_per_ballot_style_counts_the_board_and_withholds_small_styles(night):
    """Per style, from the board's new positions only (both stores), against the roll's tokens of that
    style; a style with some ballots but fewer than k shows no figure, as on the results tape; one with none, 0."""
    node, witnessing, roots = night
    size = node.store.checkpoint()[0]
    on_board = Counter(leaf.ballot.style for leaf in node.store.leaves())
    kept = StyleTurnout()
    assert kept.update(node.store, size) == dict(on_board) and sum(on_board.values()) == size == 16
    assert kept.update(node.store, size) == dict(on_board)          # nothing new: nothing counted twice
    node.clock.now = T0 + 4 * 3600
    assert node.submit(batches(roots["b"])[1]).ack.verdict == "accepted"   # the gap filled: 3 + 2 more leaves
    grown = node.store.checkpoint()[0]
    assert grown == size + 5
    assert kept.update(node.store, grown) == dict(Counter(leaf.ballot.style for leaf in node.store.leaves()))
    tokens = node.roll.count_by_style(node.mode)
    k = node.election.privacy_floor
    rows = style_rows(node, {**kept.ballots, "C001": k}, tokens)
    assert len(rows) == len(node.election.styles)
    assert rows[0][2] == k and rows[0][3] == tokens["C001"]
    cast = dict(zip((s.id for s in node.election.styles), (n for _, _, n, _ in rows)))
    # one to k - 1 ballots withheld; a style nobody voted with says 0 (nothing to withhold)
    assert all(n is None if kept.ballots.get(style) else n == 0 for style, n in list(cast.items())[1:])
    assert None in cast.values() and 0 in cast.values()
    view = build_view(node, witnessing, Query(), tokens=288, styles=StyleTurnout(), tokens_by_style=tokens)
    page = render(view)
    assert "Turnout by ballot style" in page and f"under {k}" in page
    assert [n is None for _, _, n, _ in view.by_style] == [bool(kept.ballots.get(s.id)) for s in node.election.styles]
