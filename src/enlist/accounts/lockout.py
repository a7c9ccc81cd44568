"""django-axes glue: the client's address and the page a locked-out sign-in gets.

The rules themselves (limit, cool-off, username + address) are the AXES_* settings.
"""

from __future__ import annotations

from axes.helpers import get_cool_off, get_failure_limit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from enlist.core.proxy import client_address


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``): ``core/proxy.py: client_address``."""
    return client_address(request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """What a locked-out username + address sees (``AXES_LOCKOUT_CALLABLE``), status 429."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    response = render(request, "accounts/locked.html", context, status=429)
    add_never_cache_headers(response)
    return response
