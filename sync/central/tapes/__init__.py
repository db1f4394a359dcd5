"""Results tapes at the centre: reading their signed closing statements from photos (``kiosk-central tapes``)."""
