"""The staff page action that erases a case at the applicant's request (HQ only). Thin."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlist.accounts.request import StaffRequest
from enlist.accounts.step_up import step_up_required
from enlist.cases.access import access_application
from enlist.cases.erasure import application_shred
from enlist.core.error_pages import SHOWN_INLINE


@login_required
@step_up_required  # a fresh second factor: back to the case page, then erase again
@require_POST
def case_erase(request: StaffRequest, application_id: uuid.UUID) -> HttpResponse:
    application = access_application(user=request.user, application_id=application_id)
    try:
        application_shred(
            application=application, actor=request.user, reason=request.POST.get("reason", "")
        )
    except SHOWN_INLINE as exc:
        messages.error(request, exc.messages)
    else:
        messages.success(request, _("The applicant's personal data was erased."))
    return redirect("case-detail", application_id)
