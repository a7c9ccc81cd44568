"""Intake under load: `enlist serve` (production settings, several processes) against its ceiling.

    python benchmarks/intake_load.py [--engines sqlite,postgresql] [--clients 8,32]
                                     [--seconds 10] [--workers N] [--no-worker]
                                     [--without-matching]
                                     [--postgres postgres://postgres@127.0.0.1:5432]

For each database a fresh installation (``intake_client.Site``: production settings, keys
on their own folder; on PostgreSQL a throw-away database named
``$ENLIST_BENCH_DATABASE_PREFIX_<random>``) is served by `enlist serve` with its default
worker count (2 × cores + 1), and, as in production, an `enlist worker` runs beside it on
the same cores (matching on arrival is a job the submission queues; ``--no-worker`` leaves
it out). A load client of its own, in two separate processes of threads, each thread a
persistent ``http.client`` connection, sends distinct public ``POST /api/v1/applications``
with an ``Idempotency-Key`` for ``--seconds`` at each client count. Reported: sustained
submissions/s (201 answers in the window), p50 and p99 latency, errors, and how many of the
queued matching jobs the worker had done by the end of each step.

The ceiling, measured in the same run on the same database once the server is stopped: the
rows one real submission writes (captured from the service with an execute wrapper: data
key, application, lookup digests, its queued job, history, idempotency record, audit entry,
audit subject, audit head) are inserted again directly through Django's database
connection, one transaction per submission, fresh ids and digests each time, by 1, 2, 4, 8,
16 and 32 concurrent connections; the best is the ceiling. The server's share of it is a
column. The machine is shared: the load average is printed with each database's rows.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from intake_client import Server, Site, payload, submit

HERE = Path(__file__).resolve().parent


def _client_process(port: int, threads: int, seconds: float, tag: str, out) -> None:
    stop_at = time.monotonic() + seconds
    results: list[tuple[float, int]] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        mine = []
        while time.monotonic() < stop_at:
            n += 1
            key = f"{tag}-{index}-{n}"
            started = time.perf_counter()
            try:
                status, _ = submit(connection, payload(hash(key) % 10_000_000, key), key)
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
            mine.append((time.perf_counter() - started, status))
        with lock:
            results.extend(mine)

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put(results)


def load(port: int, clients: int, seconds: float) -> dict:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    processes = 2 if clients >= 2 else 1
    tag = uuid.uuid4().hex[:8]
    procs = [
        context.Process(
            target=_client_process,
            args=(
                port,
                clients // processes + (i < clients % processes),
                seconds,
                f"{tag}{i}",
                out,
            ),
        )
        for i in range(processes)
    ]
    for proc in procs:
        proc.start()
    results = [item for _ in procs for item in out.get()]
    for proc in procs:
        proc.join()
    ok = sorted(latency for latency, status in results if status == 201)
    return {
        "clients": clients,
        "rate": len(ok) / seconds,
        "p50": statistics.median(ok) * 1000 if ok else float("nan"),
        "p99": ok[min(len(ok) - 1, int(len(ok) * 0.99))] * 1000 if ok else float("nan"),
        "errors": sum(1 for _, status in results if status != 201),
    }


CEILING_CONNECTIONS = (1, 2, 4, 8, 16, 32)


def ceiling_child(seconds: float) -> None:
    """Runs inside the site's environment (Django set up): prints {connections: rate}."""
    import datetime
    import re

    import django

    django.setup()
    from django.db import connection, connections, transaction

    from enlist.audit.models import AuditEntry, AuditHead
    from enlist.cases.models import Channel
    from enlist.intake.schemas import ApplicationIn
    from enlist.intake.services import application_submit, intake_context

    tag = uuid.uuid4().hex[:8]  # a person nobody else is: no match is found, none written
    data = ApplicationIn.model_validate_json(
        payload(uuid.uuid4().int % 10_000_000, tag), context=intake_context()
    )
    # (sql, params, many): with `many`, params is the list of rows of one executemany
    # (the audit subjects, the report counts' upsert), replayed as one executemany again.
    captured: list[tuple[str, tuple, bool]] = []

    def capture(execute, sql, params, many, context):
        verb = sql.lstrip().split()[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"} or "FROM audit_audithead" in sql:
            rows = tuple(tuple(row) for row in params) if many else tuple(params or ())
            captured.append((sql, rows, many))
        return execute(sql, params, many, context)

    # A first submission outside the capture: the audit head row exists from then on.
    first = ApplicationIn.model_validate_json(payload(1, tag + "x"), context=intake_context())
    application_submit(data=first, channel=Channel.WEB)
    with connection.execute_wrapper(capture):
        application_submit(
            data=data, channel=Channel.WEB, idempotency_key=uuid.uuid4().hex, body=b"{}"
        )
    # A flagged duplicate pair names an earlier application: not a row of every submission.
    captured[:] = [c for c in captured if "matching_matchcandidate" not in c[0]]
    writes = [sql.split()[2] for sql, *_ in captured if sql.lstrip().upper().startswith("INSERT")]
    if len(writes) < 8:
        raise RuntimeError(f"expected a submission's inserts, captured {writes}")
    head = AuditHead.objects.get()
    entry_id = AuditEntry.objects.order_by("-sequence").values_list("id", flat=True).first()
    hex32 = re.compile(r"[0-9a-f]{32}")
    hex64 = re.compile(r"[0-9a-f]{64}")
    uuid36 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    del datetime

    def one_submission() -> None:
        mapping: dict[object, object] = {}
        replaced: dict[str, int] = {}

        def remap(value: object) -> object:
            if isinstance(value, uuid.UUID):
                return mapping.setdefault(value, uuid.uuid4())
            if isinstance(value, str) and hex32.fullmatch(value):  # a UUID on SQLite
                return remap(uuid.UUID(value)).hex
            if isinstance(value, str) and uuid36.fullmatch(value):  # a UUID as text (audit)
                return str(remap(uuid.UUID(value)))
            if isinstance(value, str) and hex64.fullmatch(value):  # an audit hash
                return mapping.setdefault(value, os.urandom(32).hex())
            if isinstance(value, bytes | memoryview):
                raw = bytes(value)
                return mapping.setdefault(raw, os.urandom(len(raw)))
            if isinstance(getattr(value, "obj", None), bytes | memoryview):  # psycopg's Binary
                return type(value)(remap(value.obj))
            return value

        def swap(params: tuple, old: int, new: int) -> tuple:
            """The first integer parameter equal to `old` becomes `new` (sequence, entry id)."""
            out, done = [], False
            for p in params:
                if not done and isinstance(p, int) and not isinstance(p, bool) and p == old:
                    out.append(new)
                    done = True
                else:
                    out.append(p)
            return tuple(out)

        def renew(sql: str, params: tuple) -> tuple:
            fresh = tuple(remap(p) for p in params)
            if "audit_auditentry" in sql:
                fresh = swap(fresh, head.sequence, replaced["sequence"])
            elif "audit_auditsubject" in sql:
                fresh = swap(fresh, entry_id, replaced["entry"])
            elif "UPDATE audit_audithead" in sql:
                fresh = (replaced["sequence"], *fresh[1:])
            return fresh

        with transaction.atomic(), connection.cursor() as cursor:
            for sql, params, many in captured:
                if "FROM audit_audithead" in sql:
                    cursor.execute(sql, params)
                    replaced["sequence"] = cursor.fetchone()[0] + 1
                    continue
                if many:
                    cursor.executemany(sql, [renew(sql, row) for row in params])
                    continue
                cursor.execute(sql, renew(sql, params))
                if "RETURNING" in sql and "audit_auditentry" in sql:
                    replaced["entry"] = cursor.fetchone()[0]

    one_submission()  # once before timing: a replay the database refuses stops here, loudly
    rates = {}
    for count in CEILING_CONNECTIONS:
        done = [0]
        failures: list[BaseException] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds

        def worker(stop_at: float = stop_at, lock=lock, done=done, failures=failures) -> None:
            mine = 0
            try:
                while time.monotonic() < stop_at:
                    one_submission()
                    mine += 1
            except BaseException as error:
                with lock:
                    failures.append(error)
            finally:
                with lock:
                    done[0] += mine
                connections.close_all()

        threads = [threading.Thread(target=worker) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:  # a thread's error would otherwise only lower the rate (to 0 at worst)
            raise RuntimeError(
                f"{len(failures)} of {count} ceiling connections failed"
            ) from failures[0]
        rates[count] = done[0] / seconds
    print(json.dumps({"rates": rates, "tables": writes}))


# How far the worker beside the server got with the matching jobs the submissions queued.
JOBS = (
    "from enlist.jobs.models import Job; q = Job.objects.filter(kind='matching.on_arrival'); "
    "print(f\"{q.filter(status='done').count()} / {q.count()}\")"
)

# Matching on arrival switched off in the server only (``--without-matching``): what the
# submission costs without it, for comparison. Never how Enlist runs.
NO_MATCHING = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'enlist.settings'); "
    "django.setup(); import enlist.intake.services as s; "
    "s.application_match_on_arrival = lambda **kwargs: None"
)  # since matching is a job, this only leaves out queueing it


