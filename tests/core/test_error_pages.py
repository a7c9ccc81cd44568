"""Error pages in the site's layout, with a way back; domain errors mapped once for pages."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from enlist.core.error_pages import bad_request, server_error
from tests.conftest import sign_in
from tests.factories import ApplicationFactory


def _without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _is_styled(html: str) -> bool:
    return 'href="/static/enlist/enlist.css"' in html.replace("enlist.css?", "enlist.css") or (
        "enlist.css" in html and 'id="error-title"' in html
    )


def test_a_get_on_a_post_only_page_is_a_styled_405_not_an_empty_body(client, auditor):
    response = sign_in(client, auditor).get("/audit/cases/")

    html = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert '<h1 id="error-title">Method not allowed</h1>' in html
    assert 'id="error-back" class="button" href="/staff/"' in html
    assert _is_styled(html)


def test_an_unknown_address_is_a_styled_404_with_a_way_back_to_the_form(client, db):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<h1 id="error-title">Page not found</h1>' in html
    assert 'id="error-back" class="button" href="/"' in html
    assert "<title>Page not found (404) · Enlist</title>" in html


def test_a_case_of_another_mission_is_the_same_styled_404_as_no_case(
    client, clerk_oslo, vilnius_case
):
    sign_in(client, clerk_oslo)
    theirs = client.get(f"/staff/cases/{vilnius_case.pk}/")
    none = client.get("/staff/cases/00000000-0000-0000-0000-000000000000/")

    assert theirs.status_code == none.status_code == 404
    zeros = "00000000-0000-0000-0000-000000000000"
    assert _without_csrf(theirs).replace(str(vilnius_case.pk), zeros) == _without_csrf(none)
    assert '<h1 id="error-title">Page not found</h1>' in theirs.content.decode()
    assert vilnius_case.reference not in theirs.content.decode()


def test_a_refused_role_gets_the_styled_403_naming_the_refusal(client, clerk_vilnius):
    response = sign_in(client, clerk_vilnius).get("/staff/visas/checklists/")

    html = response.content.decode()
    assert response.status_code == 403
    assert '<h1 id="error-title">Not allowed</h1>' in html
    assert "Only the consul or HQ keep the visa checklists." in html
    assert 'href="/staff/"' in html


# The staff header's own links (cases/staff_base.html) and the public header's brand link.
STAFF_HEADER = ('action="/staff/logout/"', 'href="/staff/account/security/"')
PUBLIC_BRAND = 'class="brand" href="/"'


def _header(html: str) -> str:
    return html.split("<main>", 1)[0]


@pytest.mark.parametrize(
    ("url", "status"),
    [("/audit/cases/", 405), ("/staff/visas/checklists/", 403), ("/no-such-page/", 404)],
)
def test_a_signed_in_staff_member_sees_the_staff_header_on_an_error_page(
    client, auditor, clerk_vilnius, url, status
):
    user = auditor if status == 405 else clerk_vilnius
    response = sign_in(client, user).get(url)

    header = _header(response.content.decode())
    assert response.status_code == status
    assert all(link in header for link in STAFF_HEADER)
    assert PUBLIC_BRAND not in header


def test_a_visitor_sees_the_public_header_on_an_error_page(client, db):
    response = client.get("/no-such-page/")

    header = _header(response.content.decode())
    assert PUBLIC_BRAND in header
    assert not any(link in header for link in STAFF_HEADER)


def test_a_refused_move_is_a_403_page_and_changes_nothing(client, clerk_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="screening")

    response = sign_in(client, clerk_vilnius).post(
        f"/staff/cases/{case.pk}/transition/", {"to": "rejected", "reason": "No papers"}
    )

    case.refresh_from_db()
    assert response.status_code == 403
    assert case.stage == "screening"
    assert 'id="error-detail"' in response.content.decode()


def test_error_pages_speak_the_users_language(client, db):
    client.cookies["django_language"] = "uk"

    html = client.get("/no-such-page/").content.decode()

    assert '<html lang="uk">' in html
    assert "Page not found" not in html
    assert "Сторінку не знайдено" in html


def test_a_form_without_its_csrf_token_gets_the_styled_403_saying_what_to_do(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/my-data/", {"reference": "x"})

    html = response.content.decode()
    assert response.status_code == 403
    assert '<h1 id="error-title">Not allowed</h1>' in html
    assert "reload the page and try again" in html
    assert 'id="error-back"' in html


def test_the_api_keeps_its_json_errors(client, db):
    response = client.get("/api/v1/applications/00000000-0000-0000-0000-000000000000")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("handler, status", [(bad_request, 400), (server_error, 500)])
def test_400_and_500_pages_are_styled_with_a_way_back(db, handler, status):
    request = RequestFactory().get("/apply/")

    response = handler(request)

    html = response.content.decode()
    assert response.status_code == status
    assert 'id="error-title"' in html and 'id="error-back"' in html
    assert "enlist.css" in html
