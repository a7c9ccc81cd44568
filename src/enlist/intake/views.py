"""The public application pages: choose a country, read its advisory, apply, get a reference.

Works without JavaScript and on a phone. The country choice travels in a POST body, not the
URL, and nothing typed into the form is kept in the session: only the new application's id.
"""

from __future__ import annotations

import json
import uuid

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enlist.cases.models import Application, Channel
from enlist.cases.services import document_add
from enlist.errors import EnlistError, IdempotencyKeyReused
from enlist.intake.forms import ApplicationForm
from enlist.intake.messages import refusal_message
from enlist.intake.services import application_submit, intake_context
from enlist.missions.models import Country
from enlist.missions.names import advisory_text, country_choices, country_name

_RECEIPT_SESSION_KEY = "enlist_receipt"
# Where a refusal of the document (``document_add``'s fields) shows on the form.
_DOCUMENT_FIELDS = {"file": "document", "kind": "document_kind"}


def _country(code: str | None) -> Country | None:
    return Country.objects.filter(code=(code or "").upper()).first() if code else None


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" or request.POST.get("step") == "country":
        country = _country(request.POST.get("nationality")) if request.method == "POST" else None
        if country is None:
            return render(
                request,
                "intake/choose_country.html",
                {"countries": country_choices(), "chosen": None},
            )
        form = ApplicationForm(
            initial={"nationality": country.code, "residence_country": country.code}
        )
        return _render_form(request, form, country, submission_key=uuid.uuid4().hex)
    return _submit(request)


def _render_form(
    request: HttpRequest,
    form: ApplicationForm,
    country: Country,
    *,
    submission_key: str,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "country": country,
        "country_name": country_name(country),
        "advisory_text": advisory_text(country),
        "submission_key": submission_key,
    }
    return render(request, "intake/apply.html", context, status=status)


def _submit(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST, request.FILES)
    country = _country(request.POST.get("nationality"))
    if country is None:
        return redirect("apply")
    try:
        submission_key = uuid.UUID(request.POST.get("submission_key", "")).hex
    except ValueError:
        submission_key = uuid.uuid4().hex
    data = form.validated(context=intake_context())
    upload = form.cleaned_data.get("document") if form.is_valid() else None
    if data is not None and upload and not form.cleaned_data.get("document_kind"):
        form.add_error("document_kind", _("Choose the document type."))
        data = None
    if data is None:
        return _render_form(request, form, country, submission_key=submission_key, status=422)
    body = json.dumps(data.model_dump(mode="json"), sort_keys=True).encode()
    try:
        with transaction.atomic():
            submission = application_submit(
                data=data,
                channel=Channel.WEB,
                idempotency_key=f"web:{submission_key}",
                body=body,
                language=translation.get_language() or "",
            )
            if upload and submission.created:
                document_add(
                    application=submission.application,
                    kind=form.cleaned_data["document_kind"],
                    upload=upload,
                    actor=None,
                )
    except IdempotencyKeyReused as exc:
        # The same form sent again with other values (back button, then changes).
        form.add_error(
            None, _("This form was already sent with other details: open a new form to apply.")
        )
        return _render_form(
            request, form, country, submission_key=submission_key, status=exc.status
        )
    except EnlistError as exc:
        for error in exc.errors:
            field = _DOCUMENT_FIELDS.get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, refusal_message(error))
        return _render_form(
            request, form, country, submission_key=submission_key, status=exc.status
        )
    request.session[_RECEIPT_SESSION_KEY] = str(submission.application.pk)
    return redirect("apply-done")


def apply_done(request: HttpRequest) -> HttpResponse:
    application_id = request.session.get(_RECEIPT_SESSION_KEY)
    application = Application.objects.filter(pk=application_id).first() if application_id else None
    if application is None:
        return redirect("apply")
    return render(request, "intake/done.html", {"application": application})


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/home.html")
