"""`/healthz` and `/readyz`: the probes a load balancer and a supervisor ask."""

from __future__ import annotations

import pytest

from enlist.core import health


@pytest.fixture
def extra_check():
    """Register checks for one test; the registry is put back afterwards."""
    saved = health.readiness_checks()
    yield health.register_readiness_check
    health._CHECKS.clear()
    health._CHECKS.update(saved)


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_runs_the_database_keys_and_queue_checks(client, db):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "keys": "ok", "queue": "ok"},
    }


def test_readyz_fails_when_the_job_queue_cannot_be_read(client, db, monkeypatch):
    from enlist.jobs import selectors
    from enlist.jobs.selectors import QueueUnavailable

    def unreadable():
        raise QueueUnavailable("OperationalError")

    monkeypatch.setattr(selectors, "queue_health", unreadable)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "keys": "ok", "queue": "failed"}


def test_readyz_is_503_naming_a_failed_check_but_not_why(client, db, extra_check, caplog):
    def queue_unreachable() -> None:
        raise ConnectionError("connection to 10.0.0.7:5432 refused for user volunteer-db")

    extra_check("queue", queue_unreachable)
    with caplog.at_level("WARNING", logger="enlist.health"):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "checks": {"database": "ok", "keys": "ok", "queue": "failed"},
    }
    assert b"10.0.0.7" not in response.content
    assert [r.getMessage() for r in caplog.records if r.name == "enlist.health"] == [
        "readiness check queue failed: ConnectionError"
    ]


def test_probes_answer_only_get(client, db):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
