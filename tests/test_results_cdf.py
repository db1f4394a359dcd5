"""results.cdf.json: a real tally's results as NIST SP 1500-100 v2 Common Data Format, checked against
NIST's own JSON schema (tests/data/nist-cdf/, vendored with its source) with every format checked.

An apartment vote through the real path (kiosk, node on loopback, trustees' partials, ``kiosk-central
tally --partials``): a ``single`` contest with a blank vote, an ``approval`` contest, a ``score``
contest and a contest one ballot short of the privacy floor. The file must validate, say the same
numbers as results.json, name the single contest's winner, carry Korean and English names, and give
the withheld contest no count. Mutations the schema must refuse show the check can fail.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest

from centralhelp import batches, close_station, make_central_election, make_kiosk, partial_files, post, running_node
from judginghelp import body_of, counted_results, judged_spec
from kiosk.contract.election import parse_election
from kiosk.station.casting import Cast, cast
from kiosk.station.station import Station
from storehelp import NOW
from sync.central.cli import main as central_main
from sync.central.record_files import node_record_dir
from sync.central.results_cdf import CDF_FILE, election_report

SCHEMA_FILE = Path(__file__).parent / "data" / "nist-cdf" / "NIST_V2_election_results_reporting.json"
SCHEMA_SHA256 = "55c1c6382bf5ba369ae05d58c3f4bab6b487a2e8c01720ee87209b9a85e5d3db"   # NIST's, SOURCE.md beside it
SCHEMA = json.loads(SCHEMA_FILE.read_text())
P = "ElectionResults."


def _title(ko: str, en: str) -> dict:
    return {"ko": ko, "en": en}


def _options(*names: tuple[str, str, str]) -> list[dict]:
    return [{"id": i, "title": _title(ko, en)} for i, ko, en in names]


SPEC = {
    "id": "cdf-apt-2026", "title": _title("한빛아파트 투표", "Hanbit Apartments vote"), "privacy_floor": 2,
    "paper_record": False,
    "contests": [
        {"id": "chair", "title": _title("회장", "Chair"), "rule": "single", "min": 0, "max": 1,
         "options": _options(("kim", "김민지", "Kim Min-ji"), ("park", "박준호", "Park Jun-ho"))},
        {"id": "works", "title": _title("올해 공사", "This year's works"), "rule": "approval", "min": 0, "max": 2,
         "options": _options(("roof", "옥상 방수", "Roof"), ("playground", "놀이터", "Playground"),
                             ("cctv", "CCTV", "CCTV"))},
        {"id": "garden", "title": _title("정원 평가", "Garden grades"), "rule": "score", "min": 0, "max": 5,
         "options": _options(("east", "동쪽 정원", "East garden"), ("west", "서쪽 정원", "West garden"))},
        {"id": "pets", "title": _title("반려동물 규칙", "Pet rule"), "rule": "single", "min": 1, "max": 1,
         "options": _options(("allow", "허용", "Allow"), ("forbid", "금지", "Forbid"))},
    ],
    "styles": [
        {"id": "owner", "title": _title("소유자", "Owner"), "contests": ["chair", "works", "garden"]},
        {"id": "shop", "title": _title("상가", "Shop"), "contests": ["pets"]},
    ],
}
# the owners' ballots: kim 3, park 2, one blank; the one shop ballot leaves "pets" under the floor of 2
OWNER_BALLOTS = [{"chair": ["kim"], "works": ["roof", "cctv"], "garden": {"east": 5, "west": 1}},
                 {"chair": ["kim"], "works": ["roof"], "garden": {"east": 4, "west": 0}},
                 {"chair": ["kim"], "works": [], "garden": {"east": 3, "west": 2}},
                 {"chair": ["park"], "works": ["playground", "roof"], "garden": {"east": 0, "west": 5}},
                 {"chair": ["park"], "works": ["cctv"], "garden": {"east": 1, "west": 1}},
                 {"chair": [], "works": [], "garden": {"east": 0, "west": 0}}]


def validator() -> jsonschema.Draft4Validator:
    """The schema's own draft (04) with every format checked. Draft 4 names no "date" format, yet the
    schema uses it (StartDate, EndDate): the full FormatChecker checks it, and date-time needs
    rfc3339-validator, without which jsonschema would skip it silently."""
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256, "the vendored schema was edited"
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    checker = jsonschema.FormatChecker()
    assert {"date", "date-time"} <= set(checker.checkers), "install rfc3339-validator (setup.cfg's dev extra)"
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    return jsonschema.Draft4Validator(SCHEMA, format_checker=checker)


@pytest.fixture(scope="module")
def tallied(tmp_path_factory):
    """A real election voted at one kiosk, sent to a real node, tallied by the command: the --out folder."""
    root = tmp_path_factory.mktemp("cdf")
    central = make_central_election(root / "election", per_style=8, spec=SPEC)
    kiosk = make_kiosk(central, root / "k")
    owners = [p for s, p in central.official if s == "owner"][:len(OWNER_BALLOTS)]
    shop = [p for s, p in central.official if s == "shop"][:1]
    with Station.open(kiosk) as s:
        for payload, selections in [*zip(owners, OWNER_BALLOTS), (shop[0], {"pets": ["allow"]})]:
            assert isinstance(cast(s, payload, selections, NOW + 60), Cast)
    close_station(kiosk)
    with running_node(central, root / "n1") as (_, server):
        for body in batches(kiosk):
            post(server, body, central)
    node_args = ["--data", str(root / "n1"), "--election", str(central.directory)]
    assert cli("tally", *node_args, "--aggregates")[0] == 0
    files = partial_files(central, root / "n1", root / "partials", (1, 3))
    code, text = cli("tally", *node_args, "--out", root / "out", "--partials", *files)
    assert code == 0, text
    assert f"written: {root / 'out' / CDF_FILE}" in text
    assert (node_record_dir(root / "n1", "official") / CDF_FILE).is_file()   # in the node's record too
    return central, root / "out"


def cli(*argv) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = central_main([str(a) for a in argv])
    return code, out.getvalue()


def read(folder: Path) -> tuple[dict, dict]:
    return json.loads((folder / CDF_FILE).read_text()), json.loads((folder / "results.json").read_text())


def contests(cdf: dict) -> dict[str, dict]:
    return {c["ExternalIdentifier"][0]["Value"]: c for c in cdf["Election"][0]["Contest"]}


def count(selection: dict) -> int | None:
    (vc,) = selection.get("VoteCounts", [{"Count": None}])
    return vc["Count"]


def test_the_export_of_a_real_tally_validates_against_nists_schema(tallied):
    cdf, results = read(tallied[1])
    errors = sorted(validator().iter_errors(cdf), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    assert cdf["@type"] == P + "ElectionReport" and cdf["Format"] == "summary-contest"
    assert results["ok"] and cdf["Status"] == "certified" and cdf["IsTest"] is False
    ballots = cdf["Election"][0]["BallotCounts"][0]
    assert ballots["BallotsCast"] == results["ballots_counted"] == 7 and ballots["BallotsRejected"] == 0


# the properties the schema marks as references to other objects (refTypes, a note no validator reads)
REFERENCES = {name for d in SCHEMA["definitions"].values() for name, p in d.get("properties", {}).items()
              if "refTypes" in p or "refTypes" in p.get("items", {})}


def test_every_reference_names_a_defined_object(tallied):
    """The schema cannot check references: every one of them must name an @id of the file."""
    cdf, _ = read(tallied[1])
    ids, refs = set(), []

    def walk(value, key=""):
        if isinstance(value, dict):
            if "@id" in value:
                assert value["@id"] not in ids, f"@id {value['@id']} twice"
                ids.add(value["@id"])
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key in REFERENCES:
            refs.append((key, value))

    walk(cdf)
    assert refs and all(v in ids for _, v in refs), [r for r in refs if r[1] not in ids]


def test_the_counts_are_results_json_s(tallied):
    cdf, results = read(tallied[1])
    mine = contests(cdf)
    for row in results["results"]:
        contest = mine[row["contest"]]
        by_option = {s["CandidateIds"][0].removeprefix("cand-"): count(s) for s in contest["ContestSelection"]}
        assert by_option == {o["option"]: o["likes"] for o in row["options"]}, row["contest"]
    assert {o: n for o, n in ((s["CandidateIds"][0], count(s)) for s in mine["chair"]["ContestSelection"])} == \
        {"cand-kim": 3, "cand-park": 2}
    chair, works, garden = mine["chair"], mine["works"], mine["garden"]
    assert (chair["VoteVariation"], chair["VotesAllowed"], chair["NumberElected"]) == ("plurality", 1, 1)
    assert chair["OtherCounts"][0]["Undervotes"] == 1   # the blank ballot
    assert (works["VoteVariation"], works["VotesAllowed"], works["NumberElected"]) == ("approval", 2, 2)
    assert works["OtherCounts"][0]["Undervotes"] == 6 * 2 - 6   # 6 of the 12 choices the owners had were used
    assert garden["VoteVariation"] == "range" and "Undervotes" not in garden["OtherCounts"][0]
    assert {count(s) for s in garden["ContestSelection"]} == {13, 9}


def test_the_single_contest_s_winner_and_the_names_in_korean_and_english(tallied):
    cdf, _ = read(tallied[1])
    candidates = {c["@id"]: c for c in cdf["Election"][0]["Candidate"]}
    winners = {i for i, c in candidates.items() if c.get("PostElectionStatus") == "winner"}
    assert winners == {"cand-kim", "cand-roof", "cand-cctv", "cand-east"}   # works: roof 3, cctv 2, playground 1
    names = {t["Language"]: t["Content"] for t in candidates["cand-kim"]["BallotName"]["Text"]}
    assert names == {"ko": "김민지", "en": "Kim Min-ji"}
    title = {t["Language"]: t["Content"] for t in contests(cdf)["chair"]["BallotTitle"]["Text"]}
    assert title == {"ko": "회장", "en": "Chair"}
    top = cdf["GpUnit"][0]
    assert {t["Language"] for t in top["Name"]["Text"]} == {"ko", "en"}
    assert top["ComposingGpUnitIds"] == ["ru-station-S-0001"]
    assert [u["Type"] for u in cdf["GpUnit"][1:]] == ["polling-place"]
    assert all(set(u) <= {"@type", "@id", "Type", "ExternalIdentifier"} for u in cdf["GpUnit"][1:])  # no count


def test_a_withheld_contest_carries_no_count(tallied):
    cdf, results = read(tallied[1])
    (pets_row,) = [r for r in results["results"] if r["contest"] == "pets"]
    assert pets_row["suppressed"] and pets_row["ballots"] == 1
    pets = contests(cdf)["pets"]
    assert "OtherCounts" not in pets and all("VoteCounts" not in s for s in pets["ContestSelection"])
    assert not any(c.get("PostElectionStatus") for c in cdf["Election"][0]["Candidate"]
                   if c["@id"] in ("cand-allow", "cand-forbid"))
    assert "pets" in cdf["Notes"]


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d.pop("Status"), "Status"),
    (lambda d: d.update(Status="final"), "Status"),
    (lambda d: d.update(GeneratedDate="2026-12-03 12:00:00"), "GeneratedDate"),
    (lambda d: d["Election"][0].update(StartDate="2026-13-40"), "StartDate"),
    (lambda d: d["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"][0].update(Count="3"), "Count"),
    (lambda d: d["Election"][0]["Contest"][0].update(VoteVariation="score"), "VoteVariation"),
    (lambda d: d["Election"][0]["Contest"][0].update(Winner="kim"), "Winner"),
    (lambda d: d["Election"][0]["Candidate"][0]["BallotName"]["Text"][0].pop("Language"), "Language"),
    (lambda d: d["GpUnit"][0].update(Type="apartment"), "Type"),
])
def test_the_schema_refuses_a_wrong_export(tallied, mutate, where):
    cdf, _ = read(tallied[1])
    wrong = copy.deepcopy(cdf)
    mutate(wrong)
    errors = list(validator().iter_errors(wrong))
    assert errors and any(where in (e.message + str(list(e.absolute_path)) + str(e.schema_path)) or
                          any(where in str(c.message) for c in e.context) for e in errors), (where, errors[:3])


def test_findings_make_the_results_unofficial_and_a_test_tally_is_marked(tallied):
    central, folder = tallied
    _, results = read(folder)
    at = datetime(2026, 12, 3, 21, 30, 5, 123, tzinfo=timezone.utc)
    found = dict(results, findings=["station S-0001: not closed"], ok=False, mode="test")
    cdf = election_report(found, central.election, at)
    assert not list(validator().iter_errors(cdf))
    assert (cdf["Status"], cdf["IsTest"], cdf["GeneratedDate"]) == ("unofficial-complete", True, "2026-12-03T21:30:05Z")
    assert cdf["Election"][0]["StartDate"] == cdf["Election"][0]["EndDate"] == "2026-12-03"


def test_an_observer_derives_the_same_file_from_the_record(tallied, tmp_path):
    """``board export`` then ``verify --from DIR --cdf FILE``: the node's file but for when it was made;
    nothing is written from a results.json that does not verify."""
    central, folder = tallied
    node_args = ["--data", folder.parent / "n1", "--election", central.directory]
    record = tmp_path / "record"
    assert cli("board", "export", *node_args, "--out", record)[0] == 0
    code, text = cli("verify", "--from", record, "--election", record / "election", "--workers", 1,
                     "--cdf", tmp_path / "mine.json")
    assert code == 0 and f"written: {tmp_path / 'mine.json'}" in text, text
    mine, (theirs, _) = json.loads((tmp_path / "mine.json").read_text()), read(folder)
    for report in (mine, theirs):   # when each was made (and the day it stands in for the voting days)
        del report["GeneratedDate"], report["Election"][0]["StartDate"], report["Election"][0]["EndDate"]
    assert mine == theirs
    results = json.loads((record / "results.json").read_text())
    results["results"][0]["options"][0]["likes"] += 1   # kim 4: not what the record gives
    (record / "results.json").write_text(json.dumps(results))
    code, text = cli("verify", "--from", record, "--election", record / "election", "--workers", 1,
                     "--cdf", tmp_path / "wrong.json")
    assert code == 1 and "not written" in text and not (tmp_path / "wrong.json").exists()
    assert cli("verify", *node_args, "--cdf", tmp_path / "x.json")[0] == 2   # --cdf goes with --from


def test_a_tie_has_no_winner_and_a_judged_election_leaves_its_winners_to_the_selection(tallied):
    central, folder = tallied
    _, results = read(folder)
    tied = copy.deepcopy(results)
    chair = next(r for r in tied["results"] if r["contest"] == "chair")
    for o in chair["options"]:
        o["likes"] = o["score"] = 2   # kim 2, park 2
    cdf = election_report(tied, central.election, datetime.now(timezone.utc))
    status = {c["@id"]: c.get("PostElectionStatus") for c in cdf["Election"][0]["Candidate"]}
    assert status["cand-kim"] is None and status["cand-park"] is None and status["cand-roof"] == "winner"

    judged = parse_election(body_of(judged_spec()))
    cdf = election_report(counted_results(judged), judged, datetime.now(timezone.utc))
    assert not list(validator().iter_errors(cdf))
    assert not any("PostElectionStatus" in c for c in cdf["Election"][0]["Candidate"])
    assert not any("NumberElected" in c for c in cdf["Election"][0]["Contest"])
    assert any("VoteCounts" in s for c in cdf["Election"][0]["Contest"] for s in c["ContestSelection"])
