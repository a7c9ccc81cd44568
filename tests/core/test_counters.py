"""The shared counters (core/counters.py) behind rate limits: every hit counted exactly once
however many processes, threads or machines hit at once; in the database on both engines,
and in Redis when ENLIST_REDIS_URL is set.

Concurrency needs real connections: threads on PostgreSQL (SQLite's in-memory test database
has one connection), processes on a SQLite file, threads on the running Redis (skipped, by
name, when 127.0.0.1:6379 does not answer)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from enlist.core import counters
from enlist.core.counters import counter_hit, counters_purge
from enlist.core.models import Counter
from tests.core.test_serve import enlist_argv, subprocess_env

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_counter_counts_within_its_window_and_starts_again_after_it(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(counters.time, "time", lambda: now[0])
    assert [counter_hit("probe", seconds=60) for _ in range(3)] == [1, 2, 3]
    assert counter_hit("other", seconds=60) == 1
    now[0] += 59
    assert counter_hit("probe", seconds=60) == 4
    now[0] += 1  # the window opened by the first hit is over
    assert counter_hit("probe", seconds=60) == 1
    assert counter_hit("probe", seconds=60) == 2
    # Stored under a hash, never the name itself.
    assert not Counter.objects.filter(digest__contains="probe").exists()
    assert counters_purge(now=now[0] + 61) == 2
    assert not Counter.objects.exists()


def _hammer(name: str, hits: int, start: threading.Barrier, out: list[int]) -> None:
    try:
        start.wait(timeout=60)
        out.extend(counter_hit(name, seconds=3600) for _ in range(hits))
    finally:
        connections.close_all()


def _threads(name: str, *, threads: int, hits: int) -> list[int]:
    out: list[int] = []
    start = threading.Barrier(threads)
    workers = [
        threading.Thread(target=_hammer, args=(name, hits, start, out)) for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return out


@pytest.mark.postgres_only("threads with their own connections racing for one row")
@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_each_counted_once_on_postgresql():
    seen = _threads(f"race-{uuid.uuid4()}", threads=8, hits=40)
    assert sorted(seen) == list(range(1, 321))


@pytest.mark.sqlite_only("processes writing one SQLite file (its own locking)")
def test_concurrent_hits_from_processes_are_each_counted_once_on_sqlite(tmp_path):
    env = subprocess_env(tmp_path)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'counters.sqlite3'}",
        ENLIST_ENV="test",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
    )
    subprocess.run(enlist_argv("migrate", "core", "-v0"), env=env, check=True, timeout=300)  # noqa: S603
    code = (
        "import json, time; from enlist.core.counters import counter_hit; "
        "time.sleep(max(0, float(open('go').read()) - time.time())); "
        "print(json.dumps([counter_hit('race', seconds=3600) for _ in range(60)]))"
    )
    import time

    (tmp_path / "go").write_text(str(time.time() + 8))  # every process starts together
    children = [
        subprocess.Popen(  # noqa: S603  (our own console script)
            enlist_argv("shell", "-c", code),
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(4)
    ]
    seen: list[int] = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        seen += json.loads(out.strip().splitlines()[-1])
    assert sorted(seen) == list(range(1, 241))


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_counters(settings):
    if not _redis_answers():
        pytest.skip("Redis on 127.0.0.1:6379 does not answer")
    settings.ENLIST_REDIS_URL = "redis://127.0.0.1:6379/15"
    counters._redis_script.cache_clear()
    yield
    counters._redis_script.cache_clear()


def test_concurrent_hits_are_each_counted_once_on_redis(redis_counters):
    name = f"race-{uuid.uuid4()}"
    seen = _threads(name, threads=8, hits=40)
    assert sorted(seen) == list(range(1, 321))
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    key = counters._key(name)
    assert 3590 <= client.ttl(key) <= 3600  # the window's expiry, set by its first hit
    assert not client.keys(f"*{name}*")  # the name is stored only as a hash
    client.delete(key)


def _ask(body: dict, start: threading.Barrier, statuses: list[int]) -> None:
    try:
        start.wait(timeout=60)
        statuses.append(Client().post(reverse("subject-access"), body).status_code)
    finally:
        connections.close_all()


@pytest.mark.postgres_only("concurrent requests, each with its own connection")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("countries")
def test_concurrent_requests_never_get_past_the_rate_limit(request, settings):
    settings.ENLIST_SUBJECT_ACCESS_PER_HOUR = 5
    body = {"reference": "IL-2345-6X", "email": "someone@example.org"}
    statuses: list[int] = []
    start = threading.Barrier(16)
    workers = [threading.Thread(target=_ask, args=(body, start, statuses)) for _ in range(16)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert sorted(statuses) == [200] * 5 + [429] * 11
