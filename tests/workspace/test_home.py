"""Each role's start page (/staff/): what waits for it, within its scope, in bounded queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application
from enlist.interviews.models import InterviewStatus
from enlist.reports.targets import SERVICE_TARGET_DAYS, target_cutoff, waiting_days
from enlist.travel.seed import travel_seed
from enlist.travel.services import packet_create
from tests.conftest import sign_in
from tests.factories import ApplicationFactory, recommend_by_panel
from tests.interviews.helpers import interview_for


def _waiting_since(application: Application, days: int) -> None:
    at = timezone.now() - datetime.timedelta(days=days)
    Application.objects.filter(pk=application.pk).update(stage_changed_at=at)


def _section(html: str, key: str) -> str:
    start = html.index(f'id="queue-{key}"')
    return html[start : html.index("</section>", start)]


def test_clerk_lands_on_cases_to_screen_oldest_first_in_their_mission_only(
    client, clerk_vilnius, vilnius, oslo
):
    newer = ApplicationFactory(mission=vilnius)
    older = ApplicationFactory(mission=vilnius)
    _waiting_since(older, 5)
    _waiting_since(newer, 1)
    elsewhere = ApplicationFactory(mission=oslo)

    response = sign_in(client, clerk_vilnius).get("/staff/")

    assert response.status_code == 200
    queue = _section(response.content.decode(), "to-screen")
    assert '<span class="status">2</span>' in queue
    assert queue.index(older.reference) < queue.index(newer.reference)
    assert elsewhere.reference not in response.content.decode()
    assert "5 days" in queue


def test_clerk_workspace_is_recorded_as_a_list_of_the_cases_shown(client, clerk_vilnius, vilnius):
    shown = ApplicationFactory(mission=vilnius)

    sign_in(client, clerk_vilnius).get("/staff/")

    entry = AuditEntry.objects.filter(actor=clerk_vilnius, action="view_list").get()
    assert entry.detail["ids"] == [str(shown.pk)]


def test_clerk_workspace_costs_the_same_queries_for_one_case_or_many(
    client, clerk_vilnius, vilnius
):
    ApplicationFactory(mission=vilnius)
    sign_in(client, clerk_vilnius)
    client.get("/staff/")  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        client.get("/staff/")
    for _ in range(12):
        ApplicationFactory(mission=vilnius)
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/")
    assert len(many.captured_queries) <= len(one.captured_queries) + 5  # five rows' keys, once


def test_attache_sees_todays_interviews_and_the_verdicts_they_owe(
    client, attache_vilnius, consul_vilnius, vilnius
):
    now = timezone.now()
    today = ApplicationFactory(mission=vilnius, stage="interview")
    held = ApplicationFactory(mission=vilnius, stage="interview")
    judged = ApplicationFactory(mission=vilnius, stage="interview")
    interview_for(today, attache_vilnius, consul_vilnius, start=now + datetime.timedelta(minutes=5))
    past = now - datetime.timedelta(days=1)
    interview_for(held, attache_vilnius, consul_vilnius, start=past, status=InterviewStatus.HELD)
    interview_for(judged, attache_vilnius, consul_vilnius, start=past, status=InterviewStatus.HELD)
    recommend_by_panel(judged, attache_vilnius)

    html = sign_in(client, attache_vilnius).get("/staff/").content.decode()

    interviews = _section(html, "interviews-today")
    owed = _section(html, "verdicts-owed")
    assert today.reference in interviews
    assert f"/staff/interviews/cases/{today.pk}/" in interviews
    assert held.reference in owed and '<span class="status">1</span>' in owed
    assert judged.reference not in owed


def test_reception_sees_the_arrivals_expected_this_week(client, reception, vilnius, hq):
    travel_seed(today=timezone.now().date())
    coming = ApplicationFactory(mission=vilnius, stage="travel")
    packet_create(application=coming, actor=hq)

    html = sign_in(client, reception).get("/staff/").content.decode()

    arrivals = _section(html, "arrivals")
    assert coming.reference in arrivals
    assert '<span class="status">1</span>' in arrivals
    assert 'href="/staff/checkin/"' in arrivals


def test_hq_sees_the_pipeline_with_the_queues_over_target(client, hq, vilnius, oslo):
    late = ApplicationFactory(mission=vilnius, stage="screening")
    _waiting_since(late, SERVICE_TARGET_DAYS["screening"] + 1)
    ApplicationFactory(mission=oslo, stage="screening")
    ApplicationFactory(mission=oslo)

    html = sign_in(client, hq).get("/staff/").content.decode()

    pipeline = _section(html, "pipeline")
    row = pipeline[pipeline.index("?stage=screening") :]
    row = row[: row.index("</tr>")]
    assert "<td>2</td>" in row  # two in screening
    assert (
        f"?stage=screening&amp;waiting_days={SERVICE_TARGET_DAYS['screening']}" in row
    )  # one late
    assert 'href="/staff/reports/"' in pipeline
    assert late.reference not in html  # HQ's page is counts: no case is shown, none recorded
    assert not AuditEntry.objects.filter(actor=hq, action="view_list").exists()


def test_the_pipelines_target_is_the_time_a_stage_should_take_in_ukrainian(client, hq, db):
    html = sign_in(client, hq).get("/staff/", headers={"accept-language": "uk"}).content.decode()

    header = _section(html, "pipeline").split("</thead>", 1)[0]
    assert ">Норматив</th>" in header
    assert "Об’єкт" not in header  # the audit trail's "Target" is the thing acted on


def test_auditor_lands_on_the_audit_search_not_a_dead_end(client, auditor, vilnius_case):
    html = sign_in(client, auditor).get("/staff/").content.decode()

    assert 'id="audit-search"' in html and 'action="/audit/"' in html
    assert "Your role does not give access to case contents." not in html
    assert vilnius_case.reference not in html


def test_auditors_case_search_link_opens_the_page_with_the_case_lookup(client, auditor):
    """The link goes to the page that holds the form, not to the form's POST-only target."""
    html = sign_in(client, auditor).get("/staff/").content.decode()
    [href] = re.findall(r'<a id="audit-case-search" href="([^"]+)"', html)
    page = client.get(href.split("#")[0])
    assert page.status_code == 200
    assert '<input id="reference" name="reference"' in page.content.decode()


def test_admin_lands_on_administration_tasks(client, admin_user):
    html = sign_in(client, admin_user).get("/staff/").content.decode()

    tasks = _section(html, "admin")
    assert "0 failed jobs" in tasks
    assert 'href="/admin/jobs/deadjob/"' in tasks


@pytest.mark.parametrize("days, expected", [(0, 0), (1, 1), (10, 10)])
def test_waiting_days_counts_whole_days(days, expected):
    now = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    assert waiting_days(now - datetime.timedelta(days=days, hours=1), now=now) == expected
    assert target_cutoff("submitted", now=now) == now - datetime.timedelta(days=3)
