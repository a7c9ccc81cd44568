"""Confirming suggested units in bulk takes an explicit, validated list of ids: never "every
waiting volunteer" by omission, and an empty or malformed list changes nothing."""

from __future__ import annotations

import uuid

import pytest

from enlist.audit.models import AuditEntry
from enlist.errors import InvalidInput
from enlist.logistics.models import UnitAssignment
from enlist.logistics.services import units_assign_suggested
from tests.conftest import sign_in
from tests.factories import ApplicationFactory

BELARUSIAN = {"nationality": "BY", "residence_country": "PL", "languages": ["be", "ru"],
              "military_experience": {"years": 4, "specialties": ["Drone operator"]}}  # fmt: skip


@pytest.fixture
def waiting(vilnius):
    """Three arrived volunteers, each with a suggested unit."""
    return [ApplicationFactory(mission=vilnius, stage="arrived", **BELARUSIAN) for _ in range(3)]


@pytest.fixture
def unchanged(waiting):
    """Checks after the test that no assignment, and no audit entry about a case, was written."""
    ids = [str(a.pk) for a in waiting]
    before = AuditEntry.objects.filter(target_id__in=ids).count()
    yield
    assert not UnitAssignment.objects.exists()
    assert AuditEntry.objects.filter(target_id__in=ids).count() == before


@pytest.mark.parametrize(
    "body",
    [
        [None, None],
        [],
        {},
        {"ids": None},
        {"ids": []},
        {"ids": [None]},
        {"ids": ["not-an-id"]},
        {"ids": [123]},
        {"ids": "all"},
        None,
    ],
)
def test_confirm_without_an_explicit_list_of_ids_is_refused(body, api_as, hq, waiting, unchanged):
    response = api_as(hq).post("/unit-suggestions/confirm", body)
    assert response.status_code == 422, response.content
    assert all(e["field"].split("[")[0] in {"ids", "body"} for e in response.json()["errors"])


def test_confirm_with_a_bodyless_request_is_refused(api_as, hq, waiting, unchanged):
    api = api_as(hq)
    response = api.client.post(
        "/api/v1/unit-suggestions/confirm", b"", content_type="application/json",
        headers=api.headers,
    )  # fmt: skip
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body"]


def test_confirm_takes_exactly_the_listed_volunteers(api_as, hq, waiting):
    first, second, third = waiting
    response = api_as(hq).post("/unit-suggestions/confirm", {"ids": [str(first.pk), str(third.pk)]})
    assert response.status_code == 200, response.content
    assert len(response.json()["assigned"]) == 2
    assigned = set(UnitAssignment.objects.values_list("application_id", flat=True))
    assert assigned == {first.pk, third.pk}


def test_confirm_with_an_id_that_is_not_waiting_changes_nothing(
    api_as, hq, waiting, oslo, unchanged
):
    other = ApplicationFactory(mission=oslo, stage="travel")
    ids = [str(waiting[0].pk), str(other.pk), str(uuid.uuid4())]
    response = api_as(hq).post("/unit-suggestions/confirm", {"ids": ids})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["ids[1]", "ids[2]"]


def test_confirm_refuses_a_repeated_id(api_as, hq, waiting, unchanged):
    ids = [str(waiting[0].pk)] * 2
    response = api_as(hq).post("/unit-suggestions/confirm", {"ids": ids})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["ids[1]"]


@pytest.mark.parametrize("ids", [[], None])
def test_service_refuses_an_empty_or_missing_list(ids, hq, waiting, unchanged):
    with pytest.raises((InvalidInput, TypeError)):
        units_assign_suggested(actor=hq, application_ids=ids)


def test_page_confirms_the_volunteers_shown(client, hq, waiting):
    sign_in(client, hq)
    page = client.get("/staff/units/").content.decode()
    for application in waiting:
        assert f'name="ids" value="{application.pk}"' in page
    response = client.post(
        "/staff/units/confirm-all/", {"ids": [str(a.pk) for a in waiting[:2]]}, follow=True
    )
    assert response.status_code == 200
    assigned = set(UnitAssignment.objects.values_list("application_id", flat=True))
    assert assigned == {waiting[0].pk, waiting[1].pk}


@pytest.mark.parametrize("data", [{}, {"ids": ""}, {"ids": ["x"]}])
def test_page_without_valid_ids_changes_nothing(client, hq, waiting, unchanged, data):
    sign_in(client, hq)
    response = client.post("/staff/units/confirm-all/", data, follow=True)
    assert response.status_code == 200
    assert "No volunteer was chosen" in response.content.decode() or "Not a case id" in (
        response.content.decode()
    )
