"""``kiosk-central trustee``: the key ceremony without a dealer, and each trustee's part of the tally.

Each trustee runs ``keygen`` on their own machine and publishes the announcement; after every
announcement is in one folder (a USB stick will do), each runs ``share`` and hands out the share
files, then ``accept`` checks the shares addressed to them and keeps their key share. Anyone runs
``check`` to verify the announcements and write the public election key file. After the close,
each trustee runs ``decrypt`` on the published aggregates, and anyone ``combine``s k of the
partial decryptions. The maths is :mod:`kiosk.contract.crypto.threshold`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.app.cliutil import EXIT_OK, EXIT_USAGE, print_json
from kiosk.contract.canonical import parse_json
from kiosk.contract.crypto.group import mul_base
from kiosk.contract.crypto.records import (Aggregates, election_key_from_json, election_key_json, secret_from_json,
                                           secret_to_json)
from kiosk.contract.crypto.threshold import (Announcement, Ceremony, check_announcements, make_trustee, open_share,
                                             partial_decrypt, seal_share, secret_key_share, verification_key)
from kiosk.contract.keys import read_private_json, write_private_json
from kiosk.errors import FormatError, ProofError
from sync.central.count import ElectionKey, decrypted_counts, parse_partials


def _read(path: Path, what: str):
    try:
        return parse_json(Path(path).read_bytes(), f"{what} {path}")
    except OSError as e:
        raise FormatError(f"cannot read {what} {path}: {e.strerror}", "check the path given") from e


def _write(path: Path, body: dict) -> None:
    Path(path).write_text(json.dumps(body, indent=1, sort_keys=True) + "\n")


def _announcements(folder: Path, ceremony: Ceremony) -> dict[int, Announcement]:
    files = sorted(Path(folder).glob("trustee-*.announcement.json"))
    return check_announcements(ceremony, [Announcement.from_json(_read(f, "announcement"), ceremony) for f in files])


def trustees_election_key(folder: Path, election_id: object, trustees: int, threshold: int) -> dict:
    """The ``kiosk-election-key/1`` record of the announcements in ``folder`` (``election init --trustees-from``).

    Every announcement's proofs are checked; a refusal names the trustee and the failing check.
    """
    if not isinstance(election_id, str) or not 1 <= threshold <= trustees <= 32:
        raise FormatError("the election's id, --trustees and --threshold (1 <= threshold <= trustees <= 32) "
                          "must be those the trustees ran 'trustee keygen' with", "check the spec and the options")
    if not Path(folder).is_dir():
        raise FormatError(f"{folder} is not a folder", "give the folder of the trustees' trustee-N.announcement.json")
    ceremony = Ceremony(election_id, trustees, threshold)
    try:
        return election_key_json(ceremony, _announcements(folder, ceremony))
    except (FormatError, ProofError) as e:
        raise type(e)(e.message, f"{e.hint}; the trustees must have run 'trustee keygen --election-id {election_id} "
                                 f"--trustees {trustees} --threshold {threshold}'") from None


def cmd_keygen(args: argparse.Namespace) -> int:
    if not 1 <= args.threshold <= args.trustees <= 32:
        print("error: need 1 <= --threshold <= --trustees <= 32", file=sys.stderr)
        return EXIT_USAGE
    ceremony = Ceremony(args.election_id, args.trustees, args.threshold)
    ceremony.check_index(args.index, "--index")
    args.out.mkdir(parents=True, exist_ok=True)
    secret_path = args.out / f"trustee-{args.index}.secret.json"
    if secret_path.exists():
        raise FormatError(f"{secret_path} exists", "a trustee makes their key once; remove it only to start over")
    secret, announcement = make_trustee(ceremony, args.index)
    write_private_json(secret_path, secret_to_json(ceremony, secret))
    public_path = args.out / f"trustee-{args.index}.announcement.json"
    _write(public_path, announcement.to_json())
    print(f"trustee {args.index} of {args.trustees} ({args.threshold} needed) for {args.election_id}: "
          f"secret in {secret_path} (keep it on this machine), announcement in {public_path} (publish it)")
    return EXIT_OK


def cmd_share(args: argparse.Namespace) -> int:
    ceremony, secret, _ = secret_from_json(read_private_json(args.secret, "trustee secret"))
    announcements = _announcements(args.announcements, ceremony)
    args.out.mkdir(parents=True, exist_ok=True)
    for l, announcement in announcements.items():
        if l != secret.index:
            _write(args.out / f"share-{secret.index}-to-{l}.json", seal_share(ceremony, secret, announcement))
    print(f"trustee {secret.index}: {ceremony.count - 1} sealed shares in {args.out} (hand each to its trustee)")
    return EXIT_OK


def cmd_accept(args: argparse.Namespace) -> int:
    body = read_private_json(args.secret, "trustee secret")
    ceremony, secret, _ = secret_from_json(body)
    announcements = _announcements(args.announcements, ceremony)
    if announcements[secret.index].commitments[0] != mul_base(secret.coefficients[0]):
        raise ProofError(f"the published announcement of trustee {secret.index} is not this secret's",
                         "publish the announcement `trustee keygen` wrote with this secret")
    shares = {secret.index: secret.share_for(secret.index)}
    for i, sender in announcements.items():
        if i != secret.index:
            path = Path(args.shares) / f"share-{i}-to-{secret.index}.json"
            shares[i] = open_share(ceremony, secret, sender, _read(path, f"trustee {i}'s share"))
    key_share = secret_key_share(shares)
    if mul_base(key_share) != verification_key(announcements, secret.index):  # pragma: no cover - follows from the checks
        raise ProofError("the key share does not match the published commitments", "start the ceremony over")
    write_private_json(args.secret, secret_to_json(ceremony, secret, key_share))
    print(f"trustee {secret.index}: the shares of all {ceremony.count} trustees match their commitments; "
          f"key share kept in {args.secret}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    ceremony = Ceremony(args.election_id, args.trustees, args.threshold)
    announcements = _announcements(args.announcements, ceremony)
    body = election_key_json(ceremony, announcements)
    if args.out:
        _write(args.out, body)
    if args.json:
        print_json(body)
    else:
        print(f"all {ceremony.count} announcements check; election key {body['public_key']}")
        for i, key in body["verification_keys"].items():
            print(f"  trustee {i}: verification key {key}")
    return EXIT_OK


def cmd_decrypt(args: argparse.Namespace) -> int:
    ceremony, secret, key_share = secret_from_json(read_private_json(args.secret, "trustee secret"))
    if key_share is None:
        raise FormatError("this trustee has not accepted the shares yet", "run `kiosk-central trustee accept` first")
    key_ceremony, announcements, _ = election_key_from_json(_read(args.election_key, "election key"))
    if key_ceremony != ceremony:
        raise FormatError("the election key file is of another ceremony", "use this election's key file")
    aggregates = Aggregates.from_json(_read(args.aggregates, "aggregates"))
    partial = partial_decrypt(ceremony, secret.index, key_share, aggregates.ciphertexts, aggregates.ballots,
                              args.floor, aggregates.context)
    _write(args.out, partial.to_json())
    print(f"trustee {secret.index}: {len(aggregates.items)} aggregates decrypted with proofs into {args.out}")
    return EXIT_OK


def cmd_combine(args: argparse.Namespace) -> int:
    key = ElectionKey.from_json(_read(args.election_key, "election key"))
    aggregates = Aggregates.from_json(_read(args.aggregates, "aggregates"))
    partials = parse_partials(key, aggregates, [_read(p, "partial decryption") for p in args.partials])
    counts = decrypted_counts(key, aggregates, partials)
    rows = [{"contest": contest, "option": option, "ballots": ballots, "count": count}
            for (contest, option, _, ballots), count in zip(aggregates.items, counts)]
    if args.json:
        print_json({"election": aggregates.election, "results": rows})
    else:
        for r in rows:
            print(f"{r['contest']} {r['option']}: {r['count']} of {r['ballots']} ballots")
    return EXIT_OK


def add_trustee_verbs(verbs) -> None:
    """Register ``trustee keygen|share|accept|check|decrypt|combine``."""
    trustee = verbs.add_parser("trustee", help="the key ceremony without a dealer; partial decryptions") \
        .add_subparsers(metavar="ACTION")
    keygen = trustee.add_parser("keygen", help="make this trustee's secret polynomial and public announcement")
    keygen.add_argument("--election-id", required=True)
    keygen.add_argument("--trustees", type=int, required=True, help="n, the number of trustees")
    keygen.add_argument("--threshold", type=int, required=True, help="k, trustees needed to decrypt")
    keygen.add_argument("--index", type=int, required=True, help="this trustee's number, 1..n")
    keygen.add_argument("--out", type=Path, required=True, help="folder for the secret and the announcement")
    keygen.set_defaults(func=cmd_keygen)
    share = trustee.add_parser("share", help="seal this trustee's share for every other trustee")
    share.add_argument("--secret", type=Path, required=True)
    share.add_argument("--announcements", type=Path, required=True, help="folder of every trustee-N.announcement.json")
    share.add_argument("--out", type=Path, required=True, help="folder for the share-I-to-L.json files")
    share.set_defaults(func=cmd_share)
    accept = trustee.add_parser("accept", help="check the shares sent to this trustee and keep the key share")
    accept.add_argument("--secret", type=Path, required=True)
    accept.add_argument("--announcements", type=Path, required=True)
    accept.add_argument("--shares", type=Path, required=True, help="folder holding share-I-to-L.json for this L")
    accept.set_defaults(func=cmd_accept)
    check = trustee.add_parser("check", help="verify every announcement; print or write the election key")
    check.add_argument("--election-id", required=True)
    check.add_argument("--trustees", type=int, required=True)
    check.add_argument("--threshold", type=int, required=True)
    check.add_argument("--announcements", type=Path, required=True)
    check.add_argument("--out", type=Path, help="write the kiosk-election-key/1 file")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=cmd_check)
    decrypt = trustee.add_parser("decrypt", help="this trustee's partial decryption of the published aggregates")
    decrypt.add_argument("--secret", type=Path, required=True)
    decrypt.add_argument("--election-key", type=Path, required=True)
    decrypt.add_argument("--aggregates", type=Path, required=True)
    decrypt.add_argument("--floor", type=int, required=True, help="refuse any aggregate of fewer ballots")
    decrypt.add_argument("--out", type=Path, required=True)
    decrypt.set_defaults(func=cmd_decrypt)
    comb = trustee.add_parser("combine", help="check k partial decryptions and print the counts")
    comb.add_argument("--election-key", type=Path, required=True)
    comb.add_argument("--aggregates", type=Path, required=True)
    comb.add_argument("--partials", type=Path, nargs="+", required=True)
    comb.add_argument("--json", action="store_true")
    comb.set_defaults(func=cmd_combine)
