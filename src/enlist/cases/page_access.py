"""The need-to-know gate as every staff page applies it (cases/gate.py: case_open_check).

A page that shows a case's personal data (the case page's sections in other apps, a document,
a duplicate pair) asks first: a user whose case views are blocked gets 403; a user who must
give a reason is sent to the case page, which asks for it (one form for every app); a
prosecuted-country case first sends them to the step-up page and back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from enlist.accounts.request import StaffRequest
from enlist.accounts.step_up import step_up_redirect
from enlist.audit.view_limits import ViewsBlocked
from enlist.cases.gate import ReasonRequired, case_open_check
from enlist.cases.models import Application
from enlist.core.error_pages import error_page
from enlist.errors import StepUpRequired


def blocked_response(request: StaffRequest) -> HttpResponse:
    detail = _(
        "You opened unusually many cases in the last hour. Opening cases is blocked "
        "until an administrator clears it."
    )
    return error_page(request, 403, detail=detail)


def case_page_refusal(
    request: StaffRequest,
    application: Application,
    *,
    ask_reason: Callable[[], HttpResponse] | None = None,
) -> HttpResponse | None:
    """None when the page may show the case (the view is then counted), else the answer.

    A reason still to give: `ask_reason`'s page (the case page asks on the spot), else the
    way to the case page, which asks."""
    try:
        case_open_check(
            user=request.user, application=application, via="web", session=request.session
        )
    except ViewsBlocked:
        return blocked_response(request)
    except StepUpRequired:
        return step_up_redirect(request)  # a prosecuted-country case: a fresh second factor
    except ReasonRequired:
        if ask_reason is not None:
            return ask_reason()
        return redirect(reverse("case-detail", args=[application.pk]))
    return None
