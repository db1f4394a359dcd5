"""The ceremony's and the tally's files as JSON: a trustee's secret, the election key, the aggregates.

(The announcement, share and partial decryption formats live beside their maths in :mod:`.threshold`.)

- ``kiosk-trustee-secret/1`` (mode 0600, on the trustee's machine only): the polynomial's
  coefficients, the transport key and, after ``trustee accept``, the trustee's key share x_l.
- ``kiosk-election-key/1`` (public): the ceremony, every announcement, the election key and each
  trustee's verification key, all recomputable from the announcements.
- ``kiosk-aggregates/1`` (public): per (contest, option) the homomorphic sum of the ballots that
  showed it and their count; the context the partial decryptions are bound to is the hash of the
  file's canonical body.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.contract.canonical import b64url, canonical_bytes, from_b64url
from kiosk.contract.crypto.elgamal import Ciphertext
from kiosk.contract.crypto.group import decode_scalar, scalar_bytes, transcript
from kiosk.contract.crypto.threshold import Announcement, Ceremony, TrusteeSecret, check_announcements, election_key, \
    verification_key
from kiosk.contract.keys import EncryptionKey
from kiosk.errors import FormatError

SECRET_FORMAT = "kiosk-trustee-secret/1"
ELECTION_KEY_FORMAT = "kiosk-election-key/1"
AGGREGATES_FORMAT = "kiosk-aggregates/1"


def ceremony_json(ceremony: Ceremony) -> dict:
    """The ceremony's parameters as JSON."""
    return {"election": ceremony.election, "count": ceremony.count, "threshold": ceremony.threshold}


def ceremony_from_json(value: object, what: str) -> Ceremony:
    """Parse the ceremony's parameters."""
    if not isinstance(value, dict) or set(value) != {"election", "count", "threshold"} \
            or not isinstance(value["election"], str) or type(value["count"]) is not int \
            or type(value["threshold"]) is not int or not 1 <= value["threshold"] <= value["count"] <= 32:
        raise FormatError(f"{what}: the ceremony must be election, count (1..32) and threshold (1..count)",
                          "use a file of this ceremony")
    return Ceremony(value["election"], value["count"], value["threshold"])


def secret_to_json(ceremony: Ceremony, secret: TrusteeSecret, key_share: int | None = None) -> dict:
    """A trustee's secret file body."""
    body = {"format": SECRET_FORMAT, "ceremony": ceremony_json(ceremony), "trustee": secret.index,
            "coefficients": [b64url(scalar_bytes(a)) for a in secret.coefficients],
            "transport_secret_hex": secret.transport.secret.hex()}
    if key_share is not None:
        body["key_share"] = b64url(scalar_bytes(key_share))
    return body


def secret_from_json(value: object) -> tuple[Ceremony, TrusteeSecret, int | None]:
    """(ceremony, secret, key share or None) from a secret file body."""
    if not isinstance(value, dict) or value.get("format") != SECRET_FORMAT or \
            not {"format", "ceremony", "trustee", "coefficients", "transport_secret_hex"} <= set(value) <= \
            {"format", "ceremony", "trustee", "coefficients", "transport_secret_hex", "key_share"}:
        raise FormatError(f"not a {SECRET_FORMAT} file", "use the file `trustee keygen` wrote")
    ceremony = ceremony_from_json(value["ceremony"], "trustee secret")
    index = ceremony.check_index(value["trustee"], "trustee secret")
    cs = value["coefficients"]
    if not isinstance(cs, list) or len(cs) != ceremony.threshold:
        raise FormatError("trustee secret: wrong number of coefficients", "use the file `trustee keygen` wrote")
    coefficients = tuple(decode_scalar(from_b64url(c, "coefficient"), "coefficient") for c in cs)
    try:
        transport = EncryptionKey(bytes.fromhex(value["transport_secret_hex"]))
    except (TypeError, ValueError) as e:
        raise FormatError("trustee secret: the transport key is not 32 bytes of hex", "use the file `trustee keygen` wrote") from e
    share = value.get("key_share")
    return ceremony, TrusteeSecret(index, coefficients, transport), \
        None if share is None else decode_scalar(from_b64url(share, "key_share"), "key_share")


