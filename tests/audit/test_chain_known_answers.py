"""Known answers for the audit chain: entry hashes, checkpoint bytes and signatures, key ids.

The expected values are written out here, computed once with hashlib and Ed25519 directly
(not through ``enlist.audit.chain``): a changed domain label, field, time format or JSON
layout would make every stored chain fail verification, and these tests say so first.
The signing key is the one of RFC 8032's first Ed25519 test vector, so the signatures are
deterministic and its public key is a published value.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from enlist.audit.chain import (
    GENESIS,
    Break,
    Checkpoint,
    DetailError,
    Entry,
    StoredEntry,
    VerificationResult,
    check_detail,
    checkpoint_sign,
    checkpoint_valid,
    entry_hash,
    key_id,
    utc_iso,
    verify_chain,
)

RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_EMPTY_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
KEY = Ed25519PrivateKey.from_private_bytes(RFC8032_SEED)
KEY_ID = "21fe31dfa154a261"  # the first 16 hex digits of SHA-256(public key)
CASE = "8f1f6a52-52d6-4b43-9a0c-6f1c1c2bd001"
T0 = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)
# SHA-256("enlist-audit-v1\n" + canonical JSON) of the two entries below.
HASH_1 = "24d2eaa8758cc3dd14a4e553a003cb265bc6e76fca671b0a66237d9d5e6edfd0"
HASH_2 = "30ba74cf16ddd7064685d7b861e468634575c2263dda03620d9c80c587e4d36d"
HEAD = "ab" * 32
CHECKPOINT_SIGNATURE = bytes.fromhex(
    "4a7bcc5576c5133cd46985290a1c5b6aa1dfcdb9ffa71b32dcc4868cf3054df1"
    "b5dcb73f5a7e17a04bc7fce11d81a5fdfbba5ac24320259983168b257eb0300a"
)
CHECKPOINT_LINE = (
    '{"at":"2025-03-01T09:30:00.000000Z","head":"' + HEAD + '","key":"21fe31dfa154a261",'
    '"signature":"SnvMVXbFEzzUaYUpChxbaqHfzbn/pxsy3MSGjPMFTfG13Lc/Wn4XoEvH/OEdgaX9+7pawkMgJZmDFoslfrAwCg==",'
    '"size":3}'
)


def first() -> Entry:
    return Entry(
        sequence=1,
        at=T0 + datetime.timedelta(seconds=1),
        actor_id=7,
        actor_username="clerk-vilnius",
        actor_role="clerk",
        action="view",
        target_type="application",
        target_id=CASE,
        detail={"via": "web", "fields": ["email", "passport_number"]},
    )


def second() -> Entry:
    return Entry(
        sequence=2,
        at=T0 + datetime.timedelta(seconds=2),
        actor_id=None,
        actor_username="Коваль",
        actor_role="system",
        action="view",
        target_type="system",
        target_id="",
        detail={},
    )


def test_the_signing_key_is_rfc8032_test_1():
    assert KEY.sign(b"") == RFC8032_EMPTY_SIGNATURE


def test_genesis_is_64_zeros():
    assert GENESIS == "0000000000000000000000000000000000000000000000000000000000000000"


def test_entry_hashes_are_pinned():
    assert entry_hash(first(), GENESIS) == HASH_1
    assert entry_hash(second(), HASH_1) == HASH_2


def test_the_same_entry_after_another_link_hashes_differently():
    assert entry_hash(second(), GENESIS) != HASH_2


def test_times_are_written_in_utc_with_microseconds():
    kyiv = datetime.timezone(datetime.timedelta(hours=3))
    moment = datetime.datetime(2025, 3, 1, 12, 30, 1, 5, tzinfo=kyiv)
    assert utc_iso(moment) == "2025-03-01T09:30:01.000005Z"


def test_the_key_id_is_pinned():
    assert key_id(KEY.public_key()) == KEY_ID


def test_checkpoint_bytes_and_signature_are_pinned():
    checkpoint = checkpoint_sign(size=3, head=HEAD, at=T0, private_key=KEY)
    assert checkpoint.signed_bytes() == (
        b'enlist-audit-checkpoint-v1\n{"at":"2025-03-01T09:30:00.000000Z","head":"'
        + HEAD.encode()
        + b'","size":3}'
    )
    assert checkpoint.signature == CHECKPOINT_SIGNATURE
    assert checkpoint.key_id == KEY_ID
    assert checkpoint.to_line() == CHECKPOINT_LINE


def test_a_stored_checkpoint_line_parses_and_verifies():
    checkpoint = Checkpoint.from_line(CHECKPOINT_LINE)
    assert (checkpoint.size, checkpoint.head, checkpoint.at) == (3, HEAD, T0)
    assert checkpoint.signature == CHECKPOINT_SIGNATURE
    assert checkpoint_valid(checkpoint, {KEY_ID: KEY.public_key()}) is True
    assert checkpoint_valid(checkpoint, {"0123456789abcdef": KEY.public_key()}) is False


def test_a_stored_chain_verifies_against_a_stored_checkpoint():
    entries = [
        StoredEntry(entry=first(), prev_hash=GENESIS, hash=HASH_1),
        StoredEntry(entry=second(), prev_hash=HASH_1, hash=HASH_2),
    ]
    pinned = Checkpoint(size=2, head=HASH_2, at=T0, key_id=KEY_ID, signature=b"")
    signed = checkpoint_sign(size=2, head=HASH_2, at=T0, private_key=KEY)
    result = verify_chain(entries, [signed], public_keys={KEY_ID: KEY.public_key()})
    assert (result.intact, result.entries, result.checkpoints) == (True, 2, 1)
    unsigned = verify_chain(entries, [pinned], public_keys={KEY_ID: KEY.public_key()})
    assert unsigned.broken is not None
    assert unsigned.broken.sequence == 2


# --- what an entry's detail may hold ---------------------------------------------------------


def test_a_detail_of_every_allowed_kind_of_value_is_accepted():
    detail = {
        "count": 3,
        "via": "web",
        "reason_given": True,
        "mission": None,
        "ids": ["a", 2],
        "filters": {"stage": "visa", "days": 7},
    }
    assert check_detail(detail) is None


def test_unknown_detail_keys_are_named_in_order():
    with pytest.raises(DetailError) as excinfo:
        check_detail({"name": "Kovalenko", "email": "o.k@example.org", "count": 1})
    assert str(excinfo.value) == "audit detail keys not allowed: email, name"


def test_values_three_levels_down_are_the_deepest_allowed():
    assert check_detail({"ids": [["a"]], "filters": {"stage": ["visa"]}}) is None
    for too_deep in ({"ids": [[["a"]]]}, {"filters": {"stage": [["visa"]]}}):
        with pytest.raises(DetailError) as excinfo:
            check_detail(too_deep)
        assert str(excinfo.value) == "audit detail nested too deeply"


def test_nested_keys_must_be_strings():
    with pytest.raises(DetailError) as excinfo:
        check_detail({"filters": {1: "visa"}})
    assert str(excinfo.value) == "audit detail keys must be strings"


def test_a_float_is_refused_naming_its_type():
    with pytest.raises(DetailError) as excinfo:
        check_detail({"count": 1.5})
    assert str(excinfo.value) == (
        "audit detail values must be str, int, bool or None, not <class 'float'>"
    )


def test_a_checkpoint_line_whose_signature_is_not_strict_base64_is_refused():
    tampered = CHECKPOINT_LINE.replace('"signature":"Snv', '"signature":"Sn!v')
    with pytest.raises(ValueError, match="not a checkpoint line"):
        Checkpoint.from_line(tampered)


# --- checkpoint lines: what is refused, and the exact reason ---------------------------------


def _line(**changes) -> str:
    document = json.loads(CHECKPOINT_LINE)
    document.update(changes)
    return json.dumps(document)


def test_a_checkpoint_of_the_empty_chain_parses():
    checkpoint = Checkpoint.from_line(_line(size=0, head=GENESIS))
    assert (checkpoint.size, checkpoint.head) == (0, GENESIS)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"size": -1}, "bad size"),
        ({"size": True}, "bad size"),
        ({"size": "3"}, "bad size"),
        ({"size": 3.0}, "bad size"),
        ({"head": HEAD[:-1]}, "bad head or key"),
        ({"head": 7}, "bad head or key"),
        ({"key": 5}, "bad head or key"),
        ({"at": "2025-03-01T09:30:00.000000"}, "time without a zone"),
    ],
)
def test_a_bad_checkpoint_field_is_refused_with_its_reason(changes, reason):
    with pytest.raises(ValueError) as excinfo:
        Checkpoint.from_line(_line(**changes))
    assert str(excinfo.value) == f"not a checkpoint line: {reason}"


# --- the first broken entry, and why ---------------------------------------------------------


def _chain(length: int) -> list[StoredEntry]:
    stored, prev = [], GENESIS
    for sequence in range(1, length + 1):
        entry = dataclasses.replace(
            first(), sequence=sequence, at=T0 + datetime.timedelta(seconds=sequence)
        )
        digest = entry_hash(entry, prev)
        stored.append(StoredEntry(entry=entry, prev_hash=prev, hash=digest))
        prev = digest
    return stored


def _broken(entries):
    result = verify_chain(entries, [], public_keys={KEY_ID: KEY.public_key()})
    assert result.broken is not None
    return result.broken.sequence, result.broken.reason


def test_a_missing_first_entry_is_named():
    assert _broken(_chain(3)[1:]) == (1, "entry #1 is missing: the chain starts at #2 (deleted)")


def test_a_missing_second_entry_is_named():
    entries = _chain(4)
    assert _broken([entries[0], *entries[2:]]) == (
        2,
        "entry #2 is missing: the chain jumps from #1 to #3 (deleted)",
    )


def test_an_entry_stored_twice_is_named():
    entries = _chain(3)
    assert _broken([*entries[:2], entries[1], entries[2]]) == (
        2,
        "entry #2 appears twice or out of order",
    )


def test_a_broken_link_that_is_no_insertion_is_named():
    entries = _chain(3)
    entries[2] = dataclasses.replace(entries[2], prev_hash="f" * 64)
    assert _broken(entries) == (
        3,
        "entry #3 does not follow entry #2: its link to the previous entry is broken "
        "(entries were removed, inserted or reordered)",
    )


# --- verify_chain: the whole result of each kind of break ------------------------------------

AT = "2025-03-01T09:30:00.000000Z"
PUBLIC = {KEY_ID: KEY.public_key()}


def _pin(entries, size, *, at=T0, head=None):
    if head is None:
        head = entries[size - 1].hash if size else GENESIS
    return checkpoint_sign(size=size, head=head, at=at, private_key=KEY)


def test_a_checkpoint_with_a_bad_signature_is_the_break():
    entries = _chain(3)
    forged = dataclasses.replace(_pin(entries, 2), signature=bytes(64))
    assert verify_chain(entries, [_pin(entries, 1), forged], public_keys=PUBLIC) == (
        VerificationResult(
            0,
            2,
            Break(
                2,
                f"the checkpoint for entry #2 of {AT} has no valid signature from a known key: "
                "the checkpoint file was altered",
            ),
        )
    )


def test_two_checkpoints_that_disagree_are_the_break():
    entries = _chain(3)
    later = T0 + datetime.timedelta(hours=1)
    other = _pin(entries, 2, at=later, head="e" * 64)
    assert verify_chain(entries, [_pin(entries, 2), other], public_keys=PUBLIC) == (
        VerificationResult(
            0,
            2,
            Break(
                2,
                f"two signed checkpoints disagree about entry #2 ({AT} and "
                "2025-03-01T10:30:00.000000Z): the chain was rewritten",
            ),
        )
    )


def test_a_wrong_checkpoint_of_the_empty_chain_is_the_break():
    entries = _chain(2)
    wrong = _pin(entries, 0, head="e" * 64)
    assert verify_chain(entries, [wrong], public_keys=PUBLIC) == VerificationResult(
        0, 1, Break(0, "the checkpoint of the empty chain is wrong")
    )
    right = _pin(entries, 0)
    assert verify_chain(entries, [right], public_keys=PUBLIC) == VerificationResult(2, 1)


def test_an_altered_entry_counts_the_entries_before_it():
    entries = _chain(4)
    entries[2] = dataclasses.replace(entries[2], hash="d" * 64)
    assert verify_chain(entries, [_pin(entries, 1)], public_keys=PUBLIC) == VerificationResult(
        2, 1, Break(3, "entry #3 was altered: its content no longer matches its hash")
    )


@pytest.mark.parametrize(("good_pin", "since"), [(None, 1), (1, 2)])
def test_a_rewritten_chain_is_placed_after_the_last_good_checkpoint(good_pin, since):
    original = _chain(3)
    pins = [_pin(original, 3)] + ([_pin(original, good_pin)] if good_pin else [])
    rewritten = list(original)
    edited = dataclasses.replace(original[1].entry, action="search")
    rewritten[1] = StoredEntry(edited, original[0].hash, entry_hash(edited, original[0].hash))
    rewritten[2] = StoredEntry(
        original[2].entry, rewritten[1].hash, entry_hash(original[2].entry, rewritten[1].hash)
    )
    assert verify_chain(rewritten, pins, public_keys=PUBLIC) == VerificationResult(
        3,
        len(pins),
        Break(
            3,
            f"entry #3 does not match the signed checkpoint of {AT}: the chain up to it was "
            f"rewritten (the change lies between entries #{since} and #3)",
        ),
    )


def test_an_entry_that_differs_from_the_recorded_head_is_the_break():
    entries = _chain(3)
    assert verify_chain(entries, [], public_keys=PUBLIC, head=(2, "f" * 64)) == (
        VerificationResult(2, 0, Break(2, "entry #2 does not match the recorded chain head"))
    )
    intact = verify_chain(entries, [], public_keys=PUBLIC, head=(2, entries[1].hash))
    assert intact == VerificationResult(3, 0)


def test_a_first_entry_with_an_empty_link_does_not_follow_genesis():
    entries = _chain(2)
    entries[0] = dataclasses.replace(entries[0], prev_hash="")
    assert _broken(entries) == (
        1,
        "entry #1 does not follow entry #0: its link to the previous entry is broken "
        "(entries were removed, inserted or reordered)",
    )


def test_index_rows_that_differ_from_the_content_are_named():
    entries = _chain(2)
    entries[1] = dataclasses.replace(entries[1], subjects=frozenset({"someone-else"}))
    assert _broken(entries) == (
        2,
        "entry #2 was altered: the cases it is indexed under differ from the cases it names",
    )
    entries[1] = dataclasses.replace(entries[1], subjects=frozenset({CASE}))
    assert verify_chain(entries, [], public_keys=PUBLIC).intact is True


def test_a_truncated_tail_is_counted_against_the_last_checkpoint():
    entries = _chain(5)
    assert verify_chain(entries[:3], [_pin(entries, 5)], public_keys=PUBLIC) == (
        VerificationResult(
            3,
            1,
            Break(
                4,
                f"entries #4 to #5 are missing: the signed checkpoint of {AT} counts 5 "
                "entries, the chain ends at #3 (truncated)",
            ),
        )
    )


def test_a_truncated_tail_is_counted_against_the_head():
    entries = _chain(5)
    assert verify_chain(entries[:3], [], public_keys=PUBLIC, head=(5, entries[4].hash)) == (
        VerificationResult(
            3,
            0,
            Break(
                4,
                "entries #4 to #5 are missing: the chain head records 5 entries, "
                "the chain ends at #3 (truncated)",
            ),
        )
    )


def test_times_are_written_in_utc_whatever_the_machines_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tbilisi")
    time.tzset()
    try:
        kyiv = datetime.timezone(datetime.timedelta(hours=3))
        moment = datetime.datetime(2025, 3, 1, 12, 30, tzinfo=kyiv)
        assert utc_iso(moment) == "2025-03-01T09:30:00.000000Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError) as excinfo:
        utc_iso(datetime.datetime(2025, 3, 1, 9, 30))  # noqa: DTZ001
    assert str(excinfo.value) == "audit times must be timezone-aware"
