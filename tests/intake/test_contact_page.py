"""The contact page (``intake/contact_views.py``): recording a phone, email or walk-in
application per role, keyboard-first, and its live duplicate check."""

from __future__ import annotations

import re
import uuid

import pytest

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application
from tests.conftest import sign_in
from tests.factories import ApplicationFactory, StaffFactory

CHECK = "/staff/cases/new/check/"


def walk_in_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "submission_key": uuid.uuid4().hex,
        "channel": "walk_in",
        "nationality": "PL",
        "given_name": "Jan",
        "family_name": "Nowak",
        "date_of_birth": "1985-02-03",
        "residence_country": "LT",
        "email": "jan.nowak@example.org",
        "passport_number": "EA7654321",
        "mission": "lt-vilnius",
        "languages": "pl, en",
        "years": "12",
        "combat_deployments": "1",
        "legal_advisory_acknowledged": "on",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def known(vilnius, countries):
    return ApplicationFactory(mission=vilnius, passport_number="ZX998877",
                              given_name="Mykola", family_name="Shevchuk",
                              date_of_birth="1987-09-12", email="m.shevchuk@example.org",
                              given_name_native="Микола", family_name_native="Шевчук")  # fmt: skip


def test_contact_page_is_keyboard_first(signed_in, clerk_vilnius, countries):
    html = signed_in(clerk_vilnius).get("/staff/cases/new/").content.decode()
    form = html[html.index('id="contact-form"') :]
    form = form[: form.index("</form>")]
    names = re.findall(r'<(?:input|select)[^>]*name="([a-z_]+)"', form)
    names = [n for n in names if n not in ("csrfmiddlewaretoken", "submission_key")]
    assert names[:6] == ["channel", "given_name", "family_name", "given_name_native",
                         "family_name_native", "date_of_birth"]  # fmt: skip
    assert re.search(r'<select name="channel"[^>]*autofocus', html)
    assert 'accesskey="s"' in html and 'type="submit"' in html
    assert 'tabindex="' not in form  # the reading order is the tab order
    assert re.search(r'<script src="/static/enlist/contact\.js" defer></script>', html)
    assert "<script>" not in html  # CSP: script-src 'self' only


def test_live_check_finds_same_passport_in_scope_and_audits_a_search(
    signed_in, clerk_vilnius, known, oslo
):
    other = ApplicationFactory(mission=oslo, passport_number="ZX998877")
    client = signed_in(clerk_vilnius)
    before = AuditEntry.objects.count()
    response = client.post(CHECK, {"passport_number": "zx 998877"})
    assert response.status_code == 200
    body = response.json()
    assert [c["id"] for c in body["same"]] == [str(known.pk)]
    assert body["same"][0]["fields"] == ["passport"]
    assert str(other.pk) not in response.content.decode()  # another mission: never shown
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "search" and entry.detail["ids"] == [str(known.pk)]
    assert "ZX998877" not in str(entry.detail).upper()


def test_live_check_flags_a_probable_duplicate_by_name_and_birth_date(
    signed_in, clerk_vilnius, known
):
    response = signed_in(clerk_vilnius).post(
        CHECK,
        {"given_name": "Mykola", "family_name": "Shevchuk", "date_of_birth": "1987-09-12",
         "nationality": "CA", "residence_country": "CA"},
    )  # fmt: skip
    body = response.json()
    assert body["same"] == []
    assert [c["id"] for c in body["probable"]] == [str(known.pk)]
    assert body["probable"][0]["probability"] >= 0.8


def test_live_check_with_nothing_known_answers_empty_and_still_audits(
    signed_in, clerk_vilnius, known
):
    client = signed_in(clerk_vilnius)
    before = AuditEntry.objects.filter(action="search").count()
    body = client.post(CHECK, {"email": "nobody@example.org"}).json()
    assert body == {"same": [], "probable": []}
    assert AuditEntry.objects.filter(action="search").count() == before + 1


def test_live_check_takes_no_values_in_the_url_and_refuses_other_roles(signed_in, vilnius, known):
    consul = StaffFactory(role="consul", mission=vilnius)
    client = signed_in(consul)
    assert client.post(CHECK, {"passport_number": "ZX998877"}).status_code == 403
    assert client.get(CHECK, {"passport_number": "ZX998877"}).status_code == 405
    assert Application.objects.count() == 1


