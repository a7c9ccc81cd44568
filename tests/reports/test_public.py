"""Public statistics: served from the day's snapshot, disclosure-controlled, never per
mission; one application more or less changes nothing until the next day's refresh."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enlist.cases.models import Application
from enlist.jobs.registry import handler_for
from enlist.reports.models import PublicSnapshot
from enlist.reports.services import public_snapshot_refresh
from tests.conftest import examples
from tests.factories import MissionFactory
from tests.reports.helpers import submit_case

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC)


def _stats(client: Client | None = None) -> dict:
    response = (client or Client()).get("/api/v1/stats/public")
    assert response.status_code == 200
    return response.json()


def _many(mission, count, nationality="LT", at=NOW - datetime.timedelta(days=3)):
    return [submit_case(mission, nationality=nationality, at=at) for _ in range(count)]


def test_the_api_publishes_rounded_counts_and_hides_small_ones(vilnius, oslo):
    _many(vilnius, 23)
    _many(oslo, 4, nationality="NO")
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        stats = _stats()
    assert stats["total"] == 25  # 27 rounded to base 5
    by_code = {row["code"]: row["count"] for row in stats["by_nationality"]}
    assert by_code["NO"] is None  # 4: under the threshold
    assert by_code["LT"] is None  # secondary: else 27 − 23 would give Norway away
    assert set(by_code.values()) == {None}
    assert len(by_code) > 100  # every country of the reference list, not only those present
    groups = {row["group"]: row["count"] for row in stats["by_stage_group"]}
    # all 27 applied, the other groups empty: publishing "applied" would show them to be so
    assert groups == {"applied": None, "in_process": None, "enlisted": None, "closed": None}
    assert stats["threshold"] == 10 and stats["rounding_base"] == 5
    assert stats["as_of"] == "2026-03-20"


def test_nothing_is_published_per_mission(vilnius):
    _many(vilnius, 12)
    body = Client().get("/api/v1/stats/public").content.decode()
    assert "lt-vilnius" not in body and "mission" not in body
    page = Client().get("/statistics/").content.decode()
    assert "lt-vilnius" not in page


def test_the_public_page_explains_the_method(vilnius):
    _many(vilnius, 12)
    response = Client().get("/statistics/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "How these figures are made safe to publish" in page
    assert "A count under 10" in page and "nearest multiple of 5" in page
    assert "not published" in page
    assert page.count('role="img"') == 2


@settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    counts=st.lists(st.integers(0, 30), min_size=1, max_size=3),
    remove=st.booleans(),
    which=st.integers(0, 2),
)
def test_one_application_more_or_less_changes_nothing_until_the_next_refresh(counts, remove, which):
    with transaction.atomic():
        mission = MissionFactory(code="lt-vilnius", country_id="LT")
        made = []
        for nationality, count in zip(["LT", "BY", "NO"], counts, strict=False):
            made += _many(mission, count, nationality=nationality)
        with mock.patch("django.utils.timezone.now", return_value=NOW):
            published = _stats()
        later = NOW + datetime.timedelta(hours=11)
        with mock.patch("django.utils.timezone.now", return_value=later):
            if remove and made:
                Application.objects.filter(pk=made[which % len(made)].pk).delete()
            else:
                submit_case(mission, nationality=["LT", "BY", "NO"][which], at=later)
            handler_for("reports.public_snapshot").func()  # the daily job, run again
            assert _stats() == published
        transaction.set_rollback(True)


def test_the_next_day_s_refresh_counts_the_new_applications(vilnius):
    _many(vilnius, 20)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert _stats()["total"] == 20
    _many(vilnius, 10, at=NOW)
    tomorrow = NOW + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        handler_for("reports.public_snapshot").func()
        stats = _stats()
    assert stats["total"] == 30 and stats["as_of"] == "2026-03-21"
    assert PublicSnapshot.objects.count() == 2


def test_the_refresh_is_a_daily_job():
    from enlist.jobs.registry import schedule

    jobs = {job.kind: job for job in schedule()}
    assert jobs["reports.public_snapshot"].every == datetime.timedelta(days=1)


def test_a_second_refresh_the_same_day_keeps_the_first(vilnius):
    _many(vilnius, 15)
    first = public_snapshot_refresh(now=NOW)
    _many(vilnius, 30)
    again = public_snapshot_refresh(now=NOW + datetime.timedelta(hours=5))
    assert again.pk == first.pk and again.figures == first.figures
