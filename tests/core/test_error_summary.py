"""An invalid form opens with a summary that links to each field and takes the focus."""

from __future__ import annotations

import re

from tests.conftest import sign_in
from tests.intake.test_views import form_data


def test_an_invalid_application_opens_with_a_summary_linking_each_field(client, vilnius):
    response = client.post(
        "/apply/",
        form_data(consent=None, legal_advisory_acknowledged=None, date_of_birth="2999-01-01"),
    )

    html = response.content.decode()
    main = html[html.index("<main>") :]
    assert response.status_code == 422
    # first in the page, before the form and its messages
    assert main.index('id="error-summary"') < main.index("<form")
    assert 'role="alert" tabindex="-1"' in main
    links = re.findall(r'<a href="#(id_\w+)" data-field="\1">', main)
    assert sorted(links) == ["id_consent", "id_date_of_birth", "id_legal_advisory_acknowledged"]
    for target in links:
        assert f'id="{target}"' in html  # each link lands on its field
    assert re.search(r"<title>Error: ", html)
    assert '<script src="/static/enlist/error-summary.js' in html


def test_a_valid_page_has_no_summary_and_no_error_title(client, vilnius):
    html = client.get("/apply/", {"nationality": "CA"}).content.decode()

    assert 'id="error-summary"' not in html
    assert "<title>Error:" not in html
    assert "error-summary.js" not in html


def test_the_clerks_contact_form_gets_the_same_summary(client, clerk_vilnius):
    response = sign_in(client, clerk_vilnius).post("/staff/cases/new/", {"channel": "phone"})

    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert re.search(r"<title>Error: ", html)
    assert 'href="#id_given_name"' in html


def test_the_summary_speaks_the_users_language(client, vilnius):
    client.cookies["django_language"] = "uk"

    html = client.post("/apply/", form_data(consent=None)).content.decode()

    assert "There is a problem" not in html
    assert "Виникла проблема" in html
    assert re.search(r"<title>Помилка: ", html)


def _summary_items(html: str) -> list[str]:
    summary = html[html.index('id="error-summary"') :].split("</ul>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", summary, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def test_the_summary_names_each_field_once(client, vilnius):
    """The intake contract's message names its field already: the summary shows it alone,
    not after the label a second time."""
    html = client.post("/apply/", form_data(email="not-an-address")).content.decode()

    assert _summary_items(html) == ["“Email” is not a valid email address."]


def test_a_message_that_does_not_name_its_field_follows_the_label(client, vilnius):
    from django.core.files.uploadedfile import SimpleUploadedFile

    empty = SimpleUploadedFile("record.pdf", b"", content_type="application/pdf")
    data = form_data(document_kind="service_record") | {"document": empty}
    response = client.post("/apply/", data)

    html = response.content.decode()
    assert response.status_code in (400, 422)
    label = "A document proving your service (optional: PDF or photo)"
    assert _summary_items(html) == [f"{label}: The submitted file is empty."]  # Django's own
