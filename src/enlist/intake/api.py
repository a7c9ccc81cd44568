"""POST /api/v1/applications: the public intake contract (README: "API").

The body is read here, not by ninja, because the contract fixes answers ninja would not
give: the raw bytes are kept for idempotency, and a 422 lists every bad field at once,
including unknown countries and missions. It is read by the same reader as every other body
(``core/json_body.py``): 413 over 64 KiB before anything is parsed, 415 for a Content-Type
that is not JSON, 400 naming ``body`` for a body that does not parse or nests too deep.
"""

from __future__ import annotations

from ninja import Header, Schema, Status

# Same path as the staff list (GET /applications): ninja serves one path from one router.
from enlist.accounts.request import StaffRequest
from enlist.cases.api import router
from enlist.cases.models import Channel
from enlist.core.json_body import read_json_body
from enlist.core.schemas import EXTRA_SCHEMAS, ErrorsOut
from enlist.errors import FieldError, InvalidInput
from enlist.intake.schemas import ApplicationIn, parse_application_json
from enlist.intake.services import application_submit, context_mission, intake_context

_REF = "#/components/schemas/{model}"
_schema = ApplicationIn.model_json_schema(ref_template=_REF)
EXTRA_SCHEMAS.update(_schema.pop("$defs", {}))
EXTRA_SCHEMAS["ApplicationIn"] = _schema

IDEMPOTENCY_KEY_MAX = 255


class ReceiptOut(Schema):
    id: str
    reference: str
    status: str


@router.post(
    "/applications",
    auth=None,
    tags=["public intake"],
    response={
        201: ReceiptOut,
        200: ReceiptOut,
        400: ErrorsOut,
        409: ErrorsOut,
        413: ErrorsOut,
        415: ErrorsOut,
        422: ErrorsOut,
    },
    summary="Submit an application (public, no login)",
    description=(
        "Creates an application at the chosen mission and returns its id and human reference. "
        "`Idempotency-Key`: a retry with the same key and body returns the first answer; the "
        "same key with a different body is 409. Bodies over 64 KiB are 413, a Content-Type "
        "other than JSON 415, a body that does not parse (truncated, nested deeper than 32 "
        "levels, not UTF-8) 400 naming `body`, and every invalid field is listed at once in a "
        "422."
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
    request: StaffRequest,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
) -> Status[dict[str, str]]:
    body, _ = read_json_body(request)
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= IDEMPOTENCY_KEY_MAX:
        raise InvalidInput(
            [FieldError("Idempotency-Key", f"1 to {IDEMPOTENCY_KEY_MAX} characters.")]
        )
    context = intake_context()
    data = parse_application_json(body, context=context)
    submission = application_submit(
        data=data,
        channel=Channel.WEB,
        idempotency_key=idempotency_key,
        body=body,
        mission=context_mission(context, data.mission),
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
