"""Channels at scale: a spreadsheet import against stored cases, and mail through the listener.

    python benchmarks/channels.py [--stored 2000] [--rows 2000] [--mails 1000] [--seed 7]

A throw-away data directory (SQLite, or ``DATABASE_URL``'s PostgreSQL, which must be empty)
is migrated and given one mission. Then:

1. **Import.** ``--stored`` cases are created through ``application_submit`` (the baseline
   every channel shares: key, sealing, digests, matching on arrival, audit), then a CSV of
   ``--rows`` rows (a tenth of them re-typed copies of stored volunteers, another tenth with
   a bad date) is imported with ``enlist import``'s service. Measured: wall time and rows/s
   of each, and what the import flagged as possible duplicates.
2. **Mail.** ``--mails`` messages (plain text, a third with a PDF attachment) are sent with
   smtplib over one connection to ``enlist mail serve``'s listener running in this process.
   Measured per message from DATA to the 250 answer (stored, sealed, audited): throughput,
   p50 and p99.

The table says how long 100,000 rows would take at the measured rate: the issue's target is
100,000 rows against 100,000 stored cases in under 2 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import smtplib
import socket
import sys
import tempfile
import time
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

GIVEN = ["Oleksandr", "Ivan", "Maria", "Olena", "John", "Pedro", "Anna", "Taras", "Kevin"]
FAMILY = ["Kovalenko", "Petrenko", "Smith", "Garcia", "Boyko", "Shevchuk", "Novak", "Cote"]
HEADERS = [
    "given_name", "family_name", "date_of_birth", "nationality", "residence_country",
    "email", "phone", "passport_number", "languages", "military_experience.years",
]  # fmt: skip


def _setup() -> None:
    data = tempfile.mkdtemp(prefix="enlist-bench-")
    os.environ.setdefault("ENLIST_DATA_DIR", data)
    os.environ.setdefault("ENLIST_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enlist.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from enlist.missions.models import Country, Mission
    from enlist.missions.seed import country_rows

    Country.objects.bulk_create([Country(**row) for row in country_rows()], ignore_conflicts=True)
    Mission.objects.get_or_create(
        code="lt-vilnius",
        defaults={"name": "Embassy", "country_id": "LT", "city": "Vilnius",
                  "timezone": "Europe/Vilnius"},
    )  # fmt: skip


def _person(rng: random.Random, n: int) -> dict[str, str]:
    return {
        "given_name": rng.choice(GIVEN),
        "family_name": f"{rng.choice(FAMILY)}{n}",
        "date_of_birth": (
            f"{rng.randint(1965, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        ),
        "nationality": rng.choice(["CA", "US", "ES", "PL", "LT"]),
        "residence_country": "CA",
        "email": f"p{n}@example.org",
        "phone": f"+1 416 555 {n % 10000:04d}",
        "passport_number": f"XK{1000000 + n}",
        "languages": "en",
        "military_experience.years": str(rng.randint(0, 20)),
    }


def _payload(person: dict[str, str]) -> dict:
    body = {k: v for k, v in person.items() if "." not in k}
    body["languages"] = [body["languages"]]
    body["military_experience"] = {"years": int(person["military_experience.years"])}
    body.update(mission="lt-vilnius", consent=True, legal_advisory_acknowledged=True)
    return body


def bench_import(stored: int, rows: int, seed: int) -> list[tuple[str, str, str]]:
    from enlist.cases.models import Channel
    from enlist.intake.imports import spreadsheet_import
    from enlist.intake.schemas import ApplicationIn
    from enlist.intake.services import application_submit
    from enlist.matching.models import MatchCandidate
    from enlist.missions.models import Mission

    rng = random.Random(seed)
    people = [_person(rng, n) for n in range(stored)]
    start = time.perf_counter()
    for person in people:
        data = ApplicationIn.model_validate(_payload(person), strict=False)
        application_submit(data=data, channel=Channel.WEB)
    stored_s = time.perf_counter() - start
    path = Path(tempfile.mkdtemp()) / "sheet.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for n in range(rows):
            if n % 10 == 0 and people:  # the same volunteer again, typed differently
                row = dict(rng.choice(people))
                row["given_name"] = row["given_name"].upper()
                row["email"] = "other" + row["email"]
            else:
                row = _person(rng, stored + n)
            if n % 10 == 5:
                row["date_of_birth"] = "31.02.1990"
            writer.writerow([row[h] for h in HEADERS])
    flagged_before = MatchCandidate.objects.count()
    start = time.perf_counter()
    report = spreadsheet_import(path=path, mission=Mission.objects.get(), actor=None)
    import_s = time.perf_counter() - start
    flagged = MatchCandidate.objects.count() - flagged_before
    per_row = import_s / max(1, report.rows)
    return [
        ("baseline: one application_submit per stored case", f"{stored}",
         f"{stored_s:.1f} s ({stored / stored_s:.0f}/s)"),
        ("import (CSV) against them", f"{report.rows} rows",
         f"{import_s:.1f} s ({report.rows / import_s:.0f} rows/s)"),
        ("  imported / rejected / flagged as duplicates", "",
         f"{report.imported} / {len(report.rejected)} / {flagged}"),
        ("  100,000 rows at this rate (target < 120 s)", "extrapolated",
         f"{100_000 * per_row:.0f} s"),
    ]  # fmt: skip


def bench_mail(mails: int, seed: int) -> list[tuple[str, str, str]]:
    from enlist.mailin.listener import IntakeController
    from enlist.mailin.models import InboundMessage, Mailbox
    from enlist.missions.models import Mission

    Mailbox.objects.get_or_create(mission=Mission.objects.get(), defaults={"address": "in@b.test"})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = IntakeController(host="127.0.0.1", port=port)
    controller.start()
    rng = random.Random(seed)
    latencies = []
    try:
        client = smtplib.SMTP("127.0.0.1", port)
        start = time.perf_counter()
        for n in range(mails):
            msg = EmailMessage()
            msg["From"] = f"Volunteer {n} <v{n}@example.org>"
            msg["To"] = "in@b.test"
            msg["Subject"] = f"Volunteering {n}"
            msg["Message-ID"] = f"<bench{n}.{seed}@example.org>"
            msg.set_content("Hello, I would like to join. " * rng.randint(1, 40))
            if n % 3 == 0:
                msg.add_attachment(os.urandom(50_000), maintype="application", subtype="pdf",
                                   filename="scan.pdf")  # fmt: skip
            raw = msg.as_bytes(policy=SMTP_POLICY)
            t0 = time.perf_counter()
            client.sendmail(f"v{n}@example.org", ["in@b.test"], raw)
            latencies.append(time.perf_counter() - t0)
        total = time.perf_counter() - start
        client.quit()
    finally:
        controller.stop()
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    stored = InboundMessage.objects.count()
    return [
        ("mail through the SMTP listener", f"{mails} messages",
         f"{total:.1f} s ({mails / total:.1f} msg/s)"),
        ("  per message p50 / p99 (DATA → 250, stored and sealed)", "",
         f"{p50 * 1000:.0f} ms / {p99 * 1000:.0f} ms"),
        ("  stored", "", f"{stored} of {mails}"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    _setup()
    from django.db import connection

    load = os.getloadavg()
    rows = bench_import(args.stored, args.rows, args.seed) + bench_mail(args.mails, args.seed)
    print(f"database: {connection.vendor}; cores: {os.cpu_count()}; "
          f"load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")  # fmt: skip
    width = max(len(r[0]) for r in rows)
    print(f"| {'what'.ljust(width)} | size | result |")
    print(f"|{'-' * (width + 2)}|---|---|")
    for what, size, result in rows:
        print(f"| {what.ljust(width)} | {size} | {result} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
