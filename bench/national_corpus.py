"""The national bench's corpus: an election, its frozen roll and many kiosks' sealed batches, cached on disk.

Minting through ``kiosk-central tokens mint`` draws a PNG and a PDF slip per token (about 150
tokens/s): far too slow for millions. Here the roll is minted with the authority's own
:func:`kiosk.contract.minting.mint_tokens` (the same entries, no images), and each kiosk's ballots are
made with the kiosk's own functions, on ``--gen-workers`` forked processes, one kiosk per job:

* a fresh Ed25519 kiosk key and its signed registration (:func:`kiosk.contract.registration.make_registration`),
  put on the authority-signed roster by :func:`kiosk.contract.roster.add_kiosks` when a step uses it;
* per ballot: a real token serial from the roll, selections valid for its style
  (:func:`kiosk.contract.rules.normalise_selections`), encrypted with proofs under the election key
  (:func:`kiosk.contract.crypto.encrypted_ballot.encrypt_ballot`) and signed by the token's key and the
  kiosk's (:func:`kiosk.contract.ballot.seal_ballot`): what the kiosk's cast does, less the
  ballot-box row that never leaves a kiosk;
* batches of ``batch`` ballots chained and signed by :func:`kiosk.contract.sealed_batch.build_batch`, the
  last one closing the polls, written by :func:`kiosk.contract.sealed_batch.encode_batch`.

The election key comes from a 3-trustee, 2-of-3 ceremony run in process with a fixed seed
(tests/ceremonyhelp.py's :func:`seeded_ceremony`): the bench can play the trustees at the tally
without keeping their secrets in the cache.

What is skipped is the kiosk's own SQLite store and event log (bench/store_bench.py measures the
cast): the node never sees them. The ground truth (ballots per style, likes per option) is
kept beside each kiosk's batches, so a tally can be compared with it.

Layout of the cache (``--cache``, default ``$TMPDIR/kiosk-national-cache``)::

    meta.json                 roll size, ballots per kiosk, batch size (a change rebuilds the cache)
    election/                 the package: authority key, the ceremony's public election key, frozen roll.sqlite
    node.key                  node n1's key
    tokens.bin                17 bytes per token in the order ballots use them: style index, serial
    kiosks/k00012-1000/       registration.json, batch-0001.json ..., truth.json (kiosk 12, 1000 ballots)
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from ceremonyhelp import LocalCeremony, seeded_ceremony  # noqa: E402
from storehelp import NOW, choices  # noqa: E402
from kiosk.station.attest import attest_installed  # noqa: E402
from kiosk.contract.ballot import seal_ballot  # noqa: E402
from kiosk.contract.sealed_batch import build_batch, encode_batch  # noqa: E402
from kiosk.contract.crypto.encrypted_ballot import ballot_bytes, encrypt_ballot  # noqa: E402
from kiosk.contract.keys import SigningKey, load_signing_key, save_signing_key  # noqa: E402
from kiosk.contract.minting import mint_tokens  # noqa: E402
from kiosk.contract.package import create_package, load_package  # noqa: E402
from kiosk.contract.registration import make_registration  # noqa: E402
from kiosk.contract.envelope import write_envelope  # noqa: E402
from kiosk.contract.roster import ROSTER_FILE, add_kiosks  # noqa: E402
from kiosk.contract.rules import normalise_selections  # noqa: E402
from kiosk.contract.tokens import parse_token  # noqa: E402
from kiosk.contract.ttabok import ttabok_spec  # noqa: E402

CORPUS_FORMAT = 2       # 2: ballot format 2 (a cache of format 1 is rebuilt)
COMMUNITIES = 48        # ballot styles (as bench/central_bench.py)
MINT_ROUND = 20_000     # tokens per style per mint_tokens call (one transaction each)
RECORD = 17             # bytes per token in tokens.bin


def default_cache() -> Path:
    return Path(os.environ.get("TMPDIR", "/tmp")) / "kiosk-national-cache"


class Corpus:
    """The cached election and kiosks; ``ensure(n)`` makes whatever ``n`` ballots need."""

    def __init__(self, cache: Path, per_kiosk: int, batch: int) -> None:
        self.cache, self.per_kiosk, self.batch = Path(cache), per_kiosk, batch
        self.election_dir = self.cache / "election"
        self.timings: dict = {}

    # -- the election and its roll -----------------------------------------------------------
    def _meta(self) -> dict | None:
        path = self.cache / "meta.json"
        return json.loads(path.read_text()) if path.exists() else None

    def ensure_roll(self, tokens: int) -> None:
        """An election whose frozen roll holds at least ``tokens`` official tokens (rebuilt if smaller)."""
        meta = self._meta()
        wanted = {"format": CORPUS_FORMAT, "per_kiosk": self.per_kiosk, "batch": self.batch}
        if meta and meta["roll_size"] >= tokens and all(meta[k] == v for k, v in wanted.items()):
            return
        if self.cache.exists():
            shutil.rmtree(self.cache)
        self.cache.mkdir(parents=True)
        start = time.perf_counter()
        node_key = SigningKey.generate()
        spec = dict(ttabok_spec(COMMUNITIES))
        spec["nodes"] = [{"id": "n1", "url": "http://127.0.0.1:9000", "key_hex": node_key.verify_key.hex}]
        package = create_package(self.election_dir, spec, election_key=seeded_ceremony(spec["id"]).record)
        save_signing_key(self.cache / "node.key", node_key)
        styles = [s.id for s in package.election.styles]
        per_style = -(-tokens // len(styles))
        serials: dict[str, list[bytes]] = {s: [] for s in styles}
        for done in range(0, per_style, MINT_ROUND):
            n = min(MINT_ROUND, per_style - done)
            for t in mint_tokens(package, [(s, n) for s in styles], "official"):
                serials[t.style].append(parse_token(t.payload).serial)
        minted = time.perf_counter()
        roll = package.roll()
        roll.freeze(package.authority_key())
        roll.close()
        frozen = time.perf_counter()
        with open(self.cache / "tokens.bin", "wb") as f:  # interleaved: every style in every kiosk
            for j in range(per_style):
                f.write(b"".join(bytes([k]) + serials[s][j] for k, s in enumerate(styles)))
        self.timings.update(mint_s=round(minted - start, 1), freeze_s=round(frozen - minted, 1),
                            roll_entries=per_style * len(styles))
        (self.cache / "meta.json").write_text(json.dumps({**wanted, "roll_size": per_style * len(styles)}))

    # -- kiosks -------------------------------------------------------------------------------
    def kiosk_counts(self, ballots: int) -> list[int]:
        """Ballots per kiosk for a step of ``ballots``: full kiosks, the last one partial."""
        full, rest = divmod(ballots, self.per_kiosk)
        return [self.per_kiosk] * full + ([rest] if rest else [])

    def kiosk_dir(self, index: int, count: int) -> Path:
        return self.cache / "kiosks" / f"k{index:05d}-{count}"

    def ensure(self, ballots: int, workers: int) -> None:
        """Make every kiosk a step of ``ballots`` uses that the cache lacks."""
        self.ensure_roll(ballots)
        jobs = [(i, c) for i, c in enumerate(self.kiosk_counts(ballots))
                if not (self.kiosk_dir(i, c) / "truth.json").exists()]
        if not jobs:
            return
        start = time.perf_counter()
        _gen.update(corpus=self, software=attest_installed(None).software_hash_hex)
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                made = sum(pool.map(_make_kiosk, jobs, chunksize=1))
        finally:
            _gen.clear()
        elapsed = time.perf_counter() - start
        self.timings.setdefault("generated", []).append(
            {"ballots": made, "kiosks": len(jobs), "s": round(elapsed, 1), "per_s": round(made / elapsed)})

    def batch_files(self, ballots: int) -> list[Path]:
        """The step's batch files in arrival order: every kiosk's batch 1, then every batch 2, ..."""
        per_kiosk = [sorted(self.kiosk_dir(i, c).glob("batch-*.json"))
                     for i, c in enumerate(self.kiosk_counts(ballots))]
        return [files[b] for b in range(max(map(len, per_kiosk))) for files in per_kiosk if b < len(files)]

    def truth(self, ballots: int) -> dict:
        """Ballots per style and likes per (contest, option) that the step's kiosks cast."""
        styles, likes = Counter(), Counter()
        for i, c in enumerate(self.kiosk_counts(ballots)):
            t = json.loads((self.kiosk_dir(i, c) / "truth.json").read_text())
            styles.update(t["styles"])
            likes.update({tuple(k.split("/")): v for k, v in t["likes"].items()})
        return {"styles": styles, "likes": likes}

    def put_on_roster(self, ballots: int) -> int:
        """Make the roster exactly the step's kiosks (authority-signed); how many."""
        package = load_package(self.election_dir)
        (self.election_dir / ROSTER_FILE).unlink(missing_ok=True)
        registrations = [(self.kiosk_dir(i, c) / "registration.json").read_bytes()
                         for i, c in enumerate(self.kiosk_counts(ballots))]
        add_kiosks(self.election_dir, package.election.fingerprint_hex, package.authority_key(), registrations)
        return len(registrations)

    def node_key(self) -> SigningKey:
        return load_signing_key(self.cache / "node.key")

    def ceremony(self) -> LocalCeremony:
        """The trustees (the bench plays them): their seeded ceremony, made again from the election id."""
        return seeded_ceremony(load_package(self.election_dir).election.id)

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.cache.rglob("*") if f.is_file())


