"""The JSON API at /api/v1/: one NinjaAPI, its routers, and one mapping of errors to bodies.

Every error body has the same shape, ``{"errors": [{"field": ..., "message": ...}]}``.

Every body is read by ``core/json_body.py`` (413, 415, 400 naming ``body``). The answers that
layers in front of an endpoint give are documented here, once, for every operation they can
reach (``EnlistAPI.get_openapi_schema``): 400, 413 and 415 where there is a body, 400 for a
query string that is not UTF-8 everywhere (``core/middleware.py``), 401 where a token is
required, 422 where there is a parameter or a body to validate. An endpoint declares only the
answers of its own logic (403, 404, 409, 428, ...).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

import enlist.intake.api  # noqa: F401  registers POST /applications on the cases router
from enlist.cases.api import router as cases_router
from enlist.core.json_body import BoundedJSONParser
from enlist.core.schemas import EXTRA_SCHEMAS, ErrorItem, ErrorsOut
from enlist.errors import (
    EnlistError,
    FieldError,
    MalformedBody,
    PayloadTooLarge,
    field_path,
)
from enlist.interviews.api import router as interviews_router
from enlist.logistics.api import router as logistics_router
from enlist.matching.api import router as matching_router
from enlist.missions.api import router as missions_router
from enlist.reports.api import router as reports_router
from enlist.travel.api import router as travel_router
from enlist.visas.api import router as visas_router

_REF = "#/components/schemas/{model}"
_ERRORS_REF = {"$ref": "#/components/schemas/ErrorsOut"}
# What the layers in front of every endpoint answer, and when (see the module docstring).
_BODY_ANSWERS = {
    "400": "The body does not parse: not JSON in UTF-8, or nested too deep (field `body`).",
    "413": "The body is larger than 64 KiB.",
    "415": "The Content-Type is not application/json.",
}
_QUERY_ANSWER = "The query string is not UTF-8 (field `query`)."
_AUTH_ANSWER = "No valid staff token (field `Authorization`)."
_VALIDATION_ANSWER = "A parameter or a field of the body is invalid (each one named)."


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERRORS_REF}}}


def _document_common_answers(operation: dict[str, Any]) -> None:
    # Ninja keys an endpoint's declared answers by int (401), ours are the JSON's strings:
    # one key per status, or the served JSON holds "401" twice and the docs cannot parse it.
    responses = {str(status): answer for status, answer in operation.get("responses", {}).items()}
    operation["responses"] = responses

    def add(status: str, description: str) -> None:
        responses.setdefault(status, _error_response(description))

    if "requestBody" in operation:
        for status, description in _BODY_ANSWERS.items():
            add(status, description)
    add("400", _QUERY_ANSWER)  # any operation: the middleware refuses it before routing
    if operation.get("security"):
        add("401", _AUTH_ANSWER)
    if "requestBody" in operation or operation.get("parameters"):
        add("422", _VALIDATION_ANSWER)


class EnlistAPI(NinjaAPI):
    """Adds schemas that endpoints document by hand (``core.schemas.EXTRA_SCHEMAS``: bodies
    they parse themselves) and the answers every operation can get from the layers in front
    of it."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(EXTRA_SCHEMAS)
        components.setdefault("ErrorsOut", ErrorsOut.model_json_schema(ref_template=_REF))
        components.setdefault("ErrorItem", ErrorItem.model_json_schema(ref_template=_REF))
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                _document_common_answers(operation)
        return schema


class ApiDocs(Swagger):
    """The docs page (/api/v1/docs) in our template: a language and readable colours
    (core/templates/core/api_docs.html). Without deep links: Swagger UI puts each one, a link,
    inside the button that opens the operation, and a control inside a control is lost to
    keyboard and screen-reader users."""

    template = "core/api_docs.html"

    def __init__(self) -> None:
        super().__init__(settings={"deepLinking": False})


api = EnlistAPI(
    title="Enlist API",
    version="1.0.0",
    description=(
        "Public intake and reference data (no login) and the staff case API "
        "(`Authorization: Bearer <token>`, from `enlist staff token USERNAME`). "
        'Every error is `{"errors": [{"field": ..., "message": ...}]}`.'
    ),
    urls_namespace="api-v1",
    docs=ApiDocs(),
    parser=BoundedJSONParser(),
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
        loc = [part for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        if loc and loc[0] == "payload":
            loc = loc[1:]
        message = str(error.get("msg", "Invalid value."))
        errors.append(FieldError(field_path(loc), message.rstrip(".") + "."))
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
    cause = exc.__cause__
    if isinstance(cause, EnlistError):  # ninja wraps what the body parser raises
        return _enlist_error(request, cause)
    if isinstance(cause, RequestDataTooBig):  # over DATA_UPLOAD_MAX_MEMORY_SIZE
        return _enlist_error(request, PayloadTooLarge("The body is too large."))
    if isinstance(cause, UnicodeDecodeError | ValueError):
        return _enlist_error(request, MalformedBody("The body is not valid JSON in UTF-8."))
    return error_response(request, [FieldError(None, str(exc))], exc.status_code)


for router in (
    missions_router,
    cases_router,
    visas_router,
    logistics_router,
    interviews_router,
    travel_router,
    matching_router,
    reports_router,
):
    api.add_router("/", router)
