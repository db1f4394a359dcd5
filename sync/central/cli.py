"""``kiosk-central``: the election authority's and central staff's command.

Verbs: ``election init|show``, ``tokens mint|freeze|check``, ``cards mint|list|revoke|check``, ``node init``,
``kiosks add``, ``serve``, ``ingest``, ``verify`` (a node's store, or ``--from`` published data),
``tally``, ``board check|export``, ``witness``, ``trustee keygen|share|accept|check|decrypt|combine``,
``scores add``, ``select``, ``tapes read``.
Exit codes: 0 ok, 1 the thing checked is bad, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.app.cliutil import EXIT_BAD, EXIT_OK, EXIT_USAGE, print_json, run
from kiosk.errors import KioskError
from kiosk.contract.minting import mint_tokens
from kiosk.contract.package import ELECTION_FILE, create_package, load_package
from kiosk.contract.spec import read_spec
from kiosk.contract.tally_rules import floor_warnings
from kiosk.contract.tokens import REFUSAL_TEXT, Refused, check_token
from kiosk.contract.ttabok import TTABOK_COMMUNITIES, ttabok_spec
from kiosk.contract.ttabok_judging import add_judging
from sync.central.audit.cli import add_audit_verbs
from sync.central.cards_cli import add_cards_verbs
from sync.central.ceremony_cli import run_ceremony
from sync.central.board_cli import add_board_verbs
from sync.central.judging_cli import add_judging_verbs
from sync.central.witness_cli import add_witness_verb
from sync.central.trustee_cli import add_trustee_verbs, trustees_election_key
from sync.central.node_cli import add_node_verbs
from sync.central.results_cli import add_results_verb
from sync.central.tapes.cli import add_tapes_verbs
from sync.central.nodes import demo_nodes, parse_node_option, save_demo_keys
from sync.central.sheets import write_token_pngs, write_token_sheet


def cmd_election_init(args: argparse.Namespace) -> int:
    if bool(args.spec) == bool(args.demo):
        print("error: give exactly one of --spec FILE or --demo ttabok", file=sys.stderr)
        return EXIT_USAGE
    if args.judging and not args.demo:
        print("error: --judging is for --demo ttabok; a spec says its own electorates and selection", file=sys.stderr)
        return EXIT_USAGE
    body = read_spec(args.spec) if args.spec else ttabok_spec(args.communities)
    if args.judging:
        body = add_judging(body)
    if args.nodes and not args.demo:
        print("error: --nodes N is for --demo; give real nodes with --node ID=URL=KEYHEX", file=sys.stderr)
        return EXIT_USAGE
    if args.lot_seed_sha256:
        if not isinstance(body.get("selection"), dict):
            print("error: --lot-seed-sha256 needs a spec with a 'selection' section", file=sys.stderr)
            return EXIT_USAGE
        body = {**body, "selection": {**body["selection"], "lot_seed_sha256": args.lot_seed_sha256.strip().lower()}}
    if args.receipt:
        body = {**body, "receipt": True}
    demo = demo_nodes(args.nodes) if args.nodes else []
    listed = [parse_node_option(text) for text in args.node or []] + [entry for entry, _ in demo]
    if listed:
        body = {**body, "nodes": list(body.get("nodes", [])) + listed}
    if args.official and not args.trustees_from:
        print(OFFICIAL_NEEDS_CEREMONY, file=sys.stderr)
        return EXIT_USAGE
    if (args.out / ELECTION_FILE).exists():
        raise KioskError(f"{args.out} already holds an election package",
                         hint="choose an empty directory; packages are never overwritten")
    announcements = args.trustees_from
    if not announcements:  # the demo: every trustee's commands run here, their secrets all on this machine
        if not 1 <= args.threshold <= args.trustees <= 32:
            print("error: need 1 <= --threshold <= --trustees <= 32", file=sys.stderr)
            return EXIT_USAGE
        announcements = run_ceremony(args.out / "trustees", str(body.get("id")), args.trustees, args.threshold)
    election_key = trustees_election_key(announcements, body.get("id"), args.trustees, args.threshold)
    package = create_package(args.out, body, election_key=election_key)
    for folder in save_demo_keys(args.out, demo):
        print(f"demo node key in {folder}/node.key: run kiosk-central serve --data {folder} --election {args.out}")
    e = package.election
    print(f"election {e.id}: {len(e.contests)} contests, {len(e.styles)} ballot styles")
    print(f"fingerprint {e.fingerprint_hex}")
    print(f"authority key {package.authority.fingerprint} (secret key in {args.out}/authority/: keep it offline)")
    print(f"{len(e.nodes)} central nodes: {', '.join(n.id + ' ' + n.url for n in e.nodes) or 'none'}")
    print("receipts: every voter is given one with the ballot's tracking code" if e.receipt else
          "receipts: none (the booth shows the tracking code on screen; --receipt or the spec's receipt = true "
          "prints one for every voter)")
    floors = {x.id: x.privacy_floor for x in (e.judging.electorates if e.judging else ()) if x.privacy_floor}
    if floors:
        print(f"privacy floor {e.privacy_floor}; electorates with their own: "
              f"{', '.join(f'{k} {v}' for k, v in floors.items())}")
    print(f"election key from the {e.trustees_count} trustees' announcements, {e.trustees_threshold} needed "
          f"to decrypt aggregates (no single ballot is ever decrypted)")
    if args.trustees_from:
        print("no part of the election key's secret is here: each trustee keeps their own")
    else:
        print(f"DEMO key ceremony: all {e.trustees_count} trustees' secrets are on this one machine, in "
              f"{args.out}/trustees/trustee-N/ (for a demo or a test only; an election runs 'kiosk-central trustee "
              f"keygen/share/accept' on each trustee's machine and gives --trustees-from, see --official)")
    return EXIT_OK


OFFICIAL_NEEDS_CEREMONY = (
    "error: --official needs --trustees-from DIR: without it the trustees' keys would all be made here, on one "
    "machine / 공식 선거에는 --trustees-from DIR 이 필요합니다: 없으면 모든 관리위원의 키가 이 컴퓨터 한 곳에서 만들어집니다\n"
    "  what to do: each trustee runs 'kiosk-central trustee keygen', 'trustee share' and 'trustee accept' on "
    "their own machine; give the folder of their trustee-N.announcement.json files with --trustees-from / "
    "관리위원마다 자기 컴퓨터에서 'trustee keygen', 'trustee share', 'trustee accept' 를 실행하고, 공개된 "
    "trustee-N.announcement.json 폴더를 --trustees-from 으로 주십시오")


def cmd_election_show(args: argparse.Namespace) -> int:
    package = load_package(args.directory)
    e = package.election
    roll = package.roll()
    try:
        root = roll.root
        info = {
            "id": e.id, "title": {"ko": e.title.ko, "en": e.title.en},
            "fingerprint_hex": e.fingerprint_hex, "tag": e.tag, "signature": "valid",
            "authority_key": package.authority.fingerprint,
            "contests": len(e.contests), "styles": len(e.styles),
            "privacy_floor": e.privacy_floor, "paper_record": e.paper_record,
            "electorate_floors": {x.id: x.privacy_floor for x in (e.judging.electorates if e.judging else ())
                                  if x.privacy_floor},
            "trustees": {"count": e.trustees_count, "threshold": e.trustees_threshold},
            "ballot_format": 2,   # the only one this version reads (format 1 is refused)
            "nodes": [n.url for n in e.nodes],
            "roll": {"entries": roll.count(), "frozen": root is not None,
                     "root_hex": root.root_hex if root else None},
            "floor_warnings": floor_warnings(e, roll.count_by_style("official")),
        }
    finally:
        roll.close()
    if args.json:
        print_json(info)
    else:
        print(f"{e.title.ko}\n{e.title.en}")
        print(f"id {e.id}, fingerprint {e.fingerprint_hex}, tag {e.tag}")
        print(f"signed by the authority key {info['authority_key']}: signature valid")
        print(f"{info['contests']} contests, {info['styles']} ballot styles, privacy floor {e.privacy_floor}, "
              f"paper record {'on' if e.paper_record else 'off'}")
        if info["electorate_floors"]:
            print("own privacy floors: " + ", ".join(f"electorate {k} {v}" for k, v in info["electorate_floors"].items()))
        roll_state = f"frozen, root {info['roll']['root_hex']}" if root else "not frozen"
        print(f"token roll: {info['roll']['entries']} entries, {roll_state}")
        for warning in info["floor_warnings"]:
            print(f"warning: {warning}")
    return EXIT_OK


def cmd_tokens_mint(args: argparse.Namespace) -> int:
    package = load_package(args.election)
    e = package.election
    styles = [s.id for s in e.styles] if args.all_styles else (args.style or [])
    if not styles:
        print("error: give --style S (repeatable) or --all-styles", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        print(f"error: {out} is not empty\n  what to do: give a new directory for each minting run",
              file=sys.stderr)
        return EXIT_USAGE
    minted = mint_tokens(package, [(s, args.count) for s in styles], args.mode)
    (out / "png").mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)  # the payloads are the tokens: nobody else may read them
    counter: dict[str, int] = {}
    lines, names = [], []
    for token in minted:
        counter[token.style] = counter.get(token.style, 0) + 1
        names.append(f"{token.style}-{counter[token.style]:04d}.png")
        lines.append(f"{token.style}\t{token.mode}\tpng/{names[-1]}\t{token.payload}\n")
    matrices = write_token_pngs([(t.payload, out / "png" / n) for t, n in zip(minted, names)])
    fd = os.open(out / "payloads.tsv", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("".join(lines))
    label = "[시험 TEST]" if args.mode == "test" else ""
    pages = write_token_sheet(out / "sheet.pdf", e.title.ko,
                              ((m, e.style(t.style).title.ko) for m, t in zip(matrices, minted)), label,
                              test=args.mode == "test")
    print(f"minted {len(minted)} {args.mode} tokens for {len(styles)} ballot styles into {out} "
          f"({pages} PDF pages); the roll now holds {_roll_count(package)} entries")
    return EXIT_OK


def _roll_count(package) -> int:
    roll = package.roll()
    try:
        return roll.count()
    finally:
        roll.close()


def cmd_tokens_freeze(args: argparse.Namespace) -> int:
    package = load_package(args.election)
    roll = package.roll()
    try:
        warnings = floor_warnings(package.election, roll.count_by_style("official"))
        root = roll.freeze(package.authority_key())
    finally:
        roll.close()
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"token roll frozen: {root.size} entries, root {root.root_hex}")
    print("print this root on every zero report; no tokens can be minted any more")
    return EXIT_OK


def cmd_tokens_check(args: argparse.Namespace) -> int:
    package = load_package(args.election)
    e = package.election
    roll = package.roll()
    try:
        result = check_token(args.payload.strip(), e.tag, e.fingerprint, args.mode, roll)
    finally:
        roll.close()
    if isinstance(result, Refused):
        if args.json:
            print_json({"valid": False, "reason": result.reason.value, "text": REFUSAL_TEXT[result.reason]})
        else:
            print(f"refused: {result.reason.value}: {REFUSAL_TEXT[result.reason]}")
        return EXIT_BAD
    style = e.style(result.style)
    if args.json:
        print_json({"valid": True, "style": result.style, "mode": result.token.mode,
                    "style_title": {"ko": style.title.ko, "en": style.title.en}})
    else:
        print(f"valid: ballot style {result.style} ({style.title.ko} / {style.title.en}), {result.token.mode}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``kiosk-central``."""
    p = argparse.ArgumentParser(prog="kiosk-central", description="Election authority and central node tools.")
    p.add_argument("--version", action="version", version=f"kiosk-central {__version__}")
    verbs = p.add_subparsers(title="verbs", metavar="VERB")

    election = verbs.add_parser("election", help="create or show an election package").add_subparsers(metavar="ACTION")
    init = election.add_parser("init", help="make keys and a signed election package")
    init.add_argument("--out", required=True, type=Path, help="new directory for the package")
    init.add_argument("--spec", type=Path, help="a hand-written spec (TOML or JSON)")
    init.add_argument("--demo", choices=["ttabok"], help="the 2017 Gyeonggi Ttabok community vote")
    init.add_argument("--communities", type=int, default=TTABOK_COMMUNITIES,
                      help=f"communities in the Ttabok demo (default {TTABOK_COMMUNITIES})")
    init.add_argument("--judging", action="store_true",
                      help="the Ttabok demo with the whole judging: representatives' grades, experts, selection")
    init.add_argument("--lot-seed-sha256", metavar="HEX",
                      help="commit the selection's lot: the SHA-256 of a seed drawn now and revealed with "
                           "'kiosk-central select --lot-seed' (replaces the spec's selection.lot_seed_sha256)")
    init.add_argument("--receipt", action="store_true",
                      help="give every voter a printed receipt with the ballot's tracking code (the package's "
                           "receipt, also settable in a spec as receipt = true)")
    init.add_argument("--trustees", type=int, default=3, help="trustees of the key ceremony (default 3)")
    init.add_argument("--threshold", type=int, default=2, help="trustees needed to decrypt the count (default 2)")
    init.add_argument("--trustees-from", type=Path, metavar="DIR",
                      help="the folder of every trustee's published trustee-N.announcement.json "
                           "('trustee keygen'): the election key from the trustees' ceremony; --trustees and "
                           "--threshold must be the ceremony's. Without it a DEMO ceremony runs here and writes "
                           "every trustee's secret under OUT/trustees/ (demo and test only)")
    init.add_argument("--official", action="store_true",
                      help="a real election: refuse the demo ceremony (needs --trustees-from)")
    init.add_argument("--node", action="append", metavar="ID=URL=KEYHEX",
                      help="a central node: id, URL, public key from 'node init' (repeatable)")
    init.add_argument("--nodes", type=int, default=0, metavar="N",
                      help="with --demo: make N node keys under DIR/nodes/ with loopback URLs")
    init.set_defaults(func=cmd_election_init)
    show = election.add_parser("show", help="what a package says, its fingerprint and signature check")
    show.add_argument("directory", type=Path)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_election_show)

    tokens = verbs.add_parser("tokens", help="mint, freeze and check ballot tokens").add_subparsers(metavar="ACTION")
    mint = tokens.add_parser("mint", help="add tokens to the roll; write PNGs, a PDF sheet and the payloads")
    mint.add_argument("--election", required=True, type=Path)
    mint.add_argument("--style", action="append", help="ballot style id (repeatable)")
    mint.add_argument("--all-styles", action="store_true", help="mint for every ballot style")
    mint.add_argument("--count", type=int, required=True, help="tokens per ballot style")
    mint.add_argument("--mode", choices=["official", "test"], default="official")
    mint.add_argument("--out", required=True, type=Path, help="new directory for the PNGs, sheet.pdf, payloads.tsv")
    mint.set_defaults(func=cmd_tokens_mint)
    freeze = tokens.add_parser("freeze", help="sign the roll's Merkle root; no minting after")
    freeze.add_argument("--election", required=True, type=Path)
    freeze.set_defaults(func=cmd_tokens_freeze)
    check = tokens.add_parser("check", help="is a token payload valid? (exit 1 with the reason if not)")
    check.add_argument("--election", required=True, type=Path)
    check.add_argument("--mode", choices=["official", "test"], default="official")
    check.add_argument("--json", action="store_true")
    check.add_argument("payload")
    check.set_defaults(func=cmd_tokens_check)

    add_cards_verbs(verbs)
    add_node_verbs(verbs)
    add_board_verbs(verbs)
    add_audit_verbs(verbs)
    add_witness_verb(verbs)
    add_trustee_verbs(verbs)
    add_judging_verbs(verbs)
    add_results_verb(verbs)
    add_tapes_verbs(verbs)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kiosk-central``."""
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
