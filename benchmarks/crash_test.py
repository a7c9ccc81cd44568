"""Crash test: kill -9 the server again and again under load; nothing acknowledged is lost.

    python benchmarks/crash_test.py [--submissions 2500] [--kills 7] [--clients 8]
                                    [--engines sqlite,postgresql]
                                    [--postgres postgres://postgres@127.0.0.1:5432]

For each database: a fresh installation (``intake_client.Site``), `enlist serve` started in
its own process group, ``--clients`` threads submitting ``--submissions`` distinct
applications with an ``Idempotency-Key`` each and retrying every failure (refused
connection, reset, timeout, 5xx) with the same key and body until a 201 comes back. Meanwhile
the killer waits for an even share of acknowledgements, then ``kill -9``s the master and all
workers at once and starts the server again, ``--kills`` times. Afterwards it counts:

- lost: acknowledged ids (a 201 was received) that are not in the database;
- duplicates: applications beyond one per submission, or a retry answered with another id;
- the audit chain: `enlist audit verify` must exit 0.

Exit status 0 only when every count is zero and the chain is intact; the last line is a
JSON summary (the short form in the test suite reads it). The processes killed are a list
(``victims``): the server and an `enlist worker` beside it (running the matching jobs the
submissions queue), killed together and started again together. After the load, once the
killed workers' leases ran out, one last `enlist worker --burst`; then every application
must have its matching job done (none lost to a kill) and its blocking digests written, and
no pair may be recorded twice (a job run again does no harm).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import sys
import threading
import time
import uuid

from intake_client import Server, Site, payload, submit

LEASE = 3  # seconds
COUNT = (
    "import json; from enlist.cases.models import Application; "
    "print(json.dumps([str(i) for i in Application.objects.values_list('id', flat=True)]))"
)
# The matching job each application queued: all done (none lost to a kill), each
# application's blocking digests written, every pair recorded once.
JOBS = """
import json
from django.db.models import Count
from enlist.cases.models import Application
from enlist.jobs.models import Job
from enlist.matching.models import MatchCandidate, MatchKey
jobs = Job.objects.filter(kind="matching.on_arrival")
queued = {j.payload["application"] for j in jobs}
ids = {str(i) for i in Application.objects.values_list("id", flat=True)}
keyed = {str(i) for i in MatchKey.objects.values_list("application_id", flat=True).distinct()}
pairs = MatchCandidate.objects.values("left", "right").annotate(n=Count("pk")).filter(n__gt=1)
print(json.dumps({"jobs": jobs.count(), "not_done": jobs.exclude(status="done").count(),
                  "unqueued": len(ids - queued), "unmatched": len(ids - keyed),
                  "twin_pairs": pairs.count()}))
"""


def run(engine: str, args: argparse.Namespace) -> dict:
    site = Site(engine, args.postgres, production=False)
    # A killed worker's job is claimed again once its lease runs out: seconds, not minutes.
    site.env["ENLIST_JOB_LEASE_SECONDS"] = str(LEASE)
    server = Server(site, workers=args.workers)
    worker = site.worker_process()
    victims = [server, worker]  # killed together, started again together
    tag = uuid.uuid4().hex[:6]
    work: queue.Queue[int] = queue.Queue()
    for n in range(args.submissions):
        work.put(n)
    acknowledged: dict[int, str] = {}
    mismatched: list[int] = []
    lock = threading.Lock()
    retries = [0]
    done = threading.Event()

    def client() -> None:
        connection = None
        while True:
            try:
                n = work.get_nowait()
            except queue.Empty:
                return
            key, body = f"crash-{tag}-{n}", payload(n, tag)
            while True:
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection(
                            "127.0.0.1", server.port, timeout=30
                        )
                    status, answer = submit(connection, body, key)
                except (OSError, http.client.HTTPException):
                    status, answer = 0, None
                if status == 201 and answer:
                    with lock:
                        earlier = acknowledged.setdefault(n, answer["id"])
                        if earlier != answer["id"]:
                            mismatched.append(n)
                    break
                if connection is not None:
                    connection.close()
                    connection = None
                with lock:
                    retries[0] += 1
                time.sleep(0.2)

    def killer() -> None:
        for kill in range(1, args.kills + 1):
            target = args.submissions * kill // (args.kills + 1)
            while len(acknowledged) < target and not done.is_set():
                time.sleep(0.01)
            if done.is_set():
                return
            for victim in victims:
                victim.kill()
            kills[0] += 1
            for victim in victims:
                victim.start()

    kills = [0]
    server.start()
    worker.start()
    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    killing = threading.Thread(target=killer)
    for thread in (*threads, killing):
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    killing.join()
    elapsed = time.monotonic() - started
    server.stop()
    worker.stop()
    # What the killed workers held is due again once its lease has run out: one last burst.
    time.sleep(LEASE + 1)
    site.enlist("worker", "--burst", "--no-schedule")
    jobs = json.loads(site.enlist("shell", "--verbosity", "0", "-c", JOBS).stdout.strip())

    stored = json.loads(site.enlist("shell", "--verbosity", "0", "-c", COUNT).stdout)
    verify = site.enlist("audit", "verify", "--no-progress", check=False)
    site.drop()
    stored_ids = set(stored)
    lost = sum(1 for i in acknowledged.values() if i not in stored_ids)
    duplicates = len(stored) - len(set(acknowledged.values())) + len(mismatched)
    return {
        "engine": engine,
        "submissions": args.submissions,
        "acknowledged": len(acknowledged),
        "kills": kills[0],
        "retries": retries[0],
        "lost": lost,
        "duplicates": duplicates,
        "stored": len(stored),
        "jobs": jobs,
        "audit_intact": verify.returncode == 0,
        "audit": (verify.stdout or verify.stderr).strip(),
        "seconds": round(elapsed, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=2500)
    parser.add_argument("--kills", type=int, default=7)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=None, help="server worker processes")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ENLIST_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="a PostgreSQL server where throw-away databases may be created",
    )
    args = parser.parse_args()
    results = [run(engine, args) for engine in args.engines.split(",") if engine]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(
        "| database | submissions | acknowledged | kills -9 | retries | lost | duplicates | audit |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['engine']} | {r['submissions']} | {r['acknowledged']} | {r['kills']} | "
              f"{r['retries']} | {r['lost']} | {r['duplicates']} | {r['audit']} |")  # fmt: skip
    print("| database | matching jobs | not done | applications without a job | unmatched | "
          "pairs recorded twice |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for r in results:
        j = r["jobs"]
        print(f"| {r['engine']} | {j['jobs']} | {j['not_done']} | {j['unqueued']} | "
              f"{j['unmatched']} | {j['twin_pairs']} |")  # fmt: skip
    ok = all(
        r["lost"] == 0 and r["duplicates"] == 0 and r["audit_intact"]
        and r["acknowledged"] == r["submissions"] and r["kills"] == args.kills
        and r["jobs"]["not_done"] == r["jobs"]["unqueued"] == r["jobs"]["unmatched"] == 0
        and r["jobs"]["twin_pairs"] == 0
        for r in results
    )  # fmt: skip
    print(json.dumps({"ok": ok, "results": results}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