def run(engine: str, args: argparse.Namespace) -> dict:
    site = Site(engine, args.postgres, production=True)
    rows = []
    variants = [("with matching", "")]
    if args.without_matching:
        variants.append(("without matching", NO_MATCHING))
    for variant, prelude in variants:
        server = Server(site, workers=args.workers, prelude=prelude)
        server.start()
        # As in production: a worker beside the server runs the jobs the submissions queue
        # (matching on arrival), on the same cores.
        worker = None if args.no_worker else site.worker()
        try:
            load(server.port, 4, 2)  # warm-up: every worker has served once
            for clients in args.clients:
                row = {**load(server.port, clients, args.seconds), "variant": variant}
                jobs = site.enlist("shell", "--verbosity", "0", "-c", JOBS).stdout
                row["matched"] = jobs.strip().splitlines()[-1]
                rows.append(row)
        finally:
            server.stop()
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=60)
    child = subprocess.run(  # noqa: S603
        [sys.executable, str(HERE / "intake_load.py"), "--ceiling-child",
         str(args.ceiling_seconds)],
        env={**site.env, "DJANGO_SETTINGS_MODULE": "enlist.settings",
             "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
        cwd=site.data_dir, capture_output=True, text=True, check=False,
    )  # fmt: skip
    site.drop()
    if child.returncode != 0:
        raise RuntimeError(f"the ceiling child failed:\n{child.stderr[-3000:]}")
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    rates = {int(k): v for k, v in measured["rates"].items()}
    if not rates or max(rates.values()) <= 0:
        raise RuntimeError(f"the ceiling measured nothing: {rates}\n{child.stderr[-3000:]}")
    if not rows or any(row["rate"] <= 0 for row in rows):
        raise RuntimeError(
            f"the server acknowledged nothing in a step: {rows}\n"
            f"{(site.root / 'serve.log').read_text()[-3000:]}"
        )
    load_average = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return {"engine": engine, "rows": rows, "ceiling": rates, "tables": measured["tables"],
            "load": load_average}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--clients", default="8,32")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--ceiling-seconds", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--no-worker", action="store_true", help="run no `enlist worker` beside the server"
    )
    parser.add_argument(
        "--without-matching",
        action="store_true",
        help="also measure with matching on arrival switched off (for comparison only)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ENLIST_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--ceiling-child", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ceiling_child is not None:
        ceiling_child(args.ceiling_child)
        return 0
    args.clients = [int(c) for c in args.clients.split(",")]
    results = [run(engine, args) for engine in args.engines.split(",") if engine]
    load_average = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average after the run: {load_average} on {os.cpu_count()} cores")
    print(
        "| database | submit path | clients | submissions/s | p50 ms | p99 ms | errors | ceiling/s "
        "(best of 1-32 conns) | share of ceiling | matching jobs done / queued |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for result in results:
        best_connections, best = max(result["ceiling"].items(), key=lambda kv: kv[1])
        for row in result["rows"]:
            print(
                f"| {result['engine']} | {row['variant']} | {row['clients']} | {row['rate']:.0f} | "
                f"{row['p50']:.0f} | {row['p99']:.0f} | {row['errors']} | "
                f"{best:.0f} ({best_connections}) | {row['rate'] / best:.0%} | "
                f"{row.get('matched', '-')} |"
            )
    for result in results:
        print(f"load average during {result['engine']}: {result['load']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
