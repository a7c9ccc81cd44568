"""HQ's dashboard, a mission's view and their exports, as staff use them."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from enlist.audit.models import AuditEntry
from enlist.cases.services import application_transition
from tests.factories import ApplicationFactory, StaffFactory
from tests.reports.helpers import submit_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(vilnius, oslo, hq):
    made = [ApplicationFactory(mission=vilnius, nationality="LT") for _ in range(3)]
    made.append(ApplicationFactory(mission=oslo, nationality="NO", channel="phone"))
    application_transition(application=made[0], to="screening", actor=hq)
    application_transition(application=made[0], to="referred", actor=hq, reason="no service")
    return made


def test_hq_sees_every_section_with_labels_not_codes(signed_in, hq, cases):
    response = signed_in(hq).get("/staff/reports/")
    assert response.status_code == 200
    page = response.content.decode()
    for title in (
        "Applications per day, by channel",
        "Funnel by stage",
        "Cases by nationality",
        "Cases by mission",
        "Days spent in each stage",
        "Queues over their service target",
        "Interview capacity: booked against available",
        "Referrals, rejections and withdrawals",
        "Possible duplicates found and reviewed",
    ):
        assert title in page
    assert page.count('role="img"') == 9  # one chart per section, each an accessible image
    assert "Lithuania" in page and "Phone" in page
    assert "Referred to humanitarian volunteering, at the screening stage" in page
    assert "screening&gt;referred" not in page and "screening>referred" not in page


def test_the_funnel_table_counts_the_cases(signed_in, hq, cases):
    response = signed_in(hq).get("/staff/reports/export.csv", {"section": "funnel"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Stage", "Reached", "Share of submitted"]
    reached = {row[0]: int(row[1]) for row in rows[1:]}
    assert reached["Submitted"] == 4
    assert reached["Screening"] == 1
    assert reached["Referred to humanitarian volunteering"] == 1
    assert reached["Interview"] == 0


def test_filters_narrow_to_a_mission_and_a_nationality(signed_in, hq, cases, oslo):
    client = signed_in(hq)
    response = client.get(
        "/staff/reports/export.csv", {"section": "nationality", "mission": "no-oslo"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [["Norway", "1"]]
    response = client.get("/staff/reports/export.csv", {"section": "mission", "nationality": "LT"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[1] for row in rows[1:]] == ["3"]


def test_a_period_without_the_cases_shows_none(signed_in, hq, cases):
    response = signed_in(hq).get(
        "/staff/reports/export.csv",
        {"section": "funnel", "from": "2020-01-01", "to": "2020-02-01"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert all(row[1] == "0" for row in rows[1:])


def test_bad_filters_are_named_and_the_default_period_shown(signed_in, hq, cases):
    response = signed_in(hq).get(
        "/staff/reports/", {"from": "yesterday", "mission": "nowhere", "nationality": "ZZ"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "from: Enter a date as YYYY-MM-DD." in page
    assert "mission: No mission has this code." in page
    assert "nationality: No country has this code." in page
    assert "Funnel by stage" in page


def test_a_period_over_two_years_is_refused(signed_in, hq):
    response = signed_in(hq).get("/staff/reports/", {"from": "2020-01-01", "to": "2023-01-01"})
    assert response.status_code == 400
    assert "at most two years" in response.content.decode()


def test_mission_staff_are_taken_to_their_own_mission(signed_in, clerk_vilnius, cases):
    response = signed_in(clerk_vilnius).get("/staff/reports/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/reports/mission/lt-vilnius/"


def test_a_mission_view_shows_only_that_mission(signed_in, attache_vilnius, cases):
    client = signed_in(attache_vilnius)
    page = client.get("/staff/reports/mission/lt-vilnius/").content.decode()
    assert "Cases by mission" not in page  # one mission: no per-mission section
    response = client.get(
        "/staff/reports/mission/lt-vilnius/export.csv", {"section": "nationality"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [["Lithuania", "3"]]
    # a mission's view ignores a mission asked for in the query string
    response = client.get(
        "/staff/reports/mission/lt-vilnius/export.csv",
        {"section": "nationality", "mission": "no-oslo"},
    )
    assert list(csv.reader(io.StringIO(response.content.decode())))[1:] == [["Lithuania", "3"]]


def test_a_clerk_of_one_mission_gets_404_for_another(signed_in, clerk_vilnius, cases):
    client = signed_in(clerk_vilnius)
    assert client.get("/staff/reports/mission/no-oslo/").status_code == 404
    assert client.get("/staff/reports/mission/no-oslo/export.xlsx").status_code == 404
    assert client.get("/staff/reports/mission/no-such/").status_code == 404
    assert client.get("/staff/reports/export.xlsx").status_code == 404  # HQ's whole export


@pytest.mark.parametrize("role", ["reception", "auditor", "admin"])
def test_roles_without_reports_get_404(signed_in, role, cases):
    user = StaffFactory(username=f"{role}-reports", role=role, mission=None)
    client = signed_in(user)
    assert client.get("/staff/reports/").status_code == 404
    assert client.get("/staff/reports/mission/lt-vilnius/").status_code == 404


def test_hq_sees_any_mission_s_view(signed_in, hq, cases):
    assert signed_in(hq).get("/staff/reports/mission/no-oslo/").status_code == 200


def test_exports_are_audited_with_their_filters(signed_in, hq, cases):
    before = AuditEntry.objects.filter(action="export").count()
    response = signed_in(hq).get(
        "/staff/reports/export.xlsx", {"mission": "lt-vilnius", "nationality": "lt"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="enlist-lt-vilnius-')
    book = load_workbook(io.BytesIO(response.content))
    assert "funnel" in book.sheetnames and "duplicates" in book.sheetnames
    sheet = book["nationality"]
    assert [c.value for c in sheet[4]] == ["Lithuania", 3]
    entries = AuditEntry.objects.filter(action="export")
    assert entries.count() == before + 1
    entry = entries.order_by("-sequence").first()
    assert entry.actor_id == hq.pk
    assert entry.detail["filters"]["mission"] == "lt-vilnius"
    assert entry.detail["filters"]["nationality"] == "LT"
    assert entry.detail["filters"]["format"] == "xlsx"


def test_a_csv_export_needs_a_section(signed_in, hq, cases):
    assert signed_in(hq).get("/staff/reports/export.csv").status_code == 404
    assert signed_in(hq).get("/staff/reports/export.csv", {"section": "nope"}).status_code == 404


def test_queues_count_cases_over_their_target(signed_in, hq, vilnius):
    # submitted five days ago, still submitted: over the three days' target
    submit_case(vilnius, at=timezone.now() - datetime.timedelta(days=5))
    submit_case(vilnius)
    response = signed_in(hq).get("/staff/reports/export.csv", {"section": "queues"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    row = rows[1]
    assert row[0] == vilnius.name
    assert row[header.index("Submitted: waiting")] == "2"
    assert row[header.index("Submitted: over 3 days")] == "1"


def test_the_navigation_links_the_reports(signed_in, hq, clerk_vilnius, reception):
    assert 'href="/staff/reports/"' in signed_in(hq).get("/staff/").content.decode()
    assert 'href="/staff/reports/"' in signed_in(clerk_vilnius).get("/staff/").content.decode()
    assert 'href="/staff/reports/"' not in signed_in(reception).get("/staff/").content.decode()


def test_the_dashboard_asks_as_many_queries_for_many_cases_as_for_few(
    signed_in, hq, vilnius, oslo, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(hq)
    submit_case(vilnius)
    client.get("/staff/reports/")  # warm: sessions, snapshot of reference data
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/reports/")
    for n in range(12):
        case = submit_case(oslo if n % 2 else vilnius, nationality="NO" if n % 3 else "LT")
        application_transition(application=case, to="screening", actor=hq)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/staff/reports/").status_code == 200
