"""Factories for the domain models; applications go through the real intake service."""

from __future__ import annotations

import itertools
from typing import Any

import factory

from enlist.accounts.models import StaffUser
from enlist.cases.models import Application, Channel
from enlist.intake.schemas import ApplicationIn
from enlist.intake.services import application_submit
from enlist.missions.models import Mission

_serial = itertools.count(1)


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"xx-mission-{n}")
    name = factory.LazyAttribute(lambda m: f"Embassy of Ukraine in {m.city}")
    country_id = "LT"
    city = "Vilnius"
    timezone = "Europe/Vilnius"
    languages = factory.LazyFunction(lambda: ["en", "uk"])


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffUser
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    role = "clerk"
    password = factory.django.Password("correct horse battery staple")


def application_payload(**overrides: Any) -> dict[str, Any]:
    n = next(_serial)
    body: dict[str, Any] = {
        "given_name": "Oleksandr",
        "family_name": f"Kovalenko{n}",
        "given_name_native": "Олександр",
        "family_name_native": "Коваленко",
        "date_of_birth": "1990-04-17",
        "nationality": "CA",
        "residence_country": "CA",
        "email": f"o.kovalenko{n}@example.org",
        "phone": "+1 416 555 0134",
        "passport_number": f"AB{123456 + n}",
        "mission": "lt-vilnius",
        "languages": ["en", "uk"],
        "military_experience": {
            "years": 6,
            "branch": "army",
            "last_rank": "sergeant",
            "combat_deployments": 2,
            "peacekeeping": True,
            "specialties": ["infantry", "combat medic"],
        },
        "consent": True,
        "legal_advisory_acknowledged": True,
    }
    body.update(overrides)
    return body


def matching_run() -> int:
    """Run the queued matching jobs (only those: other jobs stay queued for the test to run),
    through the worker's own code path. Returns how many ran."""
    from enlist.jobs.worker import Worker
    from enlist.matching.services import MATCH_ON_ARRIVAL

    return Worker(name="test-matching", schedule=False, kinds={MATCH_ON_ARRIVAL}).run_burst()


def ApplicationFactory(  # noqa: N802  (reads like the other factories at call sites)
    *, mission: Mission, stage: str = "submitted", channel: str = Channel.WEB, **overrides: Any
) -> Application:
    """An application submitted through the intake service and matched (its queued matching
    job run by the worker, as in production moments later), then placed in `stage`."""
    data = ApplicationIn.model_validate(
        application_payload(mission=mission.code, **overrides), strict=False
    )
    application = application_submit(data=data, channel=Channel(channel)).application
    matching_run()
    if stage != "submitted":
        Application.objects.filter(pk=application.pk).update(stage=stage)
        application.refresh_from_db()
    return application


def recommend_by_panel(application: Application, *panel: StaffUser, recommend: bool = True) -> None:
    """Each panel member (attaché, consul) records a verdict, as interview → visa requires."""
    from enlist.interviews.services import verdict_record

    for member in panel:
        verdict_record(
            application=application,
            actor=member,
            service_verified=False,
            experience={"service": "army", "rank": "sergeant"},
            confidence="medium",
            readiness="ready",
            language_ability="working",
            recommend=recommend,
        )
