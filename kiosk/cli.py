"""``kiosk``: the appliance's command (booth, demo, and the technician's and poll worker's verbs).

Exit codes: 0 ok, 1 the thing checked is bad, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from kiosk import __version__
from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, EXIT_STORAGE, print_findings, print_json, run


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.app import run_demo

    if args.station or args.screenshots:
        return run_demo(data=args.data, headless=args.headless, screenshots=args.screenshots)
    from booth_ui.display import has_display
    from kiosk.app.election_demo import run_election_demo

    root = args.data or Path(tempfile.mkdtemp(prefix="kiosk-election-demo-"))
    print(f"demo files in {root}")
    windowed = not args.headless and has_display()
    if windowed:
        print("the booths are shown in a window while the scripted voters touch them (--headless: no window)")
    return run_election_demo(root, args.election, windowed=windowed)


def cmd_booth(args: argparse.Namespace) -> int:
    from kiosk.app import run_booth
    from kiosk.app.config import load_config
    from kiosk.app.configured import booth_run

    return run_booth(booth_run(args, load_config(args.config) if args.config else None), args.config)


def cmd_selftest(args: argparse.Namespace) -> int:
    from kiosk.app.config import load_config
    from kiosk.app.configured import selftest_run
    from kiosk.app.selftest_run import station_selftest

    config = load_config(args.config) if getattr(args, "config", None) else None
    run_ = selftest_run(args, config)
    report = station_selftest(run_.data, run_.camera, run_.printer, run_.min_free_mb, int(time.time()))
    if args.json:
        print_json(report.as_json())
    else:
        for r in report.results:
            print(f"{'ok' if r.ok else 'PROBLEM'}: {r.check}: {r.detail}")
            if not r.ok:
                print(f"  할 일: {r.hint_ko}\n  what to do: {r.hint_en}")
        print("self-test passed: the kiosk may be handed over" if report.ok
              else f"self-test failed: {len(report.problems)} problems")
    return EXIT_OK if report.ok else EXIT_BAD


def cmd_diag_scanner(args: argparse.Namespace) -> int:
    from scanner.diagnostics import diagnose_scanner

    report = diagnose_scanner(args.source, seconds=args.seconds, max_frames=args.frames, reveal=args.reveal)
    if args.json:
        print_json(report.as_dict())
    else:
        print(f"source {report.source}: {report.frames} frames at {report.frames_per_s} frames/s")
        print(f"decode latency: median {report.decode_ms_median} ms, p95 {report.decode_ms_p95} ms, "
              f"max {report.decode_ms_max} ms")
        print(f"frames with a code: {report.frames_read_a_code}")
        for code, count in sorted(report.codes.items()):
            print(f"  {code}: in {count} frames")
        if report.problem:
            print(f"problem: {report.problem}", file=sys.stderr)
        elif not report.ok:
            print("no code was read: hold a test token in front of the camera and run again", file=sys.stderr)
    if report.problem:
        return EXIT_STORAGE   # the device could not be used: exit 3, as every device failure
    return EXIT_OK if report.ok else EXIT_BAD


def cmd_provision(args: argparse.Namespace) -> int:
    from kiosk.app.provision import provision_station

    done = provision_station(args.election, args.station, args.data, int(time.time()), mode=args.mode,
                     seal_interval_s=args.seal_minutes * 60)
    print(f"station {done['station']} provisioned in {done['data']} ({done['mode']} mode)")
    print(f"kiosk key {done['kiosk_key']}; register it with: "
          f"kiosk-central kiosks add --election DIR {args.data}/registration.json "
          f"(or scan {args.data}/registration.png)")
    if args.camera is None and args.printer is None:
        print("next: run the self-test on the devices: kiosk selftest --data DIR --camera URL --printer URL")
        return EXIT_OK
    args.min_free_mb, args.json, args.config = None, False, None
    args.camera = args.camera or "0"
    return cmd_selftest(args)


def cmd_verify(args: argparse.Namespace) -> int:
    from kiosk.station.verify import verify_data

    report = verify_data(args.data, roster=args.roster)
    if args.json:
        print_json(report.to_json())
    else:
        first = report.kiosk.get("first_entry_time")
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(first)) if isinstance(first, int) else "unknown"
        roster = {None: "not checked against a roster (give --roster)", True: "on the roster for this station",
                  False: "NOT on the roster for this station"}[report.kiosk.get("on_roster")]
        print(f"kiosk key {report.kiosk['kiosk_key']}, first entry {when}; {roster}")
        if report.kiosk.get("card_list"):
            held = report.kiosk["card_list"]
            print(f"card list: {held['cards']} cards, issued "
                  f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(held['issued']))}")
        for mode, counts in report.stores.items():
            print(f"{mode} store: {counts['events']} events, {counts['ballots']} ballots, "
                  f"{counts['batches']} batches, log head {counts['head_hex']}")
        print_findings(report.notes, report.problems, "every entry, ballot and batch checks")
    return EXIT_OK if report.ok else EXIT_BAD


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk.station.status import station_status

    info = station_status(args.data)
    if args.json:
        print_json(info)
    else:
        print(f"station {info['station']}, {info['mode']} mode, {info['state']}; kiosk key {info['kiosk_key']}")
        print(f"{info['ballots']} ballots ({info['unsealed']} not yet sealed), {info['batches']} batches, "
              f"{info['outbox_files']} in the outbox, {info['acks']} acknowledgements")
        print(f"log: {info['log']['events']} events, head {info['log']['head_hex']}")
        if info["compaction_pending"]:
            print("compaction pending: the WAL or the store's layout may hold the casting order "
                  "(the booth compacts at its next start or sealing)")
        print(f"software: {info['software_hash']}")
        refused = ", ".join(f"{k} {v}" for k, v in info["tokens_refused"].items() if v) or "none"
        print(f"tokens refused: {refused}")
    return EXIT_OK


def cmd_test_deck(args: argparse.Namespace) -> int:
    from kiosk.station.testdeck import run_test_deck

    report = run_test_deck(args.data, args.tokens, int(time.time()), seed=args.seed)
    if args.json:
        print_json(report)
    else:
        print(f"test deck (seed {report['seed']}): {report['cast']} of {report['tokens']} test ballots cast, "
              f"{report['ballots_in_box']} in the ballot box; refusals {report['refused']['actual']} "
              f"(expected {report['refused']['expected']})")
        print(f"{'contest':8} {'option':8} {'expected':>8} {'actual':>8}")
        for contest, options in report["expected"].items():
            for option, n in options.items():
                got = report["actual"][contest][option]
                print(f"{contest:8} {option:8} {n:8} {got:8}{'' if n == got else '  MISMATCH'}")
        print("the tally matches" if report["match"] else "MISMATCH: the tally does not match the deck")
    return EXIT_OK if report["match"] else EXIT_BAD


def cmd_export(args: argparse.Namespace) -> int:
    from sync.usb import export

    done = export(args.data, args.to)
    size = sum(f["bytes"] for f in done["files"])
    print(f"exported {len(done['files'])} files ({size} bytes) of station {done['station']} to {done['folder']}")
    print("the manifest is written last: if this line shows, the stick can be taken out")
    return EXIT_OK


def cmd_export_cvr(args: argparse.Namespace) -> int:
    from kiosk.files import write_atomic
    from kiosk.station.cvr_export import cvr_export
    from kiosk.station.station import Station

    with Station.open(args.data) as station:
        data, count = cvr_export(station)
        name = f"cvr-{station.config.station}-{station.mode}.json"
    target = args.to / name if args.to.is_dir() else args.to
    write_atomic(target, data, mode=0o600)  # the audit board's, not the public's
    print(f"{count} cast vote records written to {target} / 투표 기록 {count}건 저장")
    print("give this file to the audit board only: with a tracking code it leads to a voter's record")
    return EXIT_OK


def cmd_step(args: argparse.Namespace) -> int:
    from kiosk.app.pollworker import run_step
    from kiosk.app.cliutil import read_pin
    from kiosk.station.lifecycle import Action

    return run_step(args.data, Action(args.step), args.card, read_pin(), int(time.time()),
                    printer_url=args.printer, language=args.language)


def cmd_mode(args: argparse.Namespace) -> int:
    from kiosk.app.pollworker import run_mode
    from kiosk.app.cliutil import read_pin

    return run_mode(args.data, args.mode, args.card, read_pin(), int(time.time()))


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.app.pollworker import run_report

    return run_report(args.data, args.report, int(time.time()), reprint=args.reprint, printer_url=args.printer,
                      language=args.language)


STEP_HELP = {"open": "open the polls and print the zero report (poll-worker card; PIN on stdin)",
             "pause": "pause the polls and print a slip (poll-worker card; PIN on stdin)",
             "resume": "resume the polls and print a slip (poll-worker card; PIN on stdin)",
             "close": "close the polls, seal the last batch, print the results tape (poll-worker card; PIN on stdin)",
             "reopen": "set closed polls back to paused, logged and printed (technician card; PIN on stdin)"}


def _add_steps(verbs) -> None:
    for step, text in STEP_HELP.items():
        p = verbs.add_parser(step, help=text, description=text[0].upper() + text[1:] + ".")
        p.add_argument("--data", required=True, type=Path, help="the station's data directory")
        p.add_argument("--card", required=True, type=Path, help="the card's payload file (ROLE-STATION.txt)")
        p.add_argument("--printer", help="printer URL: a serial device, any pyserial URL, or file:PATH")
        p.add_argument("--language", choices=["ko", "en"], default="ko", help="language of the report (default ko)")
        p.set_defaults(func=cmd_step, step=step)
    mode = verbs.add_parser("mode", help="change to official mode (technician card; PIN on stdin)")
    mode.add_argument("mode", choices=["test", "official"], help="the mode wanted")
    mode.add_argument("--data", required=True, type=Path, help="the station's data directory")
    mode.add_argument("--card", required=True, type=Path, help="the technician card's payload file")
    mode.set_defaults(func=cmd_mode)
    report = verbs.add_parser("report", help="print (or show) a step's report again")
    report.add_argument("report", choices=["zero", "pause", "resume", "reopen", "results"], help="which report")
    report.add_argument("--data", required=True, type=Path, help="the station's data directory")
    report.add_argument("--reprint", action="store_true", help="print another copy, marked REPRINT")
    report.add_argument("--printer", help="printer URL; without it the report is shown, not printed")
    report.add_argument("--language", choices=["ko", "en"], default="ko", help="language of the report (default ko)")
    report.set_defaults(func=cmd_report)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``kiosk``."""
    p = argparse.ArgumentParser(prog="kiosk", description="The polling-station kiosk.")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    verbs = p.add_subparsers(title="verbs", metavar="VERB")
    demo = verbs.add_parser("demo", help="a whole election on embedded defaults: kiosks, nodes, tally, verify")
    demo.add_argument("--data", type=Path, help="keep the demo's files here (default: a temporary directory)")
    demo.add_argument("--election", type=Path, help="an election spec of one's own (TOML or JSON) instead of Ttabok")
    demo.add_argument("--station", action="store_true",
                      help="only the demo station: a window with a display (N: next token), else scripted")
    demo.add_argument("--headless", action="store_true",
                      help="no window: the voters are scripted off screen (as when there is no display)")
    demo.add_argument("--screenshots", type=Path, help="save a PNG of every screen here")
    demo.set_defaults(func=cmd_demo)
    booth = verbs.add_parser("booth", help="the voting booth (what the appliance starts)")
    booth.add_argument("--data", type=Path, help="the station's data directory (default: the configuration's "
                                                 "[station] data_dir)")
    booth.add_argument("--config", type=Path, help="the kiosk's configuration file (e.g. /etc/kiosk/kiosk.toml); "
                                                   "the flags override it")
    booth.add_argument("--camera", help="camera URL: 0, /dev/video0, file:VIDEO or dir:FOLDER (default: the "
                                        "configuration's, else 0)")
    booth.add_argument("--printer", help="printer URL: a serial device, any pyserial URL, or file:PATH")
    booth.add_argument("--scanner", help="a handheld serial QR scanner's device or pyserial URL (optional)")
    booth.add_argument("--fullscreen", action="store_true", help="fill the screen (the appliance)")
    booth.set_defaults(func=cmd_booth)
    st = verbs.add_parser("selftest", help="the technician's self-test: camera, printer, input, disk, clock")
    st.add_argument("--data", type=Path, help="the station's data directory (for free disk; default: the "
                                              "configuration's [station] data_dir)")
    st.add_argument("--config", type=Path, help="the kiosk's configuration file: its camera, printer, data directory "
                                                "and min_free_mb, which the flags override")
    st.add_argument("--camera", help="camera URL (default: the configuration's, else 0)")
    st.add_argument("--printer", help="printer URL; without one (or a configuration) the printer check fails")
    st.add_argument("--min-free-mb", type=int, help="least free space in MB (default: the configuration's, else 512)")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_selftest)
    diag = verbs.add_parser("diag", help="bench checks of the kiosk's devices (technician)")
    checks = diag.add_subparsers(title="checks", metavar="CHECK")
    scan = checks.add_parser("scanner", help="what the camera reads, its frame rate and decode latency",
                             description="Read a camera for a while and show what it reads. Exit 0 when "
                                         "a code was read, 1 when it read nothing, 3 when the camera gave no "
                                         "frame, 2 for a camera URL that does not parse.")
    scan.add_argument("--source", required=True, metavar="URL",
                      help="camera URL: 0, /dev/video0, file:VIDEO or dir:FOLDER, options after ?")
    scan.add_argument("--seconds", type=float, default=10.0, help="how long to read (default 10)")
    scan.add_argument("--frames", type=int, default=300, help="at most this many frames (default 300)")
    scan.add_argument("--reveal", action="store_true",
                      help="show the codes' full text (test codes only: a token is a secret)")
    scan.add_argument("--json", action="store_true", help="machine-readable output")
    scan.set_defaults(func=cmd_diag_scanner)

    prov = verbs.add_parser("provision", help="make a station: device key, election package, config, registration")
    prov.add_argument("--election", required=True, type=Path, help="the election package directory")
    prov.add_argument("--station", required=True, help="station id")
    prov.add_argument("--data", required=True, type=Path, help="new, empty data directory of the station")
    prov.add_argument("--mode", choices=["test", "official"], default="test",
                      help="the mode to start in (default test: logic-and-accuracy testing comes first)")
    prov.add_argument("--seal-minutes", type=int, default=30, help="seal a batch at most this often (default 30)")
    prov.add_argument("--camera", help="run the self-test afterwards with this camera URL")
    prov.add_argument("--printer", help="run the self-test afterwards with this printer URL")
    prov.set_defaults(func=cmd_provision)
    verify = verbs.add_parser("verify", help="check every entry, ballot and batch (exit 1 naming the first bad one)")
    verify.add_argument("--data", required=True, type=Path)
    verify.add_argument("--roster", type=Path, help="the authority's roster.json (or its folder): the key must be on it")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(func=cmd_verify)
    status = verbs.add_parser("status", help="the station's state and counts")
    status.add_argument("--data", required=True, type=Path)
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)
    deck = verbs.add_parser("test-deck", help="logic-and-accuracy test: known test ballots, expected and actual tally")
    deck.add_argument("--data", required=True, type=Path)
    deck.add_argument("--tokens", required=True, type=Path, help="payloads.tsv from 'kiosk-central tokens mint --mode test'")
    deck.add_argument("--seed", type=int, default=2017, help="seed of the deck's choices (default 2017)")
    deck.add_argument("--json", action="store_true")
    deck.set_defaults(func=cmd_test_deck)
    exp = verbs.add_parser("export", help="copy the outbox and acknowledgements to a USB stick")
    exp.add_argument("--data", required=True, type=Path)
    exp.add_argument("--to", required=True, type=Path, help="the stick's mount point")
    exp.set_defaults(func=cmd_export)
    cvr = verbs.add_parser("export-cvr", help="after closing: the signed cast vote records, for a comparison audit")
    cvr.add_argument("--data", required=True, type=Path)
    cvr.add_argument("--to", required=True, type=Path, help="a folder (or file name) for the records file")
    cvr.set_defaults(func=cmd_export_cvr)
    _add_steps(verbs)
    from kiosk.app.cards_cmd import add_card_verbs

    add_card_verbs(verbs)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kiosk``."""
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
