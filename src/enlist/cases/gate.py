"""Need-to-know at the moment a case is opened: the reason gate and the hourly view limits.

``case_open_check`` runs before any page or endpoint shows a case's personal data (after the
scope check, before the view is recorded):

1. A user whose case views are blocked (a hard alert not yet cleared) is refused (403;
   ``audit/view_limits.py``).
2. A case outside the user's normal flow (``cases/need_to_know.py``) needs a reason: a grant
   held in the staff session for ``ENLIST_NEED_TO_KNOW_MINUTES``, or a reason given with this
   request (the API: header ``X-Access-Reason``; never the query string). Without one: 428 naming
   the field ``reason``. Each reason is recorded: an ``AccessGrant`` (the text, sealed with the
   volunteer's key) and an audit entry naming it.
   A case of a country whose advisory is ``prosecuted`` is revealed only with a fresh second
   factor as well (step-up, ``accounts/step_up.py``): the session must have passed one within
   ``ENLIST_STEP_UP_MINUTES``, asked before the reason; the API, whose tokens cannot step
   up, answers 403 naming the field ``step_up``.
3. The view is counted (one row per user and hour). Past the soft threshold of the user's
   role the user is flagged to auditors (a ``ViewAlert`` and an audit entry); past the hard
   limit the view is refused and the user blocked until ``enlist staff unblock``
   (``audit/view_limits.py``).

The gate is the cases app's (it reads the case and the workflow's flow); what it records (the
grants, the counts, the alerts) is the audit trail's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from enlist.accounts.models import StaffUser
from enlist.accounts.request import StaffRequest
from enlist.accounts.step_up import step_up_check
from enlist.audit.models import AccessGrant, AuditAction
from enlist.audit.services import audit_record
from enlist.audit.view_limits import ViewsBlocked, views_blocked, views_charge
from enlist.cases.models import Application
from enlist.cases.need_to_know import REASON_MIN_LENGTH, reason_required
from enlist.core.bounds import reason_length_check
from enlist.errors import EnlistError, FieldError, InvalidInput

SESSION_GRANTS = "enlist_case_grants"  # {application id: unix time the grant ends}
REASON_HEADER = "X-Access-Reason"
STEP_UP_ADVISORIES = frozenset({"prosecuted"})  # whose cases are revealed only after step-up


def reveal_needs_step_up(application: Application) -> bool:
    """Opening this case outside the flow needs a fresh second factor (prosecuted country)."""
    return application.nationality.advisory_status in STEP_UP_ADVISORIES


class ReasonRequired(EnlistError):
    """Opening this case is outside the user's normal flow and no reason was given (428)."""

    status = 428

    def __init__(self) -> None:
        super().__init__(
            "Opening this case is outside your normal flow: give a reason first "
            f"(API: header {REASON_HEADER}).",
            field="reason",
        )


REASON_NOT_IN_URL = (
    f"Give the reason in the {REASON_HEADER} header, never in the address: addresses are "
    "written to access logs and browser histories."
)


def reason_from_request(request: StaffRequest) -> str:
    """The reason an API caller gave: header X-Access-Reason (percent-encoded for non-ASCII
    text). A reason in the query string is refused (InvalidInput on "reason", 422) and never
    read: free text about a volunteer must not travel in a URL."""
    if "reason" in request.GET:
        raise InvalidInput([FieldError("reason", REASON_NOT_IN_URL)])
    return unquote(request.headers.get(REASON_HEADER, "")).strip()


def api_case_open(request: StaffRequest, *applications: Application, acting: bool = False) -> None:
    """The need-to-know gate for an API read (every endpoint that shows a case's personal
    data): the reason from the request's header, then ``case_open_check`` for each case."""
    reason = reason_from_request(request)
    for application in applications:
        case_open_check(
            user=request.user, application=application, via="api", reason=reason, acting=acting
        )


def grant_active(session: SessionBase | None, application_id: object) -> bool:
    if session is None:
        return False
    until = session.get(SESSION_GRANTS, {}).get(str(application_id))
    return isinstance(until, int | float) and until > time.time()


def grant_open(
    *,
    user: StaffUser,
    application: Application,
    reason: str,
    via: str,
    session: SessionBase | None = None,
) -> AccessGrant:
    """Record why `user` opens `application`, and hold the grant in `session` if given.
    Raises StepUpRequired for a prosecuted-country case without a fresh second factor."""
    if reveal_needs_step_up(application):
        step_up_check(session)
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise InvalidInput(
            [FieldError("reason", f"Give a reason of at least {REASON_MIN_LENGTH} characters.")]
        )
    reason_length_check(reason)
    minutes = settings.ENLIST_NEED_TO_KNOW_MINUTES
    with transaction.atomic():
        grant = AccessGrant(application=application, user=user, reason=reason, via=via)
        grant.save()
        audit_record(
            actor=user,
            action=AuditAction.OPEN_WITH_REASON,
            target=application,
            detail={"via": via, "grant": str(grant.uid), "minutes": minutes},
        )
    if session is not None:
        grants = {
            key: until
            for key, until in session.get(SESSION_GRANTS, {}).items()
            if isinstance(until, int | float) and until > time.time()
        }
        grants[str(application.pk)] = int(time.time()) + minutes * 60
        session[SESSION_GRANTS] = grants
    return grant


# Other apps' queues: fn(user, application) -> True when the case waits in a queue of the
# user's role (e.g. an HQ review queue), which puts it in the user's normal flow.
FlowCheck = Callable[[StaffUser, "Application"], bool]
_flow_checks: list[FlowCheck] = []


def register_flow_check(check: FlowCheck) -> None:
    """Called from an AppConfig.ready(): cases in `check`'s queues open without a reason."""
    if check not in _flow_checks:
        _flow_checks.append(check)


def needs_reason(*, user: StaffUser, application: Application, session: SessionBase | None) -> bool:
    if application.is_erased:
        return False  # nothing personal left to show
    if not reason_required(role=user.role, stage=application.stage):
        return False
    if grant_active(session, application.pk):
        return False
    return not any(check(user, application) for check in _flow_checks)


def case_open_check(
    *,
    user: StaffUser,
    application: Application,
    via: str,
    session: SessionBase | None = None,
    reason: str = "",
    acting: bool = False,
) -> None:
    """Run before showing a case's personal data; raises ViewsBlocked, StepUpRequired,
    ReasonRequired or InvalidInput (a reason too short). See the module's docstring.

    `acting`: the user is making a move the workflow table gives their role (the answer then
    shows the case): the move is its own recorded purpose, so no reason is asked; the view
    still counts.
    """
    if views_blocked(user=user):
        raise ViewsBlocked()
    if not acting and needs_reason(user=user, application=application, session=session):
        if reveal_needs_step_up(application):
            step_up_check(session)  # before the reason: the user is not asked for it twice
        if not reason:
            raise ReasonRequired()
        grant_open(user=user, application=application, reason=reason, via=via, session=session)
    views_charge(user=user)
