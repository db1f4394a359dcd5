"""National scale: a central node ingests N ballots from many kiosks' batches and tallies them.

For each step of the scaling curve (10^4, 3*10^4, 10^5, ... up to ``--ballots``), on SQLite
and/or a throwaway PostgreSQL server (started and stopped here, as tests/pghelp.py does, with
durable settings), measured side by side in one run:

1. **ingest**: a fresh node takes every batch of the step's kiosks through
   ``CentralNode.submit`` (every check of a real arrival: roster, header signature, Merkle
   root, chain, roll lookup, double use), in arrival order (every kiosk's batch 1, then every
   batch 2, ...); beside its bound, as bench/central_bench.py: a **bare insert** of the same rows
   into the same kind of store (same schema, one transaction per batch, no checks; parsing not
   timed) plus the same ballots' signatures and proofs checked alone on as many processes;
   The node checks every ballot's two signatures and its encryption's proofs on ``--workers``
   processes (``verify_workers``);
2. **tally** (ballot format 2: no ballot is decrypted): the node's aggregates
   (:func:`sync.central.tally_count.publish_aggregates`), two of the three trustees' partial
   decryptions (the bench plays them), and their combination (:func:`sync.central.tally_count.tally_partials`:
   every proof checked); beside its **bound**: exactly the libsodium group operations the tally
   made (counted in an untimed run, then made bare: bench/crypto_bench.py's ``count_ops`` and
   ``bundle``); the tally's counts are compared with the corpus's ground truth;
3. peak RSS of the node process during ingest and during the tally (each phase runs in a fresh
   forked process; the tally's workers are reported apart), and the store's size on disk.

The corpus (election, roll, kiosks' batches) is made once and cached (bench/national_corpus.py,
``--cache``); its generation is timed and reported apart: it is not the node's figure.

    .venv/bin/python bench/national.py --ballots 1000000 [--steps 10000 30000 ...] [--db sqlite|postgresql|both]
        [--workers 2] [--batch 250] [--per-kiosk 1000] [--roll-size N] [--gen-workers 2] [--repeat 1] [--cache DIR] [--verify] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_corpus import Corpus, default_cache  # noqa: E402 (puts the repository and tests/ on the path)
import central_bench  # noqa: E402
from crypto_bench import bundle, count_ops  # noqa: E402
from kiosk.contract.sealed_batch import parse_batch  # noqa: E402
from kiosk.contract.keys import save_signing_key  # noqa: E402
from sync.central.node import CentralNode, NODE_KEY, store_path  # noqa: E402
from sync.central.tally_count import publish_aggregates, tally_partials  # noqa: E402

STORES = {"sqlite": ("sqlite",), "postgresql": ("postgresql",), "both": ("sqlite", "postgresql")}


def default_steps(top: int) -> list[int]:
    steps, n = [], 10_000
    while n < top:
        steps.append(n)
        n = n * 3 if str(n)[0] == "1" else n * 10 // 3
    return steps + [top]


# -- each phase in a fresh forked process, so that its peak RSS is its own -------------------
def _peak_kib() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(pipe, fn, args) -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:  # forget the parent's peak (Linux)
            f.write("5")
    except OSError:
        pass
    try:
        out = fn(*args)
        out.update(rss_mib=round(_peak_kib() / 1024),
                   workers_rss_mib=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
        pipe.send(out)
    except BaseException as e:  # noqa: BLE001 - handed to the parent, which raises it
        pipe.send(RuntimeError(f"{fn.__name__}: {type(e).__name__}: {e}"))


def in_child(fn, *args) -> dict:
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, fn, args))
    process.start()
    send.close()
    out = receive.recv()
    process.join()
    if isinstance(out, BaseException):
        raise out
    return out


# -- the phases -------------------------------------------------------------------------------
def node_for(corpus: Corpus, folder: Path, db: str | None, workers: int = 1) -> CentralNode:
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / NODE_KEY).exists():
        save_signing_key(folder / NODE_KEY, corpus.node_key())
    return CentralNode(corpus.election_dir, folder, db=db, verify_workers=workers)


def store_bytes(node: CentralNode, folder: Path) -> int:
    if hasattr(node.store, "path"):
        return sum(p.stat().st_size for p in folder.glob(store_path(folder, "official").name + "*"))
    return int(node.store.db.execute("SELECT sum(pg_total_relation_size(oid)) FROM pg_class WHERE relnamespace = "
                                     "current_schema()::regnamespace AND relkind = 'r'").fetchone()[0])


def ingest(corpus: Corpus, files: list[Path], folder: Path, db: str | None, workers: int) -> dict:
    node = node_for(corpus, folder, db, workers)
    try:
        busy, start = 0.0, time.perf_counter()
        for path in files:
            body = path.read_bytes()  # reading the file is not the node's work
            t = time.perf_counter()
            verdict = node.submit(body).ack.verdict
            busy += time.perf_counter() - t
            if verdict != "accepted":
                raise RuntimeError(f"{path}: {verdict}")
        return {"ingest_s": busy, "ingest_wall_s": time.perf_counter() - start,
                "leaves": node.store.checkpoint()[0], "disk_bytes": store_bytes(node, folder)}
    finally:
        node.close()


def _bare_rows(body: bytes, offset: int):
    b = parse_batch(body)
    head = (b.header.kiosk_key_hex, b.header.number, b.header.encoded(), b.header.hash(), b.signature)
    return head, central_bench.board_rows(b, offset)


def bare_insert(corpus: Corpus, files: list[Path], folder: Path, db: str | None) -> dict:
    """The same rows into the same schema, one transaction per batch, no checks (parsing not timed)."""
    folder.mkdir(parents=True, exist_ok=True)
    if db is None:
        from sync.central.sqlite_store import SCHEMA

        con = sqlite3.connect(folder / "bare.sqlite", isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        for statement in SCHEMA:
            con.execute(statement)

        def write(head, rows):
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?)", head)
            con.executemany("INSERT INTO board VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            con.execute("COMMIT")
    else:
        import psycopg

        from sync.central.pg_store import SCHEMA

        con = psycopg.connect(db, autocommit=True)
        for statement in SCHEMA:
            con.execute(statement)

        def write(head, rows):
            with con.transaction():
                con.execute("INSERT INTO batches VALUES (%s, %s, %s, %s, %s)", head)
                with con.cursor().copy("COPY board FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
    busy, offset = 0.0, 0
    try:
        for path in files:
            head, rows = _bare_rows(path.read_bytes(), offset)
            t = time.perf_counter()
            write(head, rows)
            busy += time.perf_counter() - t
            offset += len(rows)
    finally:
        con.close()
    return {"bare_s": busy, "rows": offset}


def proofs_alone(corpus: Corpus, files: list[Path], workers: int) -> dict:
    """The step's ballots' signatures and proofs checked alone, as the node's acceptance does."""
    from kiosk.contract.package import load_package

    election = load_package(corpus.election_dir).election
    return {"proofs_s": central_bench.proofs_alone(election, (p.read_bytes() for p in files), workers)}


