"""``/healthz`` and ``/readyz`` for the load balancer and the process supervisor."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from enlist.core.health import readiness


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answers; touches nothing else."""
    response = JsonResponse({"status": "ok"})
    add_never_cache_headers(response)
    return response


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every readiness check passes, else 503 naming the failed ones."""
    results = readiness()
    ready = all(results.values())
    response = JsonResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": {name: "ok" if passed else "failed" for name, passed in results.items()},
        },
        status=200 if ready else 503,
    )
    add_never_cache_headers(response)
    return response
