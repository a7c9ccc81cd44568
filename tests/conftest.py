"""Shared fixtures: isolated keys and uploads per test run, and named staff personas.

Personas (DESIGN.md roles): a clerk in Vilnius, a clerk in Oslo, the Vilnius attaché and
consul, reception at the meeting point, an HQ officer, an auditor and an admin.

Staff pages need a session that passed both factors: ``sign_in(client, user)`` (or the
``signed_in`` fixture) gives one. The sign-in itself is tested in tests/accounts/.

Database-specific tests: ``@pytest.mark.postgres_only("why")`` for a test whose point SQLite
cannot carry (row locks between real connections, a trigger, pg_dump), and
``@pytest.mark.sqlite_only("why")`` for the SQLite deployment's own branch. The other pass
reports them as skipped, each by name with its reason (``-rs`` in scripts/test.sh), never as
passed.

Hypothesis: profile ``ci`` (random seeds, every property's full example count, failing
examples printed as a reproducible blob) or ``quick`` (a tenth of the examples, for a local
edit-test loop), chosen by ``ENLIST_HYPOTHESIS_PROFILE``; unset, it is ``ci`` when ``CI`` is
set and ``quick`` otherwise. A property states its full count as ``max_examples=examples(N)``.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import time
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connections
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from hypothesis import settings as hypothesis_settings

from enlist.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from enlist.accounts.models import SealedTotpDevice
from enlist.accounts.services import totp_device_add_confirmed
from enlist.accounts.step_up import SECOND_FACTOR_AT
from enlist.core.catalogs import compile_catalogs
from enlist.missions.models import Country
from enlist.missions.seed import country_rows
from enlist.vault.keyring import reset_caches
from tests.factories import ApplicationFactory, MissionFactory, StaffFactory, application_payload

# Share of a property's full example count each profile runs.
HYPOTHESIS_PROFILES = {"ci": 1.0, "quick": 0.1}
hypothesis_settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=False, print_blob=True
)
hypothesis_settings.register_profile("quick", max_examples=10, deadline=None, derandomize=False)
HYPOTHESIS_PROFILE = os.environ.get("ENLIST_HYPOTHESIS_PROFILE") or (
    "ci" if os.environ.get("CI") else "quick"
)
if HYPOTHESIS_PROFILE not in HYPOTHESIS_PROFILES:
    raise pytest.UsageError(
        f"ENLIST_HYPOTHESIS_PROFILE must be one of {', '.join(HYPOTHESIS_PROFILES)}, "
        f"not {HYPOTHESIS_PROFILE!r}"
    )
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def examples(full: int) -> int:
    """A property's example count under the loaded profile: `full` on CI, a tenth (at least
    5) for quick local runs. Write a property's settings as `max_examples=examples(N)`."""
    return max(5, round(full * HYPOTHESIS_PROFILES[HYPOTHESIS_PROFILE]))


DATABASE_MARKERS = {"postgres_only": "postgresql", "sqlite_only": "sqlite"}


def pytest_configure(config):
    # The .mo files are built, not committed: a checkout tested without `make setup-dev`
    # (another worktree, a fresh clone) still reads its current .po files.
    compile_catalogs()
    config.addinivalue_line(
        "markers",
        "postgres_only(reason): the test's point needs PostgreSQL; skipped, by name, on SQLite",
    )
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the SQLite deployment's own branch; skipped elsewhere"
    )


def pytest_collection_modifyitems(config, items):
    """Skip database-specific tests on the other database, naming each test and why."""
    vendor = connections["default"].vendor
    for item in items:
        for name, needs in DATABASE_MARKERS.items():
            marker = item.get_closest_marker(name)
            if marker is None or vendor == needs:
                continue
            why = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
            if not why:
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.{name} needs a reason")
            label = "PostgreSQL" if needs == "postgresql" else "SQLite"
            item.add_marker(pytest.mark.skip(reason=f"{item.name}: {label} only: {why}"))


@pytest.fixture(scope="session")
def _smtp_server():
    """One real SMTP server for the whole run (tests/mailserver.py)."""
    from aiosmtpd.controller import Controller

    from tests.mailserver import Inbox, free_port

    # The server's own log (every command, with addresses) is not the product's: keep it out
    # of the records that tests search for leaked addresses.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(Inbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture(autouse=True)
def _smtp(_smtp_server, settings):
    """Every test sends its mail over SMTP to the test server, never to an in-memory outbox:
    what a test reads back is what a mail server received. Each test starts with an empty
    inbox that accepts everyone."""
    settings.EMAIL_BACKEND = "enlist.core.mail.SMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    _smtp_server.handler.reset()
    yield _smtp_server.handler
    _smtp_server.handler.reset()


@pytest.fixture
def inbox(_smtp):
    """The test SMTP server's inbox (tests/mailserver.py: `Inbox`): what it received, parsed,
    and the refusals a test sets."""
    return _smtp


