"""Channels at scale: a spreadsheet import against stored cases, and mail through the listener.

    python benchmarks/channels.py [--stored 100000] [--rows 100000] [--mails 1000] [--seed 7]

A throw-away data directory (SQLite, or ``DATABASE_URL``'s PostgreSQL, which must be empty)
is migrated and given one mission. Then:

1. **Import.** ``matching.synthetic_hostile`` makes ``--stored`` + ``--rows`` applicants
   (Zipf-distributed names per nationality, households and twins, renewed passports, repeats
   typed differently, five scripts); a tenth of them spoilt on purpose (impossible dates,
   unknown countries, no email). The first ``--stored`` are stored through the bulk intake
   path (``applications_submit_batch``: keys, sealing, digests, matching), the rest written
   to a CSV and imported with ``enlist import``'s service (``spreadsheet_import``: validated,
   sealed, matched against the stored cases and the file's other rows, audited). Measured:
   wall time, rows/s, peak resident memory of the import, what it flagged, the load average.
2. **Mail.** ``--mails`` messages (plain text, a third with a PDF attachment) are sent with
   smtplib over one connection to ``enlist mail serve``'s listener running in this process.
   Measured per message from DATA to the 250 answer (stored, sealed, audited): throughput,
   p50 and p99.

The issue's target: 100,000 rows against 100,000 stored cases in under 2 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import gc
import os
import random
import re
import resource
import smtplib
import socket
import sys
import tempfile
import time
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

from anyascii import anyascii
from tqdm import tqdm

HEADERS = [
    "given_name", "family_name", "given_name_native", "family_name_native", "date_of_birth",
    "nationality", "residence_country", "email", "phone", "passport_number", "languages",
    "military_experience.years",
]  # fmt: skip
# The hostile generator's repeats (a person applying again, typed differently) fall on both
# sides: some rows of the file repeat a stored case, others another row of the file.
NATIVE = re.compile(r"[^\x00-\u024f]")  # a name not in Latin script


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


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d %b %Y", "%m/%d/%Y", "%d/%m/%Y", "%Y%m%d")


def _iso_date(text: str) -> str:
    """A mission clerk's date as the intake contract reads it (the generator writes dates
    in the ways people do; a spreadsheet column is one format, usually ISO or European)."""
    for form in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), form).date().isoformat()  # noqa: DTZ007
        except ValueError:
            continue
    return text


def _iso_country(text: str) -> str:
    from enlist.matching.synthetic_hostile import _COUNTRIES

    for country in _COUNTRIES:
        if text in country.names:
            return country.code
    return text


def _rows(columns: dict[str, list[str]], rng: random.Random) -> list[dict[str, str]]:
    """Hostile generator columns as spreadsheet rows: names in their script go to the
    native columns (with a romanised copy), dates and countries as a clerk's column would
    hold them, and one row in twenty spoilt on purpose (impossible dates, unknown countries,
    no email) beside what the generator's own mess makes the contract refuse."""
    rows = []
    for k in range(len(columns["id"])):
        given, family = columns["given_name"][k], columns["family_name"][k]
        row = {
            "given_name": given, "family_name": family,
            "given_name_native": "", "family_name_native": "",
            "date_of_birth": _iso_date(columns["date_of_birth"][k]),
            "nationality": _iso_country(columns["nationality"][k]),
            "residence_country": _iso_country(columns["nationality"][k]),
            "email": columns["email"][k] or f"volunteer{k}@example.org",
            "phone": columns["phone"][k], "passport_number": columns["passport_number"][k],
            "languages": rng.choice(["en", "uk", "en, uk", "pl", "ka"]),
            "military_experience.years": str(rng.randint(0, 20)),
        }  # fmt: skip
        if NATIVE.search(given + family):
            row["given_name_native"], row["family_name_native"] = given, family
            row["given_name"] = anyascii(given) or given
            row["family_name"] = anyascii(family) or family
        spoil = rng.random()
        if spoil < 0.02:
            row["date_of_birth"] = "31.02.1990"
        elif spoil < 0.04:
            row["nationality"] = "Atlantis"
        elif spoil < 0.05:
            row["email"] = ""
        rows.append(row)
    return rows


