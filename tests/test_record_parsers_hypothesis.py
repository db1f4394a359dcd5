"""Property tests: whatever a published record holds (aggregates, partials, results, spoiled entries,
leaves), the count's checks give findings, never an exception (sync/central/record_check.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from counthelp import cast, count_election, every_style, roster_of, spoil
from kiosk.contract.tally_rules import contest_results
from sync.central.count import aggregates_of, ballots_of
from sync.central.record_check import CountFiles, check_ballots, check_count, check_spoiled, results_json

CE = count_election()
ROSTER = roster_of(CE)

json_values = st.recursive(st.none() | st.booleans() | st.integers(-3, 200) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                          max_size=4), max_leaves=12)


@pytest.fixture(scope="module")
def good():
    plain, board, _ = cast(CE, every_style(CE, 1))
    aggregates = aggregates_of(CE.election, ballots_of(CE.election, board))
    partials = tuple((f"partials/trustee-{i}.json", p) for i, p in zip((1, 2), CE.partials(aggregates, (1, 2))))
    results = {"ballots_counted": len(board), "results": results_json(contest_results(CE.election, plain))}
    return board, CountFiles(aggregates.to_json(), partials, results, (spoil(CE, "C001", {"G01": ["P002"]}),))


def _mutate(value, path, new):
    """``value`` with the element at ``path`` (indices and keys) replaced by ``new``."""
    if not path:
        return new
    copy = json.loads(json.dumps(value))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = new
    return copy


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from _paths(v, prefix + (i,))


def _run(board, files):
    found, good = check_ballots(CE.election, CE.key, "official", [b.ballot.leaf() for b in board], None, ROSTER)
    more, derived = check_count(CE.election, CE.key, good, {}, files)
    return found + more + check_spoiled(CE.election, CE.key, ROSTER, files.spoiled, good, derived)


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(which=st.sampled_from(["aggregates", "partial", "results"]), pick=st.integers(0, 10**6), new=json_values)
def test_any_changed_part_of_the_count_files_gives_findings_not_exceptions(good, which, pick, new):
    board, files = good
    if which == "aggregates":
        paths = list(_paths(files.aggregates))
        files = CountFiles(_mutate(files.aggregates, paths[pick % len(paths)], new), files.partials, files.results,
                           files.spoiled)
    elif which == "partial":
        name, body = files.partials[0]
        paths = list(_paths(body))
        files = CountFiles(files.aggregates, ((name, _mutate(body, paths[pick % len(paths)], new)),) + files.partials[1:],
                           files.results, files.spoiled)
    else:
        paths = list(_paths(files.results))
        files = CountFiles(files.aggregates, files.partials, _mutate(files.results, paths[pick % len(paths)], new),
                           files.spoiled)
    found = _run(board, files)
    assert all(f.level in ("ok", "note", "problem") for f in found)


@SETTINGS
@given(data=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_any_spoiled_line_or_leaf_gives_findings_not_exceptions(good, data):
    board, files = good
    found = _run(board, CountFiles(files.aggregates, files.partials, files.results, (data,)))
    assert any(f.level == "problem" and f.place == "spoiled ballot 1" for f in found)
    leaves = [b.ballot.leaf() for b in board] + [data]
    found, _ = check_ballots(CE.election, CE.key, "official", leaves, None, ROSTER)
    assert any(f.level == "problem" and f.place == f"leaf {len(board)}" for f in found)
