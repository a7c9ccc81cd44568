"""Field encryption and blind indexes (pure engine)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enlist.vault.crypto import (
    KEY_BYTES,
    NONCE_BYTES,
    TOKEN_VERSION,
    BlindIndexer,
    DecryptionError,
    FieldCipher,
)
from tests.conftest import examples

KEY_1 = bytes(range(32))
KEY_2 = bytes(range(100, 132))
CONTEXT = b"cases.Application.family_name"


def _cipher(**keys: bytes) -> FieldCipher:
    numbered = {int(name.removeprefix("k")): key for name, key in keys.items()}
    return FieldCipher(keys=numbered, active_key_id=max(numbered))


def test_roundtrip():
    cipher = _cipher(k1=KEY_1)
    token = cipher.encrypt("Коваленко".encode(), context=CONTEXT)
    assert cipher.decrypt(token, context=CONTEXT) == "Коваленко".encode()


def test_empty_plaintext_roundtrips():
    cipher = _cipher(k1=KEY_1)
    assert cipher.decrypt(cipher.encrypt(b"", context=CONTEXT), context=CONTEXT) == b""


def test_token_layout_is_version_key_id_nonce_ciphertext_tag():
    token = _cipher(k1=KEY_1).encrypt(b"Kovalenko", context=CONTEXT)
    assert token[0] == TOKEN_VERSION == 1
    assert token[1] == 1
    assert len(token) == 2 + NONCE_BYTES + len(b"Kovalenko") + 16
    assert b"Kovalenko" not in token


def test_same_plaintext_encrypts_differently_each_time():
    cipher = _cipher(k1=KEY_1)
    tokens = {cipher.encrypt(b"Kovalenko", context=CONTEXT) for _ in range(20)}
    assert len(tokens) == 20


@pytest.mark.parametrize("position", [2, 2 + NONCE_BYTES - 1, 2 + NONCE_BYTES, -1])
def test_tampered_token_fails(position):
    cipher = _cipher(k1=KEY_1)
    token = bytearray(cipher.encrypt(b"Kovalenko", context=CONTEXT))
    token[position] ^= 0x01
    with pytest.raises(DecryptionError, match="failed authentication"):
        cipher.decrypt(bytes(token), context=CONTEXT)


def test_every_single_bit_flip_fails():
    cipher = _cipher(k1=KEY_1)
    token = cipher.encrypt(b"AB123456", context=CONTEXT)
    for index in range(len(token)):
        for bit in range(8):
            tampered = bytearray(token)
            tampered[index] ^= 1 << bit
            with pytest.raises(DecryptionError):
                cipher.decrypt(bytes(tampered), context=CONTEXT)


def test_wrong_context_fails():
    cipher = _cipher(k1=KEY_1)
    token = cipher.encrypt(b"Kovalenko", context=b"cases.Application.family_name")
    with pytest.raises(DecryptionError):
        cipher.decrypt(token, context=b"cases.Application.given_name")


def test_unknown_key_id_fails():
    token = _cipher(k2=KEY_2).encrypt(b"Kovalenko", context=CONTEXT)
    with pytest.raises(DecryptionError, match="no key with id 2"):
        _cipher(k1=KEY_1).decrypt(token, context=CONTEXT)


def test_wrong_key_with_same_id_fails():
    token = _cipher(k1=KEY_1).encrypt(b"Kovalenko", context=CONTEXT)
    with pytest.raises(DecryptionError, match="failed authentication"):
        _cipher(k1=KEY_2).decrypt(token, context=CONTEXT)


@pytest.mark.parametrize(
    "token",
    [b"", b"\x01", b"\x01\x01" + b"\x00" * 27, b"\x02\x01" + b"\x00" * 40, b"Kovalenko"],
)
def test_malformed_token_fails(token):
    with pytest.raises(DecryptionError):
        _cipher(k1=KEY_1).decrypt(token, context=CONTEXT)


def test_rotation_old_tokens_still_decrypt_and_new_ones_use_the_new_key():
    old = _cipher(k1=KEY_1)
    old_token = old.encrypt(b"Kovalenko", context=CONTEXT)
    rotated = FieldCipher(keys={1: KEY_1, 2: KEY_2}, active_key_id=2)
    assert rotated.decrypt(old_token, context=CONTEXT) == b"Kovalenko"
    new_token = rotated.encrypt(b"Kovalenko", context=CONTEXT)
    assert new_token[1] == 2
    with pytest.raises(DecryptionError):
        old.decrypt(new_token, context=CONTEXT)


def test_cipher_refuses_an_active_id_without_a_key():
    with pytest.raises(ValueError, match="active key id"):
        FieldCipher(keys={1: KEY_1}, active_key_id=2)


@pytest.mark.parametrize("keys", [{1: b"short"}, {1: KEY_1 + b"x"}, {256: KEY_1}, {-1: KEY_1}])
def test_cipher_refuses_bad_keys(keys):
    with pytest.raises(ValueError, match="32 bytes"):
        FieldCipher(keys=keys, active_key_id=next(iter(keys)))


@settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(plaintext=st.binary(max_size=512), context=st.binary(max_size=64))
def test_any_value_roundtrips_and_is_bound_to_its_context(plaintext, context):
    cipher = _cipher(k1=KEY_1)
    token = cipher.encrypt(plaintext, context=context)
    assert cipher.decrypt(token, context=context) == plaintext
    with pytest.raises(DecryptionError):
        cipher.decrypt(token, context=context + b"!")


def test_blind_index_is_deterministic_and_32_bytes():
    indexer = BlindIndexer(key=KEY_1)
    digest = indexer.digest("name", "kovalenko")
    assert digest == indexer.digest("name", "kovalenko")
    assert len(digest) == 32
    assert b"kovalenko" not in digest


def test_blind_index_binds_the_kind():
    indexer = BlindIndexer(key=KEY_1)
    assert indexer.digest("name", "ab123456") != indexer.digest("passport", "ab123456")


def test_blind_index_depends_on_the_key():
    assert BlindIndexer(key=KEY_1).digest("name", "kovalenko") != BlindIndexer(key=KEY_2).digest(
        "name", "kovalenko"
    )


def test_blind_index_separates_kind_from_value():
    indexer = BlindIndexer(key=KEY_1)
    assert indexer.digest("name", "x") != indexer.digest("namex", "")


def test_random_keys_have_the_expected_size():
    assert KEY_BYTES == 32
    FieldCipher(keys={7: os.urandom(KEY_BYTES)}, active_key_id=7)