def run_tally(corpus: Corpus, folder: Path, db: str | None) -> dict:
    """The node's aggregates, two trustees' partial decryptions, the combination: timed, then its bound."""
    node = node_for(corpus, folder, db)
    ceremony = corpus.ceremony()
    partials = folder / "partials"
    partials.mkdir(exist_ok=True)

    def count() -> dict:
        aggregates, _ = publish_aggregates(node)
        files = []
        for body in ceremony.partials(aggregates, (1, 3), node.election.privacy_floor):  # the trustees' machines
            files.append(partials / f"trustee-{body['trustee']}.json")
            files[-1].write_text(json.dumps(body))
        return tally_partials(node, files).to_json()

    try:
        used = count_ops(count)  # untimed: which group operations the tally makes
        start = time.perf_counter()
        data = count()
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        bundle(used)()
        bound = time.perf_counter() - start
    finally:
        node.close()
    likes = {(r["contest"], o["option"]): o["likes"] for r in data["results"] for o in r["options"]}
    return {"tally_s": elapsed, "bound_s": bound, "ok": data["ok"], "counted": data["ballots_counted"],
            "findings": data["findings"], "styles": {s: v["counted"] for s, v in data["styles"].items()},
            "likes": likes}


def run_verify(corpus: Corpus, folder: Path, db: str | None) -> dict:
    """``kiosk-central verify``'s whole check of the node's store (it must pass)."""
    from sync.central.verify import verify_node

    node = node_for(corpus, folder, db)
    try:
        start = time.perf_counter()
        report = verify_node(node)
        elapsed = time.perf_counter() - start
    finally:
        node.close()
    if not report.ok:
        raise AssertionError(f"verify found {report.problems[:3]}")
    return {"verify_s": elapsed}