@pytest.fixture(autouse=True)
def _isolated_data_dir(settings, tmp_path):
    """Each test gets its own key directory and uploads folder, and a fast password hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ENLIST_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "enlist.vault.storage.EncryptedFileStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    reset_caches()
    yield
    reset_caches()


def sign_in(client: Client, user) -> Client:
    """Sign `user` in as the staff sign-in does: logged in and verified by a confirmed TOTP
    device (one is made for the user if they have none), the second factor just passed (no
    step-up asked). Returns the client."""
    client.force_login(user)
    device = SealedTotpDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = totp_device_add_confirmed(user=user, name="test")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = session[SECOND_FACTOR_AT] = int(
        time.time()
    )
    session.save()
    return client


@pytest.fixture
def signed_in(client):
    """signed_in(user) -> the test client, signed in as `user` with both factors."""
    return lambda user: sign_in(client, user)


@pytest.fixture
def run_jobs(db):
    """run_jobs() -> how many queued jobs ran: every due job, exactly as `enlist worker
    --burst` runs them (the same Worker code path); periodic jobs only with schedule=True."""
    from enlist.jobs.worker import Worker

    def run(*, now=None, schedule: bool = False) -> int:
        return Worker(name="test", schedule=schedule).run_burst(now=now)

    return run


def countries_restore() -> None:
    """Put back the seeded countries a transactional test before may have flushed (in the
    caller's transaction: rolled back with it)."""
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        Country(**row) for row in country_rows() if row["code"] not in existing
    )


# What the migrations seed besides the countries: (app, model, the seeding functions).
_SEEDED = (
    ("logistics", "Unit", ("0002_seed_units:seed_units", "0004_unit_profiles:profile_units")),
    ("travel", "ChecklistItem", ("0002_seed_checklist:seed",)),
    ("visas", "ChecklistItem", ("0002_seed_checklists:seed_checklists",)),
)


def reference_data_restore() -> None:
    """Put back every table the migrations seed (countries, units, checklists) that a
    transactional test before flushed, by running those migrations' own functions, in the
    caller's transaction. A module-scoped fixture that builds the demo needs them all."""
    from django.apps import apps

    countries_restore()
    for app, model, functions in _SEEDED:
        if apps.get_model(app, model).objects.exists():
            continue
        for function in functions:
            module, name = function.split(":")
            getattr(importlib.import_module(f"enlist.{app}.migrations.{module}"), name)(apps, None)


@pytest.fixture
def countries(db):
    """The seeded countries, put back if a transactional test before flushed them."""
    countries_restore()


@pytest.fixture
def vilnius(db):
    return MissionFactory(
        code="lt-vilnius", country_id="LT", city="Vilnius", timezone="Europe/Vilnius"
    )


@pytest.fixture
def oslo(db):
    return MissionFactory(code="no-oslo", country_id="NO", city="Oslo", timezone="Europe/Oslo")


@pytest.fixture
def clerk_vilnius(vilnius):
    return StaffFactory(username="clerk-vilnius", role="clerk", mission=vilnius)


@pytest.fixture
def clerk_oslo(oslo):
    return StaffFactory(username="clerk-oslo", role="clerk", mission=oslo)


@pytest.fixture
def attache_vilnius(vilnius):
    return StaffFactory(username="attache-vilnius", role="attache", mission=vilnius)


@pytest.fixture
def consul_vilnius(vilnius):
    return StaffFactory(username="consul-vilnius", role="consul", mission=vilnius)


@pytest.fixture
def attache_oslo(oslo):
    return StaffFactory(username="attache-oslo", role="attache", mission=oslo)


@pytest.fixture
def consul_oslo(oslo):
    return StaffFactory(username="consul-oslo", role="consul", mission=oslo)


@pytest.fixture
def reception(db):
    return StaffFactory(username="reception", role="reception", mission=None)


@pytest.fixture
def hq(db):
    return StaffFactory(username="hq", role="hq", mission=None)


@pytest.fixture
def auditor(db):
    return StaffFactory(username="auditor", role="auditor", mission=None)


@pytest.fixture
def admin_user(db):
    return StaffFactory(
        username="admin", role="admin", mission=None, is_staff=True, is_superuser=True
    )


@pytest.fixture
def vilnius_case(vilnius):
    return ApplicationFactory(mission=vilnius)


@pytest.fixture
def oslo_case(oslo):
    return ApplicationFactory(mission=oslo)


class ApiClient:
    """The JSON API as a partner or a staff tool sees it."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, *, reason: str | None = None, **params: Any):
        """`reason`: why the case is opened (need-to-know), sent as X-Access-Reason."""
        headers = dict(self.headers)
        if reason is not None:
            headers["X-Access-Reason"] = quote(reason)
        return self.client.get(f"/api/v1{path}", params, headers=headers)

    def post(self, path: str, body: Any = None, *, headers: dict[str, str] | None = None):
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )


@pytest.fixture
def api_as():
    """api_as(user) -> ApiClient authenticated with a fresh token of that user."""
    from enlist.accounts.services import staff_token_create

    def make(user=None) -> ApiClient:
        return ApiClient(staff_token_create(user=user) if user is not None else None)

    return make


@pytest.fixture
def payload(vilnius):
    """A valid intake body for the Vilnius mission (a dict; mutate freely)."""
    return application_payload(mission=vilnius.code)
