"""Build the demo database through the real services, and keep its logins.

``demo_build`` carries out the plan of ``enlist.demo.plan``: missions (get_or_create by
code), staff of every role (``staff_add``), then each application through
``application_submit``, its documents through ``document_add``/``document_verify`` and its
stage changes through ``application_transition``, exactly as staff would make them. Only the
timestamps are rewritten afterwards, because the services stamp "now" and the demo tells six
weeks of history. Work is committed in batches, so a reader (the server) is never blocked
for long and memory stays flat.

The demo logins' passwords are random on every build and never stored in clear in the
database: they are written to a file readable only by its owner (``demo-logins.txt`` next to
the key directory), so a rerun can print them again. So are their TOTP secrets (base32): the
demo's accounts get a confirmed authenticator at build time, so that whoever tries the demo
can add the printed secret to an app (or run ``enlist demo --codes``) instead of enrolling.
"""

from __future__ import annotations

import datetime
import functools
import os
import secrets
import shutil
import struct
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import cast

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.db.models import Count, Field, Model
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.accounts.services import staff_add, totp_device_add_confirmed
from enlist.accounts.totp import base32_secret, hex_key
from enlist.audit.services import audit_checkpoint
from enlist.cases.models import Application, Channel, Document, StageChange
from enlist.cases.services import application_transition, document_add, document_verify
from enlist.core.progress import progress_bar
from enlist.demo.bulk import StaffPicker, applications_bulk_create, default_workers
from enlist.demo.plan import HOME_MISSION, MISSIONS, ApplicationPlan, Planner, plan_demo
from enlist.demo.prerequisites import prepare_move
from enlist.intake.schemas import ApplicationIn
from enlist.intake.services import application_submit, intake_context
from enlist.interviews.demo import demo_interviews_book, demo_interviews_setup
from enlist.missions.models import Mission
from enlist.travel.seed import travel_seed
from enlist.travel.services import packets_deferred, packets_regenerate

BATCH_SIZE = 250  # applications per transaction
# A bulk build's repeat applications come from the last this many people (memory stays flat).
REMEMBERED = 50_000

# The accounts printed for people trying the demo, in the order they are shown.
LOGINS: tuple[tuple[str, Role, str | None], ...] = (
    ("clerk", Role.CLERK, HOME_MISSION),
    ("attache", Role.ATTACHE, HOME_MISSION),
    ("consul", Role.CONSUL, HOME_MISSION),
    ("reception", Role.RECEPTION, None),
    ("hq", Role.HQ, None),
    ("auditor", Role.AUDITOR, None),
    ("admin", Role.ADMIN, None),
)
# Created last, after every application: their presence means a build finished.
FINAL_LOGINS = frozenset({"auditor", "admin"})
MISSION_STAFF_ROLES = (Role.CLERK, Role.ATTACHE, Role.CONSUL)

_WORDS = (  # noqa: SIM905 - a paragraph of words reads better than 128 quoted items
    "amber anchor apple arrow aspen atlas badge bamboo basil beacon birch bison bloom bolt "
    "breeze brook cabin cactus canal candle canyon carbon cedar chalk cherry cider cinder "
    "clover cobalt comet copper coral cotton crane crater cricket crystal daisy delta dune "
    "eagle ember falcon fern fjord flint forest fossil garnet glacier granite harbor hazel "
    "heron hollow indigo island ivory jasper juniper kettle lagoon lantern lava lemon lilac "
    "linen lotus magnet maple marble meadow mesa meteor mint mosaic moss nectar nickel oasis "
    "olive onyx orbit orchid otter pebble pepper pine planet plume poppy prairie quartz quill "
    "raven reef ridge river robin saffron sage sapphire shore silver slate sparrow spruce "
    "summit swallow thistle thunder tide timber topaz tulip tundra valley velvet violet "
    "walnut willow winter yarrow zephyr"
).split()