# -- one step ---------------------------------------------------------------------------------
def measure_step(corpus: Corpus, n: int, stores: tuple[str, ...], pg_url: str | None, work: Path,
                 args: argparse.Namespace) -> dict:
    kiosks = corpus.put_on_roster(n)
    files = corpus.batch_files(n)
    truth = corpus.truth(n)
    step: dict = {"ballots": n, "kiosks": kiosks, "batches": len(files)}
    started = time.perf_counter()
    urls = {}
    for store in stores:
        runs = []
        for r in range(args.repeat):  # alternating, so that each side's figures come from the same moments
            db = bare_db = None
            if store == "postgresql":
                from pghelp import schema_url

                db, bare_db = schema_url(pg_url, f"node-{n}-{r}"), schema_url(pg_url, f"bare-{n}-{r}")
            folder = work / f"{store}-{n}-{r}"
            bare = in_child(bare_insert, corpus, files, work / f"bare-{store}-{n}-{r}", bare_db)
            proofs = in_child(proofs_alone, corpus, files, args.workers)
            node = in_child(ingest, corpus, files, folder, db, args.workers)
            assert node["leaves"] == n == bare["rows"], (node["leaves"], n, bare["rows"])
            runs.append({"bare_s": bare["bare_s"], "proofs_s": proofs["proofs_s"], **node})
            shutil.rmtree(work / f"bare-{store}-{n}-{r}", ignore_errors=True)
            urls[store] = (folder, db)
        step[store] = summarise_ingest(runs, n)
    tallies = {s: [] for s in stores}
    for _ in range(args.repeat):
        for store in stores:
            folder, db = urls[store]
            t = in_child(run_tally, corpus, folder, db)
            check_truth(t, truth, n)
            tallies[store].append(t)
    for store in stores:
        tally_s = statistics.median(t["tally_s"] for t in tallies[store])
        bound_s = statistics.median(t["bound_s"] for t in tallies[store])
        step[store].update(tally_s=round(tally_s, 1), tally_per_s=round(n / tally_s),
                           bound_per_s=round(n / bound_s), tally_ratio=round(bound_s / tally_s, 3),
                           tally_rss_mib=max(t["rss_mib"] for t in tallies[store]),
                           tally_workers_rss_mib=max(t["workers_rss_mib"] for t in tallies[store]),
                           tally_counted=tallies[store][0]["counted"], tally_matches_truth=True)
        if args.verify:
            v = in_child(run_verify, corpus, *urls[store])
            step[store].update(verify_s=round(v["verify_s"], 1), verify_per_s=round(n / v["verify_s"]),
                               verify_rss_mib=v["rss_mib"])
        shutil.rmtree(urls[store][0], ignore_errors=True)
    step["step_s"] = round(time.perf_counter() - started, 1)
    return step


def summarise_ingest(runs: list[dict], n: int) -> dict:
    median = {k: statistics.median(r[k] for r in runs) for k in ("bare_s", "proofs_s", "ingest_s", "ingest_wall_s")}
    bound = median["bare_s"] + median["proofs_s"]
    return {"ingest_per_s": round(n / median["ingest_s"]), "bare_per_s": round(n / median["bare_s"]),
            "proofs_per_s": round(n / median["proofs_s"]), "ingest_bound_per_s": round(n / bound),
            "ingest_ratio": round(bound / median["ingest_s"], 3),
            "ingest_s": round(median["ingest_s"], 1), "ingest_wall_s": round(median["ingest_wall_s"], 1),
            "ingest_rss_mib": max(r["rss_mib"] for r in runs), "disk_mib": round(runs[0]["disk_bytes"] / 2**20, 1),
            "disk_bytes_per_ballot": round(runs[0]["disk_bytes"] / n)}


