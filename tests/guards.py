"""Record, directly, the facts the workflow's guards read, for tests about something else
(roles, scope, history) that move a case out of a guarded stage.

Tests of the guards themselves go through the owning services (tests/interviews, tests/visas,
tests/logistics).
"""

from __future__ import annotations

from enlist.accounts.models import StaffUser
from enlist.cases.models import Application
from enlist.logistics.models import Unit, UnitAssignment
from enlist.visas.models import Visa, VisaStatus
from tests.factories import StaffFactory, recommend_by_panel


def satisfy_guards(application: Application, stage: str, *panel: StaffUser) -> None:
    """Make every guarded move out of `stage` pass its guard (no-op for unguarded stages).

    Out of interview: the panel (attaché, consul; new ones of the case's mission if none are
    given) records recommending verdicts.
    """
    if stage == "interview":
        application = Application.objects.get(pk=application.pk)  # the stage as stored
        panel = panel or (
            StaffFactory(role="attache", mission=application.mission),
            StaffFactory(role="consul", mission=application.mission),
        )
        recommend_by_panel(application, *panel)
    elif stage == "visa":
        Visa.objects.update_or_create(
            application=application, defaults={"status": VisaStatus.NOT_NEEDED}
        )
    elif (
        stage == "arrived"
        and not UnitAssignment.objects.filter(application=application, is_current=True).exists()
    ):
        UnitAssignment.objects.create(
            application=application,
            unit=Unit.objects.order_by("code").first(),
            decided_by=StaffFactory(username="hq", role="hq", mission=None),
        )
