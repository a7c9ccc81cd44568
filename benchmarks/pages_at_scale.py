"""Every list page at scale: a database of N applications built by ``enlist demo --size N``.

    python benchmarks/pages_at_scale.py --database sqlite|postgres [--size 1000000]
        [--data-dir DIR] [--requests 20] [--build-only] [--rebuild]

1. **Build (or reuse).** The data directory (``--data-dir``, default
   ``/tmp/enlist-pages-at-scale/<database>``) holds the SQLite file, or on PostgreSQL the keys
   for ``--postgres-url`` (default ``postgres://postgres@127.0.0.1:5432/enlist_i15_million_bench``).
   If it holds a finished bulk demo of ``--size`` applications it is reused; otherwise it is
   reset and built with the generator (``demo_build(bulk=True)``), and the build's wall time,
   CPU time and peak memory are kept in ``build.json`` beside it for later runs to print.
2. **Pages.** Signed in with Django's test client as each role that sees the page (force
   login: the sign-in itself is not measured), every list page and filter is requested
   ``--requests`` times after one warm-up request: the case list unfiltered, by stage,
   mission, nationality, days waiting, a deep page, the search by reference, exact name,
   passport, email and phone (POST, as the page sends them), the duplicates queue, the
   audit trail, travel, units, interviews (calendar and queue), the API list and search,
   and the reports pages and public statistics when their URLs resolve.
3. **Table.** page, role, p50, p95 (milliseconds), rows shown, and the slowest page; with
   the build's figures and the load average. Run it under ``nice`` on a shared machine.

Nothing here is a test: no figure is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/enlist_i15_million_bench"


def _environment(args: argparse.Namespace) -> Path:
    data = Path(args.data_dir or f"/tmp/enlist-pages-at-scale/{args.database}")  # noqa: S108  # nosec B108  # a benchmark's scratch directory
    data.mkdir(parents=True, exist_ok=True)
    os.environ["ENLIST_DATA_DIR"] = str(data)
    os.environ.setdefault("ENLIST_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enlist.settings")
    if args.database == "postgres":
        os.environ["DATABASE_URL"] = args.postgres_url
        _postgres_database_ensure(args.postgres_url)
    else:
        os.environ.pop("DATABASE_URL", None)
    return data


def _postgres_database_ensure(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')  # name from our own option


def _build(args: argparse.Namespace, data: Path) -> dict:
    from django.core.management import call_command

    from enlist.cases.models import Application
    from enlist.demo.generator import DemoState, database_reset, demo_build, demo_state

    record = data / "build.json"
    call_command("migrate", interactive=False, verbosity=0)
    if not args.rebuild and demo_state() == DemoState.COMPLETE and record.exists():
        built = json.loads(record.read_text())
        if built.get("size") == args.size and Application.objects.count() >= args.size:
            return built
    database_reset(confirmed=True)
    call_command("migrate", interactive=False, verbosity=0)
    load = os.getloadavg()
    cpu = time.process_time()
    report = demo_build(
        applications=args.size,
        seed=args.seed,
        logins_file=data / "demo-logins.txt",
        progress=True,
        bulk=True,
    )
    children = os.times()
    built = {
        "size": args.size,
        "database": args.database,
        "seconds": round(report.seconds, 1),
        "cpu_seconds_writer": round(time.process_time() - cpu, 1),
        "cpu_seconds_workers": round(children.children_user + children.children_system, 1),
        "peak_memory_mib_writer": round(_peak_mib(resource.RUSAGE_SELF)),
        "peak_memory_mib_worker": round(_peak_mib(resource.RUSAGE_CHILDREN)),
        "rows": report.rows,
        "load_before": [round(x, 2) for x in load],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    record.write_text(json.dumps(built, indent=2))
    return built


def _peak_mib(who: int) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# --------------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------------


def _users() -> dict[str, object]:
    from enlist.accounts.models import StaffUser
    from enlist.accounts.services import staff_add

    wanted = {"clerk": "clerk", "attache": "attache", "consul": "consul", "hq": "hq",
              "auditor": "auditor", "reception": "reception"}  # fmt: skip
    users = {}
    for role, username in wanted.items():
        user = StaffUser.objects.filter(username=username).first()
        if user is None:  # an interrupted build: its last accounts were never made
            user = staff_add(username=username, role=role, password=None)
        users[role] = user
    return users


def _samples() -> dict[str, str]:
    """Values to search for, read from one stored case (decrypted here, never printed)."""
    from enlist.cases.models import Application

    case = (
        Application.objects.filter(mission__code="lt-vilnius", phone__isnull=False)
        .exclude(passport_number__isnull=True)
        .order_by("submitted_at")
        .first()
    )
    nationality = (
        Application.objects.filter(mission__code="lt-vilnius").values_list(
            "nationality_id", flat=True
        )
    ).first()
    from enlist.core.cursor import Cursor

    def deep(queryset) -> str:
        # The cursor the pager's Next link carries on page 40 (found once, by OFFSET, here).
        row = queryset.order_by("-submitted_at", "pk").values_list("submitted_at", "pk")[974]
        return Cursor(row[0], row[1]).token()

    return {
        "deep_hq": deep(Application.objects.all()),
        "deep_clerk": deep(Application.objects.filter(mission__code="lt-vilnius")),
        "reference": case.reference,
        "name": f"{case.given_name} {case.family_name}",
        "passport": case.passport_number,
        "email": case.email,
        "phone": case.phone,
        "nationality": nationality,
        "case": str(case.pk),
    }


def _requests(samples: dict[str, str]) -> list[tuple[str, str, str, str, dict | None]]:
    """(label, role, method, url, body) for every list page and filter."""
    pages: list[tuple[str, str, str, str, dict | None]] = []
    deep = {"clerk": samples["deep_clerk"], "hq": samples["deep_hq"]}
    for role in ("clerk", "hq"):
        pages += [
            ("case list", role, "GET", "/staff/", None),
            ("case list: stage screening", role, "GET", "/staff/?stage=screening", None),
            ("case list: stage enlisted", role, "GET", "/staff/?stage=enlisted", None),
            (
                "case list: nationality",
                role,
                "GET",
                f"/staff/?nationality={samples['nationality']}",
                None,
            ),  # fmt: skip
            ("case list: waiting > 14 days", role, "GET", "/staff/?waiting_days=14", None),
            ("case list: page 40", role, "GET", f"/staff/?after={deep[role]}&page=40", None),
        ]
    pages += [
        ("case list: mission", "hq", "GET", "/staff/?mission=us-new-york", None),
        ("case list: mission + stage", "hq", "GET", "/staff/?mission=us-new-york&stage=visa", None),
    ]
    for role in ("clerk", "hq"):
        for kind in ("reference", "name", "passport", "email", "phone"):
            pages.append((f"search: {kind}", role, "POST", "/staff/", {"q": samples[kind]}))
    pages += [
        ("API list", "hq", "GET", "/api/v1/applications?stage=interview", None),
        ("API list", "clerk", "GET", "/api/v1/applications", None),
        (
            "API search: email",
            "hq",
            "POST",
            "/api/v1/applications/search",
            {"q": samples["email"]},
        ),  # fmt: skip
        ("duplicates queue", "hq", "GET", "/staff/duplicates/", None),
        ("audit trail", "auditor", "GET", "/audit/", None),
        ("audit trail: one case", "auditor", "GET", f"/audit/cases/{samples['case']}/", None),
        ("travel", "hq", "GET", "/staff/travel/", None),
        ("units", "hq", "GET", "/staff/units/", None),
        ("interviews: calendar", "attache", "GET", "/staff/interviews/", None),
        ("interviews: queue", "attache", "GET", "/staff/interviews/queue/", None),
    ]
    for route in _report_routes():
        pages.append((f"reports: /{route}", "hq", "GET", f"/{route}", None))
    from django.test import Client

    if Client().get("/api/v1/stats/public").status_code == 200:
        pages.append(("public statistics", "anonymous", "GET", "/api/v1/stats/public", None))
    return pages


def _report_routes() -> list[str]:
    """The reports app's pages without path parameters (none when it is not installed)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif (
                isinstance(pattern, URLPattern)
                and "<" not in route
                and "^" not in route
                and route.startswith("staff/reports/")
                and not route.endswith((".csv", ".xlsx"))
            ):
                found.append(route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def _client(user: object | None) -> object:
    """A test client signed in as the staff sign-in leaves it: both factors, just now."""
    from django.test import Client

    client = Client()
    if user is None:
        return client
    from django_otp import DEVICE_ID_SESSION_KEY

    from enlist.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
    from enlist.accounts.models import SealedTotpDevice
    from enlist.accounts.services import totp_device_add_confirmed
    from enlist.accounts.step_up import SECOND_FACTOR_AT

    client.force_login(user)
    device = SealedTotpDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = totp_device_add_confirmed(user=user, name="benchmark")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = session[SECOND_FACTOR_AT] = int(
        time.time()
    )
    session.save()
    return client


def _rows_of(response: object) -> int | str:
    context = getattr(response, "context", None)
    if context is not None:
        for key in ("rows", "entries", "pairs", "items", "page", "week", "packets"):
            try:
                value = context[key]
            except KeyError:
                continue
            try:
                return len(value)
            except TypeError:
                continue
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.loads(response.content)
        if isinstance(body, dict) and "items" in body:
            return len(body["items"])
    return "-"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20220227)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    data = _environment(args)
    import django

    django.setup()
    built = _build(args, data)
    print(f"build: {json.dumps(built)}", flush=True)
    if args.build_only:
        return
    _pages(args, built)


