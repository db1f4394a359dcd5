"""``kiosk status``: the station's state and counts, read-only (safe while the booth runs)."""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

from kiosk.station.datadir import DataDir, read_config
from kiosk.contract.keys import VerifyKey
from kiosk.station.lifecycle import Role, allowed_actions
from kiosk.station.outbox import ack_file_count, outbox_names
from kiosk.station.station import current_mode, state_of
from kiosk.station.station_reports import software_hash
from kiosk.station.store import Connect, Store, sqlite_connect
from kiosk.contract.tokens import RefusalReason
from kiosk.station import eventlog as ev


def station_status(root: Path, connect: Connect = sqlite_connect) -> dict:
    """Station, election, kiosk key, mode, state, counts, log head, batches and outbox."""
    data = DataDir(Path(root))
    config = read_config(data)
    mode = current_mode(data, connect)
    store = Store.open(data.store_file(mode), read_only=True, connect=connect)
    try:
        state, archived = state_of(store)
        ballots = store.ballot_count()
        members = store.member_count()
        batches = store.batches()
        refused = {r.value: 0 for r in RefusalReason}
        for entry in store.events((ev.TOKEN_REFUSED,)):
            reason = entry.fields().get("reason")
            refused[reason] = refused.get(reason, 0) + 1
        head_seq, head_hex = store.head_seq, store.head_hash.hex()
        software = software_hash(store)
        pending = store.compaction_pending()
    finally:
        store.close()
    outbox = [name for name in outbox_names(data, mode) if fnmatch(name, "batch-*.json")]
    return {
        "station": config.station, "election_hex": config.election_hex,
        "kiosk_key": VerifyKey.from_hex(config.kiosk_key_hex).fingerprint, "kiosk_key_hex": config.kiosk_key_hex,
        "mode": mode, "state": state.value, "archived": archived, "software_hash": software,
        "allowed_actions": {} if archived else {r.value: [a.value for a in allowed_actions(state, r)] for r in Role},
        "ballots": ballots, "unsealed": ballots - members, "tokens_refused": refused,
        "log": {"events": head_seq, "head_hex": head_hex},
        "batches": len(batches), "outbox_files": len(outbox),
        "acks": ack_file_count(data), "compaction_pending": pending,
    }
