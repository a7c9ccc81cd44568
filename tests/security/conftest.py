"""One world per module for the attack suite: two missions, a persona of every role, and at
Oslo two cases whose every text field holds script and markup payloads.

The world is built once per module inside a transaction that is rolled back when the module
ends; each test runs in a savepoint inside it (pytest-django's ``db``), so tests cannot see
each other's writes and the database is clean afterwards.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.access import SESSION_GRANTS, grant_open
from enlist.cases.models import Application, Document
from enlist.cases.services import application_transition, document_add
from enlist.vault.fields import EncryptedField
from enlist.vault.keyring import reset_caches
from tests.conftest import sign_in
from tests.factories import ApplicationFactory, MissionFactory, StaffFactory

SCRIPT = "<script>alert(1)</script>"
MARKUP = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{MARKUP}"
# What must never appear in a page as written: the payload's live markup.
RAW_MARKERS = (SCRIPT, "<img src=x onerror=alert(1)>")
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
# The family name of a high-risk applicant (Belarus: prosecuted), never on a list unmasked.
HIGH_RISK_NAME = "Zhyhalkevich"

PERSONAS = ("clerk_vilnius", "clerk_oslo", "attache_oslo", "consul_oslo", "reception", "hq",
            "auditor", "admin")  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def _isolated_data_dir(tmp_path_factory):
    """Module-wide keys and uploads (the world outlives one test), fast hashing, and view
    limits out of the way: the suite opens many cases on purpose."""
    base = tmp_path_factory.mktemp("security")
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ENLIST_KEY_DIR=base / "keys",
        MEDIA_ROOT=base / "uploads",
        STORAGES={
            **settings.STORAGES,
            "default": {
                "BACKEND": "enlist.vault.storage.EncryptedFileStorage",
                "OPTIONS": {"location": str(base / "uploads")},
            },
        },
        ENLIST_VIEW_LIMITS={role.value: (10**9, 10**9) for role in Role},
    ):
        reset_caches()
        yield
        reset_caches()


@dataclass
class World:
    users: dict[str, StaffUser]
    oslo_case: Application  # submitted stage, at Oslo: mission staff and HQ (with a reason)
    oslo_travel_case: Application  # in travel: reception sees it too
    vilnius_case: Application
    high_risk_case: Application  # at Oslo, in travel, nationality BY: masked on every list
    oslo_document: Document
    oslo_email: str  # as submitted: its blind index still finds the case
    secrets: tuple[str, ...]  # what of the Oslo cases must never reach another mission

    sessions: dict[str, str] = field(default_factory=dict)  # persona -> session key

    def client(self, persona: str | None, *, csrf: bool = False) -> Client:
        """A client signed in as `persona` (both factors, a need-to-know grant for every
        Oslo case): the session is made once per module and only its cookie is set here."""
        client = Client(enforce_csrf_checks=csrf)
        if persona is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

    @property
    def cases(self) -> tuple[Application, ...]:
        return (self.oslo_case, self.oslo_travel_case, self.high_risk_case)


def _poison(application: Application) -> None:
    """Every text the case holds becomes a payload: each personal field, the languages and
    military experience, a stage-change reason, a document's original name."""
    for model_field in Application._meta.get_fields():
        if isinstance(model_field, EncryptedField) and model_field.kind == "text":
            setattr(application, model_field.name, f"{PAYLOAD}{model_field.name}")
    application.languages = [PAYLOAD]
    application.military_experience = {
        **(application.military_experience or {}),
        "branch": PAYLOAD,
        "last_rank": PAYLOAD,
        "specialties": [PAYLOAD],
    }
    application.save()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, _isolated_data_dir) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        vilnius = MissionFactory(
            code="lt-vilnius", country_id="LT", city="Vilnius", timezone="Europe/Vilnius"
        )
        oslo = MissionFactory(code="no-oslo", country_id="NO", city="Oslo", timezone="Europe/Oslo")
        users = {
            "clerk_vilnius": StaffFactory(username="sec-clerk-vilnius", role="clerk",
                                          mission=vilnius),
            "clerk_oslo": StaffFactory(username="sec-clerk-oslo", role="clerk", mission=oslo),
            "attache_oslo": StaffFactory(username="sec-attache-oslo", role="attache",
                                         mission=oslo),
            "consul_oslo": StaffFactory(username="sec-consul-oslo", role="consul", mission=oslo),
            "reception": StaffFactory(username="sec-reception", role="reception"),
            "hq": StaffFactory(username="sec-hq", role="hq"),
            "auditor": StaffFactory(username="sec-auditor", role="auditor"),
            "admin": StaffFactory(username="sec-admin", role="admin", is_staff=True,
                                  is_superuser=True),
        }  # fmt: skip
        oslo_case = ApplicationFactory(mission=oslo)
        oslo_email = oslo_case.email
        document = document_add(
            application=oslo_case,
            kind="passport",
            upload=SimpleUploadedFile("passport.pdf", b"%PDF-1.4 test", "application/pdf"),
            actor=users["clerk_oslo"],
        )
        document.original_name = PAYLOAD
        document.save()
        application_transition(
            application=oslo_case, to="screening", actor=users["clerk_oslo"], reason=PAYLOAD
        )
        application_transition(
            application=oslo_case, to="on_hold", actor=users["attache_oslo"], reason=PAYLOAD
        )
        grant_open(user=users["hq"], application=oslo_case, reason=PAYLOAD, via="web")
        travel = ApplicationFactory(mission=oslo, stage="travel")
        _poison(oslo_case)
        _poison(travel)
        world = World(
            users=users,
            oslo_case=Application.objects.get(pk=oslo_case.pk),
            oslo_travel_case=Application.objects.get(pk=travel.pk),
            vilnius_case=ApplicationFactory(mission=vilnius),
            high_risk_case=ApplicationFactory(
                mission=oslo, stage="travel", nationality="BY", family_name=HIGH_RISK_NAME
            ),
            oslo_document=Document.objects.get(pk=document.pk),
            oslo_email=oslo_email,
            # only the Oslo cases hold payloads: "alert(1)" anywhere means an Oslo case leaked
            secrets=("alert(1)", str(oslo_case.pk), str(travel.pk), str(document.pk)),
        )
        for persona, user in users.items():
            client = sign_in(Client(), user)
            session = client.session
            session[SESSION_GRANTS] = {str(c.pk): int(time.time()) + 86400 for c in world.cases}
            session.save()
            world.sessions[persona] = session.session_key
        yield world
        transaction.set_rollback(True)
