"""Staff pages of a first contact: a clerk records a volunteer who phoned, wrote or walked in
(with the page's live duplicate check), and records consent read out on an existing case.

Intake's, not the case pages': they validate and create through intake's form and services.
Their URLs sit under ``/staff/cases/`` with the case pages (``intake/staff_urls.py``).
"""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import CONTACT_ROLES
from enlist.cases.access import access_application
from enlist.cases.models import Channel
from enlist.core.error_pages import SHOWN_INLINE
from enlist.errors import EnlistError, NotPermitted
from enlist.intake.checks import contact_check
from enlist.intake.forms import ApplicationForm
from enlist.intake.services import (
    Consent,
    application_consent_confirm,
    application_submit,
    consent_wording,
    intake_context,
)


@login_required
@require_POST
def case_record_check(request: StaffRequest) -> HttpResponse:
    """Live duplicate check for the contact page: values in the POST body, never the URL;
    answered as JSON and audited as a search (``intake/checks.py``)."""
    if request.user.staff_role not in CONTACT_ROLES:
        return JsonResponse({"errors": [{"field": None, "message": "Not allowed."}]}, status=403)
    return JsonResponse(contact_check(user=request.user, values=request.POST.dict()))


@login_required
def case_record(request: StaffRequest) -> HttpResponse:
    """A clerk records a volunteer who phoned, wrote or walked in."""
    if request.user.staff_role not in CONTACT_ROLES:
        raise NotPermitted(_("Your role does not record applications."))
    mission = request.user.mission
    initial = {"mission": mission.code} if mission is not None else {}
    form = ApplicationForm(request.POST or None, request.FILES or None, staff=True, initial=initial)
    if request.method == "POST":
        data = form.validated(context=intake_context())
        if data is not None:
            body = json.dumps(data.model_dump(mode="json"), sort_keys=True).encode()
            key = request.POST.get("submission_key", "")
            try:
                submission = application_submit(
                    data=data,
                    channel=form.cleaned_data["channel"],
                    actor=request.user,
                    idempotency_key=f"staff:{key}" if key else None,
                    body=body,
                    # Read out on the phone or at the desk: who took it and which wording.
                    consent=Consent(confirmed=True, recorded_by=request.user),
                )
            except EnlistError as exc:
                for error in exc.errors:
                    form.add_error(
                        error.field if error.field in form.fields else None, error.message
                    )
            else:
                return redirect("case-detail", application_id=submission.application.pk)
    return render(
        request,
        "intake/case_record.html",
        {
            "form": form,
            "submission_key": request.POST.get("submission_key") or uuid.uuid4().hex,
            "consent_wording": consent_wording(),
        },
    )


@login_required
@require_POST
def case_consent(request: StaffRequest, application_id: uuid.UUID) -> HttpResponse:
    """A clerk records the volunteer's consent, read out at first contact (phone, desk, mail)."""
    application = access_application(user=request.user, application_id=application_id)
    channel = request.POST.get("channel", "")
    try:
        application_consent_confirm(
            application=application,
            actor=request.user,
            channel=Channel(channel) if channel in Channel.values else channel,
        )
    except SHOWN_INLINE as exc:
        messages.error(request, exc.messages)
    else:
        messages.success(request, _("Consent recorded."))
    return redirect("case-detail", application_id=application_id)