class DemoRefused(Exception):
    """The demo will not touch this database (it holds other data, or a reset is refused)."""


class DemoState(StrEnum):
    EMPTY = "empty"  # no staff, no application: a demo can be built
    COMPLETE = "complete"  # a finished demo
    OTHER = "other"  # something else: real data, or a demo whose build was interrupted


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    mission: str  # "" for roles not bound to a mission
    password: str | None  # None when the logins file does not know it
    totp_secret: str | None = None  # base32; None when the logins file does not know it


@dataclass
class BuildReport:
    applications: int
    documents: int
    seconds: float
    missions: int
    staff: int
    stages: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    nationalities: Counter[str] = field(default_factory=Counter)
    rows: int = 0  # rows written by the bulk build (0: built through the services)


# --------------------------------------------------------------------------------------------
# State, reset and logins
# --------------------------------------------------------------------------------------------


def demo_state() -> DemoState:
    """Whether the database is empty, holds a finished demo, or holds something else."""
    usernames = {u for u, _, _ in LOGINS}
    found = {
        (u, role, code)
        for u, role, code in StaffUser.objects.filter(username__in=usernames).values_list(
            "username", "role", "mission__code"
        )
    }
    if all((u, role.value, code) in found for u, role, code in LOGINS):
        return DemoState.COMPLETE
    if StaffUser.objects.exists() or Application.objects.exists():
        return DemoState.OTHER
    return DemoState.EMPTY


def default_logins_file() -> Path:
    """``demo-logins.txt`` in the data directory (the parent of the key directory)."""
    return Path(settings.ENLIST_KEY_DIR).parent / "demo-logins.txt"


def new_password() -> str:
    """Four random words: easy to type from a printed table, about 30 bits, demo only."""
    return "-".join(secrets.choice(_WORDS) for _ in range(4))


def new_totp_secret() -> str:
    """A random 160-bit TOTP secret in base32, as an authenticator app takes it."""
    return base32_secret(secrets.token_hex(20))


def logins_write(path: Path, logins: Sequence[Login]) -> None:
    """Write the logins file atomically, readable and writable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(
            "# Enlist demo logins. Demo data only: never reuse these passwords or secrets.\n"
            "# username\trole\tmission\tpassword\ttotp_secret\n"
        )
        for login in logins:
            handle.write(
                f"{login.username}\t{login.role}\t{login.mission}\t{login.password}"
                f"\t{login.totp_secret}\n"
            )
    os.replace(temporary, path)
    path.chmod(0o600)


def _logins_rows(path: Path) -> dict[str, list[str]]:
    """username → the columns of its line; empty when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    rows = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) in (4, 5):  # files from before the second factor have 4 columns
            rows[parts[0]] = parts
    return rows


def logins_read(path: Path) -> dict[str, str]:
    """username → password from the logins file; empty when it does not exist."""
    return {username: parts[3] for username, parts in _logins_rows(path).items()}


def totp_secrets_read(path: Path) -> dict[str, str]:
    """username → base32 TOTP secret from the logins file."""
    return {username: parts[4] for username, parts in _logins_rows(path).items() if len(parts) > 4}


def demo_logins(path: Path) -> list[Login]:
    """The demo's logins, with the passwords and TOTP secrets the logins file holds."""
    passwords, totp_secrets = logins_read(path), totp_secrets_read(path)
    return [
        Login(username, role.value, code or "", passwords.get(username), totp_secrets.get(username))
        for username, role, code in LOGINS
    ]


def _login_create(login: Login) -> StaffUser:
    """One of the printed demo accounts, with its confirmed authenticator."""
    user = staff_add(
        username=login.username,
        role=login.role,
        mission_code=login.mission or None,
        password=login.password,
    )
    if login.totp_secret:
        totp_device_add_confirmed(user=user, key_hex=hex_key(login.totp_secret))
    return user


