"""POST /api/v1/applications: the public intake contract of DESIGN.md.

The body is read and checked here, not by ninja, because the contract fixes answers ninja
would not give: 413 over 64 KiB before anything is parsed, 415 for a body that is not JSON,
and 422 listing every bad field at once, including unknown countries and missions.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Header, Schema, Status

from enlist.api import ErrorsOut, api

# Same path as the staff list (GET /applications): ninja serves one path from one router.
from enlist.cases.api import router
from enlist.cases.models import Channel
from enlist.errors import FieldError, InvalidInput, PayloadTooLarge, UnsupportedMediaType
from enlist.intake.schemas import ApplicationIn, is_json, parse_application_json
from enlist.intake.services import application_submit, intake_context

_REF = "#/components/schemas/{model}"
_schema = ApplicationIn.model_json_schema(ref_template=_REF)
api.extra_schemas.update(_schema.pop("$defs", {}))
api.extra_schemas["ApplicationIn"] = _schema

IDEMPOTENCY_KEY_MAX = 255


class ReceiptOut(Schema):
    id: str
    reference: str
    status: str


def read_json_body(request: HttpRequest, *, limit: int) -> bytes:
    """The raw body if it is a JSON object within `limit` bytes; 413 or 415 otherwise."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The body is larger than {limit // 1024} KiB.")
    content_type = request.content_type or ""
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise UnsupportedMediaType("Send the application as application/json.")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise PayloadTooLarge(f"The body is larger than {limit // 1024} KiB.")
    if not is_json(body):
        raise UnsupportedMediaType("The body is not JSON; send a JSON object in UTF-8.")
    return body


@router.post(
    "/applications",
    auth=None,
    tags=["public intake"],
    response={
        201: ReceiptOut,
        200: ReceiptOut,
        409: ErrorsOut,
        413: ErrorsOut,
        415: ErrorsOut,
        422: ErrorsOut,
    },
    summary="Submit an application (public, no login)",
    description=(
        "Creates an application at the chosen mission and returns its id and human reference. "
        "`Idempotency-Key`: a retry with the same key and body returns the first answer; the "
        "same key with a different body is 409. Bodies over 64 KiB are 413, non-JSON 415, and "
        "every invalid field is listed at once in a 422."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": _REF.format(model="ApplicationIn")}}
            },
        }
    },
)
def submit_application(
    request: HttpRequest,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
) -> Status[dict[str, str]]:
    body = read_json_body(request, limit=settings.ENLIST_INTAKE_MAX_BODY)
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= IDEMPOTENCY_KEY_MAX:
        raise InvalidInput(
            [FieldError("Idempotency-Key", f"1 to {IDEMPOTENCY_KEY_MAX} characters.")]
        )
    data = parse_application_json(body, context=intake_context())
    submission = application_submit(
        data=data, channel=Channel.WEB, idempotency_key=idempotency_key, body=body
    )
    application = submission.application
    return Status(
        201,
        {
            "id": str(application.pk),
            # An Idempotency-Key retry after the case was erased: nothing personal left.
            "reference": "erased" if application.is_erased else application.reference,
            "status": application.stage,
        },
    )
