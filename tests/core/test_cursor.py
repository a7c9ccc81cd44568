import datetime
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enlist.core.cursor import (
    BadCursor,
    Cursor,
    SequenceCursor,
    cursor_parse,
    sequence_cursor_parse,
)


@given(
    at=st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        max_value=datetime.datetime(2200, 1, 1),
        timezones=st.just(datetime.UTC),
    ),
    id=st.uuids(),
    backwards=st.booleans(),
)
def test_a_cursor_survives_its_token(at, id, backwards):
    cursor = Cursor(at=at, id=id, backwards=backwards)
    assert cursor_parse(cursor.token()) == cursor


def test_a_token_holds_only_the_time_and_the_opaque_id():
    at = datetime.datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=datetime.UTC)
    id = uuid.UUID("12345678123456781234567812345678")
    assert Cursor(at=at, id=id).token() == "a1772366400000005.12345678123456781234567812345678"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "x1.00",
        "a1",
        "a.12345678123456781234567812345678",
        "a12.zz",
        "a" + "9" * 90,
        "a1e5.12345678123456781234567812345678",
        "a99999999999999999999.12345678123456781234567812345678",
    ],
)
def test_anything_else_is_refused(token):
    with pytest.raises(BadCursor):
        cursor_parse(token)


@given(sequence=st.integers(min_value=0, max_value=2**63 - 1), backwards=st.booleans())
def test_a_sequence_cursor_survives_its_token(sequence, backwards):
    cursor = SequenceCursor(sequence=sequence, backwards=backwards)
    assert sequence_cursor_parse(cursor.token()) == cursor


@pytest.mark.parametrize("token", ["", "a", "c12", "a-1", "a1.5", "a١٢", "a" + "9" * 21])
def test_a_sequence_token_that_is_not_one_is_refused(token):
    with pytest.raises(BadCursor):
        sequence_cursor_parse(token)
