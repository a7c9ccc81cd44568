"""One world per module for the attack suite: two missions, a persona of every role, and at
Oslo two cases whose every text field holds script and markup payloads.

The world is built once per module inside a transaction that is rolled back when the module
ends; each test runs in a savepoint inside it (pytest-django's ``db``), so tests cannot see
each other's writes and the database is clean afterwards.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.cases.gate import SESSION_GRANTS, grant_open
from enlist.cases.models import Application, Document
from enlist.cases.services import application_transition, document_add
from enlist.cases.workflow import PIPELINE, Stage
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


# Roles that must give a reason before opening a case outside their flow (cases/need_to_know.py)
NEED_TO_KNOW_PERSONAS = ("hq", "auditor")


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

    # more high-risk Oslo cases, one at each other stage of the pipeline and one with an
    # interview booked: each app's list (queue, calendar, unit assignment) shows one of them
    high_risk_elsewhere: tuple[Application, ...] = ()
    # the other apps' objects at Oslo (or HQ-wide), by URL parameter name: interview_id, ...
    objects: dict[str, Any] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)  # persona -> session key
    # HQ and the auditor signed in without any need-to-know grant (a reason not yet given)
    ungranted_sessions: dict[str, str] = field(default_factory=dict)

    def client(self, persona: str | None, *, csrf: bool = False, granted: bool = True) -> Client:
        """A client signed in as `persona` (both factors, a need-to-know grant for every
        Oslo case unless not `granted`): the session is made once per module and only its
        cookie is set here."""
        client = Client(enforce_csrf_checks=csrf)
        if persona is not None:
            sessions = self.sessions if granted else self.ungranted_sessions
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[persona]
        return client

    @property
    def cases(self) -> tuple[Application, ...]:
        return (self.oslo_case, self.oslo_travel_case, self.high_risk_case,
                *self.high_risk_elsewhere)  # fmt: skip


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


def _fitting(model_field: Any, suffix: str) -> str:
    """The payload, or as much of it as the column takes (PostgreSQL enforces max_length)."""
    limit = getattr(model_field, "max_length", None) or 10**6
    for text in (f"{PAYLOAD}{suffix}", PAYLOAD, MARKUP, SCRIPT):
        if len(text) <= limit:
            return text
    return MARKUP[:limit]


def _poison_object(instance: Any, *clear_fields: str) -> None:
    """Every sealed text of `instance` (and each string of a sealed JSON mapping) becomes a
    payload, and so do the named clear-text fields (codenames, room names): the other apps'
    free text goes through the same inertness checks as the case's."""
    for model_field in type(instance)._meta.concrete_fields:
        if not isinstance(model_field, EncryptedField):
            continue
        if model_field.kind == "text":
            setattr(instance, model_field.attname, f"{PAYLOAD}{model_field.name}")
        elif model_field.kind == "json":
            value = getattr(instance, model_field.attname)
            if isinstance(value, dict):
                setattr(instance, model_field.attname, {key: PAYLOAD for key in value})
    for name in clear_fields:
        setattr(instance, name, _fitting(type(instance)._meta.get_field(name), name))
    instance.save()


