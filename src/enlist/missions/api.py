"""Public reference data: the missions that receive volunteers and each country's advisory."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from enlist.core.schemas import ErrorsOut
from enlist.errors import NotFound
from enlist.missions.models import Country, Mission

router = Router(tags=["reference data"])


class MissionOut(Schema):
    code: str
    name: str
    country: str
    city: str
    timezone: str
    languages: list[str]


class AdvisoryOut(Schema):
    country: str
    name: str
    status: str
    text: str


@router.get("/missions", response=list[MissionOut], auth=None, summary="Active missions")
def list_missions(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            "code": m.code,
            "name": m.name,
            "country": m.country_id,
            "city": m.city,
            "timezone": m.timezone,
            "languages": m.languages,
        }
        for m in Mission.objects.filter(is_active=True).order_by("code")
    ]


@router.get(
    "/countries/{code}/advisory",
    response={200: AdvisoryOut, 404: ErrorsOut},
    auth=None,
    summary="The legal advisory shown to citizens of a country",
)
def country_advisory(request: HttpRequest, code: str) -> dict[str, str]:
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise NotFound("Unknown country code.")
    return {
        "country": country.code,
        "name": country.name,
        "status": country.advisory_status,
        "text": country.advisory_text,
    }