_gen: dict = {}


def _make_kiosk(job: tuple[int, int]) -> int:
    """One kiosk's registration, ballots and batches (in a forked worker)."""
    index, count = job
    corpus: Corpus = _gen["corpus"]
    if "election" not in _gen:
        election = load_package(corpus.election_dir).election
        styles = [s.id for s in election.styles]
        variants = {}  # per style: the selections of 0..max likes
        for s in styles:
            top = max(election.contest(c).max for c in election.style(s).contests)
            variants[s] = [normalise_selections(election, s, choices(election, s, n)) for n in range(top + 1)]
        _gen.update(election=election, styles=styles, variants=variants, public=election.election_public_key)
    election, styles, variants, public = _gen["election"], _gen["styles"], _gen["variants"], _gen["public"]
    folder = corpus.kiosk_dir(index, count)
    part = folder.with_name(folder.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)
    key = SigningKey.generate()
    write_envelope(part / "registration.json",
                   make_registration(f"S-{index:05d}", key, election.fingerprint_hex, _gen["software"], NOW))
    with open(corpus.cache / "tokens.bin", "rb") as f:
        f.seek(index * corpus.per_kiosk * RECORD)
        raw = f.read(count * RECORD)
    rng = random.Random(index)
    styles_done, likes = Counter(), Counter()
    ballots = []
    for j in range(count):
        style, serial = styles[raw[j * RECORD]], raw[j * RECORD + 1:(j + 1) * RECORD]
        selections = rng.choice(variants[style])
        styles_done[style] += 1
        for contest, options in selections.items():
            likes.update(f"{contest}/{o}" for o in options)
        ballot_id = os.urandom(16)
        encrypted = ballot_bytes(encrypt_ballot(public, election, style, ballot_id.hex(), selections, os.urandom(32)))
        ballots.append(seal_ballot(key, election, serial, ballot_id, style, encrypted))
    previous = None
    for number, start in enumerate(range(0, count, corpus.batch), 1):
        chunk = ballots[start:start + corpus.batch]
        batch = build_batch(key, election.fingerprint_hex, "official", number, previous, chunk, [],
                            polls_closed=start + corpus.batch >= count)
        (part / f"batch-{number:04d}.json").write_bytes(encode_batch(batch))
        previous = batch.header
    (part / "truth.json").write_text(json.dumps({"styles": styles_done, "likes": likes}))
    shutil.rmtree(folder, ignore_errors=True)
    part.rename(folder)
    return count