def _other_apps(world: World, oslo: Any) -> None:
    """An interview with a verdict, a visa and a unit decision for the Oslo case; a travel
    packet for the Oslo case in travel; and the HQ-wide meeting point, route and checklist
    line: every free text of them a payload."""
    from enlist.interviews.models import Interpreter, Verdict
    from enlist.logistics.models import Unit, UnitAssignment
    from enlist.matching.models import MatchCandidate
    from enlist.matching.services import pairs_of
    from enlist.travel.models import ChecklistItem, MeetingPoint, RouteAdvice
    from enlist.travel.seed import travel_seed
    from enlist.travel.services import packet_create
    from enlist.visas.models import ChecklistItem as VisaChecklistItem
    from enlist.visas.models import Visa, VisaStatus
    from tests.interviews.helpers import interview_for, venue_of

    users, case = world.users, world.oslo_case
    interview = interview_for(
        case, users["attache_oslo"], users["consul_oslo"],
        start=timezone.now() + datetime.timedelta(days=2),
    )  # fmt: skip
    interview.interpreter = Interpreter.objects.create(mission=oslo, name="Interpreter")
    interview.save()
    _poison_object(venue_of(oslo), "name")
    _poison_object(interview.interpreter, "name")
    experience = {key: "x" for key in ("service", "unit", "dates", "rank", "specialty")}
    for role in ("attache", "consul"):
        verdict = Verdict.objects.create(
            application=case, interview=interview, author=users[f"{role}_oslo"], role=role,
            service_verified=True, experience=experience, confidence="high", readiness="ready",
            language_ability="fluent", recommend=True, evidence_source="x", notes="x",
        )  # fmt: skip
        _poison_object(verdict)
    _poison_object(Visa.objects.create(application=case, status=VisaStatus.ISSUED))
    _poison_object(
        VisaChecklistItem.objects.create(visa_type="short_stay", mission=oslo, label="x"), "label"
    )
    suggested = Unit.objects.create(name="Suggested unit", code="sec-suggested", capacity=5)
    chosen = Unit.objects.create(name="Chosen unit", code="sec-chosen", capacity=5)
    _poison_object(suggested, "name", "description")
    assignment = UnitAssignment.objects.create(
        application=case, unit=chosen, suggested_unit=suggested, overridden=True,
        reason="x", decided_by=users["hq"],
    )  # fmt: skip
    _poison_object(assignment)

    point = travel_seed(today=timezone.now().date())
    packet = packet_create(application=world.oslo_travel_case, actor=users["hq"])
    assert packet is not None, "no meeting point valid today"
    from enlist.jobs.worker import Worker

    Worker(name="world", schedule=False).run_burst()  # the packet's PDF and email
    _poison_object(MeetingPoint.objects.get(pk=point.pk), "name", "opening_hours")
    route = RouteAdvice.objects.order_by("pk").first()
    _poison_object(route)
    item = ChecklistItem.objects.order_by("pk").first()
    _poison_object(item, "name")
    item.translations = {"uk": PAYLOAD}
    item.save()
    world.objects.update(
        interview_id=interview.pk,
        packet_id=packet.packet.pk,
        point_id=point.pk,
        route_id=route.pk,
        item_id=item.pk,
    )
    # more high-risk cases, for the other apps' lists
    elsewhere = [
        ApplicationFactory(mission=oslo, stage=stage, nationality="BY", family_name=HIGH_RISK_NAME)
        for stage in PIPELINE
        if stage != Stage.TRAVEL
    ]
    booked = ApplicationFactory(
        mission=oslo, stage=Stage.INTERVIEW, nationality="BY", family_name=HIGH_RISK_NAME
    )
    interview_for(
        booked, users["attache_oslo"], users["consul_oslo"],
        start=timezone.now() + datetime.timedelta(days=3),
    )  # fmt: skip
    world.high_risk_elsewhere = (*elsewhere, booked)
    # HQ's review queue: the Oslo case in travel and the high-risk one, a possible duplicate
    # pair (not the Oslo case itself: an open pair's cases are in HQ's flow, no reason asked)
    left, right = sorted((world.oslo_travel_case, world.high_risk_case), key=lambda a: str(a.pk))
    pair, _ = MatchCandidate.objects.get_or_create(
        left=left, right=right,
        defaults={"probability": 0.97,
                  "evidence": {"family_name": {"level": "exact", "weight": 9.5}}},
    )  # fmt: skip
    # The suite's cases share their payload names, so matching pairs them too; the Oslo case
    # itself stays out of HQ's queue (in it, HQ opens it without a reason: its flow).
    MatchCandidate.objects.filter(pairs_of(case.pk)).delete()
    world.objects["candidate_id"] = pair.pk
    # a mail draft at Oslo (mail intake): its page must be 404 to Vilnius
    from enlist.mailin.models import Mailbox
    from enlist.mailin.services import mail_receive

    Mailbox.objects.get_or_create(mission=case.mission, defaults={"address": "oslo@intake.test"})
    mail_receive(
        raw=b"From: a@example.org\r\nSubject: hello\r\nMessage-ID: <sec@x>\r\n\r\nHi\r\n",
        recipients=["oslo@intake.test"], envelope_sender="a@example.org", via="smtp",
    )  # fmt: skip
    from enlist.mailin.models import MailDraft

    world.objects["draft_id"] = MailDraft.objects.filter(mission=case.mission).first().pk
    # an import run of Oslo's (the worker's import page): 404 to Vilnius
    from enlist.intake.import_runs import import_run_start

    world.objects["run_id"] = import_run_start(
        actor=users["clerk_oslo"], mission=case.mission, content=b"given_name\n", suffix=".csv"
    ).pk
    # an Oslo interview, packet or case named on a Vilnius page would be a leak as well
    world.secrets += (str(interview.pk), str(packet.packet.pk), str(pair.pk))
    world.secrets += tuple(str(c.pk) for c in world.high_risk_elsewhere)


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
        _other_apps(world, oslo)
        for persona, user in users.items():
            client = sign_in(Client(), user)
            session = client.session
            session[SESSION_GRANTS] = {str(c.pk): int(time.time()) + 86400 for c in world.cases}
            session.save()
            world.sessions[persona] = session.session_key
        for persona in NEED_TO_KNOW_PERSONAS:
            session = sign_in(Client(), users[persona]).session
            world.ungranted_sessions[persona] = session.session_key
        yield world
        transaction.set_rollback(True)
