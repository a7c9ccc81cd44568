"""Known answers for the stored encryption formats: fixed inputs, fixed expected bytes.

Every expected value is written out here, computed once outside the modules under test (AES-GCM
from the published GCM test vector, HMAC-SHA256 from the standard library), and never derived
from the modules' own constants: a changed nonce size, key-id byte, version byte, label or
hash leaves old ciphertexts and indexes unreadable, and these tests are what says so.

AES-256-GCM key, nonce, plaintext and associated data of ``FC_*`` and ``ENV_*`` come from test
case 16 of McGrew and Viega, "The Galois/Counter Mode of Operation" (the vector NIST's GCM
validation reuses); ``test_the_gcm_vector_itself`` checks the library against it.
"""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from enlist.vault import crypto, envelope
from enlist.vault.crypto import BlindIndexer, DecryptionError, FieldCipher
from enlist.vault.envelope import (
    DataKeyCipher,
    LocalKeyEncryptionKeys,
    WrappedKey,
    field_context,
    file_context,
)

GCM_KEY = bytes.fromhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
GCM_NONCE = bytes.fromhex("cafebabefacedbaddecaf888")
GCM_PLAINTEXT = bytes.fromhex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
)
GCM_AAD = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
GCM_CIPHERTEXT = bytes.fromhex(
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
)
GCM_TAG = bytes.fromhex("76fc6ece0f4e1768cddf8853bb2d551b")

CONTEXT = b"cases.Application.family_name"
# version 1 | key id 7 | nonce | AES-256-GCM("Kovalenko", associated data CONTEXT) | tag
FC_TOKEN = bytes.fromhex(
    "01" "07" "cafebabefacedbaddecaf888" "c07385b40db715893e5bb29ef111bdceaab1e2734c35c86408"
)  # fmt: skip
# version 2 | nonce | AES-256-GCM("Коваленко", field_context(family_name, row "42")) | tag
ENV_TOKEN = bytes.fromhex(
    "02" "cafebabefacedbaddecaf888"
    "5b86236bb160ab52819deed355ccb45d32239f0c89018daaa9b3d5ffc562710f57b2"
)  # fmt: skip
KEK_3 = bytes(range(100, 132))
DATA_KEY = bytes(range(200, 232))
DATA_KEY_ID = bytes.fromhex("00112233445566778899aabbccddeeff")
# nonce | AES-256-GCM(DATA_KEY, "enlist.datakey\0" | version 3 as two bytes | DATA_KEY_ID) | tag
WRAPPED = bytes.fromhex(
    "cafebabefacedbaddecaf888"
    "73badbd8be102eb834f82c517c6ab60be453c08af81592281bbcd751a041b3ff"
    "6ff1615a1f65a5d27c665336dd5c1d81"
)
INDEX_KEY = bytes(range(32))


@pytest.fixture
def fixed_nonce(monkeypatch):
    """The modules draw nonces from os.urandom; give them the vector's nonce instead."""
    real = os.urandom

    def urandom(size: int) -> bytes:
        return GCM_NONCE if size == len(GCM_NONCE) else real(size)

    monkeypatch.setattr(crypto.os, "urandom", urandom)
    monkeypatch.setattr(envelope.os, "urandom", urandom)


def test_the_gcm_vector_itself():
    sealed = AESGCM(GCM_KEY).encrypt(GCM_NONCE, GCM_PLAINTEXT, GCM_AAD)
    assert sealed == GCM_CIPHERTEXT + GCM_TAG


# --- crypto.FieldCipher: version 1 tokens ----------------------------------------------------


def test_field_cipher_token_is_version_key_id_nonce_ciphertext_tag(fixed_nonce):
    cipher = FieldCipher(keys={7: GCM_KEY}, active_key_id=7)
    assert cipher.encrypt(b"Kovalenko", context=CONTEXT) == FC_TOKEN


def test_field_cipher_seals_the_gcm_vector_exactly(fixed_nonce):
    cipher = FieldCipher(keys={0: GCM_KEY}, active_key_id=0)
    token = cipher.encrypt(GCM_PLAINTEXT, context=GCM_AAD)
    assert token == b"\x01\x00" + GCM_NONCE + GCM_CIPHERTEXT + GCM_TAG


def test_field_cipher_opens_a_stored_token():
    cipher = FieldCipher(keys={7: GCM_KEY}, active_key_id=7)
    assert cipher.decrypt(FC_TOKEN, context=CONTEXT) == b"Kovalenko"
    assert (
        cipher.decrypt(b"\x01\x07" + GCM_NONCE + GCM_CIPHERTEXT + GCM_TAG, context=GCM_AAD)
        == GCM_PLAINTEXT
    )


