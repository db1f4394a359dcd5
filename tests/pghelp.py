"""A real, throwaway PostgreSQL server for the tests and the benchmark.

Debian's ``postgresql`` package (``make test`` installs it) brings ``initdb`` and ``pg_ctl``;
a cluster is made in a fresh temporary directory, listens on a free loopback port with its
unix socket in that directory, and is stopped and removed at the end. PostgreSQL refuses to
run as root, so as root the cluster belongs to the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator
from urllib.parse import quote


class NoServer(Exception):
    """PostgreSQL cannot be started here (the reason says why)."""


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise NoServer(f"no {name}: install Debian's postgresql package (make test does)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_server(durable: bool = False) -> Iterator[str]:
    """Run a throwaway cluster; yields the URL of its empty database ``kiosk``.

    ``durable=False`` (the tests) turns fsync off: a test never loses power, and the suite
    stays fast. The benchmark asks for ``durable=True``, the settings a node would run with.
    """
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))  # not under pytest's 0700 tmp: postgres must enter it
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError as e:
            shutil.rmtree(root)
            raise NoServer("running as root and there is no postgres user to run the server as") from e
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()
    options = f"-p {port} -k {root} -h 127.0.0.1" + ("" if durable else " -c fsync=off -c synchronous_commit=off")

    def run(*cmd: str) -> None:
        done = subprocess.run([*as_user, *cmd], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise NoServer(f"{Path(cmd[0]).name} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    started = False
    try:
        run(initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        run(pg_ctl, "-D", str(data), "-l", str(root / "log"), "-w", "-o", options, "start")
        started = True
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as db:
            db.execute("CREATE DATABASE kiosk")
        yield f"postgresql://postgres@127.0.0.1:{port}/kiosk"
    finally:
        if started:
            subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def schema_url(url: str, key: str) -> str:
    """A URL for a fresh schema of the database named by ``key`` (one node store per schema)."""
    import psycopg

    schema = "s_" + hashlib.sha256(key.encode()).hexdigest()[:24]
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return f"{url}?options={quote(f'-csearch_path={schema}')}"
