"""CPU and queries per submission, in process: the WSGI application as `enlist serve` loads it.

    python benchmarks/intake_cpu.py [--engines sqlite,postgresql] [--submissions 300]
                                    [--profile FILE] [--postgres postgres://…]

For each database a fresh installation (``intake_client.Site``: production settings, keys
apart) is made; a child process with that installation's environment loads
``enlist.wsgi.application`` once (as gunicorn's ``--preload`` does), sends it a warm-up, then
``--submissions`` distinct public ``POST /api/v1/applications`` with an ``Idempotency-Key``,
one after the other, each through the whole WSGI stack (every middleware, the request log,
the commit). Reported per submission: CPU milliseconds of the process (``time.process_time``,
which does not count the time the database server spends, nor time spent waiting) and the
number of SQL statements, of which how many inside the submission's transaction.
``--profile FILE`` writes a cProfile of the timed loop (``FILE.<engine>``; read it with
``python -m pstats``). Less noisy on a shared machine than a rate: CPU time is the process's
own, whatever else runs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from intake_client import Site, payload

HERE = Path(__file__).resolve().parent


def child(submissions: int, profile: str) -> None:
    """Runs inside the site's environment: prints one JSON line of figures."""
    import cProfile

    from django.db import connection

    from enlist.wsgi import application

    tag = uuid.uuid4().hex[:8]
    statements: list[bool] = []  # for each statement: was it inside a transaction?

    def count(execute, sql, params, many, context):
        statements.append(connection.in_atomic_block)
        return execute(sql, params, many, context)

    def post(n: int) -> int:
        body = payload(n, tag)
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/applications",
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_HOST": "127.0.0.1",
            "HTTP_IDEMPOTENCY_KEY": f"{tag}-{n}",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        answer: list[str] = []
        chunks = application(environ, lambda status, headers, *_: answer.append(status))
        b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return int(answer[0].split()[0])

    for n in range(5):  # warm-up: the first request imports and caches what the rest reuse
        if (status := post(n)) != 201:
            raise RuntimeError(f"warm-up submission answered {status}")
    # CPU time, not wall time: on a shared machine the waits would swamp the picture.
    profiler = cProfile.Profile(time.process_time) if profile else None
    statuses = []
    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        for n in range(5, 5 + submissions):
            statuses.append(post(n))
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - started
    if profiler:
        profiler.dump_stats(profile)
    if any(status != 201 for status in statuses):
        raise RuntimeError(f"answers other than 201: {sorted(set(statuses))}")
    print(
        json.dumps(
            {
                "cpu_ms": cpu * 1000 / submissions,
                "wall_ms": wall * 1000 / submissions,
                "statements": len(statements) / submissions,
                "inside": sum(statements) / submissions,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--profile", default="")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ENLIST_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.submissions, args.profile)
        return 0
    print("| database | CPU ms / submission | wall ms | statements | in its transaction |")
    print("|---|---|---|---|---|")
    for engine in [e for e in args.engines.split(",") if e]:
        site = Site(engine, args.postgres, production=True)
        try:
            profile = f"{args.profile}.{engine}" if args.profile else ""
            run = subprocess.run(  # noqa: S603
                [sys.executable, str(HERE / "intake_cpu.py"), "--child", "--submissions",
                 str(args.submissions), "--profile", profile],
                env={**site.env, "DJANGO_SETTINGS_MODULE": "enlist.settings",
                     "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
                cwd=site.data_dir, capture_output=True, text=True, check=False,
            )  # fmt: skip
        finally:
            site.drop()
        if run.returncode != 0:
            raise RuntimeError(f"the {engine} child failed:\n{run.stderr[-3000:]}")
        figures = json.loads(run.stdout.strip().splitlines()[-1])
        print(
            f"| {engine} | {figures['cpu_ms']:.2f} | {figures['wall_ms']:.2f} | "
            f"{figures['statements']:.1f} | {figures['inside']:.1f} |"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
