"""Staff pages: calendar week, waiting queue, availability editing, a case's interviews with
the verdict form and no-show button; scope (404 outside it) and roles."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application
from enlist.cases.services import document_add, document_verify
from enlist.interviews.models import (
    AvailabilityException,
    Interview,
    InterviewStatus,
    Verdict,
    WeeklyHours,
)
from tests.factories import ApplicationFactory
from tests.interviews.helpers import interview_for

pytestmark = pytest.mark.django_db


def test_calendar_shows_the_week_in_mission_time(
    signed_in, vilnius, attache_vilnius, consul_vilnius
):
    WeeklyHours.objects.create(
        mission=vilnius,
        staff=attache_vilnius,
        weekday=0,
        start=datetime.time(9),
        end=datetime.time(12),
    )
    case = ApplicationFactory(mission=vilnius, stage="interview")
    # Monday 12 July 2027, 07:30Z = 10:30 in Vilnius (summer time, UTC+3).
    interview_for(
        case,
        attache_vilnius,
        consul_vilnius,
        start=datetime.datetime(2027, 7, 12, 7, 30, tzinfo=datetime.UTC),
    )
    client = signed_in(consul_vilnius)
    response = client.get("/staff/interviews/?week=2027-07-14")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Week of 2027-07-12" in html
    grid = html[html.index('<table class="calendar week" id="week-grid">') :]
    assert '<th scope="col" id="day-2027-07-12">Mon 12 Jul</th>' in grid
    rows = {
        m[0]: m[1] for m in re.findall(r'<tr><th scope="row">(\d\d:00)</th>(.*?)</tr>', grid, re.S)
    }
    monday = lambda hour: re.findall(r"<td[^>]*>(.*?)</td>", rows[hour], re.S)[0]  # noqa: E731
    assert "free: attache-vilnius" in monday("09:00")
    assert f'href="/staff/interviews/cases/{case.pk}/">10:30–11:15</a>' in monday("10:00")
    assert "free:" not in monday("13:00")
    assert "1 interview this week" in html


def test_the_calendar_shows_one_interviewers_week(
    signed_in, vilnius, attache_vilnius, consul_vilnius
):
    other = type(attache_vilnius).objects.create(
        username="attache-two", role="attache", mission=vilnius
    )
    for member in (attache_vilnius, other):
        WeeklyHours.objects.create(
            mission=vilnius, staff=member, weekday=0, start=datetime.time(9), end=datetime.time(12)
        )
    mine = ApplicationFactory(mission=vilnius, stage="interview")
    theirs = ApplicationFactory(mission=vilnius, stage="interview")
    start = datetime.datetime(2027, 7, 12, 7, 30, tzinfo=datetime.UTC)
    interview_for(mine, attache_vilnius, consul_vilnius, start=start)
    interview_for(theirs, other, consul_vilnius, start=start)

    html = (
        signed_in(consul_vilnius)
        .get("/staff/interviews/", {"week": "2027-07-12", "interviewer": "attache-two"})
        .content.decode()
    )

    assert f"/staff/interviews/cases/{theirs.pk}/" in html
    assert f"/staff/interviews/cases/{mine.pk}/" not in html
    assert "free: attache-two" in html and "free: attache-vilnius" not in html
    assert '<option value="attache-two" selected>' in html


def test_hq_chooses_the_mission_and_others_cannot_see_calendars(
    signed_in, client, vilnius, oslo, hq, reception, auditor
):
    assert signed_in(hq).get("/staff/interviews/?mission=no-oslo").status_code == 200
    for user in (reception, auditor):
        client.logout()
        assert signed_in(user).get("/staff/interviews/").status_code == 404
        assert signed_in(user).get("/staff/interviews/queue/").status_code == 404


def test_queue_orders_recommended_first_then_longest_waiting(
    signed_in, vilnius, clerk_vilnius, attache_vilnius, consul_vilnius
):
    now = timezone.now()
    # Screening recommends a case with a verified military document (cases/screening.py).
    old = ApplicationFactory(mission=vilnius, stage="interview")
    newer = ApplicationFactory(mission=vilnius, stage="interview")
    booked = ApplicationFactory(mission=vilnius, stage="interview")
    recommended = ApplicationFactory(mission=vilnius, stage="interview")
    document = document_add(
        application=recommended,
        kind="military_id",
        upload=SimpleUploadedFile("id.pdf", b"%PDF-1.4 id", content_type="application/pdf"),
        actor=clerk_vilnius,
    )
    document_verify(document=document, verification="verified", actor=clerk_vilnius)
    Application.objects.filter(pk=old.pk).update(stage_changed_at=now - datetime.timedelta(days=9))
    Application.objects.filter(pk=newer.pk).update(
        stage_changed_at=now - datetime.timedelta(days=2)
    )
    interview_for(booked, attache_vilnius, consul_vilnius, start=now + datetime.timedelta(days=2))
    response = signed_in(clerk_vilnius).get("/staff/interviews/queue/")
    assert response.status_code == 200
    html = response.content.decode()
    order = re.findall(r'href="/staff/interviews/cases/([0-9a-f-]+)/"', html)
    assert order == [str(recommended.pk), str(old.pk), str(newer.pk)]
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry.action == "view_list"
    assert entry.detail["ids"] == order


def test_attache_edits_own_availability(signed_in, attache_vilnius, consul_vilnius):
    client = signed_in(attache_vilnius)
    assert client.get("/staff/interviews/availability/").status_code == 200
    response = client.post(
        "/staff/interviews/availability/",
        {"action": "weekly", "d0_0_start": "09:00", "d0_0_end": "12:00", "d2_1_start": "14:00",
         "d2_1_end": "16:30"},
    )  # fmt: skip
    assert response.status_code == 302
    assert list(
        WeeklyHours.objects.filter(staff=attache_vilnius).values_list("weekday", "start", "end")
    ) == [(0, datetime.time(9), datetime.time(12)), (2, datetime.time(14), datetime.time(16, 30))]
    client.post(
        "/staff/interviews/availability/",
        {"action": "exception", "date": "2027-01-04", "kind": "absent"},
    )
    absence = AvailabilityException.objects.get(staff=attache_vilnius)
    assert (absence.date, absence.kind, absence.start) == (
        datetime.date(2027, 1, 4),
        "absent",
        None,
    )
    # Someone else's availability: an attaché edits only their own (the staff field is ignored).
    client.post(
        "/staff/interviews/availability/",
        {
            "action": "weekly",
            "staff": consul_vilnius.pk,
            "d1_0_start": "08:00",
            "d1_0_end": "09:00",
        },
    )
    assert not WeeklyHours.objects.filter(staff=consul_vilnius).exists()
    # A bad range is refused with a message, nothing changes.
    response = client.post(
        "/staff/interviews/availability/",
        {"action": "weekly", "d0_0_start": "12:00", "d0_0_end": "09:00"},
        follow=True,
    )
    assert "Give a start time before the end time." in response.content.decode()
    # (the attaché's own hours are now the Tuesday block posted with the ignored staff field)
    assert WeeklyHours.objects.filter(staff=attache_vilnius).count() == 1


def test_hq_edits_anyones_availability_and_clerks_none(
    signed_in, client, hq, clerk_vilnius, consul_vilnius
):
    response = signed_in(hq).post(
        "/staff/interviews/availability/",
        {
            "action": "weekly",
            "staff": consul_vilnius.pk,
            "d4_0_start": "10:00",
            "d4_0_end": "11:00",
        },
    )
    assert response.status_code == 302
    assert WeeklyHours.objects.filter(staff=consul_vilnius, weekday=4).count() == 1
    assert signed_in(hq).get("/staff/interviews/availability/?staff=x1").status_code == 404
    client.logout()
    assert signed_in(clerk_vilnius).get("/staff/interviews/availability/").status_code == 404


def test_verdict_form_and_no_show_button(signed_in, vilnius, attache_vilnius, consul_vilnius):
    case = ApplicationFactory(mission=vilnius, stage="interview")
    interview = interview_for(
        case, attache_vilnius, consul_vilnius, start=timezone.now() - datetime.timedelta(hours=1)
    )
    client = signed_in(attache_vilnius)
    page = client.get(f"/staff/interviews/cases/{case.pk}/")
    assert page.status_code == 200
    assert "Record your verdict" in page.content.decode()
    assert "Record no-show" in page.content.decode()
    response = client.post(f"/staff/interviews/{interview.pk}/no-show/", follow=True)
    assert "No-show recorded." in response.content.decode()
    assert Interview.objects.get(pk=interview.pk).status == InterviewStatus.NO_SHOW

    response = client.post(
        f"/staff/interviews/cases/{case.pk}/verdict/",
        {"service": "army", "unit": "2nd brigade", "confidence": "high", "readiness": "ready",
         "language_ability": "fluent", "recommend": "yes", "notes": "Solid."},
        follow=True,
    )  # fmt: skip
    assert "Verdict recorded." in response.content.decode()
    verdict = Verdict.objects.get(application=case)
    assert (verdict.role, verdict.recommend, verdict.experience["unit"]) == (
        "attache",
        True,
        "2nd brigade",
    )
    assert "2nd brigade" in client.get(f"/staff/interviews/cases/{case.pk}/").content.decode()


def test_a_verdict_reads_in_words_in_the_readers_language(signed_in, vilnius, attache_vilnius):
    case = ApplicationFactory(mission=vilnius, stage="interview")
    client = signed_in(attache_vilnius)
    client.post(
        f"/staff/interviews/cases/{case.pk}/verdict/",
        {"service": "army", "rank": "sergeant", "confidence": "high", "readiness": "ready",
         "language_ability": "fluent", "recommend": "yes"},
    )  # fmt: skip

    html = client.get(
        f"/staff/interviews/cases/{case.pk}/", headers={"accept-language": "uk"}
    ).content.decode()

    verdicts = html[html.index("<dl") : html.index("</dl>")]
    assert "Служба (рід військ, країна): army; Звання: sergeant" in verdicts
    assert "<dd>0 документів</dd>" in verdicts
    assert "<dd>Висока</dd>" in verdicts and "<dd>high</dd>" not in verdicts
    assert "<dd>ready</dd>" not in verdicts and "<dd>fluent</dd>" not in verdicts


def test_a_verified_specialty_of_the_list_reads_in_the_readers_language(
    signed_in, vilnius, attache_vilnius
):
    case = ApplicationFactory(mission=vilnius, stage="interview")
    client = signed_in(attache_vilnius)
    client.post(
        f"/staff/interviews/cases/{case.pk}/verdict/",
        {"service": "army", "specialty": "Combat medic", "confidence": "high",
         "readiness": "ready", "language_ability": "fluent", "recommend": "yes"},
    )  # fmt: skip

    html = client.get(
        f"/staff/interviews/cases/{case.pk}/", headers={"accept-language": "uk"}
    ).content.decode()

    verdicts = html[html.index("<dl") : html.index("</dl>")]
    assert "Спеціальність: бойовий медик" in verdicts and "Combat medic" not in verdicts
    assert "army" in verdicts  # the rest as the panel wrote it


def test_case_interviews_of_another_mission_are_404(
    signed_in, client, oslo, attache_vilnius, attache_oslo, consul_oslo
):
    case = ApplicationFactory(mission=oslo, stage="interview")
    interview = interview_for(
        case, attache_oslo, consul_oslo, start=timezone.now() - datetime.timedelta(hours=1)
    )
    staff = signed_in(attache_vilnius)
    assert staff.get(f"/staff/interviews/cases/{case.pk}/").status_code == 404
    assert staff.post(f"/staff/interviews/cases/{case.pk}/verdict/", {}).status_code == 404
    assert staff.post(f"/staff/interviews/{interview.pk}/no-show/").status_code == 404
    assert Interview.objects.get(pk=interview.pk).status == InterviewStatus.BOOKED


def test_staff_pages_need_a_signed_in_session(client, vilnius_case):
    paths = ["/staff/interviews/", "/staff/interviews/queue/", "/staff/interviews/availability/"]
    for path in [*paths, f"/staff/interviews/cases/{vilnius_case.pk}/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert "/staff/login" in response["Location"] or "login" in response["Location"]


def test_admin_lists_the_interview_reference_data(signed_in, admin_user, vilnius):
    client = signed_in(admin_user)
    for model in ("interviewsettings", "venue", "interpreter", "panelprofile", "weeklyhours",
                  "availabilityexception"):  # fmt: skip
        assert client.get(f"/admin/interviews/{model}/").status_code == 200, model
        assert client.get(f"/admin/interviews/{model}/add/").status_code == 200, model


def test_availability_ids_of_the_wrong_type_are_not_found(signed_in, hq, consul_vilnius):
    """Security suite (odd input): a staff or exception id that is not a number is a 404,
    not a server error."""
    client = signed_in(hq)
    assert client.get("/staff/interviews/availability/?staff=abc").status_code == 404
    response = client.post(
        "/staff/interviews/availability/",
        {"action": "remove", "staff": consul_vilnius.pk, "exception": "abc"},
    )
    assert response.status_code == 404


def test_queue_pages_screen_only_cases_with_a_verified_document(
    signed_in, vilnius, clerk_vilnius, monkeypatch
):
    """The order over pages is the whole queue's: a case screened and not recommended takes
    its place among the unscreened by waiting time; positions continue across pages."""
    monkeypatch.setattr("enlist.interviews.views.QUEUE_PAGE_SIZE", 2)
    now = timezone.now()

    def waiting(days: int, *, verified: bool, years: int = 6) -> Application:
        case = ApplicationFactory(
            mission=vilnius, stage="interview", military_experience={"years": years}
        )
        if verified:
            document = document_add(
                application=case,
                kind="military_id",
                upload=SimpleUploadedFile("id.pdf", b"%PDF-1.4 id", content_type="application/pdf"),
                actor=clerk_vilnius,
            )
            document_verify(document=document, verification="verified", actor=clerk_vilnius)
        Application.objects.filter(pk=case.pk).update(
            stage_changed_at=now - datetime.timedelta(days=days)
        )
        return case

    unscreened_old = waiting(9, verified=False)
    screened_out = waiting(5, verified=True, years=0)  # verified, but no service: not recommended
    unscreened_new = waiting(2, verified=False)
    recommended = waiting(1, verified=True)
    client = signed_in(clerk_vilnius)

    pages = [client.get("/staff/interviews/queue/", {"page": n}) for n in (1, 2)]

    ids = [
        re.findall(r'href="/staff/interviews/cases/([0-9a-f-]+)/"', p.content.decode())
        for p in pages
    ]
    assert ids == [
        [str(recommended.pk), str(unscreened_old.pk)],
        [str(screened_out.pk), str(unscreened_new.pk)],
    ]
    assert [e.position for e in pages[1].context["entries"]] == [3, 4]
    assert [e.recommended for e in pages[0].context["entries"]] == [True, False]
    assert 'rel="next"' in pages[0].content.decode()
    assert 'rel="next"' not in pages[1].content.decode()
    assert "4 cases" in pages[0].content.decode()
