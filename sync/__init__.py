"""Moving sealed batches: the sync daemon, USB export/import, and the central node."""
