"""Matching on arrival through the database: one new application against N stored.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME ENLIST_DATA_DIR=DIR \
        python benchmarks/matching_arrival.py [--stored 1000000] [--arrivals 300]
                                              [--dataset hostile|applicants]

What is timed is the workflow's own call, ``matching.services.application_match`` (as
``application_match_on_arrival`` runs it for intake): the new application's blocking terms
turned into keyed digests, the candidate look-up through the ``MatchKey`` and
``LookupDigest`` indexes, the candidates read and decrypted, scored, and the pairs written.
Each arrival runs in a transaction that is rolled back, so every one meets the same N.

How the N are stored: generated records (``benchmarks/matching.py``'s data sets; the records
whose date of birth is not a whole date are left out, as intake refuses them) go in through
a bulk path that writes what ``application_submit`` writes for matching and search, batch by
batch with ``bulk_create``: a data key each (wrapped by the key-encryption key), the sealed
application, its search digests and its matching digests. Stored once per database and size
(the database is reused when it already holds them); the arrivals are records of the same
generator that were not stored, a share of them duplicates of stored people.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

BATCH = 2000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enlist.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rows(dataset: str, size: int, arrivals: int) -> tuple[list[dict], list[dict]]:
    """Stored rows and arriving rows: the first ``size`` whole-dated records of a generated
    set a tenth larger, then ``arrivals`` drawn from the rest."""
    from enlist.matching.csvio import read_columns
    from enlist.matching.normalise import parse_date
    from matching import INPUT, dataset_path

    total = size + 4 * arrivals
    name = f"{dataset}-{int(total * 1.1)}"
    columns, _ = read_columns(dataset_path(name), lambda problem: None)
    rows = []
    for k in range(len(columns["id"])):
        born = parse_date(columns["date_of_birth"][k])
        if not born.day or not born.month:
            continue
        try:
            date = datetime.date(born.year, born.month, born.day)
        except ValueError:
            continue
        row = {f: columns[f][k] for f in INPUT}
        row["date_of_birth"] = date
        rows.append(row)
        if len(rows) >= total:
            break
    rng = np.random.default_rng(7)
    later = rows[size:]
    chosen = rng.choice(len(later), size=min(arrivals, len(later)), replace=False)
    return rows[:size], [later[k] for k in chosen.tolist()]


def _mission():
    from enlist.missions.models import Country, Mission

    country = Country.objects.get(code="LT")
    mission, _ = Mission.objects.get_or_create(
        code="bench-vilnius",
        defaults={"name": "Benchmark mission", "country": country, "city": "Vilnius",
                  "timezone": "Europe/Vilnius", "languages": ["lt", "en"]},
    )  # fmt: skip
    return mission


def _application(row: dict, mission, countries: dict[str, str], data_key):
    from enlist.cases.models import Application, Channel

    nationality = countries.get(row["nationality"].strip().upper(), "LT")
    return Application(
        data_key=data_key,
        mission=mission,
        nationality_id=nationality,
        channel=Channel.WEB,
        reference=f"IL-{uuid.uuid4().hex[:8].upper()}",
        given_name=row["given_name"],
        family_name=row["family_name"],
        date_of_birth=row["date_of_birth"],
        residence_country=nationality,
        email=row["email"],
        phone=row["phone"] or None,
        passport_number=row["passport_number"] or None,
        languages=["en"],
        military_experience={"years": 3},
        consent_at=datetime.datetime.now(tz=datetime.UTC),
    )


def store(rows: list[dict], progress) -> None:
    """Bulk-store ``rows`` as applications with their search and matching digests."""
    from django.db import transaction

    from enlist.cases.models import LookupDigest
    from enlist.cases.services import application_digests
    from enlist.matching.models import MatchKey
    from enlist.matching.services import application_records, match_digests
    from enlist.missions.models import Country
    from enlist.vault.envelope import DataKeyCipher, new_data_key
    from enlist.vault.keyring import key_encryption_keys
    from enlist.vault.models import DataKey

    mission = _mission()
    countries = {c: c for c in Country.objects.values_list("code", flat=True)}
    kek = key_encryption_keys()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        keys = []
        for _ in batch:
            key, key_id = new_data_key(), uuid.uuid4()
            wrapped = kek.wrap(key, key_id=key_id.bytes)
            data_key = DataKey(id=key_id, wrapped=wrapped.wrapped, kek_version=wrapped.version)
            data_key.__dict__["_cipher"] = DataKeyCipher(key)
            keys.append(data_key)
        applications = [
            _application(row, mission, countries, key) for row, key in zip(batch, keys, strict=True)
        ]
        search, matching = [], []
        for application in applications:
            search += [(application.pk, d) for d in application_digests(application)]
            matching += [
                (application.pk, d) for d in match_digests(application_records(application))
            ]
        with transaction.atomic():
            DataKey.objects.bulk_create(keys)
            type(applications[0]).objects.bulk_create(applications)
            _copy(LookupDigest, search)
            _copy(MatchKey, matching)
        progress(start + len(batch))


def _copy(model, rows: list[tuple[uuid.UUID, bytes]]) -> None:
    """(application id, digest) rows by COPY on PostgreSQL (a digest row is two columns and
    most of the rows stored), by bulk_create elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        model.objects.bulk_create(model(application_id=a, digest=d) for a, d in rows)
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        copy_sql = f"COPY {table} (application_id, digest) FROM STDIN"  # noqa: S608
        with cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)


