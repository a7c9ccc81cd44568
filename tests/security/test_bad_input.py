"""Bad input from outside gets a clear refusal naming the field, never a server error:
integers out of range (API 422, pages a form error), query strings and forms that are not
UTF-8 (400), and the API's bodies (see also tests/intake/test_api.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from enlist.cases.models import Application
from enlist.visas.models import Visa
from tests.conftest import sign_in


def _fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


# --- integers ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1000000", "36501", "-1", "99999999999999999999999"])
def test_api_list_refuses_waiting_days_out_of_range(api_as, hq, value):
    response = api_as(hq).get("/applications", waiting_days=value)
    assert response.status_code == 422
    assert _fields(response) == ["waiting_days"]


def test_api_list_takes_waiting_days_up_to_a_century(api_as, hq, vilnius_case):
    response = api_as(hq).get("/applications", waiting_days="36500")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert api_as(hq).get("/applications", waiting_days="0").json()["count"] == 1


@pytest.mark.parametrize("value", ["100001", "0", "99999999999999999999999"])
def test_api_lists_refuse_a_page_out_of_range(api_as, hq, value):
    api = api_as(hq)
    for response in (
        api.get("/applications", page=value),
        api.get("/duplicates", page=value),
        api.post("/applications/search", {"q": "IL-0000-00", "page": int(value)}),
    ):
        assert response.status_code == 422
        assert _fields(response) == ["page"]


@pytest.mark.parametrize("value", ["1000000", "99999999999999999999999", "-3", "ten", "1e3"])
def test_staff_list_page_names_waiting_days_out_of_range(client, hq, vilnius_case, value):
    response = sign_in(client, hq).get("/staff/cases/", {"waiting_days": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Waiting at least (days): Enter a" in page
    assert vilnius_case.reference in page  # the unfiltered list, with the error above it


def test_visa_api_refuses_a_checklist_id_past_64_bits(api_as, consul_oslo, oslo_case):
    body = {"status": "preparing", "visa_type": "short_stay", "checked": [2**70]}
    response = api_as(consul_oslo).client.put(
        f"/api/v1/applications/{oslo_case.pk}/visa",
        body,
        content_type="application/json",
        headers=api_as(consul_oslo).headers,
    )
    assert response.status_code == 422
    assert _fields(response) == ["checked[0]"]
    assert not Visa.objects.exists()


def test_visa_page_refuses_a_checklist_id_past_64_bits(client, consul_oslo, oslo_case):
    sign_in(client, consul_oslo)
    data = {"status": "preparing", "visa_type": "short_stay", "checked": str(2**70)}
    response = client.post(f"/staff/cases/{oslo_case.pk}/visa/", data, follow=True)
    assert response.status_code in (200, 422)
    assert "Tick only documents on this visa type" in response.content.decode()
    assert not Visa.objects.exists()


@pytest.mark.parametrize("value", [str(2**70), "-1", "x"])
def test_checklist_page_refuses_an_item_id_out_of_range(client, consul_oslo, value):
    sign_in(client, consul_oslo)
    response = client.post("/staff/visas/checklists/", {"retire": value}, follow=True)
    assert response.status_code == 200
    assert "Unknown checklist item." in response.content.decode()


# --- not UTF-8 -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/apply/", "/staff/", "/staff/login/"])
def test_query_string_that_is_not_utf8_is_a_clear_400_page(client, hq, path):
    sign_in(client, hq)
    response = client.get(path, QUERY_STRING="q=%FF%FE&page=1")
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_query_string_that_is_not_utf8_is_a_400_naming_the_query_on_the_api(api_as, hq):
    response = api_as(hq).client.get(
        "/api/v1/applications", QUERY_STRING="stage=%C3%28", headers=api_as(hq).headers
    )
    assert response.status_code == 400
    assert _fields(response) == ["query"]


def test_valid_utf8_percent_encoded_passes(client, vilnius):
    assert client.get("/apply/", QUERY_STRING="x=%D0%96&y=caf%C3%A9+au+lait").status_code == 200


def test_urlencoded_form_that_is_not_utf8_is_refused_and_nothing_created(client, vilnius):
    from urllib.parse import urlencode

    from tests.intake.test_views import form_data

    body = urlencode(form_data()).replace("Oleksandr", "Oleks%FFandr")
    response = client.post("/apply/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
    assert not Application.objects.exists()


def test_multipart_form_that_is_not_utf8_is_refused_and_nothing_created(vilnius):
    from tests.intake.test_views import form_data

    boundary = "BoUnDaRy"
    parts = []
    for name, value in form_data().items():
        raw = str(value).encode()
        if name == "family_name":
            raw = b"Koval\xffenko"
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + raw
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    response = Client().post(
        "/apply/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
    assert not Application.objects.exists()


def test_staff_search_that_is_not_utf8_is_refused(client, clerk_vilnius, vilnius_case):
    sign_in(client, clerk_vilnius)
    response = client.post(
        "/staff/cases/", "q=Kov%E1lenko", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
