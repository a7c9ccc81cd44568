"""Reports at a million applications: the dashboards' pages answered from the counts.

    python benchmarks/reports.py [--size 1000000] [--requests 20] [--seed 7]

A throw-away data directory (SQLite, or ``DATABASE_URL``'s PostgreSQL, which must be empty)
is migrated and given 52 missions. ``--size`` applications are drawn in memory with a
realistic shape (a surge in the first ten days, most volunteers at the embassy of their own
country, every stage of the journey with its own waiting times) and their contributions
summed by ``reports/tallies.py`` — the same function the rebuild and the incremental path
use — then stored as ``PipelineCount`` rows: exactly the tables a million cases produce,
without spending the bulk generator's quarter of an hour on the cases themselves.

Then each page is requested ``--requests`` times through Django's test client (middleware,
sign-in, templates, SVG): HQ's dashboard with the default period, with a year, filtered by
mission and by nationality; a mission's view; its XLSX export; the public page and API.
Printed: rows stored, the time to sum the contributions, and p50/p95 per page, as a
Markdown table. The issue's bar: p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

CHANNELS = (("web", 0.55), ("email", 0.2), ("phone", 0.12), ("walk_in", 0.08), ("import", 0.05))
# (stage, share of cases that stop here, days spent before moving on: mean)
JOURNEY = (
    ("submitted", 0.08, 2),
    ("screening", 0.10, 5),
    ("interview", 0.08, 12),
    ("visa", 0.05, 15),
    ("travel", 0.04, 9),
    ("arrived", 0.03, 4),
    ("enlisted", 1.0, 0),
)
SIDE = ("referred", "rejected", "withdrawn", "on_hold")


def _setup(data_dir: str) -> None:
    os.environ.setdefault("ENLIST_DATA_DIR", data_dir)
    os.environ.setdefault("ENLIST_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "enlist.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _missions(rng: random.Random):
    from enlist.missions.models import Country, Mission

    codes = list(Country.objects.order_by("code").values_list("code", flat=True))
    chosen = rng.sample(codes, 52)
    missions = []
    for code in chosen:
        missions.append(
            Mission.objects.create(
                code=f"{code.lower()}-capital",
                name=f"Embassy in {code}",
                country_id=code,
                city="Capital",
                timezone="UTC",
            )
        )
    return missions, codes


def _cases(size: int, rng: random.Random, missions, countries):
    from enlist.reports import tallies

    start = datetime.datetime(2026, 2, 27, tzinfo=datetime.UTC)
    weights = [1 / (i + 1) for i in range(len(missions))]  # a few large missions, many small
    channel_names = [c for c, _w in CHANNELS]
    channel_weights = [w for _c, w in CHANNELS]
    for _ in range(size):
        mission = rng.choices(missions, weights)[0]
        # most at the embassy in their own country; the others from the 52 countries too
        nationality = mission.country_id if rng.random() < 0.85 else rng.choice(countries)
        # a surge: about a fifth of everything in the first ten days, the rest over 270 days
        offset = rng.uniform(0, 10) if rng.random() < 0.2 else rng.uniform(0, 280)
        submitted = start + datetime.timedelta(days=offset)
        moves = [tallies.Move("submitted", submitted, "applicant")]
        at = submitted
        for stage, stop, days in JOURNEY:
            if moves[-1].stage != stage:
                moves.append(tallies.Move(stage, at, "clerk"))
            if rng.random() < stop:
                break
            at = at + datetime.timedelta(days=rng.expovariate(1 / max(days, 0.5)))
            if rng.random() < 0.04:
                moves.append(tallies.Move(rng.choice(SIDE), at, "attache"))
                break
        now = start + datetime.timedelta(days=290)
        moves = [m for m in moves if m.at <= now]
        channel = rng.choices(channel_names, channel_weights)[0]
        yield tallies.CaseFacts(mission.pk, nationality, channel, submitted, tuple(moves))


def _store(counts: Counter) -> int:
    from enlist.reports.models import PipelineCount

    rows = (
        PipelineCount(
            measure=m, day=d, mission_id=mi, nationality=n, dimension=dim, days=days, count=c
        )
        for (m, d, mi, n, dim, days), c in counts.items()
    )
    PipelineCount.objects.bulk_create(rows, batch_size=5_000)
    return len(counts)


def _client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from enlist.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
    from enlist.accounts.services import totp_device_add_confirmed
    from enlist.accounts.step_up import SECOND_FACTOR_AT

    client = Client()
    client.force_login(user)
    device = totp_device_add_confirmed(user=user, name="bench")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = session[SECOND_FACTOR_AT] = int(
        time.time()
    )
    session.save()
    return client


def _time(client, url: str, params: dict, requests: int) -> tuple[float, float]:
    timings = []
    for i in range(requests + 1):
        began = time.perf_counter()
        response = client.get(url, params)
        elapsed = time.perf_counter() - began
        assert response.status_code == 200, (url, response.status_code)
        if i:  # the first request warms caches and imports: not counted
            timings.append(elapsed * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    return statistics.median(timings), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    data_dir = tempfile.mkdtemp(prefix="enlist-reports-bench-")
    _setup(data_dir)
    from django.db import connection

    from enlist.accounts.models import StaffUser
    from enlist.reports import tallies

    missions, _codes = _missions(rng)
    countries = [m.country_id for m in missions]
    began = time.perf_counter()
    counts: Counter = Counter()
    for case in _cases(args.size, rng, missions, countries):
        counts.update(tallies.contribution(case))
    summed = time.perf_counter() - began
    began = time.perf_counter()
    rows = _store(counts)
    stored = time.perf_counter() - began
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    hq = StaffUser.objects.create_user(username="bench-hq", password=None, role="hq")
    big = missions[0]
    clerk = StaffUser.objects.create_user(
        username="bench-clerk", password=None, role="clerk", mission=big
    )
    hq_client, clerk_client = _client(hq), _client(clerk)
    from django.test import Client

    public = Client()
    year = {"from": "2026-03-01", "to": "2026-12-01"}
    pages = [
        ("HQ dashboard, last 90 days", hq_client, "/staff/reports/", {}),
        ("HQ dashboard, nine months", hq_client, "/staff/reports/", year),
        ("HQ dashboard, one mission", hq_client, "/staff/reports/", {**year, "mission": big.code}),
        (
            "HQ dashboard, one nationality",
            hq_client,
            "/staff/reports/",
            {**year, "nationality": big.country_id},
        ),  # fmt: skip
        ("Mission view (clerk)", clerk_client, f"/staff/reports/mission/{big.code}/", year),
        ("HQ export, XLSX", hq_client, "/staff/reports/export.xlsx", year),
        ("Public page", public, "/statistics/", {}),
        ("Public API", public, "/api/v1/stats/public", {}),
    ]
    print(
        f"{args.size:,} applications on {connection.vendor}: contributions summed in "
        f"{summed:.1f} s, {rows:,} count rows stored in {stored:.1f} s; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print("\n| page | p50 (ms) | p95 (ms) |\n|---|---:|---:|")
    slowest = ("", 0.0)
    for label, client, url, params in pages:
        p50, p95 = _time(client, url, params, args.requests)
        slowest = max(slowest, (label, p95), key=lambda x: x[1])
        print(f"| {label} | {p50:.0f} | {p95:.0f} |")
    print(f"\nslowest: {slowest[0]} ({slowest[1]:.0f} ms at p95); load average "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
