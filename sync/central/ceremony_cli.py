"""The whole dealerless key ceremony run on one machine: every trustee's commands in turn (demo and replay only).

Each step is the very ``kiosk-central trustee`` command a trustee types on their own machine
(:mod:`sync.central.trustee_cli`), each trustee in a folder of their own:

- ``trustee-N/``: ``trustee keygen`` writes ``trustee-N.secret.json`` (0600) and the public
  ``trustee-N.announcement.json``; ``trustee accept`` adds the key share to the secret file, so
  ``trustee decrypt --secret trustee-N/trustee-N.secret.json`` works on it after the close;
- ``announcements/``: every announcement, as published (what ``election init --trustees-from`` takes);
- ``mail/``: the sealed shares (``trustee share``), as they would travel on a USB stick;
- ``election-key.json``: ``trustee check``'s public ``kiosk-election-key/1`` file (``trustee decrypt``
  and ``trustee combine`` take it).

Run this way, every trustee's secret is on this one machine: that is a demo or a test, never an
election (``election init --official`` refuses it).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from kiosk.app.cliutil import EXIT_OK, call, run
from kiosk.errors import KioskError
from sync.central.trustee_cli import add_trustee_verbs

ANNOUNCEMENTS, ELECTION_KEY = "announcements", "election-key.json"


def _trustee(*argv: object) -> None:
    """One ``kiosk-central trustee`` command, in process; a refusal is raised with what it printed."""
    parser = argparse.ArgumentParser(prog="kiosk-central")
    add_trustee_verbs(parser.add_subparsers())
    code, out = call(lambda args: run(parser, ["trustee", *args]), *argv)
    if code != EXIT_OK:
        raise KioskError(f"the demo ceremony's `trustee {argv[0]}` exited {code}: {out.strip()[-400:]}",
                         hint="run the ceremony's commands by hand (docs/commands.md, 'trustee') to see the step")


def secret_path(folder: Path, index: int) -> Path:
    """Trustee ``index``'s secret file under the ceremony ``folder`` (it never leaves their folder)."""
    return Path(folder) / f"trustee-{index}" / f"trustee-{index}.secret.json"


def run_ceremony(folder: Path, election_id: str, trustees: int, threshold: int) -> Path:
    """Keygen, share, accept and check for every trustee under ``folder``; the announcements' folder."""
    folder = Path(folder)
    public = folder / ANNOUNCEMENTS
    public.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # the trustees' secrets are in it: nobody else may read them
    for i in range(1, trustees + 1):
        _trustee("keygen", "--election-id", election_id, "--trustees", trustees, "--threshold", threshold,
                 "--index", i, "--out", folder / f"trustee-{i}")
        name = f"trustee-{i}.announcement.json"
        (public / name).write_bytes((folder / f"trustee-{i}" / name).read_bytes())
    for i in range(1, trustees + 1):
        _trustee("share", "--secret", secret_path(folder, i), "--announcements", public, "--out", folder / "mail")
    for i in range(1, trustees + 1):
        _trustee("accept", "--secret", secret_path(folder, i), "--announcements", public, "--shares", folder / "mail")
    _trustee("check", "--election-id", election_id, "--trustees", trustees, "--threshold", threshold,
             "--announcements", public, "--out", folder / ELECTION_KEY)
    return public
