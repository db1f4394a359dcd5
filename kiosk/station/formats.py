"""Which ballot format a station writes, in one place: format 1 (SealedBox) or format 2 (ElGamal with proofs).

The election decides (:attr:`kiosk.contract.election.Election.ballot_format`); the ballot box keeps
the same table in both, so only the reading of a row, the checking of a row and the batch
encoding differ. Format 1 goes when nothing uses it any more.
"""

from __future__ import annotations

from kiosk.contract.ballot import BallotRecord, check_ballot
from kiosk.contract.ballot_row_v2 import BallotRecordV2, check_ballot_v2
from kiosk.contract.batch import SealedBatch, encode_batch
from kiosk.contract.batch_v2 import SealedBatchV2, encode_batch_v2
from kiosk.contract.election import Election
from kiosk.contract.keys import VerifyKey


def record_class(election: Election) -> type[BallotRecord]:
    """The class a ballot-box row of this election is read as."""
    return BallotRecordV2 if election.ballot_format == 2 else BallotRecord


def check_row(record: BallotRecord, election: Election, key: VerifyKey) -> str | None:
    """What is wrong with a ballot-box row of this election, or None."""
    return check_ballot_v2(record, election, key) if election.ballot_format == 2 else check_ballot(record, election, key)


def encode_any_batch(batch: SealedBatch | SealedBatchV2) -> bytes:
    """A batch file's bytes, in the batch's own format."""
    return encode_batch_v2(batch) if isinstance(batch, SealedBatchV2) else encode_batch(batch)