def _write(rows: list[dict[str, str]], name: str) -> Path:
    path = Path(tempfile.mkdtemp()) / name
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow([row[h] for h in HEADERS])
    return path


def _store(rows: list[dict[str, str]]) -> tuple[int, float, float]:
    """The stored cases, through the same bulk intake path (keys, sealing, digests, matching)."""
    from enlist.intake.imports import spreadsheet_import
    from enlist.missions.models import Mission

    path = _write(rows, "stored.csv")
    with tqdm(total=len(rows), desc="storing", unit="row", file=sys.stderr, leave=False) as bar:
        start, cpu = time.perf_counter(), time.process_time()
        report = spreadsheet_import(
            path=path,
            mission=Mission.objects.get(),
            actor=None,
            progress=lambda r: bar.update(r.done - bar.n),
        )
    return report.imported, time.perf_counter() - start, time.process_time() - cpu


def _peak_reset() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets the peak resident size (Linux)


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_import(stored: int, rows: int, seed: int) -> list[tuple[str, str, str]]:
    from enlist.cases.models import Application
    from enlist.intake.imports import spreadsheet_import
    from enlist.matching.models import MatchCandidate
    from enlist.matching.synthetic_hostile import generate_hostile
    from enlist.missions.models import Mission

    rng = random.Random(seed)
    everyone = _rows(generate_hostile(stored + rows, seed), rng)
    stored_count, stored_s, stored_cpu = _store(everyone[:stored])
    path = _write(everyone[stored:], "sheet.csv")
    native = sum(1 for row in everyone[stored:] if row["given_name_native"])
    pairs_before = MatchCandidate.objects.count()
    gc.collect()
    _peak_reset()
    load = os.getloadavg()
    with tqdm(total=rows, desc="importing", unit="row", file=sys.stderr, leave=False) as bar:
        start, cpu = time.perf_counter(), time.process_time()
        report = spreadsheet_import(
            path=path,
            mission=Mission.objects.get(),
            actor=None,
            progress=lambda r: bar.update(r.done - bar.n),
        )
        import_s, import_cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = _peak_mib()
    found = MatchCandidate.objects.count() - pairs_before
    assert Application.objects.count() == stored_count + report.imported
    return [
        ("stored cases (bulk intake path, matched as they were stored)", f"{stored_count}",
         f"{stored_s:.1f} s wall, {stored_cpu:.1f} s CPU ({stored_count / stored_cpu:.0f}/s)"),
        ("import (CSV, hostile) against them: wall", f"{report.rows} rows",
         f"{import_s:.1f} s ({report.rows / import_s:.0f} rows/s)"),
        ("  CPU time of the import (this process; wall on an idle core)", "",
         f"{import_cpu:.1f} s ({report.rows / import_cpu:.0f} rows/s)"),
        ("  rows with a name in another script", "", f"{native}"),
        ("  imported / rejected", "", f"{report.imported} / {len(report.rejected)}"),
        ("  probable duplicates: flagged for review / linked automatically", "",
         f"{report.flagged} / {found - report.flagged}"),
        ("  peak resident memory during the import", "", f"{peak:.0f} MiB"),
        ("  load average at the start (1, 5, 15 min)", "",
         f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"),
        ("  target: 100,000 rows against 100,000 stored in < 120 s (wall / CPU)", "",
         f"{'met' if rows >= 100_000 and import_s < 120 else 'not met'} / "
         f"{'met' if rows >= 100_000 and import_cpu < 120 else 'not met'}"),
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
        start, cpu = time.perf_counter(), time.process_time()
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
        total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
        client.quit()
    finally:
        controller.stop()
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    stored = InboundMessage.objects.count()
    return [
        ("mail through the SMTP listener", f"{mails} messages",
         f"{total:.1f} s ({mails / total:.1f} msg/s; CPU {total_cpu:.1f} s, "
         f"{mails / total_cpu:.1f} msg/s)"),
        ("  per message p50 / p99 (DATA → 250, stored and sealed)", "",
         f"{p50 * 1000:.0f} ms / {p99 * 1000:.0f} ms"),
        ("  stored", "", f"{stored} of {mails}"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=100_000)
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