def election_key_json(ceremony: Ceremony, announcements: dict[int, Announcement]) -> dict:
    """The public election key file, from checked announcements."""
    return {"format": ELECTION_KEY_FORMAT, "ceremony": ceremony_json(ceremony),
            "public_key": b64url(election_key(announcements)),
            "verification_keys": {str(i): b64url(verification_key(announcements, i)) for i in sorted(announcements)},
            "announcements": [announcements[i].to_json() for i in sorted(announcements)]}


def election_key_from_json(value: object) -> tuple[Ceremony, dict[int, Announcement], bytes]:
    """Parse and re-check an election key file: every announcement's proofs, and every derived key."""
    if not isinstance(value, dict) or value.get("format") != ELECTION_KEY_FORMAT or \
            set(value) != {"format", "ceremony", "public_key", "verification_keys", "announcements"}:
        raise FormatError(f"not a {ELECTION_KEY_FORMAT} file", "use the file `trustee check --out` wrote")
    ceremony = ceremony_from_json(value["ceremony"], "election key")
    if not isinstance(value["announcements"], list):
        raise FormatError("election key: announcements must be a list", "use the file `trustee check --out` wrote")
    announcements = check_announcements(ceremony, [Announcement.from_json(a, ceremony) for a in value["announcements"]])
    expected = election_key_json(ceremony, announcements)
    if value["public_key"] != expected["public_key"]:
        raise FormatError("election key: the public key is not the sum of the trustees' first commitments",
                          "recompute it with `trustee check --out`")
    for i, key in expected["verification_keys"].items():
        if not isinstance(value["verification_keys"], dict) or value["verification_keys"].get(i) != key:
            raise FormatError(f"election key: trustee {i}'s verification key is not the one the announcements give",
                              "recompute it with `trustee check --out`")
    if value != expected:
        raise FormatError("election key: the record differs from the one its announcements give "
                          "(an extra verification key, or announcements out of order)",
                          "recompute it with `trustee check --out`")
    return ceremony, announcements, election_key(announcements)


@dataclass(frozen=True)
class Aggregates:
    """The published aggregates of a tally: ((contest, option), ciphertext, ballots) in order."""

    election: str
    items: tuple[tuple[str, str, Ciphertext, int], ...]

    def to_json(self) -> dict:
        """The aggregates file body."""
        return {"format": AGGREGATES_FORMAT, "election": self.election,
                "aggregates": [{"contest": c, "option": o, "ballots": n, "ciphertext": ct.to_json()}
                               for c, o, ct, n in self.items]}

    @property
    def context(self) -> bytes:
        """What the partial decryptions of this file are bound to: a hash of its canonical body."""
        return transcript(b"aggregates", canonical_bytes(self.to_json()))

    @property
    def ciphertexts(self) -> list[Ciphertext]:
        return [ct for _, _, ct, _ in self.items]

    @property
    def ballots(self) -> list[int]:
        return [n for _, _, _, n in self.items]

    @classmethod
    def from_json(cls, value: object) -> "Aggregates":
        """Parse an aggregates file strictly."""
        if not isinstance(value, dict) or set(value) != {"format", "election", "aggregates"} or \
                value["format"] != AGGREGATES_FORMAT or not isinstance(value["election"], str) or \
                not isinstance(value["aggregates"], list):
            raise FormatError(f"not a {AGGREGATES_FORMAT} file", "use the file the node published")
        items = []
        for n, a in enumerate(value["aggregates"]):
            if not isinstance(a, dict) or set(a) != {"contest", "option", "ballots", "ciphertext"} or \
                    not isinstance(a["contest"], str) or not isinstance(a["option"], str) or \
                    type(a["ballots"]) is not int or a["ballots"] < 0:
                raise FormatError(f"aggregate {n + 1}: expected contest, option, ballots and ciphertext",
                                  "use the file the node published")
            items.append((a["contest"], a["option"], Ciphertext.from_json(a["ciphertext"], f"aggregate {n + 1}"),
                          a["ballots"]))
        return cls(value["election"], tuple(items))
