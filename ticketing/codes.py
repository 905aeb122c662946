"""Signed ticket codes: what a badge's QR code holds.

A code names a ticket and its expo and carries an Ed25519 signature over them, so any
device with the public key can tell a genuine code from a forged one, offline. It holds
no personal data. The layout is described in docs/codes.md:

    version (1 byte) | key id (1 byte) | expo id (varint) | ticket id (varint) | signature (64)

encoded as unpadded URL-safe base64: 94 characters for typical ids, 99 at most for ticket
ids below 2**35 and expo ids below 2**21.

Keys live in a keyring: the signing key from ``EXPO_SIGNING_KEY`` (``<key id>:<base64 of
the 32-byte private key>``) or, in development, keys generated on first use into
``<EXPO_DATA_DIR>/signing_keys/``. Rotating adds a new signing key; codes signed by older
keys stay valid until their key is retired.
"""

import base64
import binascii
import contextlib
import dataclasses
import fcntl
import json
import os
import threading

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.conf import settings
from django.utils.translation import gettext_lazy as _

VERSION = 1
SIGNATURE_LENGTH = 64
DOMAIN = b"expo-ticket-code"  # signed along with the payload, so no other signature fits
MAX_CODE_LENGTH = 120


class InvalidCode(Exception):
    """A code that is not a genuine, current ticket code; ``reason`` says why."""

    MESSAGES = {
        "malformed": _("This is not a ticket code."),
        "wrong_version": _("This code is of a format this system does not read."),
        "unknown_key": _("This code was not signed by this system."),
        "retired_key": _("This code was signed with a key that has been retired."),
        "bad_signature": _("This code has been altered or forged."),
    }

    def __init__(self, reason):
        self.reason = reason
        self.message = self.MESSAGES[reason]
        super().__init__(reason)


@dataclasses.dataclass(frozen=True)
class VerifiedCode:
    ticket_id: int
    expo_id: int
    key_id: int


# The code itself


def encode(ticket_id, expo_id, key_id, private_key):
    payload = bytes([VERSION, key_id]) + _varint(expo_id) + _varint(ticket_id)
    signature = private_key.sign(DOMAIN + payload)
    return base64.urlsafe_b64encode(payload + signature).rstrip(b"=").decode("ascii")


def decode(code):
    """Split a code into its parts without checking the signature."""
    if not isinstance(code, str):
        raise InvalidCode("malformed")
    code = code.strip()
    if not code or len(code) > MAX_CODE_LENGTH or not code.isascii():
        raise InvalidCode("malformed")
    try:
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
    except (binascii.Error, ValueError):
        raise InvalidCode("malformed") from None
    # Only the one canonical spelling of the bytes is a code: a changed trailing
    # character that decodes to the same bytes is still a changed code.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != code:
        raise InvalidCode("malformed")
    if len(raw) < 4 + SIGNATURE_LENGTH:
        raise InvalidCode("malformed")
    if raw[0] != VERSION:
        raise InvalidCode("wrong_version")
    key_id = raw[1]
    expo_id, position = _read_varint(raw, 2)
    ticket_id, position = _read_varint(raw, position)
    if len(raw) - position != SIGNATURE_LENGTH:
        raise InvalidCode("malformed")
    return key_id, expo_id, ticket_id, raw[:position], raw[position:]


def _varint(number):
    if number < 0:
        raise ValueError("ids are not negative")
    out = bytearray()
    while True:
        byte, number = number & 0x7F, number >> 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(raw, position):
    number, shift = 0, 0
    for index in range(position, min(position + 6, len(raw))):
        byte = raw[index]
        number |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if byte == 0 and shift:  # a padded varint is not the canonical spelling
                raise InvalidCode("malformed")
            return number, index + 1
        shift += 7
    raise InvalidCode("malformed")


# Keys


@dataclasses.dataclass
class Key:
    key_id: int
    public_key: Ed25519PublicKey
    private_key: Ed25519PrivateKey | None = None
    retired: bool = False

    def public_bytes(self):
        return self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


