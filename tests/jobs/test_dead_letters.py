"""The dead-letter page (admin: failed jobs): administrators only, every visit and action
audited; retry queues a dead job again, discard deletes it; others change nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from enlist.audit.models import AuditEntry
from enlist.jobs.models import Job
from enlist.jobs.services import job_enqueue
from tests.factories import StaffFactory
from tests.jobs import handlers  # noqa: F401  (registers test.fail)

pytestmark = pytest.mark.django_db
URL = "/admin/jobs/deadjob/"


@pytest.fixture
def dead(run_jobs, settings):
    settings.ENLIST_JOB_BACKOFF_SECONDS = 1
    job = job_enqueue(kind="test.fail", payload={"n": 4})
    while Job.objects.get(pk=job.pk).status != "dead":
        run_jobs(now=timezone.now() + timezone.timedelta(hours=1))
    job_enqueue(kind="test.count", payload={"n": 5})  # pending: never on the page
    return Job.objects.get(pk=job.pk)


def test_an_admin_sees_the_failed_jobs_and_the_visit_is_audited(signed_in, admin_user, dead):
    client = signed_in(admin_user)
    before = AuditEntry.objects.count()
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "test.fail" in html and "test.count" not in html
    assert "tests.jobs.handlers.Refused at handlers.py:" in html
    assert "@" not in dead.last_error
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert (entry.actor_id, entry.action, entry.target_type) == (admin_user.pk, "view_list", "job")
    assert entry.detail == {"via": "admin", "count": 1}


def test_retry_queues_the_job_again_and_discard_deletes_it(signed_in, admin_user, dead, run_jobs):
    client = signed_in(admin_user)
    response = client.post(URL, {"action": "retry", "_selected_action": [dead.pk]})
    assert response.status_code == 302
    job = Job.objects.get(pk=dead.pk)
    assert (job.status, job.attempts, job.finished_at) == ("pending", 0, None)
    entry = AuditEntry.objects.filter(detail__change="job_retry").get()
    assert (entry.actor_id, entry.target_id, entry.detail["job"]) == (
        admin_user.pk,
        str(dead.pk),
        "test.fail",
    )

    while Job.objects.get(pk=dead.pk).status != "dead":  # it fails again
        run_jobs(now=timezone.now() + timezone.timedelta(hours=1))
    client.post(URL, {"action": "discard", "_selected_action": [dead.pk]})
    assert not Job.objects.filter(pk=dead.pk).exists()
    assert AuditEntry.objects.filter(detail__change="job_discard").count() == 1


@pytest.mark.parametrize("role", ["clerk", "attache", "consul", "reception", "hq", "auditor"])
def test_other_roles_neither_see_nor_act(signed_in, vilnius, dead, role):
    # Even with Django's staff flag (the admin's door), only the admin role passes.
    mission = vilnius if role in {"clerk", "attache", "consul"} else None
    user = StaffFactory(username=f"{role}-staff", role=role, mission=mission, is_staff=True)
    client = signed_in(user)
    before = AuditEntry.objects.count()
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "retry", "_selected_action": [dead.pk]}).status_code == 403
    assert client.post(URL, {"action": "discard", "_selected_action": [dead.pk]}).status_code == 403
    assert "deadjob" not in client.get("/admin/").content.decode()
    job = Job.objects.get(pk=dead.pk)
    assert (job.status, job.attempts) == ("dead", 3)
    assert AuditEntry.objects.count() == before


def test_without_a_staff_session_the_page_sends_to_the_sign_in(client, dead):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    assert Job.objects.get(pk=dead.pk).status == "dead"
