"""The pure hash chain and its signed checkpoints, tested as a library (no database)."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from enlist.audit.chain import (
    GENESIS,
    Checkpoint,
    DetailError,
    Entry,
    StoredEntry,
    canonical,
    check_detail,
    checkpoint_sign,
    entry_hash,
    entry_subjects,
    key_id,
    verify_chain,
)

T0 = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)
CASE = "8f1f6a52-52d6-4b43-9a0c-6f1c1c2bd001"
KEY = Ed25519PrivateKey.generate()
KEYS = {key_id(KEY.public_key()): KEY.public_key()}


def content(sequence: int, **changes) -> Entry:
    entry = Entry(
        sequence=sequence,
        at=T0 + datetime.timedelta(seconds=sequence),
        actor_id=7,
        actor_username="clerk-vilnius",
        actor_role="clerk",
        action="view",
        target_type="application",
        target_id=CASE,
        detail={"via": "web", "fields": ["email", "passport_number"]},
    )
    return dataclasses.replace(entry, **changes)


def chain(length: int) -> list[StoredEntry]:
    stored, prev = [], GENESIS
    for sequence in range(1, length + 1):
        entry = content(sequence)
        digest = entry_hash(entry, prev)
        stored.append(StoredEntry(entry=entry, prev_hash=prev, hash=digest))
        prev = digest
    return stored


def relink(entries: list[StoredEntry]) -> list[StoredEntry]:
    """What an attacker with write access does after an edit: recompute every hash."""
    out, prev = [], GENESIS
    for stored in entries:
        digest = entry_hash(stored.entry, prev)
        out.append(StoredEntry(entry=stored.entry, prev_hash=prev, hash=digest))
        prev = digest
    return out


def pin(entries: list[StoredEntry], size: int, key=KEY) -> Checkpoint:
    head = entries[size - 1].hash if size else GENESIS
    return checkpoint_sign(size=size, head=head, at=T0, private_key=key)


def check(entries, checkpoints=(), head=None):
    return verify_chain(entries, checkpoints, public_keys=KEYS, head=head)


def test_an_untouched_chain_is_intact():
    entries = chain(10)

    result = check(entries, [pin(entries, 4), pin(entries, 10)], head=(10, entries[-1].hash))

    assert (result.intact, result.entries, result.checkpoints) == (True, 10, 2)


def test_the_empty_chain_is_intact():
    result = check([], [pin([], 0)], head=(0, GENESIS))

    assert (result.intact, result.entries, result.checkpoints) == (True, 0, 1)


def test_the_canonical_form_is_sorted_compact_utf8_json_in_utc():
    entry = content(
        1,
        at=datetime.datetime(
            2025, 3, 1, 11, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
        ),
    )

    assert (
        canonical(entry, GENESIS)
        == (
            '{"action":"view","actor_id":7,"actor_role":"clerk","actor_username":"clerk-vilnius",'
            '"at":"2025-03-01T09:30:00.000000Z","detail":{"fields":["email","passport_number"],'
            f'"via":"web"}},"prev_hash":"{GENESIS}","sequence":1,"target_id":"{CASE}",'
            '"target_type":"application"}'
        ).encode()
    )


@pytest.mark.parametrize(
    "change",
    [
        {"actor_id": 8},
        {"actor_username": "hq"},
        {"actor_role": "hq"},
        {"action": "search"},
        {"target_type": "staff"},
        {"target_id": "8f1f6a52-52d6-4b43-9a0c-6f1c1c2bd002"},
        {"at": T0},
        {"detail": {"via": "api", "fields": ["email", "passport_number"]}},
    ],
    ids=lambda change: next(iter(change)),
)
def test_editing_any_field_of_an_entry_names_that_entry(change):
    entries = chain(6)
    entries[2] = dataclasses.replace(
        entries[2], entry=dataclasses.replace(entries[2].entry, **change)
    )

    result = check(entries)

    assert result.broken.sequence == 3
    assert "entry #3 was altered" in result.broken.reason


def test_editing_the_stored_hash_or_link_names_the_entry():
    entries = chain(6)
    forged = dataclasses.replace(entries[3], hash="f" * 64)

    assert check([*entries[:3], forged, *entries[4:]]).broken.sequence == 4
    relinked = dataclasses.replace(entries[3], prev_hash="e" * 64)
    assert check([*entries[:3], relinked, *entries[4:]]).broken.sequence == 4


def test_deleting_an_entry_names_the_missing_one():
    entries = chain(6)
    del entries[3]

    result = check(entries)

    assert result.broken.sequence == 4
    assert result.broken.reason == "entry #4 is missing: the chain jumps from #3 to #5 (deleted)"


def test_deleting_the_first_entry_names_it():
    assert check(chain(3)[1:]).broken.sequence == 1


def test_inserting_a_well_formed_entry_names_the_inserted_one():
    entries = chain(6)
    # A careful forger links the new entry to #3 and renumbers the ones after it.
    forged_content = content(4, actor_username="nobody")
    forged = StoredEntry(
        forged_content, entries[2].hash, entry_hash(forged_content, entries[2].hash)
    )
    shifted = [
        dataclasses.replace(s, entry=dataclasses.replace(s.entry, sequence=s.entry.sequence + 1))
        for s in entries[3:]
    ]

    result = check([*entries[:3], forged, *shifted])

    assert result.broken.sequence == 4
    assert result.broken.reason == "entry #4 was inserted: entry #5 links past it to entry #3"


def test_swapping_two_entries_names_the_first_position():
    entries = chain(6)
    swapped = [
        dataclasses.replace(entries[3], entry=dataclasses.replace(entries[3].entry, sequence=3)),
        dataclasses.replace(entries[2], entry=dataclasses.replace(entries[2].entry, sequence=4)),
    ]

    result = check([*entries[:2], *swapped, *entries[4:]])

    assert result.broken.sequence == 3
    assert "entry #3 does not follow entry #2" in result.broken.reason


def test_truncating_the_tail_is_caught_by_the_head_and_by_a_checkpoint():
    entries = chain(8)

    by_head = check(entries[:6], head=(8, entries[-1].hash))
    by_checkpoint = check(entries[:6], [pin(entries, 7)])

    assert by_head.broken.sequence == 7
    assert "entries #7 to #8 are missing" in by_head.broken.reason
    assert by_checkpoint.broken.sequence == 7
    assert "entries #7 to #7 are missing" in by_checkpoint.broken.reason
    assert "(truncated)" in by_checkpoint.broken.reason


def test_a_chain_recomputed_after_an_edit_is_caught_by_a_checkpoint():
    entries = chain(10)
    checkpoints = [pin(entries, 3), pin(entries, 8)]
    entries[4] = dataclasses.replace(entries[4], entry=content(5, actor_username="nobody"))
    rewritten = relink(entries)

    assert check(rewritten, head=(10, rewritten[-1].hash)).intact  # the chain alone holds
    result = check(rewritten, checkpoints, head=(10, rewritten[-1].hash))

    assert result.broken.sequence == 8
    assert "does not match the signed checkpoint" in result.broken.reason
    assert "between entries #4 and #8" in result.broken.reason


def test_a_checkpoint_altered_or_signed_by_an_unknown_key_breaks_verification():
    entries = chain(5)
    good = pin(entries, 5)
    altered = dataclasses.replace(good, size=4, head=entries[3].hash)
    foreign = pin(entries, 5, key=Ed25519PrivateKey.generate())

    assert check(entries, [good]).intact
    assert "no valid signature" in check(entries, [altered]).broken.reason
    assert "no valid signature" in check(entries, [foreign]).broken.reason


def test_two_signed_checkpoints_that_disagree_break_verification():
    entries = chain(5)
    other = relink(
        [*entries[:2], dataclasses.replace(entries[2], entry=content(3, action="x")), *entries[3:]]
    )

    result = check(entries, [pin(entries, 5), pin(other, 5)])

    assert result.broken.sequence == 5
    assert "disagree" in result.broken.reason


def test_case_index_rows_that_differ_from_the_content_break_verification():
    entries = [dataclasses.replace(s, subjects=frozenset({CASE})) for s in chain(3)]
    entries[1] = dataclasses.replace(entries[1], subjects=frozenset())

    result = check(entries)

    assert result.broken.sequence == 2
    assert "indexed under" in result.broken.reason


def test_checkpoint_lines_round_trip():
    checkpoint = pin(chain(3), 3)

    assert Checkpoint.from_line(checkpoint.to_line()) == checkpoint


@pytest.mark.parametrize(
    "line", ["", "{}", "[1]", '{"size": -1}', "not json", '{"size": 1, "head": "ab"}']
)
def test_a_malformed_checkpoint_line_is_refused(line):
    with pytest.raises(ValueError, match="not a checkpoint line"):
        Checkpoint.from_line(line)


def test_subjects_are_the_target_case_and_every_listed_case():
    detail = {"ids": ["a", "b"], "count": 2}

    assert entry_subjects(target_type="application", target_id="c", detail=detail) == {
        "a",
        "b",
        "c",
    }
    assert entry_subjects(target_type="staff", target_id="7", detail={}) == frozenset()


@pytest.mark.parametrize(
    "detail",
    [
        {"name": "Kovalenko"},
        {"email": "o.k@example.org"},
        {"query": "AB123456"},
        {"reason": "he told me about his family"},
        {"count": 1.5},
        {"ids": [{"nested": [[["too deep"]]]}]},
    ],
)
def test_details_outside_the_allowed_keys_and_values_are_refused(detail):
    with pytest.raises(DetailError):
        check_detail(detail)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "action": st.sampled_from(["view", "search", "create"]),
                "count": st.integers(0, 10**12),
            }
        ),
        min_size=1,
        max_size=12,
    ),
    st.data(),
)
def test_any_single_edit_of_any_chain_is_found_at_that_entry(rows, data):
    entries, prev = [], GENESIS
    for number, row in enumerate(rows, start=1):
        entry = content(number, action=row["action"], detail={"count": row["count"]})
        digest = entry_hash(entry, prev)
        entries.append(StoredEntry(entry, prev, digest))
        prev = digest
    victim = data.draw(st.integers(0, len(entries) - 1))
    old = entries[victim].entry
    entries[victim] = dataclasses.replace(
        entries[victim], entry=dataclasses.replace(old, detail={"count": old.detail["count"] + 1})
    )

    assert check(entries).broken.sequence == victim + 1