def _analyse() -> None:
    """Table statistics after the bulk load, as an operator runs after a restore: before
    autovacuum gets to it, the planner takes the digest tables for empty and scans them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def arrivals(rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Milliseconds of ``application_match`` for each arriving row, each rolled back: wall
    time, and this process's CPU time (without the database server's; on a loaded machine
    the wall time is mostly waiting for a core)."""
    from django.db import transaction

    from enlist.matching.services import application_match, model_in_use
    from enlist.missions.models import Country
    from enlist.vault.services import data_key_create

    mission = _mission()
    countries = {c: c for c in Country.objects.values_list("code", flat=True)}
    model_in_use()  # loaded once per process, as in a server
    timings, cpu = [], []

    class Rollback(Exception):
        pass

    for row in rows:
        try:
            with transaction.atomic():
                application = _application(row, mission, countries, data_key_create())
                application.save()
                start, start_cpu = time.perf_counter(), time.process_time()
                application_match(application=application)
                timings.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                raise Rollback
        except Rollback:
            pass
    return np.array(timings) * 1000, np.array(cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--arrivals", type=int, default=300)
    parser.add_argument("--dataset", default="hostile", choices=("hostile", "applicants"))
    args = parser.parse_args()
    _setup()
    from enlist.cases.models import Application

    stored_rows, arriving = _rows(args.dataset, args.stored, args.arrivals)
    have = Application.objects.count()
    if have != len(stored_rows):
        if have:
            sys.exit(
                f"the database holds {have} applications, not {len(stored_rows)}: use a new one"
            )
        start = time.perf_counter()
        last = [start]

        def progress(done: int) -> None:
            if time.perf_counter() - last[0] > 30:
                last[0] = time.perf_counter()
                print(f"  stored {done:,} in {last[0] - start:.0f} s", file=sys.stderr, flush=True)

        store(stored_rows, progress)
        _analyse()
        print(f"stored {len(stored_rows):,} {args.dataset} applications in "
              f"{time.perf_counter() - start:.0f} s", flush=True)  # fmt: skip
    _analyse()
    arrivals(arriving[:5])  # warm: the model and the keyring loaded, as in a running server
    ms, cpu = arrivals(arriving)
    print(
        f"arrival against {len(stored_rows):,} stored ({args.dataset}, {len(ms)} arrivals, "
        f"load {os.getloadavg()[0]:.1f}): wall p50 {np.percentile(ms, 50):.1f} ms, "
        f"p99 {np.percentile(ms, 99):.1f} ms, max {ms.max():.1f} ms; CPU p50 "
        f"{np.percentile(cpu, 50):.1f} ms, p99 {np.percentile(cpu, 99):.1f} ms"
    )


if __name__ == "__main__":
    main()
