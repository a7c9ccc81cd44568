"""Error pages, mapped once for every HTML view, as ``enlist.api`` does for the API.

``DomainErrorMiddleware`` turns a domain error a view lets through into the page Django would
show for its HTTP equivalent: ``NotFound`` → the styled 404 (existence is never shown, so the
page says only "not found"), ``NotPermitted`` → the translated 403 with the refusal (a missing
fresh second factor offers the step-up page), any other domain error → the 400 page. A view
catches only what it shows inline (``SHOWN_INLINE``: an ``InvalidInput`` beside its form, a
``Conflict`` as a message on the page it returns to). It also gives a body to the empty 405
that ``require_http_methods`` answers.

The ``handler400/403/404/500`` views in ``enlist.urls`` render every error status in the
site's layout, translated: signed-in staff see the staff header (their navigation) and a way
back to their start page, everyone else the public header and the application form. The 500
page is the exception: it shows no header at all, so that it needs no session. The API
(``/api/``) keeps its JSON errors.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enlist.errors import Conflict, EnlistError, InvalidInput, NotFound, NotPermitted

API_PREFIX = "/api/"

# What a page shows beside its form or as a message on the page it returns to; every other
# domain error is the middleware's.
SHOWN_INLINE = (InvalidInput, Conflict)

TITLES = {
    400: gettext_lazy("Bad request"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Page not found"),
    405: gettext_lazy("Method not allowed"),
    500: gettext_lazy("Something went wrong"),
}
EXPLANATIONS = {
    400: gettext_lazy("The request could not be read. Go back and try again."),
    403: gettext_lazy("Your role may not open this page or do this."),
    404: gettext_lazy("There is nothing at this address, or it is not yours to see."),
    405: gettext_lazy("This address does not answer that kind of request."),
    500: gettext_lazy(
        "The server could not finish this request. Nothing was changed if the error came "
        "before saving; try again in a moment."
    ),
}


# The staff pages' layout (header navigation by role, shortcuts); a template name only, so
# core imports nothing of the app that keeps it.
STAFF_BASE_TEMPLATE = "cases/staff_base.html"
PUBLIC_BASE_TEMPLATE = "base.html"
# A volunteer's public pages that staff may open too (a packet link they were sent): there the
# error page stays the volunteer's.
PUBLIC_ONLY_PREFIXES = ("/travel/",)


def _shown_as_staff(request: HttpRequest) -> bool:
    """Whether the error page is a staff page: a signed-in staff member (the sign-in logs in
    only after the second factor) away from a volunteer's page."""
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and not request.path.startswith(PUBLIC_ONLY_PREFIXES)
    )


def error_page(
    request: HttpRequest, status: int, *, detail: str = "", step_up: bool = False
) -> HttpResponse:
    """The page for `status` in the site's layout; `detail` is the refusal, when it helps."""
    if _shown_as_staff(request):
        base, back_url, back_label = (
            STAFF_BASE_TEMPLATE,
            reverse("staff-home"),
            _("Back to your start page"),
        )
    else:
        base, back_url, back_label = (
            PUBLIC_BASE_TEMPLATE,
            reverse("home"),
            _("Back to the application form"),
        )
    context = {
        "base_template": base,
        "status": status,
        "title": TITLES[status],
        "explanation": EXPLANATIONS[status],
        # Domain messages carry no personal value (errors.py); translated when the catalog
        # knows them.
        "detail": _(detail) if detail else "",
        "back_url": back_url,
        "back_label": back_label,
        # A sensitive action without a fresh second factor: offer the step-up, then back here.
        "step_up_url": f"{reverse('staff-step-up')}?{urlencode({'next': request.path})}"
        if step_up
        else "",
    }
    body = loader.render_to_string("errors/error.html", context, request=request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = str(exception) if exception is not None and exception.args else ""
    return error_page(request, 403, detail=detail)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form without a valid CSRF token (settings.CSRF_FAILURE_VIEW): the styled 403, saying
    what to do; Django's reason is for developers and stays out of the page."""
    detail = _(
        "The form could not be checked (CSRF): it was open too long, or it came from another "
        "site. Go back, reload the page and try again."
    )
    return error_page(request, 403, detail=detail)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 page that needs nothing but the template: no session, no database."""
    body = loader.render_to_string(
        "errors/server_error.html", {"title": TITLES[500], "explanation": EXPLANATIONS[500]}
    )
    return HttpResponse(body, status=500)


class DomainErrorMiddleware:
    """Domain errors out of HTML views → their pages; an empty 405 gets the styled one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and not request.path.startswith(API_PREFIX)
        ):
            styled = error_page(request, 405)
            styled["Allow"] = response.get("Allow", "")
            return styled
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX):
            return None  # the API maps its errors once, to JSON bodies (enlist.api)
        if isinstance(exception, NotFound):
            return error_page(request, 404)
        if isinstance(exception, NotPermitted):
            step_up = exception.field == "step_up"
            return error_page(request, 403, detail=exception.messages, step_up=step_up)
        if isinstance(exception, EnlistError):
            return error_page(request, 400, detail=exception.messages)
        return None
