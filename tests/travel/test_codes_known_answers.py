"""Known answers for check-in codes: the printed format and the stored hash must not drift.

Codes already printed on paper and in QR codes must keep opening, and the database holds only
the hash of their random part: the expected values are written out here, computed once with
base64, hmac and hashlib directly (not through ``enlist.travel.codes``).
"""

from __future__ import annotations

import pytest

from enlist.travel import codes
from enlist.travel.codes import code_new, code_secret, normalise, secret_hash

KEY = b"k" * 32
RANDOM = bytes(range(10))
SECRET = "AAAQEAYEAUDA"  # base32 of bytes 0..9, first 12 characters
CODE = "AAAQ-EAYE-AUDA-TAD2-GHQX"  # SECRET + 8 characters of base32(HMAC-SHA256), in fours
SECRET_HASH = "ac128cb593bf9e7d9e350c555636a573a100899584fbd5a59380325bf22ab703"


def test_a_code_is_pinned_for_fixed_randomness(monkeypatch):
    monkeypatch.setattr(codes.secrets, "token_bytes", lambda size: RANDOM[:size])
    assert code_new(KEY) == CODE


def test_a_printed_code_opens_to_its_secret():
    assert code_secret(CODE, KEY) == SECRET


@pytest.mark.parametrize(
    "typed",
    [
        "aaaq eaye auda tad2 ghqx",
        "AAAQEAYEAUDATAD2GHQX",
        " aaaq-eaye-auda-tad2-ghqx ",
        "AAAQ.EAYE.AUDA.TAD2.GHQX",
    ],
)
def test_a_printed_code_typed_loosely_still_opens(typed):
    assert code_secret(typed, KEY) == SECRET


def test_confusable_characters_map_to_base32():
    assert normalise("0O1I8B9G-ab") == "OOIIBBGGAB"


def test_another_key_does_not_open_the_code():
    assert code_secret(CODE, b"j" * 32) is None


@pytest.mark.parametrize(
    "typed",
    [
        "AAAQ-EAYE-AUDA-TAD2-GHQ",  # one character short
        "AAAQ-EAYE-AUDA-TAD2-GHQXA",  # one too many
        "AAAQ-EAYE-AUDA-TAD2-GHQY",  # signature off by one character
        "AAAR-EAYE-AUDA-TAD2-GHQX",  # secret off by one character
    ],
)
def test_a_code_off_by_one_character_does_not_open(typed):
    assert code_secret(typed, KEY) is None


def test_the_stored_hash_is_pinned():
    assert secret_hash(SECRET) == SECRET_HASH


def test_a_code_outside_the_alphabet_does_not_open():
    # "ÄAAQ…": 20 alphanumeric characters, but Ä is no base32 letter.
    assert code_secret("ÄAAQ-EAYE-AUDA-TAD2-GHQX", KEY) is None
