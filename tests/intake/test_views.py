"""The public application pages through a browser without JavaScript (django.test.Client)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from enlist.cases.models import Application, Document, StageChange
from enlist.intake.models import IdempotencyRecord
from enlist.missions.models import Country
from tests.conftest import sign_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REFERENCE = re.compile(r"IL-[2-9A-Z]{4}-[2-9A-Z]{2}")


def form_data(**overrides: object) -> dict[str, object]:
    """A complete application as a browser posts it: strings, checked boxes as "on"."""
    data: dict[str, object] = {
        "step": "submit",
        "submission_key": uuid.uuid4().hex,
        "nationality": "CA",
        "given_name": "Oleksandr",
        "family_name": "Kovalenko",
        "given_name_native": "Олександр",
        "family_name_native": "Коваленко",
        "date_of_birth": "1990-04-17",
        "residence_country": "CA",
        "email": "o.kovalenko@example.org",
        "phone": "+1 416 555 0134",
        "passport_number": "AB123456",
        "languages": "en, uk",
        "mission": "lt-vilnius",
        "years": "6",
        "branch": "army",
        "last_rank": "sergeant",
        "combat_deployments": "2",
        "peacekeeping": "on",
        "specialties": "infantry, combat medic",
        "document_kind": "",
        "legal_advisory_acknowledged": "on",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def field_block(html: str, name: str) -> str:
    """The `<div class="field">` that holds the input named `name` (label, input, errors)."""
    pattern = (
        r'<div class="field[^"]*">(?:(?!</div>).)*?name="' + re.escape(name) + r'"(?:(?!</div>).)*?'
        r"</div>"
    )
    match = re.search(pattern, html, re.DOTALL)
    assert match is not None, f"no field {name!r} on the page"
    return match.group(0)


def error_fields(html: str) -> list[str]:
    """Names of the fields that carry an error list, in page order."""
    return re.findall(r'<ul class="errorlist" id="id_(\w+)_error">', html)


def test_apply_page_lists_countries(client, db):
    response = client.get("/apply/")

    assert response.status_code == 200
    html = response.content.decode()
    options = re.findall(r'<option value="([A-Z]{2})">', html)
    assert options == list(Country.objects.order_by("name").values_list("code", flat=True))
    assert len(options) > 200
    assert '<option value="AU">Australia</option>' in html
    assert '<option value="CA">Canada</option>' in html
    assert '<input type="hidden" name="step" value="country">' in html


def test_choosing_a_country_shows_its_advisory_and_the_form(client, vilnius):
    australia = Country.objects.get(code="AU")
    assert australia.advisory_status == "warned"

    response = client.post("/apply/", {"step": "country", "nationality": "AU"})

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(australia.advisory_text) in html
    assert '<section class="card advisory warned">' in html
    assert '<input type="hidden" name="nationality" value="AU">' in html
    assert '<input type="hidden" name="step" value="submit">' in html
    assert 'name="given_name"' in html
    assert 'name="consent"' in html
    # The choice travels in the body: no URL on the page or of the request carries it.
    assert response.request["PATH_INFO"] == "/apply/"
    assert response.request.get("QUERY_STRING", "") == ""
    urls = re.findall(r'(?:href|action)="([^"]*)"', html)
    assert urls
    assert [url for url in urls if "AU" in url or "nationality" in url or "?" in url] == []


def test_choosing_no_country_shows_the_country_list_again(client, db):
    response = client.post("/apply/", {"step": "country", "nationality": ""})

    assert response.status_code == 200
    assert "Step 1 of 3: your nationality" in response.content.decode()


def test_full_form_creates_one_web_application_with_an_encrypted_document(
    client, vilnius, settings
):
    upload = SimpleUploadedFile("service-record.pdf", PDF, content_type="application/pdf")

    response = client.post("/apply/", form_data(document_kind="service_record", document=upload))

    assert response.status_code == 302
    assert response["Location"] == "/apply/done/"
    application = Application.objects.get()
    assert application.channel == "web"
    assert application.stage == "submitted"
    assert application.mission == vilnius
    assert application.nationality_id == "CA"
    assert application.given_name == "Oleksandr"
    assert application.family_name == "Kovalenko"
    assert application.family_name_native == "Коваленко"
    assert application.date_of_birth.isoformat() == "1990-04-17"
    assert application.email == "o.kovalenko@example.org"
    assert application.phone == "+1 416-555-0134"
    assert application.passport_number == "AB123456"
    assert application.languages == ["en", "uk"]
    assert application.military_experience == {
        "years": 6,
        "branch": "army",
        "last_rank": "sergeant",
        "combat_deployments": 2,
        "peacekeeping": True,
        "specialties": ["infantry", "combat medic"],
    }
    assert application.recorded_by is None
    document = Document.objects.get()
    assert document.application == application
    assert document.kind == "service_record"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert document.uploaded_by is None
    with document.file.open("rb") as handle:
        assert handle.read() == PDF
    on_disk = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert len(on_disk) == 1
    assert PDF not in on_disk[0].read_bytes()
    assert b"%PDF" not in on_disk[0].read_bytes()

    done = client.get("/apply/done/")

    assert done.status_code == 200
    assert REFERENCE.fullmatch(application.reference)
    assert f'<p class="reference">{application.reference}</p>' in done.content.decode()


def test_full_form_without_a_document_creates_no_document(client, vilnius):
    response = client.post("/apply/", form_data())

    assert response.status_code == 302
    assert Application.objects.count() == 1
    assert Document.objects.count() == 0


def test_done_page_without_a_submission_sends_back_to_the_form(client, db):
    response = client.get("/apply/done/")

    assert response.status_code == 302
    assert response["Location"] == "/apply/"


def test_submitting_twice_with_the_same_key_creates_one_application(client, vilnius):
    data = form_data(submission_key=uuid.uuid4().hex)

    first = client.post("/apply/", data)
    first_reference = client.get("/apply/done/").content.decode()
    second = client.post("/apply/", data)
    second_reference = client.get("/apply/done/").content.decode()

    assert first.status_code == second.status_code == 302
    assert Application.objects.count() == 1
    assert StageChange.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    reference = Application.objects.get().reference
    assert REFERENCE.findall(first_reference) == REFERENCE.findall(second_reference) == [reference]


def test_missing_consent_is_refused_next_to_the_consent_box(client, vilnius):
    response = client.post("/apply/", form_data(consent=None))

    assert response.status_code == 422
    html = response.content.decode()
    assert error_fields(html) == ["consent"]
    assert (
        '<ul class="errorlist" id="id_consent_error">'
        "<li>Consent is required to process the application.</li></ul>"
    ) in field_block(html, "consent")
    assert 'value="Kovalenko"' in field_block(html, "family_name")  # what was typed is kept
    assert Application.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


def test_malformed_date_of_birth_is_refused_next_to_the_date(client, vilnius):
    response = client.post("/apply/", form_data(date_of_birth="17/04/1990"))

    assert response.status_code == 422
    html = response.content.decode()
    assert error_fields(html) == ["date_of_birth"]
    assert (
        '<ul class="errorlist" id="id_date_of_birth_error">'
        "<li>Enter “Date of birth” as a real date, such as 1990-04-17.</li></ul>"
    ) in field_block(html, "date_of_birth")
    assert Application.objects.count() == 0


def test_future_date_of_birth_is_refused_next_to_the_date(client, vilnius):
    response = client.post("/apply/", form_data(date_of_birth="2999-01-01"))

    assert response.status_code == 422
    html = response.content.decode()
    assert error_fields(html) == ["date_of_birth"]
    assert "<li>The date of birth is in the future.</li>" in field_block(html, "date_of_birth")
    assert Application.objects.count() == 0


def test_unknown_mission_is_refused_next_to_the_mission(client, vilnius):
    response = client.post("/apply/", form_data(mission="xx-atlantis"))

    assert response.status_code == 422
    html = response.content.decode()
    assert error_fields(html) == ["mission"]
    assert (
        "<li>Select a valid choice. xx-atlantis is not one of the available choices.</li>"
        in field_block(html, "mission")
    )
    assert Application.objects.count() == 0


def test_every_contract_error_is_shown_at_once(client, vilnius):
    response = client.post(
        "/apply/",
        form_data(consent=None, legal_advisory_acknowledged=None, date_of_birth="2999-01-01"),
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert error_fields(html) == ["date_of_birth", "legal_advisory_acknowledged", "consent"]
    assert Application.objects.count() == 0


def test_document_without_a_type_is_refused_and_nothing_is_written(client, vilnius, settings):
    upload = SimpleUploadedFile("service-record.pdf", PDF, content_type="application/pdf")

    response = client.post("/apply/", form_data(document=upload))

    assert response.status_code == 422
    html = response.content.decode()
    assert error_fields(html) == ["document_kind"]
    assert "<li>Choose the document type.</li>" in field_block(html, "document_kind")
    assert Application.objects.count() == 0
    assert Document.objects.count() == 0
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_markup_in_names_is_stored_as_given_and_shown_escaped(client, vilnius, clerk_vilnius):
    markup = "<script>alert(1)</script>"

    response = client.post("/apply/", form_data(given_name=markup, family_name_native=markup))

    assert response.status_code == 302
    application = Application.objects.get()
    assert application.given_name == markup
    assert application.family_name_native == markup
    sign_in(client, clerk_vilnius)
    detail = client.get(f"/staff/cases/{application.pk}/")
    html = detail.content.decode()
    assert detail.status_code == 200
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "<script>alert" not in html
    listing = client.get("/staff/cases/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    assert "<script>alert" not in listing


def test_language_switch_to_ukrainian_sets_the_page_language(client, db):
    switched = client.post("/i18n/setlang/", {"language": "uk", "next": "/apply/"})

    assert switched.status_code == 302
    response = client.get("/apply/")
    assert response.status_code == 200
    assert '<html lang="uk">' in response.content.decode()


def test_pages_default_to_english(client, db):
    response = client.get("/apply/")

    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/apply/"])
def test_public_pages_carry_the_mobile_viewport(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        in response.content.decode()
    )


def test_the_same_form_sent_again_with_other_details_is_explained_not_a_second_case(
    client, vilnius
):
    key = uuid.uuid4().hex
    assert client.post("/apply/", form_data(submission_key=key)).status_code == 302
    again = form_data(submission_key=key, family_name="Petrenko")
    response = client.post("/apply/", again, headers={"accept-language": "uk"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Idempotency-Key" not in html
    assert "Цю форму вже було надіслано з іншими даними" in html
    assert Application.objects.count() == 1