def _pages(args: argparse.Namespace, built: dict) -> None:
    from django.conf import settings
    from django.test.utils import setup_test_environment

    from enlist.accounts.services import staff_token_create
    from enlist.cases.models import Application

    # The test client then keeps each response's template context: the "rows" column.
    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    users = _users()
    samples = _samples()
    tokens = {role: staff_token_create(user=user) for role, user in users.items()}
    clients = {role: _client(user) for role, user in users.items()}
    clients["anonymous"] = _client(None)
    results = []
    for label, role, method, url, body in _requests(samples):
        client = clients[role]
        api = url.startswith("/api/v1/applications")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[role]}"} if api else {}

        def call(client=client, method=method, url=url, body=body, api=api, headers=headers):
            if method == "GET":
                return client.get(url, **headers)
            if api:
                return client.post(
                    url, json.dumps(body), content_type="application/json", **headers
                )
            return client.post(url, body, **headers)

        response = call()  # warm-up: caches, the first unwrapped keys
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - started) * 1000)
        results.append(
            {
                "page": label,
                "role": role,
                "status": response.status_code,
                "p50": statistics.median(times),
                "p95": _percentile(times, 0.95),
                "rows": _rows_of(response),
            }
        )
        print(
            f"  {label:32} {role:9} {response.status_code} "
            f"p50 {results[-1]['p50']:7.1f} ms  p95 {results[-1]['p95']:7.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    load = os.getloadavg()
    count = Application.objects.count()
    print()
    print(
        f"### {args.database}: {count:,} applications; load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        f"Generator: {built['seconds']:.0f} s wall, CPU {built['cpu_seconds_writer']:.0f} s "
        f"(writer) + {built['cpu_seconds_workers']:.0f} s (workers), peak memory "
        f"{built['peak_memory_mib_writer']} MiB (writer) / {built['peak_memory_mib_worker']} "
        f"MiB (largest worker), {built['rows']:,} rows; load during the build "
        f"{built['load_before'][0]} → {built['load_after'][0]}"
    )
    print()
    print("| page | role | status | p50 ms | p95 ms | rows |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['page']} | {r['role']} | {r['status']} | {r['p50']:.1f} | {r['p95']:.1f} "
            f"| {r['rows']} |"
        )
    slowest = max(results, key=lambda r: r["p95"])
    print()
    print(f"Slowest page: {slowest['page']} ({slowest['role']}), p95 {slowest['p95']:.1f} ms.")


if __name__ == "__main__":
    main()
