"""The public subject-access pages: ask for a copy of one's data; download it by the link."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from enlist.core.links import LinkExpired, LinkInvalid
from enlist.core.proxy import client_address
from enlist.intake.subject_access import (
    TooManyRequests,
    subject_access_export,
    subject_access_request,
)


@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "intake/subject_access.html", {"sent": False})
    try:
        subject_access_request(
            reference=request.POST.get("reference", ""),
            email=request.POST.get("email", ""),
            client=client_address(request) or "unknown",
        )
    except TooManyRequests:
        return render(
            request, "intake/subject_access.html", {"sent": False, "limited": True}, status=429
        )
    # The same answer whether or not anything matched.
    return render(request, "intake/subject_access.html", {"sent": True})


@never_cache
@require_GET
def subject_access_download(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = subject_access_export(token=token)
    except LinkExpired:
        message = _("This link has expired. Ask for a new one.")
        return render(request, "intake/link_error.html", {"message": message}, status=410)
    except LinkInvalid:
        message = _("This link is not valid. Check that it was copied whole.")
        return render(request, "intake/link_error.html", {"message": message}, status=410)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response
