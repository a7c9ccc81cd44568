"""Verdicts, the interview → visa guard, and no-shows, through the services and the API."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application, StageChange
from enlist.cases.services import application_transition
from enlist.errors import Conflict, InvalidInput, NotFound, NotPermitted, TransitionNotAllowed
from enlist.interviews.models import Interview, InterviewStatus, Verdict
from enlist.interviews.services import (
    NO_SHOW_REASON,
    Assessment,
    interview_facts,
    interview_no_show,
    verdict_record,
)
from tests.factories import ApplicationFactory, StaffFactory, recommend_by_panel
from tests.interviews.helpers import interview_for

pytestmark = pytest.mark.django_db

NOTE = "Served with the 3rd Zqxvbattalion, checked by phone"


def _verdict(application, actor, **overrides):
    fields = {
        "service_verified": False,
        "experience": {"service": "army", "unit": "3rd battalion", "rank": "sergeant"},
        "confidence": "high",
        "readiness": "ready",
        "language_ability": "fluent",
        "recommend": True,
    }
    fields.update(overrides)
    at = fields.pop("at", None)
    return verdict_record(
        application=application, actor=actor, assessment=Assessment(**fields), at=at
    )


@pytest.fixture
def case(vilnius):
    return ApplicationFactory(mission=vilnius, stage="interview")


def test_visa_needs_both_panel_members_to_recommend(case, attache_vilnius, consul_vilnius):
    with pytest.raises(TransitionNotAllowed, match="record their verdict first"):
        application_transition(application=case, to="visa", actor=consul_vilnius)
    _verdict(case, attache_vilnius)
    with pytest.raises(TransitionNotAllowed, match="record their verdict first"):
        application_transition(application=case, to="visa", actor=consul_vilnius)
    _verdict(case, consul_vilnius, recommend=False)
    with pytest.raises(TransitionNotAllowed, match="must recommend"):
        application_transition(application=case, to="visa", actor=consul_vilnius)
    assert Application.objects.get(pk=case.pk).stage == "interview"

    _verdict(case, consul_vilnius, recommend=True)  # the latest verdict of a role counts
    assert interview_facts(case) == {
        "interview_verdicts": {"attache": True, "consul": True},
        "interview_no_show_limit_reached": False,
    }
    application_transition(application=case, to="visa", actor=consul_vilnius)
    assert Application.objects.get(pk=case.pk).stage == "visa"
    assert Verdict.objects.filter(application=case).count() == 3


def test_a_later_refusal_withdraws_a_recommendation(case, attache_vilnius, consul_vilnius):
    recommend_by_panel(case, attache_vilnius, consul_vilnius)
    _verdict(case, attache_vilnius, recommend=False)
    with pytest.raises(TransitionNotAllowed, match="must recommend"):
        application_transition(application=case, to="visa", actor=attache_vilnius)


def test_rejection_after_interview_still_needs_a_reason(case, attache_vilnius):
    with pytest.raises(InvalidInput) as excinfo:
        application_transition(application=case, to="rejected", actor=attache_vilnius)
    assert [e.field for e in excinfo.value.errors] == ["reason"]
    application_transition(
        application=case, to="rejected", actor=attache_vilnius, reason="Service not verified."
    )
    assert Application.objects.get(pk=case.pk).stage == "rejected"


def test_only_the_panel_of_the_cases_mission_records_verdicts(
    case, clerk_vilnius, hq, attache_oslo
):
    with pytest.raises(NotPermitted):
        _verdict(case, clerk_vilnius)
    with pytest.raises(NotPermitted):
        _verdict(case, hq)
    with pytest.raises(NotFound):
        _verdict(case, attache_oslo)
    assert not Verdict.objects.exists()


def test_verdicts_are_recorded_at_the_interview_stage_only(vilnius, attache_vilnius):
    screening = ApplicationFactory(mission=vilnius, stage="screening")
    with pytest.raises(Conflict):
        _verdict(screening, attache_vilnius)
    assert not Verdict.objects.exists()


def test_invalid_verdict_names_every_bad_field(case, vilnius, attache_vilnius):
    other = ApplicationFactory(mission=vilnius, stage="interview")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enlist.cases.services import document_add

    foreign = document_add(
        application=other,
        kind="military_id",
        upload=SimpleUploadedFile("id.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        actor=attache_vilnius,
    )
    with pytest.raises(InvalidInput) as excinfo:
        _verdict(
            case,
            attache_vilnius,
            confidence="total",
            readiness="soon",
            language_ability="some",
            evidence_documents=[str(foreign.pk)],
            experience={"service": "army", "medals": "many"},
            notes="x" * 4001,
        )
    assert sorted(e.field for e in excinfo.value.errors) == [
        "confidence",
        "evidence_documents",
        "experience",
        "language_ability",
        "notes",
        "readiness",
    ]
    with pytest.raises(InvalidInput) as excinfo:
        _verdict(case, attache_vilnius, service_verified=True)
    assert [e.field for e in excinfo.value.errors] == ["evidence_documents"]
    assert not Verdict.objects.exists()


def test_verdict_personal_fields_are_sealed_and_the_interview_marked_held(
    case, attache_vilnius, consul_vilnius
):
    interview = interview_for(
        case, attache_vilnius, consul_vilnius, start=timezone.now() - datetime.timedelta(hours=1)
    )
    verdict = _verdict(case, attache_vilnius, notes=NOTE, evidence_source="Unit registry call")
    assert verdict.interview_id == interview.pk
    assert Interview.objects.get(pk=interview.pk).status == InterviewStatus.HELD
    table = Verdict._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT experience, evidence_source, notes FROM {table}")  # noqa: S608
        raw = b"".join(
            bytes(v) if not isinstance(v, str) else v.encode() for v in cursor.fetchone()
        )
    assert b"Zqxvbattalion" not in raw and b"3rd battalion" not in raw and b"registry" not in raw
    again = Verdict.objects.get(pk=verdict.pk)
    assert (again.notes, again.experience["unit"]) == (NOTE, "3rd battalion")
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry.detail == {"change": "verdict", "role": "attache", "interview": str(interview.pk)}
    assert "Zqxv" not in str(entry.detail)


# --- no-shows --------------------------------------------------------------------------------


def _past(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def test_second_no_show_puts_the_case_on_hold(case, attache_vilnius, consul_vilnius):
    first = interview_for(case, attache_vilnius, consul_vilnius, start=_past(48))
    interview_no_show(interview=first, actor=attache_vilnius)
    assert Interview.objects.get(pk=first.pk).status == InterviewStatus.NO_SHOW
    assert Application.objects.get(pk=case.pk).stage == "interview"

    second = interview_for(case, attache_vilnius, consul_vilnius, start=_past(2))
    interview_no_show(interview=second, actor=attache_vilnius)
    row = Application.objects.get(pk=case.pk)
    assert (row.stage, row.held_from) == ("on_hold", "interview")
    change = StageChange.objects.filter(application=case).last()
    assert (change.to_stage, change.actor_id, change.reason) == (
        "on_hold",
        attache_vilnius.pk,
        NO_SHOW_REASON,
    )


def test_no_show_is_refused_before_the_start_and_to_other_roles(
    case, attache_vilnius, consul_vilnius, clerk_vilnius, attache_oslo
):
    future = interview_for(
        case, attache_vilnius, consul_vilnius, start=timezone.now() + datetime.timedelta(hours=3)
    )
    with pytest.raises(Conflict, match="not started"):
        interview_no_show(interview=future, actor=attache_vilnius)
    for outsider, error in ((clerk_vilnius, NotPermitted), (attache_oslo, NotFound)):
        with pytest.raises(error):
            interview_no_show(interview=future, actor=outsider)
    assert Interview.objects.get(pk=future.pk).status == InterviewStatus.BOOKED


def test_consul_records_a_no_show_for_an_interview_they_sit_on(
    case, attache_vilnius, consul_vilnius
):
    first = interview_for(case, attache_vilnius, consul_vilnius, start=_past(48))
    interview_no_show(interview=first, actor=consul_vilnius)
    row = Interview.objects.get(pk=first.pk)
    assert (row.status, row.recorded_by_id) == (InterviewStatus.NO_SHOW, consul_vilnius.pk)
    assert Application.objects.get(pk=case.pk).stage == "interview"

    second = interview_for(case, attache_vilnius, consul_vilnius, start=_past(2))
    interview_no_show(interview=second, actor=consul_vilnius)
    row = Application.objects.get(pk=case.pk)
    assert (row.stage, row.held_from) == ("on_hold", "interview")
    change = StageChange.objects.filter(application=case).last()
    assert (change.to_stage, change.actor_id, change.reason) == (
        "on_hold",
        consul_vilnius.pk,
        NO_SHOW_REASON,
    )


def test_a_panel_member_not_on_the_interview_records_no_no_show(
    case, attache_vilnius, consul_vilnius, vilnius
):
    other_consul = StaffFactory(username="consul-vilnius-2", role="consul", mission=vilnius)
    interview = interview_for(case, attache_vilnius, consul_vilnius, start=_past(1))
    with pytest.raises(NotPermitted, match="panel"):
        interview_no_show(interview=interview, actor=other_consul)
    assert Interview.objects.get(pk=interview.pk).status == InterviewStatus.BOOKED
    assert Interview.objects.get(pk=interview.pk).recorded_by_id is None


def test_a_consul_cannot_hold_an_interview_case_without_missed_interviews(case, consul_vilnius):
    with pytest.raises(TransitionNotAllowed, match="missed two interviews"):
        application_transition(
            application=case, to="on_hold", actor=consul_vilnius, reason="Just because."
        )
    assert Application.objects.get(pk=case.pk).stage == "interview"
    assert StageChange.objects.filter(application=case).count() == 1


# --- the API ---------------------------------------------------------------------------------

VERDICT_BODY = {
    "service_verified": False,
    "experience": {"service": "army", "rank": "sergeant"},
    "confidence": "medium",
    "readiness": "needs_training",
    "language_ability": "working",
    "recommend": True,
    "notes": "Calm and precise.",
}


def test_api_records_verdicts_and_lists_them(api_as, case, attache_vilnius, consul_vilnius):
    response = api_as(attache_vilnius).post(f"/applications/{case.pk}/verdicts", VERDICT_BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["role"], body["author"], body["recommend"], body["notes"]) == (
        "attache",
        "attache-vilnius",
        True,
        "Calm and precise.",
    )
    assert body["experience"] == {"service": "army", "rank": "sergeant"}
    listing = api_as(consul_vilnius).get(f"/applications/{case.pk}/interviews")
    assert listing.status_code == 200
    assert [v["id"] for v in listing.json()["verdicts"]] == [body["id"]]
    assert listing.json()["interviews"] == []


def test_api_scope_and_roles(api_as, case, clerk_vilnius, attache_oslo, reception, auditor):
    assert (
        api_as(clerk_vilnius).post(f"/applications/{case.pk}/verdicts", VERDICT_BODY).status_code
        == 403
    )
    for outsider in (attache_oslo, reception, auditor):
        response = api_as(outsider).post(f"/applications/{case.pk}/verdicts", VERDICT_BODY)
        assert response.status_code == 404
        assert api_as(outsider).get(f"/applications/{case.pk}/interviews").status_code == 404
    bad = api_as(clerk_vilnius).post(f"/applications/{case.pk}/verdicts", {"recommend": "x"})
    assert bad.status_code == 422
    assert not Verdict.objects.exists()


def test_api_no_show(api_as, case, attache_vilnius, consul_vilnius, attache_oslo, clerk_vilnius):
    interview = interview_for(case, attache_vilnius, consul_vilnius, start=_past(1))
    assert api_as(attache_oslo).post(f"/interviews/{interview.pk}/no-show").status_code == 404
    assert api_as(clerk_vilnius).post(f"/interviews/{interview.pk}/no-show").status_code == 403
    response = api_as(attache_vilnius).post(f"/interviews/{interview.pk}/no-show")
    assert response.status_code == 200
    assert response.json()["status"] == "no_show"
    again = api_as(attache_vilnius).post(f"/interviews/{interview.pk}/no-show")
    assert again.status_code == 409


def test_hq_gives_a_reason_before_reading_the_verdicts(client, api_as, case, attache_vilnius, hq):
    """Security suite (need-to-know): a case at the interview stage is outside HQ's flow, so
    the verdicts and their notes are shown only after a reason (cases/need_to_know.py)."""
    from tests.conftest import sign_in

    _verdict(case, attache_vilnius, notes=NOTE)
    sign_in(client, hq)
    response = client.get(f"/staff/interviews/cases/{case.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{case.pk}/"  # the reason form
    path = f"/applications/{case.pk}/interviews"
    refused = api_as(hq).get(path)
    assert refused.status_code == 428
    assert NOTE not in refused.content.decode()
    read = api_as(hq).get(path, reason="Reviewing the panel's verdicts")
    assert read.json()["verdicts"][0]["notes"] == NOTE