def database_reset(*, confirmed: bool) -> str:
    """Delete the database (the SQLite file; on PostgreSQL every table, only if `confirmed`)
    and the uploaded documents. Returns what was deleted, for the operator."""
    vendor = connection.vendor
    if vendor == "sqlite":
        if cast(SQLiteDatabaseWrapper, connection).is_in_memory_db():  # the vendor says which
            raise DemoRefused("The database is in memory: there is no file to delete.")
        name = Path(str(connection.settings_dict["NAME"]))
        connections.close_all()
        for suffix in ("", "-wal", "-shm", "-journal"):
            name.with_name(name.name + suffix).unlink(missing_ok=True)
        deleted = f"the SQLite database {name}"
    elif vendor == "postgresql":
        if not confirmed:
            raise DemoRefused(
                "--reset on PostgreSQL drops every table of the database "
                f"'{connection.settings_dict['NAME']}'. Add --yes if that is what you want."
            )
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
        deleted = f"{len(tables)} tables of the PostgreSQL database"
    else:
        raise DemoRefused(f"--reset does not know how to reset a {vendor} database.")
    shutil.rmtree(Path(default_storage.path("documents")), ignore_errors=True)
    # The old chain's checkpoints would (rightly) fail verification of the new database.
    Path(settings.ENLIST_AUDIT_CHECKPOINT_FILE).unlink(missing_ok=True)
    return deleted


# --------------------------------------------------------------------------------------------
# Specimen files: tiny but valid, the same for everyone, naming no one
# --------------------------------------------------------------------------------------------


def specimen_pdf() -> bytes:
    text = b"BT /F1 20 Tf 72 770 Td (Enlist demo - specimen document, no real data) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def specimen_png(width: int = 96, height: int = 64) -> bytes:
    """A grey gradient: a valid 8-bit greyscale PNG."""
    rows = b"".join(
        b"\x00" + bytes((96 + (x + y) % 128) for x in range(width)) for y in range(height)
    )

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------------


class _Staff:
    """The demo's staff by role, at each mission or central; `pick` spreads the work."""

    def __init__(self) -> None:
        self.members: dict[tuple[Role, str | None], list[StaffUser]] = {}

    def add(self, user: StaffUser, mission: str | None) -> None:
        self.members.setdefault((user.staff_role, mission), []).append(user)

    def pick(self, role: Role, mission: str, pick: int) -> StaffUser:
        key = (role, mission if role in MISSION_STAFF_ROLES else None)
        members = self.members[key]
        return members[pick % len(members)]


def _pick_for(staff: _Staff, mission: str, pick: int, role: Role) -> StaffUser:
    return staff.pick(role, mission, pick)


def _missions_ensure() -> None:
    for spec in MISSIONS:
        Mission.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "country_id": spec.country,
                "city": spec.city,
                "timezone": spec.timezone,
                "languages": spec.all_languages,
            },
        )


def _staff_create(logins: Sequence[Login]) -> _Staff:
    staff = _Staff()
    for spec in MISSIONS:
        for role in MISSION_STAFF_ROLES:
            user = staff_add(
                username=f"{role.value}-{spec.code}", role=role, mission_code=spec.code
            )
            staff.add(user, spec.code)
    for login in logins:
        if login.username in FINAL_LOGINS:
            continue
        staff.add(_login_create(login), login.mission or None)
    return staff


