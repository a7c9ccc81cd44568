"""The one reader of JSON bodies: what it refuses, and that depth never reaches recursion."""

from __future__ import annotations

import pytest

from enlist.core.json_body import depth_of, loads_bounded
from enlist.errors import MalformedBody


@pytest.mark.parametrize(
    ("value", "depth"),
    [
        (1, 0),
        ("x", 0),
        ([], 1),
        ({}, 1),
        ({"a": [1, {"b": []}]}, 4),
        ({"a": [1, {"b": 2}]}, 3),
        ([[[[]]], []], 4),
    ],
)
def test_depth_counts_nested_arrays_and_objects(value, depth):
    assert depth_of(value) == depth


def test_depth_of_a_very_deep_value_needs_no_recursion():
    value: list = []
    for _ in range(100_000):
        value = [value]
    assert depth_of(value) == 100_001


@pytest.mark.parametrize(
    ("body", "value"),
    [
        (b"{}", {}),
        (b"[]", []),
        (b"null", None),
        (b'{"a": "\xd0\x96"}', {"a": "Ж"}),
        (b' {"n": 12345678901234567890, "f": 1.5e300} ', {"n": 12345678901234567890, "f": 1.5e300}),
    ],
)
def test_json_in_utf8_within_the_bound_is_read(body, value):
    assert loads_bounded(body, max_depth=32) == value


def test_exactly_at_the_depth_bound_is_read_and_one_more_is_refused():
    assert depth_of(loads_bounded(b"[" * 32 + b"]" * 32, max_depth=32)) == 32
    with pytest.raises(MalformedBody) as refused:
        loads_bounded(b"[" * 33 + b"]" * 33, max_depth=32)
    assert refused.value.field == "body"
    assert refused.value.status == 400


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"",
        b"{'a': 1}",
        b'{"a": 1',
        b'{"a": 1}}',
        b"NaN",
        b'{"a": -Infinity}',
        b"1" * 5000,  # past Python's limit on digits of an int read from text
        '{"a": 1}'.encode("utf-16"),
        b"\xef\xbb\xbf{}",  # a UTF-8 byte-order mark
        b'{"a": "\xff"}',
        b"[" * 100_000,
    ],
)
def test_what_is_not_json_in_utf8_is_refused_naming_the_body(body):
    with pytest.raises(MalformedBody) as refused:
        loads_bounded(body, max_depth=32)
    assert refused.value.field == "body"
