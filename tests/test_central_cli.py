"""The authority's verbs of kiosk-central, run through main() as a person would."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path


from kiosk.cli import main as kiosk_main
from sync.central.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "apartment.toml"


def run(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_authority_day_with_a_spec(tmp_path, capsys, monkeypatch):
    e, tok = tmp_path / "e", tmp_path / "tok"
    code, out, _ = run(capsys, "election", "init", "--out", e, "--spec", EXAMPLE, "--trustees", "3", "--threshold", "2")
    assert code == 0 and "fingerprint" in out
    assert "DEMO key ceremony: all 3 trustees' secrets are on this one machine" in out and "--official" in out
    # each trustee's folder as 'trustee keygen/accept' leave it, the public announcements and key beside them
    assert sorted(p.name for p in (e / "trustees").iterdir()) == [
        "announcements", "election-key.json", "mail", "trustee-1", "trustee-2", "trustee-3"]
    for i in (1, 2, 3):
        secret = e / "trustees" / f"trustee-{i}" / f"trustee-{i}.secret.json"
        assert os.stat(secret).st_mode & 0o777 == 0o600 and "key_share" in secret.read_text()
    assert os.stat(e / "trustees").st_mode & 0o777 == 0o700
    assert os.stat(e / "authority" / "authority.key").st_mode & 0o777 == 0o600
    assert json.loads((e / "election.json").read_text())["body"]["election_key"] == \
        json.loads((e / "trustees" / "election-key.json").read_text())

    code, out, _ = run(capsys, "tokens", "mint", "--election", e, "--style", "owner", "--style", "tenant",
                       "--count", "4", "--out", tok)
    assert code == 0 and "minted 8 official tokens" in out
    rows = [line.split("\t") for line in (tok / "payloads.tsv").read_text().splitlines()]
    assert len(rows) == 8 and all((tok / r[2]).is_file() for r in rows)
    assert (tok / "sheet.pdf").read_bytes().startswith(b"%PDF")
    assert os.stat(tok / "payloads.tsv").st_mode & 0o777 == 0o600
    assert all(r[3] not in (tok / "sheet.pdf").read_bytes().decode("latin-1") for r in rows)

    code, out, _ = run(capsys, "tokens", "check", "--election", e, rows[0][3])
    assert code == 1 and "roll_not_frozen" in out
    assert run(capsys, "tokens", "freeze", "--election", e)[0] == 0
    code, out, _ = run(capsys, "tokens", "check", "--election", e, "--json", rows[0][3])
    assert code == 0 and json.loads(out) == {"valid": True, "style": rows[0][0], "mode": "official",
                                             "style_title": json.loads(out)["style_title"]}
    code, out, _ = run(capsys, "tokens", "check", "--election", e, "--mode", "test", "--json", rows[0][3])
    assert code == 1 and json.loads(out)["reason"] == "wrong_mode"

    code, _, err = run(capsys, "tokens", "mint", "--election", e, "--style", "owner", "--count", "1",
                       "--out", tmp_path / "tok2")
    assert code == 2 and "frozen" in err and "what to do" in err

    code, out, _ = run(capsys, "election", "show", e, "--json")
    info = json.loads(out)
    assert code == 0 and info["roll"] == {"entries": 8, "frozen": True, "root_hex": info["roll"]["root_hex"]}

    code, out, _ = run(capsys, "cards", "mint", "--election", e, "--role", "poll-worker", "--station", "S01",
                       "--out", tmp_path / "cards", stdin="482917\n", monkeypatch=monkeypatch)
    assert code == 0 and "482917" not in out
    card = tmp_path / "cards" / "poll-worker-S01.txt"
    assert run(capsys, "cards", "check", "--election", e, "--station", "S01", card)[0] == 0
    code, out, _ = run(capsys, "cards", "check", "--election", e, "--station", "S02", "--json", card)
    assert code == 1 and json.loads(out)["reason"] == "wrong_station"


def test_errors_are_named_with_what_to_do(tmp_path, capsys):
    code, _, err = run(capsys, "election", "show", tmp_path)
    assert code == 2 and "no election.json" in err and "what to do" in err
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace('rule = "approval"', 'rule = "ranked"'))
    code, _, err = run(capsys, "election", "init", "--out", tmp_path / "x", "--spec", bad)
    assert code == 2 and "contests[1].rule" in err
    code, _, err = run(capsys, "election", "init", "--out", tmp_path / "y")
    assert code == 2 and "--spec" in err
    assert run(capsys, "tokens")[0] == 2  # a verb without an action prints help, exit 2
    assert main(["--version"]) == 0


def test_an_official_election_refuses_the_demo_ceremony(tmp_path, capsys):
    code, out, err = run(capsys, "election", "init", "--out", tmp_path / "e", "--spec", EXAMPLE, "--official")
    assert code == 2 and out == "" and not (tmp_path / "e").exists()      # nothing made, no key anywhere
    assert "--official needs --trustees-from DIR" in err and "공식 선거" in err
    assert "trustee keygen" in err and "trustee share" in err and "trustee accept" in err
    code, _, err = run(capsys, "election", "init", "--out", tmp_path / "f", "--spec", EXAMPLE,
                       "--trustees", "3", "--threshold", "4")
    assert code == 2 and "--threshold" in err and not (tmp_path / "f").exists()
    assert run(capsys, "election", "init", "--out", tmp_path / "g", "--spec", EXAMPLE)[0] == 0
    code, _, err = run(capsys, "election", "init", "--out", tmp_path / "g", "--spec", EXAMPLE)
    assert code == 2 and "already holds an election package" in err


def test_authority_key_readable_by_others_is_refused(tmp_path, capsys):
    e = tmp_path / "e"
    assert run(capsys, "election", "init", "--out", e, "--demo", "ttabok", "--communities", "4")[0] == 0
    os.chmod(e / "authority" / "authority.key", 0o640)
    code, _, err = run(capsys, "tokens", "freeze", "--election", e)
    assert code == 2 and "chmod 600" in err


def test_demo_runs_headless(tmp_path, capsys):
    """The whole demo: camera loop, decoder, booth touches, store, printer file, close, verify."""
    assert kiosk_main(["demo", "--station", "--headless", "--data", str(tmp_path / "demo"),
                       "--screenshots", str(tmp_path / "shots")]) == 0
    out = capsys.readouterr().out
    assert "12 ballots cast through camera, booth and store" in out
    assert "a reused token refused: True" in out
    assert "every entry, ballot and batch verifies" in out
    assert len(list((tmp_path / "shots").glob("*.png"))) >= 44
    assert (tmp_path / "demo" / "printer.escpos").stat().st_size > 0


def test_printed_sheet_decodes_slip_by_slip(tmp_path, capsys):
    """Render the PDF as a printer would (pdftoppm, 150 dpi) and read every code on page 1."""
    import subprocess

    import cv2

    from scanner.decoders import zxing_texts

    e, tok = tmp_path / "e", tmp_path / "tok"
    assert run(capsys, "election", "init", "--out", e, "--demo", "ttabok", "--communities", "4")[0] == 0
    assert run(capsys, "tokens", "mint", "--election", e, "--all-styles", "--count", "5", "--out", tok)[0] == 0
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-gray", "-png", str(tok / "sheet.pdf"),
                    str(tmp_path / "page")], check=True)
    (page,) = tmp_path.glob("page*.png")
    image = cv2.imread(str(page), cv2.IMREAD_GRAYSCALE)
    # the booth's reader (QR Model 2 only): zxing-cpp's defaults also "read" Micro QR in a finder
    # pattern, and once in CI a six-digit text came off this sheet that way
    read = set(zxing_texts(image))
    payloads = [line.split("\t")[3] for line in (tok / "payloads.tsv").read_text().splitlines()]
    assert read == set(payloads[:15])


def test_test_sheet_keeps_styles_on_their_page_and_marks_every_slip(tmp_path, capsys):
    """7 test tokens per style: two styles fill 14 of a page's 15 slips, the third starts a page of its own;
    every slip says 시험 TEST across it, and the booth's reader still reads every code through the mark."""
    import subprocess

    import cv2

    from scanner.decoders import zxing_texts
    from sync.central.sheets import sheet_slots

    assert sheet_slots(["a"] * 7 + ["b"] * 7 + ["c"] * 7)[14] == (1, 0)
    assert sheet_slots(["a"] * 20 + ["b"] * 3) == [(p, s) for p, s in [(0, i) for i in range(15)]
                                                   + [(1, i) for i in range(5)] + [(1, 5), (1, 6), (1, 7)]]
    e, tok = tmp_path / "e", tmp_path / "tok"
    assert run(capsys, "election", "init", "--out", e, "--demo", "ttabok", "--communities", "4")[0] == 0
    code, out, _ = run(capsys, "tokens", "mint", "--election", e, "--all-styles", "--count", "7", "--mode", "test",
                    "--out", tok)
    assert code == 0 and "(2 PDF pages)" in out, out
    styles = [line.split("\t")[0] for line in (tok / "payloads.tsv").read_text().splitlines()]
    pages = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(tok / "sheet.pdf"), "-"], check=True,
                            capture_output=True, text=True).stdout for n in (1, 2)]
    assert pages[0].count("시험 TEST") == 14 and pages[1].count("시험 TEST") == 14
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-gray", "-png", str(tok / "sheet.pdf"),
                    str(tmp_path / "page")], check=True)
    (page,) = tmp_path.glob("page*.png")
    read = set(zxing_texts(cv2.imread(str(page), cv2.IMREAD_GRAYSCALE)))
    payloads = [line.split("\t")[3] for line in (tok / "payloads.tsv").read_text().splitlines()]
    assert read == set(payloads[:14]) and len(set(styles[:14])) == 2
