"""What the demo does before a stage move so that the workflow's guards hold.

The demo moves cases through the same `application_transition` as staff do, so a move whose
guard needs a fact (both interview verdicts, a settled visa, a unit) first records that fact
through the owning app's service, as the staff member would. One entry per guarded target
stage; the app that adds a guard adds its entry here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import F

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.cases.models import Application
from enlist.cases.workflow import Stage
from enlist.logistics.models import Unit
from enlist.logistics.selectors import suggestion_for
from enlist.logistics.services import unit_assign
from enlist.visas.services import visa_update

# Returns a staff member of the role, at the case's mission for mission roles.
StaffPicker = Callable[[Role], StaffUser]
Prerequisite = Callable[[Application, StaffPicker, datetime.datetime], None]


def _both_verdicts(application: Application, pick: StaffPicker, at: datetime.datetime) -> None:
    """interview → visa: the attaché and the consul each record a recommending verdict."""
    from enlist.interviews.services import Assessment, verdict_record

    if application.stage != Stage.INTERVIEW:
        return  # resuming a case held at visa: no interview move, no guard
    experience = application.military_experience or {}
    documents = [str(pk) for pk in application.documents.values_list("pk", flat=True)]
    for role in (Role.ATTACHE, Role.CONSUL):
        verdict_record(
            application=application,
            actor=pick(role),
            assessment=Assessment(
                service_verified=bool(documents),
                experience={
                    "service": str(experience.get("branch") or ""),
                    "rank": str(experience.get("last_rank") or ""),
                    "dates": f"{experience.get('years', 0)} years",
                    "specialty": ", ".join(experience.get("specialties") or []),
                },
                evidence_documents=documents,
                confidence="high" if documents else "medium",
                readiness="ready",
                language_ability="working",
                recommend=True,
            ),
            at=at,
        )


def _visa_settled(application: Application, pick: StaffPicker, at: datetime.datetime) -> None:
    """visa → travel: the consul records the visa as issued (or, for some, not needed)."""
    consul = pick(Role.CONSUL)
    if application.pk.int % 5 == 0:  # some travel on a passport that needs no visa
        visa_update(application=application, actor=consul, status="not_needed")
        return
    day = at.date()
    visa_update(
        application=application,
        actor=consul,
        status="issued",
        visa_type="long_stay",
        applied_on=day - datetime.timedelta(days=12),
        number=f"UA{application.pk.int % 10**8:08d}",
        valid_from=day,
        valid_until=day + datetime.timedelta(days=365),
    )


def _unit_assigned(application: Application, pick: StaffPicker, at: datetime.datetime) -> None:
    """arrived → enlisted: HQ confirms the suggested unit."""
    suggestion = suggestion_for(application)
    if suggestion.unit is None:
        # A demo larger than the legion's seeded units: HQ raises the best unit's capacity.
        best = suggestion.ranking[0].unit
        Unit.objects.filter(code=best).update(capacity=F("capacity") + 100)
        suggestion = suggestion_for(application)
    assert suggestion.unit is not None  # nosec B101  # an invariant, not a check of input
    unit_assign(application=application, unit_code=suggestion.unit, actor=pick(Role.HQ))


PREREQUISITES: dict[Stage, Prerequisite] = {
    Stage.VISA: _both_verdicts,
    Stage.TRAVEL: _visa_settled,
    Stage.ENLISTED: _unit_assigned,
}


def prepare_move(
    *, application: Application, to: Stage, pick: StaffPicker, at: datetime.datetime
) -> None:
    prerequisite = PREREQUISITES.get(to)
    if prerequisite is not None:
        prerequisite(application, pick, at)
