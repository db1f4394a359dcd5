"""One kiosk's life on its own store: the data directory and provisioning, the event log and the
ballot box, the life cycle and its steps, casting, sealing and the outbox, delivery, reports,
self-test, the test deck and the PIN policy. Built on ``kiosk.contract``; imports no adapter.
"""
