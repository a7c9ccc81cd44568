"""Counters shared by every process and every machine: rate limits and hit counts.

``counter_hit(name, seconds=…)`` counts one hit on `name` in its current window (a fixed
window of `seconds`, opened by its first hit) and returns the count, this hit included. It
is atomic: N concurrent hits, from any number of processes and machines, return N distinct
counts and leave N. (Django's cache ``incr`` is a read and a write, not atomic on the
database cache: concurrent requests read the same count and undercount a limit.)

Where the counts live:
- the database (default): one row per counter in ``core.Counter``, changed by a single
  upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``; PostgreSQL locks the row,
  SQLite's write lock serialises writers), so every server sharing the database counts
  together with no extra service;
- Redis when ``ENLIST_REDIS_URL`` is set: ``INCR`` and the window's expiry in one Lua
  script, atomic on the Redis server.

Names are hashed (SHA-256) before they are stored: a client address or an application id
never lands in the table or in Redis in clear.
"""

from __future__ import annotations

import functools
import hashlib
import time
from typing import Any

from django.conf import settings
from django.db import connection

from enlist.core.models import Counter

_TABLE = Counter._meta.db_table
# One statement: a new counter starts at 1; an existing one counts on, or starts again at 1
# once its window is over. Both engines support ON CONFLICT … RETURNING (SQLite ≥ 3.35).
_HIT = (
    f'INSERT INTO "{_TABLE}" ("digest", "count", "expires") VALUES (%s, 1, %s) '  # noqa: S608  # nosec B608  # table name from model metadata, values bound
    'ON CONFLICT ("digest") DO UPDATE SET '
    f'"count" = CASE WHEN "{_TABLE}"."expires" <= %s THEN 1 ELSE "{_TABLE}"."count" + 1 END, '
    f'"expires" = CASE WHEN "{_TABLE}"."expires" <= %s THEN excluded."expires" '
    f'ELSE "{_TABLE}"."expires" END '
    'RETURNING "count"'
)
# Redis: the first hit of a window sets its expiry, in the same atomic step as the count.
_REDIS_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('TTL', KEYS[1]) < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


def _key(name: str) -> str:
    return "enlist:counter:" + hashlib.sha256(name.encode()).hexdigest()[:64]


def counter_hit(name: str, *, seconds: int) -> int:
    """Count one hit on `name` in its window of `seconds`; the count so far, this one
    included (1 for the first hit of a window). Atomic across processes and machines."""
    if seconds < 1:
        raise ValueError("a counter's window is at least one second")
    key = _key(name)
    if settings.ENLIST_REDIS_URL:
        return int(_redis_script()(keys=[key], args=[seconds]))
    now = int(time.time())
    with connection.cursor() as cursor:
        cursor.execute(_HIT, [key, now + seconds, now, now])
        (count,) = cursor.fetchone()
    return int(count)


def counters_purge(*, now: float | None = None) -> int:
    """Delete the database counters whose window is over (the daily jobs.purge)."""
    deleted, _ = Counter.objects.filter(expires__lte=int(now or time.time())).delete()
    return deleted


@functools.cache
def _redis_script() -> Any:
    # One client (a connection pool) per process: connections, not state. Imported only when
    # Redis is configured: the `redis` package is needed for it only.
    import redis

    client = redis.Redis.from_url(settings.ENLIST_REDIS_URL)
    return client.register_script(_REDIS_HIT)
