"""Human references (pure engine): format, alphabet, check character, parsing."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enlist.cases.reference import ALPHABET, new_reference, parse_reference
from tests.conftest import examples

FORMAT = re.compile(rf"^IL-[{ALPHABET}]{{4}}-[{ALPHABET}]{{2}}$")
SAMPLE = "IL-7K4Q-9F"  # a valid reference: body 7K4Q9, check character F


def _compact(reference: str) -> str:
    return reference[3:7] + reference[8:]


def _dashed(compact: str) -> str:
    return f"IL-{compact[:4]}-{compact[4:]}"


def test_sample_is_a_valid_reference():
    assert parse_reference(SAMPLE) == SAMPLE


def test_alphabet_has_29_distinct_unambiguous_characters():
    assert len(ALPHABET) == 29
    assert len(set(ALPHABET)) == 29
    assert set(ALPHABET) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for lookalikes in ("0O", "1IL", "S5", "UV"):
        assert sum(ch in ALPHABET for ch in lookalikes) <= 1, lookalikes
    for absent in "01OILSU":
        assert absent not in ALPHABET


def test_new_reference_has_the_published_format_and_parses_to_itself():
    for _ in range(500):
        reference = new_reference()
        assert FORMAT.match(reference), reference
        assert parse_reference(reference) == reference


def test_new_references_differ():
    # 29**5 bodies: a repeat among 200 is possible but rare; many would mean a broken source.
    assert len({new_reference() for _ in range(200)}) >= 198


@pytest.mark.parametrize(
    "typed",
    [
        "IL-7K4Q-9F",
        "il-7k4q-9f",
        "IL7K4Q9F",
        "il7k4q9f",
        "7K4Q9F",
        "7k4q-9f",
        " IL 7K4Q 9F ",
        "IL–7K4Q–9F",  # en dashes, as some phones type them
    ],
)
def test_parse_accepts_lower_case_and_missing_or_other_separators(typed):
    assert parse_reference(typed) == SAMPLE


@pytest.mark.parametrize(
    "typed",
    ["", "IL", "IL-7K4Q-9", "IL-7K4Q-9FC", "IL-7K4Q-9O", "IL-0K4Q-9F", "IL-7K4Q-9S", "hello"],
)
def test_parse_rejects_what_cannot_be_a_reference(typed):
    assert parse_reference(typed) is None


def test_every_single_substitution_is_caught():
    compact = _compact(SAMPLE)
    tried = 0
    for position in range(len(compact)):
        for ch in ALPHABET:
            if ch == compact[position]:
                continue
            typo = compact[:position] + ch + compact[position + 1 :]
            assert parse_reference(_dashed(typo)) is None, typo
            tried += 1
    assert tried == 6 * 28


def test_every_adjacent_swap_is_caught():
    compact = _compact(SAMPLE)
    for position in range(len(compact) - 1):
        a, b = compact[position], compact[position + 1]
        assert a != b
        swapped = compact[:position] + b + a + compact[position + 2 :]
        assert parse_reference(_dashed(swapped)) is None, swapped


def _complete(body: str) -> str:
    """The one compact reference (body + check character) that parses, found by trying all."""
    valid = [body + ch for ch in ALPHABET if parse_reference(body + ch)]
    assert len(valid) == 1
    return valid[0]


_settings = settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@_settings
@given(
    body=st.text(alphabet=ALPHABET, min_size=5, max_size=5),
    position=st.integers(min_value=0, max_value=5),
    replacement=st.sampled_from(ALPHABET),
)
def test_any_reference_catches_a_substitution_and_a_swap(body, position, replacement):
    compact = _complete(body)
    assert parse_reference(compact) == _dashed(compact)
    if replacement != compact[position]:
        typo = compact[:position] + replacement + compact[position + 1 :]
        assert parse_reference(typo) is None
    if position < 5 and compact[position] != compact[position + 1]:
        swapped = (
            compact[:position] + compact[position + 1] + compact[position] + compact[position + 2 :]
        )
        assert parse_reference(swapped) is None