def _batches(items: Sequence[ApplicationPlan], size: int) -> Iterator[Sequence[ApplicationPlan]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _carry_out(
    plans: Sequence[ApplicationPlan], staff: _Staff, files: dict[str, bytes], today: datetime.date
) -> int:
    """Submit, document and move one batch of applications; then backdate what they did."""
    context = intake_context(today=today)
    applications: list[Application] = []
    changes: list[StageChange] = []
    documents: list[Document] = []
    for plan in plans:
        data = ApplicationIn.model_validate(plan.data, context=context)
        channel = Channel(plan.channel)
        if plan.channel == Channel.WEB:
            recorder = None
        elif plan.channel == Channel.IMPORT:
            recorder = staff.pick(Role.HQ, plan.mission, plan.pick)
        else:
            recorder = staff.pick(Role.CLERK, plan.mission, plan.pick)
        application = application_submit(
            data=data, channel=channel, actor=recorder, submitted_at=plan.submitted_at
        ).application
        for doc in plan.documents:
            uploader = staff.pick(Role.CLERK, plan.mission, plan.pick) if doc.by_clerk else None
            upload = SimpleUploadedFile(
                doc.filename, files[doc.content_type], content_type=doc.content_type
            )
            document = document_add(
                application=application, kind=doc.kind, upload=upload, actor=uploader
            )
            if doc.verification is not None:
                checker = staff.pick(doc.verified_by, plan.mission, plan.pick)
                document_verify(document=document, verification=doc.verification, actor=checker)
                document.verified_at = doc.verified_at
            document.uploaded_at = doc.uploaded_at
            documents.append(document)
        for step in plan.steps:
            prepare_move(
                application=application,
                to=step.to,
                pick=functools.partial(_pick_for, staff, plan.mission, step.pick),
                at=step.at,
            )
            change = application_transition(
                application=application,
                to=step.to,
                actor=staff.pick(step.role, plan.mission, step.pick),
                reason=step.reason,
            )
            change.at = step.at
            changes.append(change)
        if plan.steps:
            application.stage_changed_at = plan.steps[-1].at
            applications.append(application)
    # The services stamp "now"; the demo's story happened over the past weeks.
    _backdate(StageChange, ["at"], changes)
    _backdate(Application, ["stage_changed_at"], applications)
    _backdate(Document, ["uploaded_at", "verified_at"], documents)
    return len(documents)


def _backdate(model: type[Model], names: list[str], rows: Sequence[Model]) -> None:
    """Write the given timestamp columns of `rows` in one executemany.

    What ``bulk_update`` does, without the CASE expression it compiles over every row: in a
    profile of the build that expression cost about an eighth of the whole time.
    """
    if not rows:
        return
    # `names` are columns of the model's own (timestamps), never relations
    fields = [cast(Field, model._meta.get_field(name)) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    pk = model._meta.pk
    assert pk is not None  # nosec B101  # every model here has a primary key
    # Identifiers come from the model's metadata, never from input.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound
    params = [
        [f.get_db_prep_value(getattr(row, f.attname), connection) for f in fields]
        + [pk.get_db_prep_value(row.pk, connection)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def demo_build(
    *,
    applications: int,
    seed: int,
    logins_file: Path,
    now: datetime.datetime | None = None,
    progress: bool | None = None,
    bulk: bool = False,
    workers: int | None = None,
) -> BuildReport:
    """Build the demo into an empty database and write its logins file.

    `progress` None shows a progress bar on stderr when it is a terminal. Raises DemoRefused
    when the database is not empty, so real data is never mixed with the demo's.

    `bulk` (``enlist demo --size N``): the applications are written in bulk by
    ``enlist.demo.bulk`` (a million in minutes) instead of one by one through the services;
    they carry no documents, verdicts, visa records, unit assignments or travel packets.
    `workers`: processes building rows (None: ``bulk.default_workers``).
    """
    if demo_state() != DemoState.EMPTY:
        raise DemoRefused("The database is not empty: the demo is only built into an empty one.")
    # Without a terminal (CI, a pipe, an IDE) a bar shows nothing: one line per step instead.
    lines = progress is not False and not sys.stderr.isatty()
    step = functools.partial(_step_line, enabled=lines)
    started = time.perf_counter()
    now = now or timezone.now()
    logins = [
        Login(username, role.value, code or "", new_password(), new_totp_secret())
        for username, role, code in LOGINS
    ]
    with transaction.atomic():
        _missions_ensure()
        staff = _staff_create(logins)
        # Cases entering travel get their packet: a meeting point valid over the whole story.
        travel_seed(today=now.date() - datetime.timedelta(days=365))
    step("missions, staff and the meeting point ready")
    if bulk:
        documents = 0
        written = applications_bulk_create(
            functools.partial(_bulk_plans, seed=seed, now=now),
            count=applications,
            staff=StaffPicker(staff.pick),
            today=now.date(),
            progress=progress,
            workers=default_workers(applications) if workers is None else workers,
        )
        with transaction.atomic():
            demo_interviews_setup()
        _aggregates_rebuild()
        logins_write(logins_file, logins)
        with transaction.atomic():
            for login in logins:
                if login.username in FINAL_LOGINS:
                    _login_create(login)
        audit_checkpoint()  # pins the chain the bulk writer built (no worker runs meanwhile)
        return BuildReport(
            applications=written.applications,
            documents=0,
            seconds=time.perf_counter() - started,
            missions=Mission.objects.count(),
            staff=StaffUser.objects.count(),
            stages=written.stages,
            channels=written.channels,
            nationalities=written.nationalities,
            rows=written.rows,
        )
    plans = plan_demo(count=applications, seed=seed, now=now)
    files = {"application/pdf": specimen_pdf(), "image/png": specimen_png()}
    documents = done = 0
    with (
        progress_bar(
            total=len(plans), unit="application", desc="Building the demo", progress=progress
        ) as bar,
        packets_deferred(),  # only the cases still in travel at the end get a packet (below)
    ):
        for batch in _batches(plans, BATCH_SIZE):
            with transaction.atomic():
                documents += _carry_out(batch, staff, files, now.date())
            bar.update(len(batch))
            done += len(batch)
            step(f"applications: {done} of {len(plans)}")
    with transaction.atomic():  # rooms, video links and office hours: ready to schedule
        demo_interviews_setup()
    # The cases waiting at interview get slots from the real scheduler: calendars are not empty.
    booked = demo_interviews_book(now=now)
    step(f"interviews booked: {booked}")
    packets_regenerate(actor=staff.pick(Role.HQ, HOME_MISSION, 0))
    step("travel packets made")
    # The logins file first, then the accounts that mark the build finished.
    logins_write(logins_file, logins)
    with transaction.atomic():
        for login in logins:
            if login.username in FINAL_LOGINS:
                _login_create(login)
    return BuildReport(
        applications=Application.objects.count(),
        documents=documents,
        seconds=time.perf_counter() - started,
        missions=Mission.objects.count(),
        staff=StaffUser.objects.count(),
        stages=_counts("stage"),
        channels=_counts("channel"),
        nationalities=_counts("nationality_id"),
    )


def _bulk_plans(
    worker: int, share: int, *, seed: int, now: datetime.datetime
) -> Iterator[ApplicationPlan]:
    """Worker `worker`'s applications: its own generator (worker 0 draws the seed's plan)."""
    return Planner(seed=seed + worker, now=now).stream(share, remembered=REMEMBERED)


def _aggregates_rebuild() -> None:
    """Bring the reports app's pre-aggregated tables up to the cases just written in bulk
    (the services keep them current one case at a time; the bulk writer bypasses them)."""
    if not apps.is_installed("enlist.reports"):
        return
    from enlist.reports.services import pipeline_aggregates_rebuild

    # Its `progress` is a callback of (done, total), not the build's bar flag: a flag passed
    # here was called as a function and failed the build. No bar for this short step.
    pipeline_aggregates_rebuild()


def _step_line(message: str, *, enabled: bool) -> None:
    if enabled:
        sys.stderr.write(f"Building the demo: {message}\n")
        sys.stderr.flush()


def _counts(column: str) -> Counter[str]:
    rows = Application.objects.values_list(column).annotate(n=Count("pk")).order_by()
    return Counter({key: n for key, n in rows})
