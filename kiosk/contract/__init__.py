"""The election contract: what every kiosk, central node and observer must agree on.

Canonical encoding and keys, the election package and its ballot styles, vote and tally rules,
tokens and the roll, poll-worker cards, the roster and registrations, the ballot and batch
formats, Merkle trees and proofs, checkpoints and witness rules, acknowledgements and closing
statements. Nothing here knows one kiosk's store: ``kiosk.station`` builds on this package, never
the other way round.
"""