class Keyring:
    """The keys that sign and verify codes, kept in a folder and/or given by the
    environment. ``active`` is the id of the key that signs new codes."""

    def __init__(self, keys, active, folder=None):
        self.keys = {key.key_id: key for key in keys}
        self.active = active
        self.folder = folder

    @classmethod
    def load(cls, folder, environment_key=None):
        folder.mkdir(parents=True, exist_ok=True)
        # Several worker processes may start at once; one of them makes the first key.
        with _folder_lock(folder):
            return cls._load(folder, environment_key)

    @classmethod
    def _load(cls, folder, environment_key):
        state = _read_state(folder)
        keys = {}
        for path in sorted(folder.glob("*.key")):
            key_id = int(path.stem)
            private = _private_key(path.read_text().strip())
            keys[key_id] = Key(key_id, private.public_key(), private, key_id in state["retired"])
        active = state.get("active")
        if environment_key:
            key_id, private = _parse_environment_key(environment_key)
            keys[key_id] = Key(key_id, private.public_key(), private, False)
            active = key_id
        keyring = cls(keys.values(), active, folder)
        if keyring.active is None or keyring.active not in keyring.keys:
            keyring.rotate()
        return keyring

    def sign(self, ticket_id, expo_id):
        key = self.keys[self.active]
        return encode(ticket_id, expo_id, key.key_id, key.private_key)

    def verify(self, code):
        key_id, expo_id, ticket_id, payload, signature = decode(code)
        key = self.keys.get(key_id)
        if key is None:
            raise InvalidCode("unknown_key")
        try:
            key.public_key.verify(signature, DOMAIN + payload)
        except InvalidSignature:
            raise InvalidCode("bad_signature") from None
        if key.retired:
            raise InvalidCode("retired_key")
        return VerifiedCode(ticket_id=ticket_id, expo_id=expo_id, key_id=key_id)

    def rotate(self):
        """Make a new signing key; older keys keep verifying until retired."""
        key_id = max(self.keys, default=0) + 1
        if key_id > 255:
            raise ValueError("no key ids left; retire and remove old key files first")
        private = Ed25519PrivateKey.generate()
        path = self.folder / f"{key_id}.key"
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            out.write(_private_text(private))
        self.keys[key_id] = Key(key_id, private.public_key(), private)
        self.active = key_id
        self._save_state()
        return key_id

    def retire(self, key_id):
        """Stop accepting codes signed by ``key_id``; the signing key cannot be retired."""
        if key_id not in self.keys:
            raise KeyError(key_id)
        if key_id == self.active:
            raise ValueError("rotate to a new key before retiring the signing key")
        self.keys[key_id].retired = True
        self._save_state()

    def public_keys(self):
        return [
            {
                "key_id": key.key_id,
                "algorithm": "Ed25519",
                "public_key": base64.b64encode(key.public_bytes()).decode("ascii"),
                "active": key.key_id == self.active,
                "retired": key.retired,
            }
            for key in sorted(self.keys.values(), key=lambda key: key.key_id)
        ]

    def _save_state(self):
        retired = sorted(key.key_id for key in self.keys.values() if key.retired)
        state = json.dumps({"active": self.active, "retired": retired}, indent=2)
        (self.folder / "state.json").write_text(state)


@contextlib.contextmanager
def _folder_lock(folder):
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read_state(folder):
    path = folder / "state.json"
    if not path.exists():
        return {"active": None, "retired": []}
    state = json.loads(path.read_text())
    return {"active": state.get("active"), "retired": set(state.get("retired", []))}


def _private_key(text):
    raw = base64.b64decode(text, validate=True)
    return Ed25519PrivateKey.from_private_bytes(raw)


def _private_text(private):
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def _parse_environment_key(value):
    key_id, separator, text = value.partition(":")
    if not separator or not key_id.isdigit() or not 1 <= int(key_id) <= 255:
        raise ValueError("EXPO_SIGNING_KEY is '<key id 1-255>:<base64 private key>'")
    return int(key_id), _private_key(text.strip())


# The keyring of this process


_keyring = None
_keyring_lock = threading.Lock()


def keyring():
    global _keyring
    if _keyring is None:
        with _keyring_lock:
            if _keyring is None:
                _keyring = Keyring.load(
                    settings.DATA_DIR / "signing_keys", os.environ.get("EXPO_SIGNING_KEY")
                )
    return _keyring


def reset_keyring():
    """Forget the loaded keys (after a rotation by another process, and in tests)."""
    global _keyring
    _keyring = None


def sign(ticket_id, expo_id):
    return keyring().sign(ticket_id, expo_id)


def verify(code):
    return keyring().verify(code)


def public_keys():
    return keyring().public_keys()
