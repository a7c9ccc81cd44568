"""Envelope encryption (pure engine): data keys, their wrapping by KEKs, sealing values."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enlist.vault.crypto import DecryptionError
from enlist.vault.envelope import (
    DATA_KEY_BYTES,
    TOKEN_VERSION,
    WRAPPED_BYTES,
    DataKeyCipher,
    KeyEncryptionKeys,
    KeyUnavailable,
    LocalKeyEncryptionKeys,
    WrappedKey,
    field_context,
    file_context,
    new_data_key,
    rewrap,
)
from tests.conftest import examples

KEK_1 = bytes(range(32))
KEK_2 = bytes(range(100, 132))
KEY_ID = bytes(range(16))
OTHER_ID = bytes(range(1, 17))
CONTEXT = field_context(field="cases.Application.family_name", row="row-1")


def test_data_keys_are_random_and_256_bits():
    keys = {new_data_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(len(key) == DATA_KEY_BYTES == 32 for key in keys)


def test_seal_and_open_roundtrip():
    cipher = DataKeyCipher(new_data_key())
    token = cipher.seal("Коваленко".encode(), context=CONTEXT)
    assert token[0] == TOKEN_VERSION == 2
    assert len(token) == 1 + 12 + len("Коваленко".encode()) + 16
    assert cipher.open(token, context=CONTEXT) == "Коваленко".encode()


def test_same_value_seals_differently_each_time():
    cipher = DataKeyCipher(new_data_key())
    assert len({cipher.seal(b"Kovalenko", context=CONTEXT) for _ in range(20)}) == 20


def test_another_volunteers_key_cannot_open():
    token = DataKeyCipher(new_data_key()).seal(b"Kovalenko", context=CONTEXT)
    with pytest.raises(DecryptionError, match="failed authentication"):
        DataKeyCipher(new_data_key()).open(token, context=CONTEXT)


@pytest.mark.parametrize(
    "other",
    [
        field_context(field="cases.Application.given_name", row="row-1"),  # another column
        field_context(field="cases.Application.family_name", row="row-2"),  # another row
        field_context(field="cases.StageChange.family_name", row="row-1"),  # another model
    ],
)
def test_field_and_row_are_bound_in(other):
    cipher = DataKeyCipher(new_data_key())
    token = cipher.seal(b"Kovalenko", context=CONTEXT)
    with pytest.raises(DecryptionError):
        cipher.open(token, context=other)


def test_contexts_do_not_collide():
    assert field_context(field="a.B.c", row="1") != file_context(field="a.B.c", row="1", name="")
    assert field_context(field="a.B.c", row="12") != field_context(field="a.B.c1", row="2")


@pytest.mark.parametrize("token", [b"", b"\x02", b"\x01" + b"\x00" * 40, b"Kovalenko" * 4])
def test_malformed_or_first_release_tokens_are_refused(token):
    with pytest.raises(DecryptionError):
        DataKeyCipher(new_data_key()).open(token, context=CONTEXT)


def test_every_single_bit_flip_fails():
    cipher = DataKeyCipher(new_data_key())
    token = cipher.seal(b"AB123456", context=CONTEXT)
    for index in range(len(token)):
        for bit in range(8):
            tampered = bytearray(token)
            tampered[index] ^= 1 << bit
            with pytest.raises(DecryptionError):
                cipher.open(bytes(tampered), context=CONTEXT)


@settings(max_examples=examples(100), deadline=None)
@given(plaintext=st.binary(max_size=512), row=st.text("0123456789abcdef-", max_size=36))
def test_any_value_roundtrips_and_is_bound_to_its_row(plaintext, row):
    cipher = DataKeyCipher(bytes(32))
    context = field_context(field="cases.Application.email", row=row)
    token = cipher.seal(plaintext, context=context)
    assert cipher.open(token, context=context) == plaintext
    with pytest.raises(DecryptionError):
        cipher.open(token, context=field_context(field="cases.Application.email", row=row + "x"))


def test_the_ring_implements_the_interface_a_kms_would():
    assert isinstance(LocalKeyEncryptionKeys({1: KEK_1}), KeyEncryptionKeys)


def test_wrap_and_unwrap_a_data_key():
    keks = LocalKeyEncryptionKeys({1: KEK_1})
    key = new_data_key()
    wrapped = keks.wrap(key, key_id=KEY_ID)
    assert wrapped.version == 1
    assert len(wrapped.wrapped) == WRAPPED_BYTES == 60
    assert key not in wrapped.wrapped
    assert keks.unwrap(wrapped, key_id=KEY_ID) == key


def test_the_highest_version_wraps_and_every_version_unwraps():
    old = LocalKeyEncryptionKeys({1: KEK_1})
    key = new_data_key()
    under_1 = old.wrap(key, key_id=KEY_ID)
    ring = LocalKeyEncryptionKeys({1: KEK_1, 2: KEK_2})
    assert (ring.active_version, ring.versions) == (2, frozenset({1, 2}))
    assert ring.unwrap(under_1, key_id=KEY_ID) == key
    under_2 = rewrap(ring, under_1, key_id=KEY_ID)
    assert under_2.version == 2
    assert ring.unwrap(under_2, key_id=KEY_ID) == key
    assert LocalKeyEncryptionKeys({2: KEK_2}).unwrap(under_2, key_id=KEY_ID) == key


def test_a_removed_version_cannot_unwrap():
    under_1 = LocalKeyEncryptionKeys({1: KEK_1}).wrap(new_data_key(), key_id=KEY_ID)
    with pytest.raises(KeyUnavailable, match="version 1"):
        LocalKeyEncryptionKeys({2: KEK_2}).unwrap(under_1, key_id=KEY_ID)


def test_a_wrapped_key_copied_to_another_row_does_not_unwrap():
    keks = LocalKeyEncryptionKeys({1: KEK_1})
    wrapped = keks.wrap(new_data_key(), key_id=KEY_ID)
    with pytest.raises(DecryptionError, match="failed authentication"):
        keks.unwrap(wrapped, key_id=OTHER_ID)


def test_a_wrapped_key_relabelled_with_another_version_does_not_unwrap():
    keks = LocalKeyEncryptionKeys({1: KEK_1, 2: KEK_1})  # even with the same key material
    wrapped = keks.wrap(new_data_key(), key_id=KEY_ID)
    with pytest.raises(DecryptionError):
        keks.unwrap(WrappedKey(version=1, wrapped=wrapped.wrapped), key_id=KEY_ID)


@pytest.mark.parametrize("blob", [b"", bytes(59), bytes(61)])
def test_malformed_wrapped_keys_are_refused(blob):
    with pytest.raises(DecryptionError):
        LocalKeyEncryptionKeys({1: KEK_1}).unwrap(WrappedKey(1, blob), key_id=KEY_ID)


@pytest.mark.parametrize("keys", [{}, {1: b"short"}, {256: KEK_1}, {-1: KEK_1}])
def test_the_ring_refuses_bad_keys(keys):
    with pytest.raises(ValueError):
        LocalKeyEncryptionKeys(keys)


def test_reprs_reveal_no_key():
    ring = LocalKeyEncryptionKeys({1: KEK_1})
    assert KEK_1.hex() not in repr(ring)
    assert repr(DataKeyCipher(os.urandom(32))) == "<DataKeyCipher>"