def _pending_case(mission):
    from enlist.cases.models import Channel
    from enlist.intake.schemas import ApplicationIn
    from enlist.intake.services import Consent, application_submit
    from tests.factories import application_payload

    data = ApplicationIn.model_validate(application_payload(mission=mission.code), strict=False)
    return application_submit(
        data=data, channel=Channel.IMPORT, consent=Consent.to_be_confirmed(), import_row=2
    ).application


def test_clerk_records_consent_read_out_on_the_case_page(signed_in, clerk_vilnius, vilnius,
                                                         countries):  # fmt: skip
    case = _pending_case(vilnius)
    client = signed_in(clerk_vilnius)
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert f'action="/staff/cases/{case.pk}/consent/"' in page
    response = client.post(f"/staff/cases/{case.pk}/consent/", {"channel": "walk_in"})
    assert response.status_code == 302
    case = Application.objects.get(pk=case.pk)
    assert case.consent_at is not None and case.consent_channel == "walk_in"
    assert case.consent_recorded_by == clerk_vilnius
    entry = AuditEntry.objects.filter(detail__change="consent").get()
    assert entry.detail == {"change": "consent", "consent": "confirmed", "channel": "walk_in"}
    assert "/consent/" not in client.get(f"/staff/cases/{case.pk}/").content.decode()


def test_consent_cannot_be_recorded_by_another_role_or_mission(
    signed_in, vilnius, clerk_oslo, countries
):
    case = _pending_case(vilnius)
    consul = StaffFactory(role="consul", mission=vilnius)
    assert signed_in(consul).post(f"/staff/cases/{case.pk}/consent/",
                                  {"channel": "phone"}).status_code == 403  # fmt: skip
    assert signed_in(clerk_oslo).post(f"/staff/cases/{case.pk}/consent/",
                                      {"channel": "phone"}).status_code == 404  # fmt: skip
    assert Application.objects.get(pk=case.pk).consent_at is None


# --- recording a contact ------------------------------------------------------------------


def test_clerk_records_a_walk_in_application(client, clerk_vilnius, vilnius):
    response = sign_in(client, clerk_vilnius).post("/staff/cases/new/", walk_in_data())

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{application.pk}/"
    assert application.channel == "walk_in"
    assert application.recorded_by == clerk_vilnius
    assert application.mission == vilnius
    assert (application.given_name, application.family_name) == ("Jan", "Nowak")
    assert application.passport_number == "EA7654321"
    assert list(application.history.values_list("to_stage", "actor", "actor_role")) == [
        ("submitted", clerk_vilnius.pk, "clerk")
    ]


def test_record_form_defaults_to_the_clerks_mission(client, clerk_vilnius, vilnius):
    response = sign_in(client, clerk_vilnius).get("/staff/cases/new/")

    assert response.status_code == 200
    assert '<option value="lt-vilnius" selected>' in response.content.decode()


def test_recording_twice_with_the_same_key_creates_one_application(client, clerk_vilnius, vilnius):
    data = walk_in_data()
    sign_in(client, clerk_vilnius)

    first = client.post("/staff/cases/new/", data)
    second = client.post("/staff/cases/new/", data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Application.objects.count() == 1


def test_recording_with_missing_consent_is_refused_and_nothing_is_written(
    client, clerk_vilnius, vilnius
):
    response = sign_in(client, clerk_vilnius).post("/staff/cases/new/", walk_in_data(consent=""))

    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_consent_error">' in response.content.decode()
    assert Application.objects.count() == 0


def test_attache_may_not_record_applications(client, attache_vilnius, vilnius):
    response = sign_in(client, attache_vilnius).post("/staff/cases/new/", walk_in_data())

    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_clerk_cannot_record_an_application_for_another_mission(
    client, clerk_vilnius, vilnius, oslo
):
    response = sign_in(client, clerk_vilnius).post(
        "/staff/cases/new/", walk_in_data(mission="no-oslo")
    )

    assert response.status_code == 200
    assert (
        '<ul class="errorlist" id="id_mission_error">'
        "<li>Record applications for your own mission only.</li></ul>"
    ) in response.content.decode()
    assert Application.objects.count() == 0


def test_hq_records_a_phone_application_for_any_mission(client, hq, vilnius, oslo):
    response = sign_in(client, hq).post(
        "/staff/cases/new/", walk_in_data(mission="no-oslo", channel="phone")
    )

    application = Application.objects.get()
    assert response["Location"] == f"/staff/cases/{application.pk}/"
    assert (application.mission, application.channel, application.recorded_by) == (
        oslo,
        "phone",
        hq,
    )
