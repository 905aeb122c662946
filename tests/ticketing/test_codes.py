import base64
import stat

import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ticketing import codes
from ticketing.codes import InvalidCode, Keyring


@pytest.fixture
def keyring(tmp_path):
    return Keyring.load(tmp_path / "keys")


def reason(keyring, code):
    with pytest.raises(InvalidCode) as refused:
        keyring.verify(code)
    return refused.value.reason


def test_a_code_names_its_ticket_and_expo(keyring):
    code = keyring.sign(123456, 7)
    verified = keyring.verify(code)
    assert (verified.ticket_id, verified.expo_id, verified.key_id) == (123456, 7, 1)


@pytest.mark.parametrize(
    ("ticket_id", "expo_id", "longest"),
    [(1, 1, 92), (2_000_000, 100, 96), (10**9, 10**6, 99)],
)
def test_codes_stay_short_enough_for_a_printed_qr_code(keyring, ticket_id, expo_id, longest):
    code = keyring.sign(ticket_id, expo_id)
    assert len(code) <= longest
    assert code.isascii() and " " not in code


def test_every_changed_character_is_refused(keyring):
    code = keyring.sign(424242, 3)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for position, character in enumerate(code):
        other = alphabet[(alphabet.index(character) + 1) % len(alphabet)]
        changed = code[:position] + other + code[position + 1 :]
        with pytest.raises(InvalidCode):
            keyring.verify(changed)


@pytest.mark.parametrize("cut", [1, 2, 10, 50])
def test_truncated_codes_are_refused(keyring, cut):
    code = keyring.sign(99, 1)
    assert reason(keyring, code[:-cut]) in {"malformed", "bad_signature"}


def test_extended_codes_are_refused(keyring):
    code = keyring.sign(99, 1)
    for extended in (code + "A", code + "AAAA", "A" + code):
        with pytest.raises(InvalidCode):
            keyring.verify(extended)


def test_surrounding_whitespace_from_a_scanner_is_ignored(keyring):
    code = keyring.sign(5, 2)
    assert keyring.verify(f"  {code}\r\n").ticket_id == 5


@pytest.mark.parametrize(
    "garbage",
    ["", "   ", "hello", "https://example.org/", "ÅÄÖ" * 30, "A" * 500, "====", None, 42],
)
def test_garbage_is_refused_cleanly(keyring, garbage):
    assert reason(keyring, garbage) == "malformed"


def test_a_code_signed_elsewhere_is_refused(keyring, tmp_path):
    foreign = Keyring.load(tmp_path / "foreign")
    assert reason(keyring, foreign.sign(1, 1)) == "bad_signature"
    foreign.rotate()
    assert reason(keyring, foreign.sign(1, 1)) == "unknown_key"


def test_old_codes_verify_after_rotation_until_their_key_is_retired(keyring, tmp_path):
    old = keyring.sign(10, 1)
    assert keyring.rotate() == 2
    new = keyring.sign(11, 1)
    assert keyring.verify(new).key_id == 2
    assert keyring.verify(old).key_id == 1
    keyring.retire(1)
    assert reason(keyring, old) == "retired_key"
    reloaded = Keyring.load(tmp_path / "keys")
    assert reason(reloaded, old) == "retired_key"
    assert reloaded.verify(new).ticket_id == 11


def test_the_signing_key_cannot_be_retired(keyring):
    with pytest.raises(ValueError):
        keyring.retire(keyring.active)


def test_the_first_key_is_made_once_and_kept_private(tmp_path):
    folder = tmp_path / "keys"
    first = Keyring.load(folder)
    code = first.sign(1, 1)
    key_file = folder / "1.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = Keyring.load(folder)
    assert again.verify(code).ticket_id == 1
    assert sorted(path.name for path in folder.glob("*.key")) == ["1.key"]


def test_the_environment_key_signs(tmp_path):
    private = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    keyring = Keyring.load(tmp_path / "keys", f"7:{base64.b64encode(raw).decode()}")
    verified = keyring.verify(keyring.sign(3, 4))
    assert verified.key_id == 7
    assert [key["key_id"] for key in keyring.public_keys() if key["active"]] == [7]


def test_a_badly_written_environment_key_is_refused(tmp_path):
    with pytest.raises(ValueError, match="EXPO_SIGNING_KEY"):
        Keyring.load(tmp_path / "keys", "not-a-key")


def test_a_scanner_verifies_offline_with_the_published_public_key(keyring):
    """What docs/codes.md tells scanner makers to do, with nothing but the key."""
    code = keyring.sign(31337, 9)
    [published] = keyring.public_keys()
    public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(published["public_key"]))
    raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
    payload, signature = raw[:-64], raw[-64:]
    public_key.verify(signature, b"expo-ticket-code" + payload)  # raises if forged
    assert payload[0] == 1 and payload[1] == published["key_id"]


def test_the_code_fits_a_small_qr_code(keyring):
    code = keyring.sign(2_000_000, 100)
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(code)
    qr.make(fit=True)
    assert qr.version <= 6


def test_the_module_signs_with_the_projects_keyring(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("EXPO_SIGNING_KEY", raising=False)
    settings.DATA_DIR = tmp_path
    codes.reset_keyring()
    try:
        code = codes.sign(8, 9)
        assert codes.verify(code).ticket_id == 8
        assert (tmp_path / "signing_keys" / "1.key").exists()
    finally:
        codes.reset_keyring()


def test_keys_are_rotated_and_retired_from_the_command_line(settings, tmp_path, monkeypatch):
    from io import StringIO

    from django.core.management import CommandError, call_command

    monkeypatch.delenv("EXPO_SIGNING_KEY", raising=False)
    settings.DATA_DIR = tmp_path
    codes.reset_keyring()
    try:
        old = codes.sign(1, 1)
        out = StringIO()
        call_command("signing_keys", "rotate", stdout=out)
        assert "Key 2 now signs" in out.getvalue()
        call_command("signing_keys", "retire", "1", stdout=StringIO())
        with pytest.raises(InvalidCode):
            codes.verify(old)
        with pytest.raises(CommandError, match="no key 9"):
            call_command("signing_keys", "retire", "9", stdout=StringIO())
        with pytest.raises(CommandError):
            call_command("signing_keys", "retire", "2", stdout=StringIO())
    finally:
        codes.reset_keyring()