def test_the_shortest_token_is_an_empty_value():
    """2 header bytes + 12 nonce + 16 tag = 30: one byte less is not a token."""
    cipher = FieldCipher(keys={7: GCM_KEY}, active_key_id=7)
    empty = bytes.fromhex("0107cafebabefacedbaddecaf888") + AESGCM(GCM_KEY).encrypt(
        GCM_NONCE, b"", CONTEXT
    )
    assert len(empty) == 30
    assert cipher.decrypt(empty, context=CONTEXT) == b""
    with pytest.raises(DecryptionError) as excinfo:
        cipher.decrypt(empty[:29], context=CONTEXT)
    assert str(excinfo.value) == "not an Enlist ciphertext"


@pytest.mark.parametrize("key_id", [0, 255])
def test_key_ids_0_and_255_are_valid_and_written_as_the_second_byte(key_id, fixed_nonce):
    cipher = FieldCipher(keys={key_id: GCM_KEY}, active_key_id=key_id)
    token = cipher.encrypt(b"Kovalenko", context=CONTEXT)
    assert token == b"\x01" + bytes([key_id]) + FC_TOKEN[2:]
    assert cipher.decrypt(token, context=CONTEXT) == b"Kovalenko"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (b"\x02" + FC_TOKEN[1:], "not an Enlist ciphertext"),
        (FC_TOKEN[:29], "not an Enlist ciphertext"),
        (b"\x01\x08" + FC_TOKEN[2:], "no key with id 8"),
        (FC_TOKEN[:-1] + bytes([FC_TOKEN[-1] ^ 1]), "ciphertext failed authentication"),
    ],
)
def test_refusals_say_exactly_why(token, message):
    cipher = FieldCipher(keys={7: GCM_KEY}, active_key_id=7)
    with pytest.raises(DecryptionError) as excinfo:
        cipher.decrypt(token, context=CONTEXT)
    assert str(excinfo.value) == message


def test_bad_cipher_configuration_messages():
    with pytest.raises(ValueError) as excinfo:
        FieldCipher(keys={1: GCM_KEY}, active_key_id=2)
    assert str(excinfo.value) == "the active key id has no key"
    with pytest.raises(ValueError) as excinfo:
        FieldCipher(keys={256: GCM_KEY}, active_key_id=256)
    assert str(excinfo.value) == "keys must be 32 bytes with ids 0..255"


# --- crypto.BlindIndexer: HMAC-SHA256(key, kind | NUL | value) --------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "digest"),
    [
        ("name", "kovalenko", "6cd3136dfb510e5cfc6e3f60bddd29bc1953d1e6df902eaee00b053fd86fecc7"),
        ("name", "коваленко", "9893a0e3beef8c315ea1a71cb712296640b39c694dd25e83ba889a37809845be"),
        (
            "passport",
            "ab123456",
            "7ee73f5a5dbcf94ee3a6b834877f6d19c4784b7457749390aee0f9e4f95ac9e1",
        ),
        ("email", "", "42d9dc69957425165c278ca417f71b3fc29b0313b17d554e509e3683a5832328"),
    ],
)
def test_blind_index_digests_are_pinned(kind, value, digest):
    assert BlindIndexer(key=INDEX_KEY).digest(kind, value).hex() == digest


def test_a_kind_outside_ascii_is_refused():
    with pytest.raises(UnicodeEncodeError):
        BlindIndexer(key=INDEX_KEY).digest("имя", "kovalenko")


# --- envelope: version 2 values, contexts, wrapped data keys ----------------------------------


def test_field_and_file_contexts_are_pinned():
    assert field_context(field="cases.Application.family_name", row="42") == (
        b"enlist.field\x00cases.Application.family_name\x0042"
    )
    assert file_context(field="cases.Document.file", row="9", name="passport/scan.pdf") == (
        b"enlist.file\x00cases.Document.file\x009\x00passport/scan.pdf"
    )
    assert file_context(field="cases.Document.file", row="9", name="паспорт.pdf") == (
        b"enlist.file\x00cases.Document.file\x009\x00" + "паспорт.pdf".encode()
    )


def test_data_key_token_is_version_nonce_ciphertext_tag(fixed_nonce):
    context = field_context(field="cases.Application.family_name", row="42")
    token = DataKeyCipher(GCM_KEY).seal("Коваленко".encode(), context=context)
    assert token == ENV_TOKEN
    assert DataKeyCipher(GCM_KEY).open(ENV_TOKEN, context=context) == "Коваленко".encode()


