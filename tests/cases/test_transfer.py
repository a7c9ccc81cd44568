"""Issue 13, Deliver 2: HQ transfers a case to another mission and the case follows the
volunteer. Through the pages, the API (one case and a bulk list) and the service; the
interview booked at the old mission is cancelled with an .ics METHOD:CANCEL read back from a
real SMTP server (aiosmtpd, tests/interviews/test_invitations.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application, Document, StageChange, Transfer
from enlist.cases.transfer import application_transfer
from enlist.errors import Conflict, InvalidInput, NotPermitted
from enlist.interviews.models import Interview, InterviewStatus, Verdict
from enlist.matching.models import MatchCandidate, Person, PersonLink
from tests.conftest import sign_in
from tests.factories import ApplicationFactory, StaffFactory
from tests.interviews.helpers import interview_for
from tests.interviews.test_invitations import _event, _ics, inbox  # noqa: F401 (fixture)

REASON = "The volunteer moved from Lithuania to Norway."


def _state(application: Application) -> tuple:
    row = Application.objects.get(pk=application.pk)
    return (
        row.mission_id,
        row.stage,
        Transfer.objects.count(),
        StageChange.objects.filter(application=application).count(),
        AuditEntry.objects.filter(detail__change="transfer").count(),
    )


@pytest.fixture
def panel(vilnius):
    attache = StaffFactory(
        username="attache-vilnius", role="attache", mission=vilnius, email="attache@lt.example"
    )
    consul = StaffFactory(
        username="consul-vilnius", role="consul", mission=vilnius, email="consul@lt.example"
    )
    return attache, consul


def test_a_transferred_case_follows_the_volunteer(
    inbox,  # noqa: F811
    api_as,
    vilnius,
    oslo,
    clerk_vilnius,
    clerk_oslo,
    hq,
    panel,
    run_jobs,
):
    attache, consul = panel
    case = ApplicationFactory(mission=vilnius, stage="interview", email="applicant@example.org")
    twin = ApplicationFactory(mission=vilnius)
    interview = interview_for(
        case, attache, consul, start=timezone.now() + datetime.timedelta(days=3)
    )
    Document.objects.create(
        application=case, kind="passport", file="documents/x", original_name="p.pdf",
        content_type="application/pdf", size=3,
    )  # fmt: skip
    person = Person.objects.create()
    PersonLink.objects.create(application=case, person=person)
    PersonLink.objects.create(application=twin, person=person)
    if not MatchCandidate.objects.filter(left=twin, right=case).exists():
        MatchCandidate.objects.get_or_create(left=case, right=twin, defaults={"probability": 0.97})
    pairs = list(MatchCandidate.objects.values_list("pk", "left_id", "right_id", "status"))
    history = list(StageChange.objects.filter(application=case).values_list("pk", "to_stage"))
    path = f"/applications/{case.pk}"

    # before: Vilnius sees it, Oslo does not (404, as for a case that does not exist)
    assert api_as(clerk_vilnius).get(path).status_code == 200
    assert api_as(clerk_oslo).get(path).status_code == 404

    response = api_as(hq).post(f"{path}/transfer", {"to_mission": "no-oslo", "reason": REASON})
    run_jobs()  # the worker sends the cancellations
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["application"], body["from_mission"], body["to_mission"], body["actor"]) == (
        str(case.pk), "lt-vilnius", "no-oslo", "hq",
    )  # fmt: skip

    # after: the reverse
    assert api_as(clerk_vilnius).get(path).status_code == 404
    assert api_as(clerk_vilnius).post(f"{path}/transitions", {"to": "withdrawn"}).status_code == 404
    seen = api_as(clerk_oslo).get(path)
    assert seen.status_code == 200
    detail = seen.json()
    assert (detail["mission"], detail["stage"]) == ("no-oslo", "interview")
    assert [(t["from_mission"], t["to_mission"], t["actor"], t["reason"]) for t in
            detail["transfers"]] == [("lt-vilnius", "no-oslo", "hq", REASON)]  # fmt: skip

    # history, documents and duplicate links whole
    assert list(StageChange.objects.filter(application=case).values_list("pk", "to_stage")) == (
        history
    )
    assert [d["kind"] for d in detail["documents"]] == ["passport"]
    assert PersonLink.objects.get(application=case).person_id == person.pk
    assert pairs
    assert list(MatchCandidate.objects.values_list("pk", "left_id", "right_id", "status")) == pairs

    # the interview at Vilnius cancelled, the applicant and the panel told (METHOD:CANCEL)
    interview.refresh_from_db()
    assert (interview.status, interview.sequence) == (InterviewStatus.CANCELLED, 1)
    cancel = inbox.to("applicant@example.org")[-1]
    assert _ics(cancel)["method"] == "CANCEL"
    event = _event(cancel)
    assert (str(event["uid"]), int(event["sequence"])) == (interview.ics_uid, 1)
    assert _ics(inbox.to("attache@lt.example")[-1])["method"] == "CANCEL"

    # audited: the transfer and the cancellation, no personal value
    [entry] = AuditEntry.objects.filter(detail__change="transfer")
    assert entry.actor_id == hq.pk
    transfer = Transfer.objects.get()
    assert entry.detail == {
        "change": "transfer", "transfer": str(transfer.pk), "from_mission": "lt-vilnius",
        "to_mission": "no-oslo", "reason_given": True,
    }  # fmt: skip
    [cancelled] = AuditEntry.objects.filter(detail__change="interview_cancel")
    assert cancelled.detail == {
        "change": "interview_cancel", "interview": str(interview.pk), "transfer": str(transfer.pk)
    }  # fmt: skip
    assert "moved" not in str(entry.detail)


def test_only_hq_transfers_with_a_reason_to_another_active_mission(
    api_as, vilnius, oslo, clerk_vilnius, consul_vilnius, hq
):
    case = ApplicationFactory(mission=vilnius)
    before = _state(case)
    path = f"/applications/{case.pk}/transfer"

    for staff in (clerk_vilnius, consul_vilnius):
        refused = api_as(staff).post(path, {"to_mission": "no-oslo", "reason": REASON})
        assert refused.status_code == 403
    for body, field in (
        ({"to_mission": "no-oslo", "reason": "  "}, "reason"),
        ({"to_mission": "xx-nowhere", "reason": REASON}, "to_mission"),
        ({"to_mission": "lt-vilnius", "reason": REASON}, "to_mission"),
    ):
        response = api_as(hq).post(path, body)
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == [field]
    oslo.is_active = False
    oslo.save()
    assert api_as(hq).post(path, {"to_mission": "no-oslo", "reason": REASON}).status_code == 422
    assert _state(case) == before


def test_a_closed_case_stays_where_it_is(vilnius, oslo, hq):
    case = ApplicationFactory(mission=vilnius, stage="enlisted")
    before = _state(case)
    with pytest.raises(Conflict):
        application_transfer(application=case, to_mission="no-oslo", actor=hq, reason=REASON)
    assert _state(case) == before


def test_bulk_transfer_takes_an_explicit_validated_list(api_as, vilnius, oslo, hq):
    cases = [ApplicationFactory(mission=vilnius) for _ in range(3)]
    closed = ApplicationFactory(mission=vilnius, stage="rejected")
    hq_api = api_as(hq)
    ids = [str(c.pk) for c in cases]
    before = [_state(c) for c in cases]

    for bad, field in (
        ([], "ids"),
        ([None, None], "ids[0]"),
        ([ids[0], "not-an-id"], "ids[1]"),
        ([ids[0], ids[0]], "ids[1]"),
        ([ids[0], "00000000-0000-0000-0000-000000000000"], "ids[1]"),
        ([ids[0], str(closed.pk)], "ids[1]"),
    ):
        response = hq_api.post(
            "/applications/transfers", {"ids": bad, "to_mission": "no-oslo", "reason": REASON}
        )
        assert response.status_code == 422, (bad, response.content)
        assert field in [e["field"] for e in response.json()["errors"]], (bad, response.json())
    missing = hq_api.post("/applications/transfers", {"to_mission": "no-oslo", "reason": REASON})
    assert missing.status_code == 422
    assert [_state(c) for c in cases] == before  # all or nothing

    response = hq_api.post(
        "/applications/transfers", {"ids": ids[:2], "to_mission": "no-oslo", "reason": REASON}
    )
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 2
    assert [t["application"] for t in response.json()["transfers"]] == ids[:2]
    missions = dict(Application.objects.values_list("pk", "mission__code"))
    assert [missions[c.pk] for c in cases] == ["no-oslo", "no-oslo", "lt-vilnius"]


def test_hq_transfers_from_the_case_page(client, vilnius, oslo, hq, clerk_vilnius):
    case = ApplicationFactory(mission=vilnius, stage="screening")
    page = sign_in(client, hq).get(f"/staff/cases/{case.pk}/", follow=True)
    if "reason" in page.content.decode() and Transfer.objects.count() == 0:
        client.post(f"/staff/cases/{case.pk}/", {"reason": "Checking the transfer request"})
    page = client.get(f"/staff/cases/{case.pk}/")
    assert f'action="/staff/cases/{case.pk}/transfer/"' in page.content.decode()
    assert 'value="no-oslo"' in page.content.decode()
    assert 'value="lt-vilnius"' not in page.content.decode()

    response = client.post(
        f"/staff/cases/{case.pk}/transfer/", {"to_mission": "no-oslo", "reason": REASON},
        follow=True,
    )  # fmt: skip
    assert "Transferred to no-oslo." in response.content.decode()
    assert Application.objects.get(pk=case.pk).mission.code == "no-oslo"

    client.logout()
    clerk = sign_in(client, clerk_vilnius)
    assert clerk.get(f"/staff/cases/{case.pk}/").status_code == 404
    assert (
        clerk.post(
            f"/staff/cases/{case.pk}/transfer/", {"to_mission": "lt-vilnius", "reason": REASON}
        ).status_code
        == 404
    )
    assert Application.objects.get(pk=case.pk).mission.code == "no-oslo"


def test_a_clerk_posting_the_transfer_form_is_refused(client, vilnius, oslo, clerk_vilnius):
    case = ApplicationFactory(mission=vilnius)
    response = sign_in(client, clerk_vilnius).post(
        f"/staff/cases/{case.pk}/transfer/", {"to_mission": "no-oslo", "reason": REASON}
    )
    assert response.status_code == 403
    assert Application.objects.get(pk=case.pk).mission.code == "lt-vilnius"
    assert not Transfer.objects.exists()
    assert not Verdict.objects.exists()
    with pytest.raises(NotPermitted):
        application_transfer(application=case, to_mission="no-oslo", actor=clerk_vilnius,
                             reason=REASON)  # fmt: skip
    with pytest.raises(InvalidInput):
        application_transfer(application=case, to_mission="no-oslo", actor=StaffFactory(
            username="hq-2", role="hq", mission=None), reason="")  # fmt: skip
    assert Interview.objects.count() == 0
