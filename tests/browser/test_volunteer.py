"""A volunteer applies from a phone, in their own language: reads their country's advisory,
makes a mistake, is taken to the error summary, corrects it, submits and keeps the reference.

Run in Ukrainian and in English: the screenshots show the same steps in both languages.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from enlist.cases.models import Application
from enlist.missions.models import Country
from enlist.missions.names import advisory_text
from tests.factories import MissionFactory

REFERENCE = re.compile(r"^IL-[0-9A-Z]{4}-[0-9A-Z]{2}$")
VOLUNTEER = {
    "given_name": "Oleksandr",
    "family_name": "Kovalenko",
    "given_name_native": "Олександр",
    "family_name_native": "Коваленко",
    "date_of_birth": "1990-04-17",
    "phone": "+1 416 555 0134",
    "passport_number": "AB123456",
    "languages": "en, uk",
    "years": "6",
    "branch": "army",
    "last_rank": "sergeant",
    "combat_deployments": "2",
    "specialties": "infantry, combat medic",
}
EMAIL = "o.kovalenko@example.org"


def translated(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


@pytest.mark.parametrize(("language", "locale"), [("uk", "uk-UA"), ("en", "en-CA")])
def test_volunteer_applies_on_a_phone_in_their_language(people, language, locale):
    MissionFactory(code="ca-ottawa", country_id="CA", city="Ottawa", timezone="America/Toronto")
    canada = Country.objects.get(code="CA")
    volunteer = people.open("volunteer", phone=True, locale=locale)
    page = volunteer.page

    volunteer.goto("/", "home")
    assert page.locator("html").get_attribute("lang") == language
    page.locator("main a.button").click()
    volunteer.step("nationality")
    page.locator("#nationality").select_option("CA")
    volunteer.submit()
    volunteer.step("advisory")
    assert page.locator("h1").first.inner_text() == translated(
        language, "Step 2 of 3: read the advisory"
    )
    assert advisory_text(canada, language) in page.locator("section.advisory").inner_text()

    form = "main form[enctype]"
    for name, value in VOLUNTEER.items():
        page.locator(f"#id_{name}").fill(value)
    page.locator("#id_email").fill("o.kovalenko.example.org")  # the mistake: no @
    page.locator("#id_mission").select_option("ca-ottawa")
    page.locator("#id_legal_advisory_acknowledged").check()
    page.locator("#id_consent").check()
    volunteer.submit(form)
    page.wait_for_function("document.activeElement?.id === 'error-summary'")
    volunteer.step("error-summary-focused")
    assert page.locator("#error-summary a").count() == 1
    assert page.locator("#error-summary a").get_attribute("href") == "#id_email"
    # The contract's message names the field: the summary reads it once, as beside the field.
    beside = page.locator("#id_email ~ .errorlist li").inner_text()
    assert page.locator("#error-summary a").inner_text() == beside
    assert Application.objects.count() == 0

    page.locator("#error-summary a").click()  # the link takes the focus to the field
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.locator("#id_email").fill(EMAIL)
    volunteer.submit(form)
    volunteer.step("reference")
    reference = page.locator("p.reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    keep = (
        "Keep this reference. The mission will contact you by email; quote it whenever you "
        "write or call."
    )
    assert translated(language, keep) in page.locator("main").inner_text()

    page.reload()  # the reference stays on the page it was given on
    volunteer.step("reference-again")
    assert page.locator("p.reference").inner_text().strip() == reference
    application = Application.objects.get()
    assert (application.reference, application.language) == (reference, language)
    assert (application.mission.code, application.email) == ("ca-ottawa", EMAIL)