def check_truth(t: dict, truth: dict, n: int) -> None:
    """The tally must count exactly what the kiosks cast: ballots per style and likes per option."""
    problems = []
    if not t["ok"] or t["counted"] != n:
        problems.append(f"counted {t['counted']} of {n}; findings {t['findings'][:3]}")
    if {s: c for s, c in t["styles"].items() if c} != dict(truth["styles"]):
        problems.append("ballots per style differ from the corpus")
    if any(t["likes"].get(k) != v for k, v in truth["likes"].items()) or \
            sum(v or 0 for v in t["likes"].values()) != sum(truth["likes"].values()):
        problems.append("likes per option differ from the corpus")
    if problems:
        raise AssertionError("; ".join(problems))


# -- the command ------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ballots", type=int, required=True, help="the largest step (4744241: the seed's early vote)")
    p.add_argument("--steps", type=int, nargs="+", help="ballots per step (default 10^4, 3*10^4, 10^5, ... --ballots)")
    p.add_argument("--db", choices=sorted(STORES), default="both", help="which node store (default both)")
    p.add_argument("--workers", type=int, default=2, help="the node's proof-checking processes (default 2)")
    p.add_argument("--batch", type=int, default=250, help="ballots per batch (default 250)")
    p.add_argument("--per-kiosk", type=int, default=1000, help="ballots per kiosk (default 1000)")
    p.add_argument("--roll-size", type=int, default=0,
                   help="tokens on the cached roll (default the largest step; give the largest you will run)")
    p.add_argument("--gen-workers", type=int, default=2, help="processes making the corpus (default 2)")
    p.add_argument("--repeat", type=int, default=1, help="runs of each measurement; medians are quoted (default 1)")
    p.add_argument("--cache", type=Path, default=default_cache(), help=f"corpus cache (default {default_cache()})")
    p.add_argument("--work", type=Path, help="where the node stores go (default: a temporary directory)")
    p.add_argument("--verify", action="store_true", help="also time kiosk-central verify on each step's store")
    p.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    steps = sorted(set(args.steps or default_steps(args.ballots)))
    stores = STORES[args.db]
    corpus = Corpus(args.cache, args.per_kiosk, args.batch)
    t = time.perf_counter()
    corpus.ensure_roll(max(args.roll_size, max(steps)))
    for n in steps:  # a step that is not a multiple of --per-kiosk has a partial last kiosk of its own
        corpus.ensure(n, args.gen_workers)
    out: dict = {"ballots": max(steps), "workers": args.workers, "batch": args.batch, "per_kiosk": args.per_kiosk,
                 "cache": str(args.cache), "corpus_s": round(time.perf_counter() - t, 1),
                 "corpus": corpus.timings, "corpus_mib": round(corpus.size_bytes() / 2**20), "steps": []}
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="national-", dir=args.work)))
        pg_url = None
        if "postgresql" in stores:
            from pghelp import postgres_server

            pg_url = stack.enter_context(postgres_server(durable=True))
        for n in steps:
            out["steps"].append(measure_step(corpus, n, stores, pg_url, work, args))
            print_step(out["steps"][-1], stores, sys.stderr if args.json else sys.stdout)  # as each step ends
            if args.json:  # a long run's steps survive whatever befalls the end
                print(json.dumps(out["steps"][-1]), file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        print(f"corpus: {out['corpus']} ({out['corpus_mib']} MiB in {args.cache})")
    return 0


def print_step(s: dict, stores: tuple[str, ...], out) -> None:
    for store in stores:
        r = s[store]
        print(f"{store:10} {s['ballots']:>9} ballots ({s['kiosks']} kiosks): ingest {r['ingest_per_s']}/s "
              f"bound {r['ingest_bound_per_s']}/s (bare insert {r['bare_per_s']}/s + proofs alone "
              f"{r['proofs_per_s']}/s) ratio {r['ingest_ratio']} | tally {r['tally_per_s']}/s "
              f"bound {r['bound_per_s']}/s ratio {r['tally_ratio']} | RSS ingest {r['ingest_rss_mib']} MiB, "
              f"tally {r['tally_rss_mib']}+{r['tally_workers_rss_mib']} MiB | disk {r['disk_mib']} MiB | "
              f"step {s['step_s']} s", file=out, flush=True)


if __name__ == "__main__":
    sys.exit(main())
