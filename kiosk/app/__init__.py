"""The composition root: the only place that wires the core to the adapters.

``printing`` turns report models into printer documents, ``port`` answers the booth on a
station and a printer, ``booth`` runs the appliance, ``demo`` a whole demo station,
``pollworker`` the poll worker's commands. ``run_booth`` and ``run_demo`` are imported on
first use, so that a command that only prints (``kiosk open``) does not load pygame.
"""

from __future__ import annotations

__all__ = ["run_booth", "run_demo"]


def __getattr__(name: str):
    # Lazy on purpose, not to dodge a circle (tests/test_architecture.py counts in-function imports
    # in its circle check): the booth and the demo load pygame, which a printing command must not pay for.
    if name == "run_booth":
        from kiosk.app.booth import run_booth

        return run_booth
    if name == "run_demo":
        from kiosk.app.demo import run_demo

        return run_demo
    raise AttributeError(f"module 'kiosk.app' has no attribute {name!r}")
