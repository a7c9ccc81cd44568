"""`enlist demo`: what the demo database holds, how it is built, and that it is built once.

One demo of 200 applications is built for the whole module (inside a transaction rolled back
at the end), with fixed keys so every test can read it; tests that change it do so inside
their own rolled-back transaction.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import io
import os
import re
import sqlite3
import stat
import subprocess
import sys
import unicodedata
import zoneinfo
from collections import Counter
from pathlib import Path

import phonenumbers
import pycountry
import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import RequestFactory, override_settings
from tests.conftest import reference_data_restore

from enlist.accounts.models import SealedTotpDevice, StaffUser
from enlist.accounts.roles import MISSION_ROLES, Role
from enlist.accounts.totp import base32_secret
from enlist.cases.models import Application, Channel, Document, StageChange, Verification
from enlist.cases.workflow import Stage, find_rule
from enlist.demo.generator import (
    LOGINS,
    logins_read,
    specimen_pdf,
    specimen_png,
    totp_secrets_read,
)
from enlist.demo.plan import MISSIONS, plan_demo
from enlist.missions.models import Mission
from enlist.vault.keyring import reset_caches
from enlist.vault.storage import EncryptedFileStorage

SIZE = 200
EXAMPLE_DOMAINS = {"example.com", "example.org", "example.net", "mail.example", "post.example"}


class Demo:
    def __init__(
        self, *, output: str, logins_file: Path, uploads: Path, progress: str = ""
    ) -> None:
        self.output = output
        self.progress = progress  # stderr, which is not a terminal here
        self.logins_file = logins_file
        self.uploads = uploads


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, built once through the command, rolled back after the module."""
    root = tmp_path_factory.mktemp("demo")
    uploads = root / "uploads"
    keys = {
        f"ENLIST_{name}_KEY": base64.b64encode(os.urandom(32)).decode()
        for name in ("FIELD", "INDEX")
    }
    storages = {
        "default": {
            "BACKEND": "enlist.vault.storage.EncryptedFileStorage",
            "OPTIONS": {"location": str(uploads)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with (
        pytest.MonkeyPatch.context() as patch,
        override_settings(
            ENLIST_KEY_DIR=root / "keys",
            MEDIA_ROOT=uploads,
            STORAGES=storages,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        for name, value in keys.items():  # the per-test key directories then do not matter
            patch.setenv(name, value)
        reset_caches()
        reference_data_restore()  # the demo's volunteers come from every country
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err):
            call_command("demo", "--no-serve", "--applications", str(SIZE), stdout=out)
        yield Demo(
            output=out.getvalue(),
            logins_file=root / "demo-logins.txt",
            uploads=uploads,
            progress=err.getvalue(),
        )
        transaction.set_rollback(True)
    reset_caches()


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _applications() -> list[Application]:
    return list(Application.objects.select_related("mission").order_by("submitted_at"))


# --- what it holds ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_has_every_stage_and_every_channel(demo):
    stages = Counter(Application.objects.values_list("stage", flat=True))
    channels = Counter(Application.objects.values_list("channel", flat=True))
    assert Application.objects.count() == SIZE
    assert set(stages) == {s.value for s in Stage}
    assert set(channels) == set(Channel.values)


@pytest.mark.django_db
def test_demo_has_applicants_of_at_least_52_nationalities_at_30_missions(demo):
    nationalities = set(Application.objects.values_list("nationality_id", flat=True))
    missions = set(Application.objects.values_list("mission__code", flat=True))
    assert len(nationalities) >= 52
    assert {"US", "GB", "CA", "PL", "GE", "SE", "LT", "NO", "JP", "MX", "IN"} <= nationalities
    assert len(missions) >= 30
    assert Mission.objects.count() == len(MISSIONS) >= 32


@pytest.mark.django_db
def test_usa_sends_the_most_volunteers(demo):
    counts = Counter(Application.objects.values_list("nationality_id", flat=True))
    # US is weighted 2.5 times the next country; a 200-application sample can still wobble.
    assert "US" in [code for code, _ in counts.most_common(3)]


@pytest.mark.django_db
def test_missions_are_named_placed_and_timed_like_real_ones(demo):
    vilnius = Mission.objects.get(code="lt-vilnius")
    assert (vilnius.name, vilnius.country_id, vilnius.city, vilnius.timezone) == (
        "Embassy of Ukraine in Lithuania",
        "LT",
        "Vilnius",
        "Europe/Vilnius",
    )
    assert vilnius.languages == ["lt", "en", "uk"]
    new_york = Mission.objects.get(code="us-new-york")
    assert (new_york.name, new_york.kind) == (
        "Consulate General of Ukraine in New York",
        "consulate",
    )
    assert not Mission.objects.filter(country_id="BY").exists()  # no safe mission in Belarus
    for mission in Mission.objects.all():
        zoneinfo.ZoneInfo(mission.timezone)  # a real IANA name
        assert mission.code.startswith(mission.country_id.lower() + "-")
        assert all(pycountry.languages.get(alpha_2=code) for code in mission.languages)


@pytest.mark.django_db
def test_every_mission_with_cases_has_a_clerk_an_attache_and_a_consul(demo):
    for mission in Mission.objects.filter(applications__isnull=False).distinct():
        roles = set(StaffUser.objects.filter(mission=mission).values_list("role", flat=True))
        assert roles == {r.value for r in MISSION_ROLES}, mission.code


@pytest.mark.django_db
def test_every_case_past_the_interview_has_both_recommending_verdicts(demo):
    from enlist.interviews.services import latest_verdicts

    passed = Application.objects.filter(history__from_stage="interview", history__to_stage="visa")
    assert passed.exists()
    for application in passed.distinct():
        assert latest_verdicts(application.pk) == {"attache": True, "consul": True}


@pytest.mark.django_db
def test_the_demo_books_its_waiting_interviews_with_the_scheduler(demo):
    from enlist.interviews.booking import interviews_schedule
    from enlist.interviews.models import ACTIVE_STATUSES, Interview

    home = Mission.objects.get(code="lt-vilnius")
    assert home.interview_settings.length_minutes == 45
    assert {v.mode for v in home.venues.all()} == {"in_person", "video"}
    busiest = Counter(
        Application.objects.filter(stage="interview").values_list("mission__code", flat=True)
    ).most_common(1)
    assert busiest, "the demo has no case waiting at interview"
    home = Mission.objects.get(code=busiest[0][0])
    waiting = Application.objects.filter(mission=home, stage="interview")
    booked = Interview.objects.filter(application__in=waiting, status__in=ACTIVE_STATUSES)
    # office hours for four weeks hold them all: every case at interview has its slot
    assert waiting.count() > 0
    assert booked.count() == waiting.count()
    assert all(interview.mission_id == home.pk for interview in booked)
    (outcome,) = interviews_schedule(missions=[home], dry_run=True, time_limit=2.0)
    assert len(outcome.result.new) == 0  # nothing left to book
    total = Interview.objects.filter(status__in=ACTIVE_STATUSES).count()
    assert f"Building the demo: interviews booked: {total}" in demo.progress


def test_the_build_reports_each_step_without_a_terminal(demo):
    lines = demo.progress.splitlines()

    assert lines[0] == "Building the demo: missions, staff and the meeting point ready"
    assert f"Building the demo: applications: {SIZE} of {SIZE}" in lines
    assert lines[-1] == "Building the demo: travel packets made"


@pytest.mark.django_db
def test_each_applicant_applies_in_the_country_they_live_in(demo):
    for application in _applications():
        assert application.mission.country_id == application.residence_country
    assert not Application.objects.filter(mission__country_id="BY").exists()
    belarusians = Application.objects.filter(nationality_id="BY")
    assert belarusians.exists()


@pytest.mark.django_db
def test_personal_details_look_real(demo):
    applications = _applications()
    for application in applications:
        assert application.email.rsplit("@", 1)[1] in EXAMPLE_DOMAINS
        if application.phone:
            number = phonenumbers.parse(application.phone, application.residence_country)
            assert phonenumbers.is_possible_number(number)
            region = phonenumbers.region_code_for_number(number)
            # +1 and +7 are shared; the calling code is what must match.
            assert number.country_code == phonenumbers.country_code_for_region(
                application.residence_country
            ), region
        if application.passport_number:
            assert re.fullmatch(r"[A-Z0-9 ]{6,12}", application.passport_number)
        assert 1 <= len(application.languages) <= 10
        assert 0 <= application.military_experience["years"] <= 25
    ages = [_age(a) for a in applications]
    assert sum(22 <= age <= 50 for age in ages) >= 0.75 * len(ages)
    assert any(age < 18 or age > 60 for age in ages)  # so screening has something to decline
    assert any(a.military_experience["years"] == 0 for a in applications)
    assert len({a.email for a in applications}) >= 0.95 * len(applications)


def _age(application: Application) -> int:
    born, day = application.date_of_birth, application.submitted_at.date()
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@pytest.mark.django_db
def test_georgian_applicants_carry_their_names_in_georgian_script(demo):
    georgians = [a for a in _applications() if a.nationality_id == "GE"]
    assert georgians
    for application in georgians:
        native = application.given_name_native + application.family_name_native
        assert all(unicodedata.name(ch).startswith("GEORGIAN") for ch in native)
    americans = [a for a in _applications() if a.nationality_id == "US"]
    assert all(a.given_name_native is None for a in americans)


# --- how it was built -------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_history_starts_at_submitted_and_each_move_is_allowed_for_its_actor(demo):
    actors = {u.pk: u for u in StaffUser.objects.all()}
    history: dict[object, list[StageChange]] = {}
    for change in StageChange.objects.order_by("at", "pk"):
        history.setdefault(change.application_id, []).append(change)
    for application in _applications():
        changes = history[application.pk]
        first = changes[0]
        assert (first.from_stage, first.to_stage, first.at) == (
            "",
            "submitted",
            application.submitted_at,
        )
        if application.channel == Channel.WEB:
            assert (first.actor_id, first.actor_role) == (None, "applicant")
        else:
            expected = Role.HQ if application.channel == Channel.IMPORT else Role.CLERK
            assert first.actor_role == expected
            assert application.recorded_by_id == first.actor_id
        held_from = None
        for previous, change in zip(changes, changes[1:], strict=False):
            assert change.from_stage == previous.to_stage
            assert change.at > previous.at
            rule = find_rule(
                current=Stage(change.from_stage), target=Stage(change.to_stage), held_from=held_from
            )
            assert rule is not None, (change.from_stage, change.to_stage)
            assert Role(change.actor_role) in rule.roles
            actor = actors[change.actor_id]
            assert actor.role == change.actor_role
            if actor.staff_role in MISSION_ROLES:
                assert actor.mission_id == application.mission_id
            if rule.reason_required:
                assert change.reason
            held_from = Stage(change.from_stage) if change.to_stage == Stage.ON_HOLD else None
        assert application.stage == changes[-1].to_stage
        assert application.stage_changed_at == changes[-1].at


@pytest.mark.django_db
def test_applications_are_spread_over_the_last_six_weeks(demo):
    now = datetime.datetime.now(datetime.UTC)
    applications = _applications()
    assert all(
        now - datetime.timedelta(days=43) < a.submitted_at <= a.stage_changed_at <= now
        for a in applications
    )
    assert min(a.submitted_at for a in applications) < now - datetime.timedelta(days=30)
    assert max(a.submitted_at for a in applications) > now - datetime.timedelta(days=7)
    waiting_long = [a for a in applications if a.stage_changed_at < now - datetime.timedelta(7)]
    assert 0 < len(waiting_long) < len(applications)


@pytest.mark.django_db
def test_documents_are_stored_encrypted_and_verified_for_cases_past_screening(demo):
    documents = list(Document.objects.select_related("application"))
    with_documents = {d.application_id for d in documents}
    assert len(with_documents) >= 0.4 * SIZE
    storage = EncryptedFileStorage(location=str(demo.uploads))
    for document in documents[:20]:
        raw = (demo.uploads / document.file.name).read_bytes()
        assert not raw.startswith((b"%PDF", b"\x89PNG"))
        with storage.open(document.file.name) as handle:
            content = handle.read()
        assert content == (
            specimen_pdf() if document.content_type == "application/pdf" else specimen_png()
        )
        assert document.uploaded_at >= document.application.submitted_at
    verified = [d for d in documents if d.verification == Verification.VERIFIED]
    assert verified
    assert all(d.verified_by is not None and d.verified_at > d.uploaded_at for d in verified)
    past_screening = {Stage.VISA, Stage.TRAVEL, Stage.ARRIVED, Stage.ENLISTED}
    checked = [d for d in documents if d.application.stage in past_screening]
    assert sum(d.verification != Verification.PENDING for d in checked) >= 0.9 * len(checked)


@pytest.mark.django_db
def test_personal_values_are_not_stored_in_clear(demo):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT family_name, email, given_name_native, passport_number FROM cases_application"
        )
        raw = b"".join(bytes(value) for row in cursor.fetchall() for value in row if value)
    assert raw
    for application in _applications():
        for value in (application.family_name, application.email, application.passport_number):
            if value and len(value) >= 4:
                assert value.encode("utf-8") not in raw


@pytest.mark.django_db
def test_every_case_still_in_travel_has_its_instructions_packet(demo):
    from enlist.travel.models import MeetingPoint, TravelPacket

    today = datetime.datetime.now(tz=datetime.UTC).date()
    assert MeetingPoint.objects.valid_on(today).exists()
    in_travel = set(Application.objects.filter(stage="travel").values_list("pk", flat=True))
    current = TravelPacket.objects.filter(invalidated_at=None)
    assert in_travel
    assert set(current.values_list("application_id", flat=True)) == in_travel


@pytest.mark.django_db
def test_plans_are_reproducible_from_the_seed():
    now = datetime.datetime(2022, 4, 10, 12, tzinfo=datetime.UTC)
    first = plan_demo(count=60, seed=7, now=now)
    again = plan_demo(count=60, seed=7, now=now)
    other = plan_demo(count=60, seed=8, now=now)
    assert [(p.data, p.steps, p.documents) for p in first] == [
        (p.data, p.steps, p.documents) for p in again
    ]
    assert [p.data for p in first] != [p.data for p in other]


# --- logins, reruns, refusals ------------------------------------------------------------------


@pytest.mark.django_db
def test_one_login_per_role_is_printed_and_kept_in_a_private_file(demo):
    passwords = logins_read(demo.logins_file)
    totp_secrets = totp_secrets_read(demo.logins_file)
    assert stat.S_IMODE(demo.logins_file.stat().st_mode) == 0o600
    assert sorted(passwords) == sorted(username for username, _, _ in LOGINS)
    assert sorted(totp_secrets) == sorted(passwords)
    assert {role for _, role, _ in LOGINS} == set(Role)
    for username, role, mission in LOGINS:
        user = StaffUser.objects.get(username=username)
        assert (user.role, user.mission.code if user.mission else None) == (role, mission)
        line = re.search(rf"^\s+{username}\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$", demo.output, re.M)
        assert line is not None and line.groups() == (
            role,
            mission or "-",
            passwords[username],
            totp_secrets[username],
        )
        request = RequestFactory().post("/staff/login/")
        assert authenticate(request, username=username, password=passwords[username]) == user
        assert passwords[username] not in user.password
        # The printed secret is the one of the account's confirmed authenticator.
        (device,) = SealedTotpDevice.objects.filter(user=user)
        assert device.confirmed
        assert base32_secret(device.secret) == totp_secrets[username]
    admin = StaffUser.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    for path in ("/", "/staff/", "/admin/", "/api/v1/docs"):
        assert f"http://localhost:8000{path}\n" in demo.output


@pytest.mark.django_db
def test_the_output_names_no_applicant(demo):
    for application in _applications():
        for value in (application.email, application.passport_number, application.phone):
            if value:
                assert value not in demo.output
        assert application.full_name not in demo.output


@pytest.mark.django_db
def test_a_second_run_does_not_duplicate_and_prints_the_same_logins(demo, monkeypatch):
    before = (Application.objects.count(), StageChange.objects.count(), StaffUser.objects.count())
    served = []
    monkeypatch.setattr(
        "enlist.demo.management.commands.demo.call_command",
        lambda name, **options: served.append((name, options)),
    )
    out = io.StringIO()
    call_command(
        "demo",
        "--logins-file",
        str(demo.logins_file),
        "--port",
        "8765",
        "--host",
        "enlist.example",
        stdout=out,
    )
    after = (Application.objects.count(), StageChange.objects.count(), StaffUser.objects.count())
    assert after == before
    assert "already exists" in out.getvalue()
    for password in logins_read(demo.logins_file).values():
        assert password in out.getvalue()
    for secret in totp_secrets_read(demo.logins_file).values():
        assert secret in out.getvalue()
    assert "http://enlist.example:8765/staff/" in out.getvalue()
    assert served == [("serve", {"host": "enlist.example", "port": 8765})]


@pytest.mark.django_db
def test_codes_prints_each_logins_current_code_which_signs_in_once(demo, client):
    out = io.StringIO()
    call_command("demo", "--codes", "--logins-file", str(demo.logins_file), stdout=out)

    codes = dict(re.findall(r"^  (\S+)\s+(\d{6})$", out.getvalue(), re.M))
    assert sorted(codes) == sorted(username for username, _, _ in LOGINS)
    password = logins_read(demo.logins_file)["clerk"]
    client.post("/staff/login/", {"username": "clerk", "password": password})
    signed_in = client.post("/staff/login/code/", {"code": codes["clerk"]})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


@pytest.mark.django_db
def test_a_database_holding_other_data_is_refused(demo):
    StaffUser.objects.filter(username="admin").delete()  # like a build that was interrupted
    before = Application.objects.count()
    with pytest.raises(CommandError, match="not a finished demo"):
        call_command("demo", "--no-serve", stdout=io.StringIO())
    assert Application.objects.count() == before


@pytest.mark.postgres_only("a PostgreSQL database is reset only with --yes")
@pytest.mark.django_db
def test_reset_of_a_postgresql_database_needs_an_explicit_yes(demo):
    before = Application.objects.count()
    with pytest.raises(CommandError, match="--yes"):
        call_command("demo", "--no-serve", "--reset", stdout=io.StringIO())
    with pytest.raises(CommandError, match="only confirms --reset"):
        call_command("demo", "--no-serve", "--yes", stdout=io.StringIO())
    assert Application.objects.count() == before


@pytest.mark.sqlite_only("an in-memory SQLite database has no file to reset")
@pytest.mark.django_db
def test_reset_of_an_in_memory_database_is_refused(demo):
    before = Application.objects.count()
    with pytest.raises(CommandError, match="in memory"):
        call_command("demo", "--no-serve", "--reset", stdout=io.StringIO())
    with pytest.raises(CommandError, match="only confirms --reset"):
        call_command("demo", "--no-serve", "--yes", stdout=io.StringIO())
    assert Application.objects.count() == before


def test_enlist_demo_reset_replaces_the_sqlite_file_and_its_uploads(tmp_path):
    """The real console script on a data directory holding an old database and uploads."""
    database = tmp_path / "enlist.sqlite3"
    with sqlite3.connect(database) as old:
        old.execute("CREATE TABLE leftover (x)")
    old.close()
    leftover_upload = tmp_path / "uploads" / "documents" / "0123abcd"
    leftover_upload.parent.mkdir(parents=True)
    leftover_upload.write_bytes(b"sealed")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and "_KEY" not in k}
    env["ENLIST_DATA_DIR"] = str(tmp_path)
    enlist = Path(sys.executable).with_name("enlist")

    done = subprocess.run(  # noqa: S603 (our own console script)
        [str(enlist), "demo", "--no-serve", "--reset", "--applications", "15"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert f"Deleted the SQLite database {database}" in done.stdout
    assert "Built in" in done.stdout and "15 applications" in done.stdout
    assert not leftover_upload.exists()
    with sqlite3.connect(database) as new:
        tables = {row[0] for row in new.execute("SELECT name FROM sqlite_master")}
        (count,) = new.execute("SELECT count(*) FROM cases_application").fetchone()
    new.close()
    assert "leftover" not in tables and count == 15
    logins = tmp_path / "demo-logins.txt"
    assert stat.S_IMODE(logins.stat().st_mode) == 0o600
    assert logins_read(logins)["clerk"] in done.stdout
