"""The central node and the authority's tools (the ``kiosk-central`` command)."""
