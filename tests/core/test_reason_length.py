"""One reason length for every form and endpoint that asks for a reason (core/bounds.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enlist.audit.models import AccessGrant
from enlist.cases.models import Application
from enlist.core.bounds import REASON_MAX_LENGTH, reason_length_check
from enlist.errors import InvalidInput
from tests.conftest import sign_in


def test_one_length_of_2000_characters():
    assert REASON_MAX_LENGTH == 2000
    reason_length_check("r" * REASON_MAX_LENGTH)
    with pytest.raises(InvalidInput) as refused:
        reason_length_check("r" * (REASON_MAX_LENGTH + 1))
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("reason", "At most 2000 characters.")
    ]


def test_a_reason_to_open_a_case_may_be_as_long_as_a_reason_to_move_it(client, hq, vilnius_case):
    """It was 500 for opening a case and 2,000 for moving it: the one written for a move
    was refused when given to open the case."""
    sign_in(client, hq)
    url = reverse("case-detail", args=[vilnius_case.pk])

    form = client.get(url).content.decode()
    too_long = client.post(url, {"reason": "r" * (REASON_MAX_LENGTH + 1)})
    given = client.post(url, {"reason": "r" * REASON_MAX_LENGTH})

    assert f'maxlength="{REASON_MAX_LENGTH}"' in form
    assert too_long.status_code == 422
    assert given.status_code == 302
    assert AccessGrant.objects.get().reason == "r" * REASON_MAX_LENGTH


def test_a_transfer_reason_over_the_length_is_refused_and_nothing_moves(
    client, hq, vilnius_case, oslo
):
    sign_in(client, hq).post(
        reverse("case-transfer", args=[vilnius_case.pk]),
        {"to_mission": oslo.code, "reason": "r" * (REASON_MAX_LENGTH + 1)},
    )

    assert Application.objects.get(pk=vilnius_case.pk).mission_id == vilnius_case.mission_id
