"""Keys and domain-separated signatures (Ed25519 and X25519 through PyNaCl).

Every signature covers ``context || 0x00 || message``, where the context names the format
and its version (``kiosk-election/1``), so a signature made for one purpose can never be
replayed as another. Private key files are JSON, written with mode 0600; loading one that
others can read is refused.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import nacl.exceptions
import nacl.public
import nacl.signing

from kiosk.contract.canonical import canonical_bytes, from_hex, parse_json
from kiosk.errors import FormatError, KeyFileError, SignatureError

KEY_FILE_FORMAT = "kiosk-key/1"


def signed_message(context: str, message: bytes) -> bytes:
    """The bytes an Ed25519 signature covers: ASCII context, a zero byte, the message."""
    if not context.isascii() or "\x00" in context:
        raise ValueError("a signing context is printable ASCII without NUL")
    return context.encode("ascii") + b"\x00" + message


@dataclass(frozen=True)
class VerifyKey:
    """An Ed25519 public key."""

    raw: bytes

    @classmethod
    def from_hex(cls, text: str, what: str = "public key") -> "VerifyKey":
        return cls(from_hex(text, what, 32))

    @property
    def hex(self) -> str:
        return self.raw.hex()

    @property
    def fingerprint(self) -> str:
        """Short printable fingerprint: the first 8 bytes of SHA-256, hex, in groups of 4."""
        digest = hashlib.sha256(self.raw).hexdigest()[:16]
        return "-".join(digest[i:i + 4] for i in range(0, 16, 4))

    def verify(self, context: str, message: bytes, signature: bytes) -> None:
        """Raise SignatureError unless ``signature`` is this key's over (context, message)."""
        try:
            nacl.signing.VerifyKey(self.raw).verify(signed_message(context, message), signature)
        except (nacl.exceptions.BadSignatureError, ValueError, TypeError) as e:
            raise SignatureError(f"the {context} signature does not verify",
                                 hint="the data was changed or signed by another key") from e

    def is_valid_note(self, text: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's plain Ed25519 signature over a signed note's text."""
        try:
            nacl.signing.VerifyKey(self.raw).verify(text, signature)
        except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
            return False
        return True

    def seal(self, plaintext: bytes) -> bytes:
        """Seal ``plaintext`` so that only the holder of this key's private half opens it.

        The Ed25519 key is mapped to its X25519 twin (libsodium's
        ``crypto_sign_ed25519_pk_to_curve25519``) and a NaCl SealedBox made to it: a kiosk gets
        secrets (its cards' PIN verifiers) under the key it already has, with no second key to
        provision. Signatures and sealed boxes use different primitives over the one key, so
        neither can be turned into the other.
        """
        return nacl.public.SealedBox(nacl.signing.VerifyKey(self.raw).to_curve25519_public_key()).encrypt(plaintext)

    def is_valid(self, context: str, message: bytes, signature: bytes) -> bool:
        """True when the signature verifies (for counting, not for control flow)."""
        try:
            self.verify(context, message, signature)
        except SignatureError:
            return False
        return True


class SigningKey:
    """An Ed25519 private key; signs with a context."""

    def __init__(self, seed: bytes) -> None:
        self._key = nacl.signing.SigningKey(seed)
        self.verify_key = VerifyKey(bytes(self._key.verify_key))

    @classmethod
    def generate(cls) -> "SigningKey":
        return cls(bytes(nacl.signing.SigningKey.generate()))

    @property
    def seed(self) -> bytes:
        return bytes(self._key)

    def sign(self, context: str, message: bytes) -> bytes:
        """The 64-byte signature over (context, message)."""
        return self._key.sign(signed_message(context, message)).signature

    def open_sealed(self, sealed: bytes) -> bytes:
        """Open what :meth:`VerifyKey.seal` sealed to this key; SignatureError when it does not open."""
        try:
            return nacl.public.SealedBox(self._key.to_curve25519_private_key()).decrypt(sealed)
        except (nacl.exceptions.CryptoError, ValueError, TypeError) as e:
            raise SignatureError("a sealed box does not open with this key",
                                 hint="it was sealed to another key, or changed") from e

    def sign_note(self, text: bytes) -> bytes:
        """Plain Ed25519 over a C2SP signed note's text (no context: other verifiers must check it).

        Safe beside :meth:`sign` because a note's text never holds a NUL byte while every
        context-signed message does (``context 0x00 message``): neither can pass for the other.
        """
        if b"\x00" in text:
            raise ValueError("a signed note's text never holds a NUL byte")
        return self._key.sign(text).signature

    def __repr__(self) -> str:  # never print key material
        return f"SigningKey(public={self.verify_key.fingerprint})"


class EncryptionKey:
    """The election's X25519 private key (opens sealed selections at tally)."""

    def __init__(self, secret: bytes) -> None:
        self._key = nacl.public.PrivateKey(secret)
        self.public_raw = bytes(self._key.public_key)

    @classmethod
    def generate(cls) -> "EncryptionKey":
        return cls(bytes(nacl.public.PrivateKey.generate()))

    @property
    def secret(self) -> bytes:
        return bytes(self._key)

    def open(self, sealed: bytes) -> bytes:
        """Open a SealedBox made to this key."""
        return nacl.public.SealedBox(self._key).decrypt(sealed)

    def __repr__(self) -> str:
        return "EncryptionKey(<secret>)"


def seal_to(public_raw: bytes, plaintext: bytes) -> bytes:
    """Seal ``plaintext`` to an X25519 public key (anonymous sender, NaCl SealedBox)."""
    return nacl.public.SealedBox(nacl.public.PublicKey(public_raw)).encrypt(plaintext)


def write_private_json(path: Path, body: dict) -> None:
    """Write a secret JSON file with mode 0600, created so that no other user ever reads it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, canonical_bytes(body) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def read_private_json(path: Path, what: str) -> dict:
    """Read a secret JSON file, refusing one that group or others can read."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError as e:
        raise KeyFileError(f"cannot read {what} {path}: {e.strerror}", hint="check the path given") from e
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"{what} {path} is readable by other users (mode {mode & 0o777:o})",
                           hint=f"run: chmod 600 {path}")
    try:
        body = parse_json(path.read_bytes(), f"{what} {path}")
    except OSError as e:
        raise KeyFileError(f"cannot read {what} {path}: {e.strerror}") from e
    if not isinstance(body, dict):
        raise KeyFileError(f"{path} is not a {what}")
    return body


def write_private_file(path: Path, kind: str, secret: bytes, public_hex: str) -> None:
    """Write a private key file (mode 0600)."""
    write_private_json(path, {"format": KEY_FILE_FORMAT, "kind": kind, "public_hex": public_hex,
                              "secret_hex": secret.hex()})


def read_private_file(path: Path, kind: str) -> bytes:
    """Read a private key file's secret, refusing one that group or others can read."""
    body = read_private_json(path, "key file")
    if body.get("format") != KEY_FILE_FORMAT:
        raise KeyFileError(f"{path} is not a {KEY_FILE_FORMAT} key file")
    if body.get("kind") != kind:
        raise KeyFileError(f"{path} holds a {body.get('kind')!r} key, expected {kind!r}")
    try:
        return from_hex(body.get("secret_hex"), f"{path} secret_hex", 32)
    except FormatError as e:
        raise KeyFileError(str(e)) from e


def save_signing_key(path: Path, key: SigningKey) -> None:
    """Write an Ed25519 private key file (0600)."""
    write_private_file(path, "ed25519", key.seed, key.verify_key.hex)


def load_signing_key(path: Path) -> SigningKey:
    """Load an Ed25519 private key file (refused when others can read it)."""
    return SigningKey(read_private_file(path, "ed25519"))


def save_encryption_key(path: Path, key: EncryptionKey) -> None:
    """Write an X25519 private key file (0600)."""
    write_private_file(path, "x25519", key.secret, key.public_raw.hex())


def load_encryption_key(path: Path) -> EncryptionKey:
    """Load an X25519 private key file (refused when others can read it)."""
    return EncryptionKey(read_private_file(path, "x25519"))