def test_data_key_cipher_seals_the_gcm_vector_exactly(fixed_nonce):
    token = DataKeyCipher(GCM_KEY).seal(GCM_PLAINTEXT, context=GCM_AAD)
    assert token == b"\x02" + GCM_NONCE + GCM_CIPHERTEXT + GCM_TAG
    assert DataKeyCipher(GCM_KEY).open(token, context=GCM_AAD) == GCM_PLAINTEXT


def test_the_shortest_data_key_token_is_an_empty_value():
    """1 version byte + 12 nonce + 16 tag = 29: one byte less is not a token."""
    empty = b"\x02" + GCM_NONCE + AESGCM(GCM_KEY).encrypt(GCM_NONCE, b"", b"c")
    assert len(empty) == 29
    assert DataKeyCipher(GCM_KEY).open(empty, context=b"c") == b""
    with pytest.raises(DecryptionError) as excinfo:
        DataKeyCipher(GCM_KEY).open(empty[:28], context=b"c")
    assert str(excinfo.value) == "not an Enlist data-key ciphertext"


def test_data_key_refusals_say_exactly_why():
    with pytest.raises(DecryptionError) as excinfo:
        DataKeyCipher(GCM_KEY).open(ENV_TOKEN, context=b"elsewhere")
    assert str(excinfo.value) == "ciphertext failed authentication"
    with pytest.raises(ValueError) as excinfo:
        DataKeyCipher(GCM_KEY[:31])
    assert str(excinfo.value) == "a data key is 32 bytes"


def test_wrapped_data_key_is_pinned(fixed_nonce):
    keks = LocalKeyEncryptionKeys({3: KEK_3})
    wrapped = keks.wrap(DATA_KEY, key_id=DATA_KEY_ID)
    assert wrapped == WrappedKey(version=3, wrapped=WRAPPED)
    assert len(WRAPPED) == 60


def test_a_stored_wrapped_key_unwraps():
    keks = LocalKeyEncryptionKeys({0: bytes(32), 3: KEK_3, 255: bytes(range(32))})
    assert keks.active_version == 255
    assert keks.unwrap(WrappedKey(version=3, wrapped=WRAPPED), key_id=DATA_KEY_ID) == DATA_KEY


def test_wrapped_key_refusals_say_exactly_why():
    keks = LocalKeyEncryptionKeys({3: KEK_3})
    cases = [
        (
            WrappedKey(version=4, wrapped=WRAPPED),
            DATA_KEY_ID,
            "no key-encryption key with version 4",
        ),
        (WrappedKey(version=3, wrapped=WRAPPED[:-1]), DATA_KEY_ID, "not a wrapped data key"),
        (WrappedKey(version=3, wrapped=WRAPPED + b"\x00"), DATA_KEY_ID, "not a wrapped data key"),
        (
            WrappedKey(version=3, wrapped=WRAPPED),
            b"other",
            "wrapped data key failed authentication",
        ),
    ]
    for wrapped, key_id, message in cases:
        with pytest.raises(DecryptionError) as excinfo:
            keks.unwrap(wrapped, key_id=key_id)
        assert str(excinfo.value) == message


@pytest.mark.parametrize("version", [0, 255])
def test_kek_versions_0_and_255_are_valid(version):
    keks = LocalKeyEncryptionKeys({version: KEK_3})
    assert keks.active_version == version
    assert keks.versions == frozenset({version})
    wrapped = keks.wrap(DATA_KEY, key_id=DATA_KEY_ID)
    assert wrapped.version == version
    assert keks.unwrap(wrapped, key_id=DATA_KEY_ID) == DATA_KEY


def test_ring_configuration_messages():
    for keys, message in [
        ({}, "no key-encryption key"),
        ({256: KEK_3}, "key-encryption keys must be 32 bytes with versions 0..255"),
        ({-1: KEK_3}, "key-encryption keys must be 32 bytes with versions 0..255"),
        ({1: KEK_3[:31]}, "key-encryption keys must be 32 bytes with versions 0..255"),
    ]:
        with pytest.raises(ValueError) as excinfo:
            LocalKeyEncryptionKeys(keys)
        assert str(excinfo.value) == message
    with pytest.raises(ValueError) as excinfo:
        LocalKeyEncryptionKeys({3: KEK_3}).wrap(DATA_KEY[:31], key_id=DATA_KEY_ID)
    assert str(excinfo.value) == "a data key is 32 bytes"


def test_ring_repr_names_versions_only():
    keks = LocalKeyEncryptionKeys({1: bytes(32), 3: KEK_3})
    assert repr(keks) == "<LocalKeyEncryptionKeys versions=[1, 3] active=3>"
