"""The composition root: the only place that wires the core to the adapters.

``printing`` turns report models into printer documents, ``port`` answers the booth on a
station and a printer, ``booth`` runs the appliance, ``demo`` a whole demo station.
"""

from kiosk.app.booth import run_booth
from kiosk.app.demo import run_demo

__all__ = ["run_booth", "run_demo"]
