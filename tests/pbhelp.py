"""pabutools in its own environment (``.venv-pb``, made by ``make test``): recompute published ``.pb`` stages.

pabutools is GPL-3.0-or-later, so it never enters the project's venv; the tests run
``sync.central.pb_recompute`` under that environment's Python in a child process. ``KIOSK_PB_PYTHON``
names another interpreter that has pabutools.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.central.pb_recompute import pabutools_python, run_apart


def recompute(*paths: Path, as_json: bool = True) -> tuple[int, dict | str, str]:
    """Exit code, the recomputed stages (``--json``) or the text, and stderr of ``pb_recompute``;
    skipped (naming how to make it) where no pabutools environment exists."""
    python = pabutools_python()
    if python is None:
        pytest.skip("no pabutools environment (.venv-pb): `make test` (or `make .venv-pb/.installed`) makes it")
    return run_apart(python, *paths, as_json=as_json)
