"""Public reference data (no login): the missions and each country's legal advisory."""

from __future__ import annotations

import pytest
from django.test import Client

from enlist.cases.models import Application


def _refused(response, status: int, fields: list[str | None]) -> None:
    assert response.status_code == status, response.content
    assert [e["field"] for e in response.json()["errors"]] == fields


def test_missions_list_shape(vilnius, oslo):
    response = Client().get("/api/v1/missions")
    assert response.status_code == 200
    missions = response.json()
    assert [m["code"] for m in missions] == ["lt-vilnius", "no-oslo"]
    assert missions[0] == {
        "code": "lt-vilnius",
        "name": "Embassy of Ukraine in Vilnius",
        "country": "LT",
        "city": "Vilnius",
        "timezone": "Europe/Vilnius",
        "languages": ["en", "uk"],
    }
    for mission in missions:
        assert {"code", "name", "country", "city"} <= set(mission)


def test_inactive_mission_is_not_listed_nor_accepted(api_as, vilnius, oslo, payload):
    oslo.is_active = False
    oslo.save(update_fields=["is_active"])
    assert [m["code"] for m in Client().get("/api/v1/missions").json()] == ["lt-vilnius"]
    payload["mission"] = "no-oslo"
    _refused(api_as().post("/applications", payload), 422, ["mission"])
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    ("code", "country", "status"),
    [
        ("AU", "AU", "warned"),
        ("BY", "BY", "prosecuted"),
        ("au", "AU", "warned"),
        ("by", "BY", "prosecuted"),
        ("CA", "CA", "individual_decision"),
        ("LV", "LV", "permitted"),
        ("US", "US", "discouraged"),
        ("GB", "GB", "unclear"),
        ("FR", "FR", "unknown"),
    ],
)
def test_country_advisory(db, code, country, status):
    response = Client().get(f"/api/v1/countries/{code}/advisory")
    assert response.status_code == 200
    body = response.json()
    assert body["country"] == country
    assert body["status"] == status
    assert body["text"]
    assert set(body) == {"country", "name", "status", "text"}


def test_australia_advisory_text(db):
    body = Client().get("/api/v1/countries/AU/advisory").json()
    assert body == {
        "country": "AU",
        "name": "Australia",
        "status": "warned",
        "text": (
            "Australia has warned of repercussions under Australian law for citizens who fight "
            "abroad. Seek legal advice before you apply."
        ),
    }


@pytest.mark.parametrize("code", ["XX", "ZZ", "AUS", "1"])
def test_unknown_country_advisory_is_404(db, code):
    _refused(Client().get(f"/api/v1/countries/{code}/advisory"), 404, [None])


def test_unknown_country_advisory_says_so(db):
    response = Client().get("/api/v1/countries/XX/advisory")
    assert response.json() == {"errors": [{"field": None, "message": "Unknown country code."}]}


def test_no_missions_is_an_empty_list(db):
    response = Client().get("/api/v1/missions")
    assert response.status_code == 200
    assert response.json() == []


def test_reference_data_ignores_a_bad_token(vilnius):
    headers = {"Authorization": "Bearer enl_bogus"}
    assert Client().get("/api/v1/missions", headers=headers).status_code == 200
    assert Client().get("/api/v1/countries/BY/advisory", headers=headers).status_code == 200


def test_every_iso_country_has_an_advisory(db):
    import pycountry

    from enlist.missions.models import Country

    assert Country.objects.count() == len(pycountry.countries)
    for code in ("UA", "LT", "NO", "JP", "ZA"):
        assert Client().get(f"/api/v1/countries/{code}/advisory").status_code == 200
