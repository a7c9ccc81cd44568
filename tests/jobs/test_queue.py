"""The queue through its interface (job_enqueue, the Worker the `enlist worker` command
runs): a job exists iff its transaction commits, payloads are ids only, failures back off
exponentially and die after N attempts, an expired lease is claimed again, periodic slots
are queued once however many workers."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from enlist.jobs.models import Job
from enlist.jobs.selectors import queue_health
from enlist.jobs.services import PayloadError, job_enqueue
from enlist.jobs.worker import Worker
from tests.jobs import handlers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _calls():
    handlers.calls.clear()
    yield
    handlers.calls.clear()


def test_a_job_exists_only_if_its_transaction_commits(run_jobs):
    with pytest.raises(RuntimeError), transaction.atomic():
        job_enqueue(kind="test.count", payload={"n": 1})
        raise RuntimeError("the change failed")
    assert Job.objects.count() == 0
    with transaction.atomic():
        job_enqueue(kind="test.count", payload={"n": 2})
    assert run_jobs() == 1
    assert handlers.calls == [2]
    assert Job.objects.get().status == "done"


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "o.kovalenko@example.org"},
        {"name": "Oleksandr Kovalenko"},
        {"phone": "+1 416 555 0134"},
        {"nested": {"a": 1}},
        {"Bad-Key": 1},
    ],
)
def test_a_payload_holds_ids_only(payload):
    with pytest.raises(PayloadError):
        job_enqueue(kind="test.count", payload=payload)
    assert Job.objects.count() == 0


def test_an_unknown_kind_is_refused():
    with pytest.raises(LookupError):
        job_enqueue(kind="test.nobody", payload={})
    assert Job.objects.count() == 0


def test_a_dedupe_key_queues_one_job():
    first = job_enqueue(kind="test.count", payload={"n": 1}, dedupe_key="once:1")
    second = job_enqueue(kind="test.count", payload={"n": 2}, dedupe_key="once:1")
    assert first.pk == second.pk
    assert Job.objects.count() == 1


def test_failures_back_off_exponentially_then_the_job_is_dead(settings, run_jobs, caplog):
    settings.ENLIST_JOB_BACKOFF_SECONDS = 30
    job = job_enqueue(kind="test.fail", payload={"n": 7})  # max_attempts=3
    start = job.run_after
    with caplog.at_level("INFO", logger="enlist.jobs"):
        assert run_jobs(now=start) == 1
        job.refresh_from_db()
        assert (job.status, job.attempts) == ("pending", 1)
        assert job.run_after == start + datetime.timedelta(seconds=30)
        # Not before its time.
        assert run_jobs(now=job.run_after - datetime.timedelta(seconds=1)) == 0
        second_try = job.run_after
        assert run_jobs(now=second_try) == 1
        job.refresh_from_db()
        assert (job.status, job.attempts) == ("pending", 2)
        assert job.run_after == second_try + datetime.timedelta(seconds=60)  # doubled
        assert run_jobs(now=job.run_after) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("dead", 3)
    assert job.finished_at is not None
    assert job.last_error.startswith("tests.jobs.handlers.Refused at handlers.py:")
    assert handlers.calls == [7, 7, 7]
    # Dead: no worker runs it again.
    assert run_jobs(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert "@" not in job.last_error + caplog.text
    assert '"event": "job_dead"' in caplog.text
    assert queue_health().dead == 1


def test_an_expired_lease_is_claimed_again_and_the_first_holder_cannot_finish_it(settings):
    settings.ENLIST_JOB_LEASE_SECONDS = 60
    job = job_enqueue(kind="test.count", payload={"n": 1})
    now = timezone.now()
    crashed = Worker(name="crashed", schedule=False)
    held = crashed.claim(now=now)
    assert held.pk == job.pk
    other = Worker(name="other", schedule=False)
    assert other.claim(now=now + datetime.timedelta(seconds=59)) is None  # still leased
    again = other.claim(now=now + datetime.timedelta(seconds=61))
    assert (again.pk, again.attempts, again.worker) == (job.pk, 2, "other")
    crashed.run(held)  # the first holder comes back late: its claim token is stale
    assert Job.objects.get(pk=job.pk).status == "running"
    other.run(again)
    assert Job.objects.get(pk=job.pk).status == "done"
    assert handlers.calls == [1, 1]


def test_a_job_whose_lease_expired_too_often_is_dead(settings):
    settings.ENLIST_JOB_LEASE_SECONDS = 10
    job = job_enqueue(kind="test.fail", payload={"n": 1})  # max_attempts=3
    now = timezone.now()
    worker = Worker(name="dies", schedule=False)
    for attempt in range(3):
        assert worker.claim(now=now + datetime.timedelta(seconds=11 * attempt)).pk == job.pk
    assert worker.claim(now=now + datetime.timedelta(seconds=40)) is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("dead", 3)
    assert job.last_error == "lease expired: the worker stopped mid-job"


def test_jobs_run_oldest_first_and_each_once(run_jobs):
    for n in range(5):
        job_enqueue(kind="test.count", payload={"n": n})
    assert run_jobs() == 5
    assert handlers.calls == [0, 1, 2, 3, 4]
    assert run_jobs() == 0


def test_periodic_jobs_are_queued_once_per_slot_whatever_the_number_of_workers():
    at = datetime.datetime(2027, 1, 5, 10, 20, tzinfo=datetime.UTC)
    first, second = Worker(name="a"), Worker(name="b")
    first.enqueue_periodic(now=at)
    second.enqueue_periodic(now=at)
    kinds = sorted(Job.objects.values_list("kind", flat=True))
    assert kinds == [
        "audit.checkpoint", "intake.import_runs_purge", "interviews.remind", "jobs.purge",
        "mail.drafts_retention", "reports.public_snapshot", "retention.run",
    ]  # fmt: skip
    remind = Job.objects.get(kind="interviews.remind")
    assert remind.run_after == datetime.datetime(2027, 1, 5, 10, 0, tzinfo=datetime.UTC)
    # The next hour: one more reminder run, the daily ones stay.
    second.enqueue_periodic(now=at + datetime.timedelta(hours=1))
    first.enqueue_periodic(now=at + datetime.timedelta(hours=1, minutes=5))
    assert Job.objects.filter(kind="interviews.remind").count() == 2
    assert Job.objects.filter(kind="retention.run").count() == 1


def test_the_periodic_jobs_run(run_jobs, settings):
    assert run_jobs(schedule=True) == 7
    assert set(Job.objects.values_list("status", flat=True)) == {"done"}
    # The daily checkpoint was signed and appended.
    assert settings.ENLIST_AUDIT_CHECKPOINT_FILE.exists()


def test_queue_health_counts_states():
    job_enqueue(kind="test.count", payload={"n": 1})
    job_enqueue(
        kind="test.count", payload={"n": 2}, run_after=timezone.now() + datetime.timedelta(hours=1)
    )
    health = queue_health()
    assert (health.pending, health.due, health.running, health.dead) == (2, 1, 0, 0)


def test_queue_health_raises_when_the_database_is_unreachable(tmp_path):
    """A real unreachable database (nothing listens on the port): QueueUnavailable."""
    from tests.core.test_serve import run_enlist, subprocess_env

    env = subprocess_env(tmp_path)
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:9/enlist"
    code = (
        "from enlist.jobs.selectors import QueueUnavailable, queue_health\n"
        "try:\n    queue_health()\nexcept QueueUnavailable as exc:\n    print('unavailable', exc)"
    )
    result = run_enlist(tmp_path, "shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1] == "unavailable OperationalError"
