"""The JSON API at /api/v1/: one NinjaAPI, its routers, and one mapping of errors to bodies.

Every error body has the same shape, ``{"errors": [{"field": ..., "message": ...}]}``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from enlist.errors import EnlistError, FieldError


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorItem]


class EnlistAPI(NinjaAPI):
    """Adds schemas that endpoints document by hand (bodies they parse themselves)."""

    extra_schemas: dict[str, Any] = {}

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(self.extra_schemas)
        return schema


api = EnlistAPI(
    title="Enlist API",
    version="1.0.0",
    description=(
        "Public intake and reference data (no login) and the staff case API "
        "(`Authorization: Bearer <token>`, from `enlist staff token USERNAME`). "
        'Every error is `{"errors": [{"field": ..., "message": ...}]}`.'
    ),
    urls_namespace="api-v1",
)


def error_response(request: HttpRequest, errors: list[FieldError], status: int) -> HttpResponse:
    body = {"errors": [{"field": e.field, "message": e.message} for e in errors]}
    return api.create_response(request, body, status=status)


@api.exception_handler(EnlistError)
def _enlist_error(request: HttpRequest, exc: EnlistError) -> HttpResponse:
    return error_response(request, exc.errors, exc.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        if loc and loc[0] == "payload":
            loc = loc[1:]
        message = str(error.get("msg", "Invalid value."))
        errors.append(FieldError(".".join(loc) or "body", message.rstrip(".") + "."))
    return error_response(request, errors, 422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = "A valid staff token is required (Authorization: Bearer <token>)."
    return error_response(request, [FieldError("Authorization", message)], 401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, [FieldError(None, "Not found.")], 404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, [FieldError(None, str(exc))], exc.status_code)


def _mount() -> None:
    import enlist.intake.api  # noqa: F401  registers POST /applications on the cases router
    from enlist.cases.api import router as cases_router
    from enlist.interviews.api import router as interviews_router
    from enlist.logistics.api import router as logistics_router
    from enlist.matching.api import router as matching_router
    from enlist.missions.api import router as missions_router
    from enlist.travel.api import router as travel_router
    from enlist.visas.api import router as visas_router

    api.add_router("/", missions_router)
    api.add_router("/", cases_router)
    api.add_router("/", visas_router)
    api.add_router("/", logistics_router)
    api.add_router("/", interviews_router)
    api.add_router("/", travel_router)
    api.add_router("/", matching_router)


_mount()
