"""Shared fixtures. Headless by default; long runs behind --slow."""

from __future__ import annotations

import os

import pytest

from hypothesis import settings as _hypothesis_settings

# no wall-clock deadlines: the 2-core machine is shared and noisy, and tests never assert on speed
_hypothesis_settings.register_profile("kiosk", deadline=None)
_hypothesis_settings.load_profile("kiosk")

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", help="run the long fault-injection tests too")
    parser.addoption("--hardware", action="store_true", help="run tests that need a real camera or printer")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "slow" in item.keywords and not config.getoption("--slow"):
            item.add_marker(pytest.mark.skip(reason="long run: use --slow"))
        if "hardware" in item.keywords and not config.getoption("--hardware"):
            item.add_marker(pytest.mark.skip(reason="needs real hardware: use --hardware"))


@pytest.fixture(scope="session")
def small_election(tmp_path_factory):
    """A signed 24-community Ttabok package (format 2) with 9 official and 2 test tokens per style, frozen.

    Returns (package, {style: [official payloads]}, {style: [test payloads]}). Session-wide:
    tests must not mint into it or change it.
    """
    from ceremonyhelp import format2_package
    from kiosk.contract.minting import mint_tokens
    from kiosk.contract.ttabok import ttabok_spec

    package, _ = format2_package(tmp_path_factory.mktemp("election") / "e", ttabok_spec(24))
    styles = [s.id for s in package.election.styles]
    official = mint_tokens(package, [(s, 9) for s in styles], "official")
    test = mint_tokens(package, [(s, 2) for s in styles], "test")
    roll = package.roll()
    roll.freeze(package.authority_key())
    roll.close()
    by_style: dict[str, list[str]] = {}
    test_by_style: dict[str, list[str]] = {}
    for t in official:
        by_style.setdefault(t.style, []).append(t.payload)
    for t in test:
        test_by_style.setdefault(t.style, []).append(t.payload)
    return package, by_style, test_by_style


@pytest.fixture(scope="session")
def store_election(tmp_path_factory):
    """A frozen 24-community format-2 package with 40 test and 40 official tokens per ballot style,
    its key from a 2-of-3 ceremony run in process (``.ceremony`` holds the trustees' secrets).

    Returns a :class:`storehelp.Tokens`. Session-wide and read-only: tests provision
    their own stations from it (each station spends tokens in its own store only).
    """
    from storehelp import make_election

    return make_election(tmp_path_factory.mktemp("store-election") / "e", per_style=40)


@pytest.fixture(scope="session")
def central_template(tmp_path_factory):
    """A frozen 24-community format-2 election listing nodes n1..n3, 12 official and 2 test tokens per
    style, its key from a 2-of-3 ceremony run in process (``.ceremony`` holds the trustees' secrets).

    Session-wide and never changed: use the ``central`` fixture, a private copy per test.
    """
    from centralhelp import make_central_election

    return make_central_election(tmp_path_factory.mktemp("central-election") / "e", ceremony=(3, 2))


@pytest.fixture
def central(central_template, tmp_path):
    """A private copy of the central election (its roster may grow)."""
    return central_template.copy(tmp_path / "election")


@pytest.fixture(scope="session")
def cards(store_election):
    """Card payloads of every kind for station S-0001 of ``store_election`` (see pollhelp.Cards)."""
    from pollhelp import make_cards

    return make_cards(store_election)


# -- the node store: SQLite and PostgreSQL ---------------------------------------------------
# These modules run once per store: every CentralNode they make (directly or through
# centralhelp.running_node) keeps its board in SQLite, then in a real PostgreSQL server.
BOTH_STORES = {"test_node_api", "test_node_bitflip_batch", "test_node_double_use", "test_node_duplicate_batch",
               "test_node_forged_batch", "test_node_reordered_batches", "test_node_test_batch_official",
               "test_node_token_not_on_roll", "test_node_truncated_batch", "test_node_unknown_kiosk",
               "test_board_node", "test_board_receipts", "test_central_tally", "test_dashboard_figures",
               "test_node"}


def pytest_generate_tests(metafunc):
    if "node_db" in metafunc.fixturenames and metafunc.module.__name__.rpartition(".")[2] in BOTH_STORES:
        metafunc.parametrize("node_db", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def pg_server():
    """The URL of a database on a throwaway PostgreSQL server of this test session (skips, saying why, if none)."""
    from pghelp import NoServer, postgres_server

    try:
        with postgres_server() as url:
            yield url
    except NoServer as e:
        pytest.skip(f"no PostgreSQL server: {e}")


@pytest.fixture(autouse=True)
def node_db(request):
    """Which store the test's nodes use: "sqlite" (the default) or "postgresql" (BOTH_STORES modules)."""
    kind = getattr(request, "param", "sqlite")
    if kind == "postgresql":
        from pghelp import schema_url

        import sync.central.node as node_module
        from sync.central.stores import open_store

        url = request.getfixturevalue("pg_server")
        # one schema per data directory and mode, as one SQLite file per data directory and mode
        request.getfixturevalue("monkeypatch").setattr(
            node_module, "open_store",
            lambda db, sqlite_path, meta: open_store(db or schema_url(url, str(sqlite_path)), sqlite_path, meta))
    return kind
