"""The visa of a case: the guard of visa → travel, who records and reads it, the checklist,
the staff page and the API."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application
from enlist.cases.services import application_transition
from enlist.cases.workflow import visa_settled
from enlist.errors import InvalidInput, NotFound, NotPermitted, TransitionNotAllowed
from enlist.visas.models import ChecklistItem, ChecklistMark, Visa
from enlist.visas.selectors import visa_checklist
from enlist.visas.services import checklist_item_add, checklist_item_retire, visa_update
from tests.conftest import sign_in
from tests.factories import ApplicationFactory

TODAY = datetime.date(2026, 3, 1)
NUMBER = "UA55120934"
NOTES = "Met the applicant's brother at the consulate."


def issued(**overrides):
    today = timezone.localdate()
    fields = {
        "status": "issued",
        "visa_type": "long_stay",
        "applied_on": today - datetime.timedelta(days=10),
        "number": NUMBER,
        "valid_from": today,
        "valid_until": today + datetime.timedelta(days=90),
        "consular_notes": NOTES,
    }
    return fields | overrides


@pytest.fixture
def visa_case(vilnius):
    return ApplicationFactory(mission=vilnius, stage="visa")


# --- the guard (pure) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "refused"),
    [
        ({}, "No visa is recorded"),
        ({"visa_status": "preparing"}, "'preparing'"),
        ({"visa_status": "submitted"}, "'submitted'"),
        ({"visa_status": "refused"}, "'refused'"),
        ({"visa_status": "issued", "visa_today": TODAY}, "no validity end date"),
        ({"visa_status": "issued", "visa_valid_until": TODAY}, "no validity end date"),
        (
            {
                "visa_status": "issued",
                "visa_valid_until": TODAY - datetime.timedelta(days=1),
                "visa_today": TODAY,
            },
            "expired on 2026-02-28",
        ),
        ({"visa_status": "issued", "visa_valid_until": TODAY, "visa_today": TODAY}, None),
        ({"visa_status": "not_needed"}, None),
    ],
)
def test_visa_guard_holds_only_for_a_valid_issued_or_unneeded_visa(facts, refused):
    failure = visa_settled(facts)
    if refused is None:
        assert failure is None
    else:
        assert refused in failure


# --- the guard in the workflow ---------------------------------------------------------------


def test_consul_cannot_send_travel_instructions_without_a_visa(visa_case, consul_vilnius):
    with pytest.raises(TransitionNotAllowed, match="No visa is recorded"):
        application_transition(application=visa_case, to="travel", actor=consul_vilnius)
    assert Application.objects.get(pk=visa_case.pk).stage == "visa"


def test_a_visa_still_being_prepared_blocks_travel(visa_case, consul_vilnius):
    visa_update(application=visa_case, actor=consul_vilnius, status="submitted",
                visa_type="short_stay")  # fmt: skip
    with pytest.raises(TransitionNotAllowed, match="'submitted'"):
        application_transition(application=visa_case, to="travel", actor=consul_vilnius)


def test_an_expired_visa_blocks_travel(visa_case, consul_vilnius):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    visa_update(
        application=visa_case,
        actor=consul_vilnius,
        **issued(valid_from=yesterday - datetime.timedelta(days=30), valid_until=yesterday),
    )
    with pytest.raises(TransitionNotAllowed, match="expired"):
        application_transition(application=visa_case, to="travel", actor=consul_vilnius)


@pytest.mark.parametrize("fields", [issued(), {"status": "not_needed"}])
def test_issued_or_unneeded_visa_lets_the_case_travel(visa_case, consul_vilnius, fields):
    visa_update(application=visa_case, actor=consul_vilnius, **fields)
    application_transition(application=visa_case, to="travel", actor=consul_vilnius)
    assert Application.objects.get(pk=visa_case.pk).stage == "travel"


# --- recording -------------------------------------------------------------------------------


def test_consul_records_a_visa_sealed_and_audited_without_its_values(visa_case, consul_vilnius):
    visa = visa_update(application=visa_case, actor=consul_vilnius, **issued())
    visa = Visa.objects.get(pk=visa.pk)
    assert (visa.status, visa.visa_type, visa.number, visa.consular_notes) == (
        "issued",
        "long_stay",
        NUMBER,
        NOTES,
    )
    assert visa.updated_by == consul_vilnius
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, consular_notes FROM visas_visa")
        raw = cursor.fetchone()
    assert NUMBER.encode() not in bytes(raw[0]) and b"brother" not in bytes(raw[1])
    entry = AuditEntry.objects.filter(target_id=str(visa_case.pk)).last()
    assert entry.action == "create"
    assert entry.detail["change"] == "visa_update"
    assert entry.detail["status"] == "issued"
    assert "number" in entry.detail["fields"]
    assert NUMBER not in str(entry.detail) and "brother" not in str(entry.detail)


def test_second_record_replaces_and_names_only_changed_fields(visa_case, consul_vilnius, hq):
    visa_update(application=visa_case, actor=consul_vilnius, **issued())
    visa_update(application=visa_case, actor=hq, **issued(consular_notes="Cleared."))
    assert Visa.objects.count() == 1
    entry = AuditEntry.objects.filter(target_id=str(visa_case.pk)).last()
    assert (entry.action, entry.detail["fields"]) == ("change", ["consular_notes"])
    assert Visa.objects.get().consular_notes == "Cleared."


@pytest.mark.parametrize("persona", ["clerk_vilnius", "attache_vilnius", "reception"])
def test_only_consul_and_hq_record_a_visa(request, visa_case, persona):
    with pytest.raises(NotPermitted):
        visa_update(application=visa_case, actor=request.getfixturevalue(persona),
                    status="not_needed")  # fmt: skip
    assert not Visa.objects.exists()


def test_an_issued_visa_needs_number_and_end_date_and_dates_in_order(visa_case, consul_vilnius):
    with pytest.raises(InvalidInput) as excinfo:
        visa_update(
            application=visa_case,
            actor=consul_vilnius,
            status="issued",
            visa_type="long_stay",
            valid_from=TODAY,
        )
    assert sorted(e.field for e in excinfo.value.errors) == ["number", "valid_until"]
    with pytest.raises(InvalidInput) as excinfo:
        visa_update(
            application=visa_case,
            actor=consul_vilnius,
            **issued(
                valid_from=TODAY, valid_until=TODAY - datetime.timedelta(days=1), visa_type="x"
            ),
        )
    assert sorted(e.field for e in excinfo.value.errors) == ["valid_until", "visa_type"]
    with pytest.raises(InvalidInput) as excinfo:
        visa_update(application=visa_case, actor=consul_vilnius, status="lost")
    assert [e.field for e in excinfo.value.errors] == ["status"]
    assert not Visa.objects.exists()


# --- the checklist ---------------------------------------------------------------------------


def test_checklist_joins_hq_items_and_the_missions_own(visa_case, consul_vilnius, consul_oslo):
    hq_items = set(
        ChecklistItem.objects.filter(visa_type="long_stay", mission=None).values_list(
            "label", flat=True
        )
    )
    assert "Military service documents" in hq_items  # seeded by migration
    own = checklist_item_add(actor=consul_vilnius, visa_type="long_stay", label="Lithuanian ID")
    checklist_item_add(actor=consul_oslo, visa_type="long_stay", label="Norwegian form")
    assert own.mission == consul_vilnius.mission
    with pytest.raises(NotPermitted):
        checklist_item_add(actor=consul_vilnius, visa_type="long_stay", label="x", hq_wide=True)

    visa_update(application=visa_case, actor=consul_vilnius, **issued(), checked=[own.pk])
    rows = visa_checklist(visa_case, Visa.objects.get())
    assert {r["label"] for r in rows} == hq_items | {"Lithuanian ID"}
    assert [r["label"] for r in rows if r["checked"]] == ["Lithuanian ID"]
    mark = ChecklistMark.objects.get()
    assert (mark.item_id, mark.checked_by) == (own.pk, consul_vilnius)


def test_ticking_a_document_of_another_checklist_is_refused(visa_case, consul_vilnius, consul_oslo):
    oslo_item = checklist_item_add(actor=consul_oslo, visa_type="long_stay", label="Oslo form")
    transit = ChecklistItem.objects.filter(visa_type="transit").first()
    for item in (oslo_item, transit):
        with pytest.raises(InvalidInput) as excinfo:
            visa_update(application=visa_case, actor=consul_vilnius, **issued(), checked=[item.pk])
        assert [e.field for e in excinfo.value.errors] == ["checked"]
    assert not ChecklistMark.objects.exists()


def test_consul_retires_only_own_missions_items(consul_vilnius, consul_oslo, hq):
    item = checklist_item_add(actor=consul_oslo, visa_type="transit", label="Oslo form")
    hq_item = ChecklistItem.objects.filter(mission=None).first()
    for other in (item, hq_item):
        with pytest.raises(NotFound):
            checklist_item_retire(actor=consul_vilnius, item_id=other.pk)
    checklist_item_retire(actor=hq, item_id=item.pk)
    assert not ChecklistItem.objects.get(pk=item.pk).is_active


# --- the staff page --------------------------------------------------------------------------


def test_consul_records_the_visa_on_the_staff_page(client, visa_case, consul_vilnius):
    sign_in(client, consul_vilnius)
    page = client.get(f"/staff/cases/{visa_case.pk}/")
    assert f'href="/staff/cases/{visa_case.pk}/visa/"' in page.content.decode()
    item = ChecklistItem.objects.filter(visa_type="long_stay", mission=None).first()
    response = client.post(
        f"/staff/cases/{visa_case.pk}/visa/",
        {
            "status": "issued",
            "visa_type": "long_stay",
            "number": NUMBER,
            "valid_from": str(timezone.localdate()),
            "valid_until": str(timezone.localdate() + datetime.timedelta(days=30)),
            "checked": [str(item.pk)],
        },
    )
    assert response.status_code == 302
    visa = Visa.objects.get(application=visa_case)
    assert (visa.status, visa.number, list(visa.marks.values_list("item_id", flat=True))) == (
        "issued",
        NUMBER,
        [item.pk],
    )
    page = client.get(f"/staff/cases/{visa_case.pk}/visa/").content.decode()
    assert NUMBER in page and "Record the visa" in page
    viewed = AuditEntry.objects.filter(target_id=str(visa_case.pk), action="view").last()
    assert viewed.detail == {"via": "web", "fields": ["visa.number", "visa.consular_notes"]}


def test_bad_dates_on_the_page_are_shown_and_change_nothing(client, visa_case, consul_vilnius):
    sign_in(client, consul_vilnius)
    response = client.post(
        f"/staff/cases/{visa_case.pk}/visa/",
        {"status": "issued", "visa_type": "long_stay", "valid_until": "next week"},
        follow=True,
    )
    assert "Enter a date as YYYY-MM-DD." in response.content.decode()
    assert not Visa.objects.exists()


def test_clerk_reads_the_visa_page_without_the_form(
    client, visa_case, consul_vilnius, clerk_vilnius
):
    visa_update(application=visa_case, actor=consul_vilnius, **issued())
    sign_in(client, clerk_vilnius)
    page = client.get(f"/staff/cases/{visa_case.pk}/visa/").content.decode()
    assert NUMBER in page and 'name="number"' not in page
    response = client.post(f"/staff/cases/{visa_case.pk}/visa/", {"status": "refused"})
    assert response.status_code == 403
    assert Visa.objects.get().status == "issued"


@pytest.mark.parametrize("persona", ["clerk_oslo", "consul_oslo", "auditor"])
def test_visa_page_of_a_case_out_of_scope_is_404(client, request, visa_case, persona):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(f"/staff/cases/{visa_case.pk}/visa/").status_code == 404


def test_checklist_page_adds_for_the_consuls_mission(client, consul_vilnius, clerk_vilnius):
    sign_in(client, consul_vilnius)
    client.post("/staff/visas/checklists/", {"visa_type": "short_stay", "label": "Bank statement"})
    item = ChecklistItem.objects.get(label="Bank statement")
    assert item.mission == consul_vilnius.mission
    assert "Bank statement" in client.get("/staff/visas/checklists/").content.decode()
    sign_in(client, clerk_vilnius)
    assert client.get("/staff/visas/checklists/").status_code == 403


# --- the API ---------------------------------------------------------------------------------


def test_api_put_and_get_the_visa(api_as, visa_case, consul_vilnius, clerk_vilnius, reception):
    path = f"/api/v1/applications/{visa_case.pk}/visa"
    consul = api_as(consul_vilnius)
    empty = consul.get(f"/applications/{visa_case.pk}/visa").json()
    assert (empty["exists"], empty["status"]) == (False, None)
    body = {k: str(v) if isinstance(v, datetime.date) else v for k, v in issued().items()}
    response = consul.client.put(
        path, body, content_type="application/json", headers=consul.headers
    )
    assert response.status_code == 200, response.content
    assert response.json()["number"] == NUMBER
    read = api_as(clerk_vilnius).get(f"/applications/{visa_case.pk}/visa").json()
    assert (read["status"], read["visa_type"], read["consular_notes"]) == (
        "issued",
        "long_stay",
        NOTES,
    )
    clerk = api_as(clerk_vilnius)
    refused = clerk.client.put(path, body, content_type="application/json", headers=clerk.headers)
    assert refused.status_code == 403
    assert api_as(reception).get(f"/applications/{visa_case.pk}/visa").status_code == 404


def test_api_visa_errors_name_the_fields(api_as, visa_case, consul_vilnius, consul_oslo):
    path = f"/api/v1/applications/{visa_case.pk}/visa"
    consul = api_as(consul_vilnius)
    response = consul.client.put(
        path, {"status": "issued", "visa_type": "long_stay"}, content_type="application/json",
        headers=consul.headers,
    )  # fmt: skip
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["number", "valid_until"]
    oslo = api_as(consul_oslo)
    response = oslo.client.put(
        path, {"status": "not_needed"}, content_type="application/json", headers=oslo.headers
    )
    assert response.status_code == 404
    assert not Visa.objects.exists()


def test_hq_gives_a_reason_before_reading_a_visa(client, api_as, visa_case, consul_vilnius, hq):
    """Security suite (need-to-know): a case at the visa stage is outside HQ's flow, so the
    number and consular notes are shown only after a reason (cases/need_to_know.py)."""
    visa_update(application=visa_case, actor=consul_vilnius, **issued())
    sign_in(client, hq)
    response = client.get(f"/staff/cases/{visa_case.pk}/visa/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{visa_case.pk}/"  # the reason form
    path = f"/applications/{visa_case.pk}/visa"
    refused = api_as(hq).get(path)
    assert refused.status_code == 428
    assert NOTES not in refused.content.decode()
    assert api_as(hq).get(path, reason="Checking the visa for travel").json()["number"] == NUMBER
