"""The staff's journeys in the browser, each person signing in with the password and the code
of their authenticator app: the clerk screens, the panel records its verdicts, the consul the
visa, reception checks the volunteer in on a phone, HQ assigns the unit, an auditor finds who
saw the case. Each journey starts from a case built through the services at its stage.

Every journey runs in English and in Ukrainian: the staff member's browser is set to the
language (its locale, and Chromium's own text such as a file input's "Choose File": ``conftest.
Chromium``), the sign-in page comes in it or they pick it in the header's switcher, as a person
would, so each element is found by its id, name or address, never by its English words, and
every Ukrainian page is checked for English catalog text (``Person.step``).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from enlist.cases.models import Application
from enlist.cases.services import application_transition
from enlist.interviews.models import Verdict
from enlist.logistics.models import UnitAssignment
from enlist.travel.models import TravelPacket
from enlist.travel.seed import travel_seed
from enlist.visas.models import Visa
from enlist.visas.services import visa_update
from tests.factories import ApplicationFactory, StaffFactory

# The volunteer of tests/test_journey.py: a Canadian combat medic, whom the matching suggests
# for the Canadian-Ukrainian brigade.
VOLUNTEER = {"nationality": "CA", "residence_country": "CA", "languages": ["en", "uk"],
             "military_experience": {"years": 6, "specialties": ["combat medic"]}}  # fmt: skip
VISA_NUMBER = "UA20260417"
TODAY = timezone.localdate
LANGUAGES = ("en", "uk")
# What the panel writes themselves, in the language they work in.
EVIDENCE = {
    "en": "Service record seen at the interview.",
    "uk": "Послужний список переглянуто на співбесіді.",
}


@pytest.fixture(params=LANGUAGES)
def language(request) -> str:
    """The language the staff of a journey work in: every journey runs in each."""
    return request.param


@pytest.fixture
def staff_browser(people, authenticator, language):
    """staff_browser(user, phone=False) -> a Person signed in as `user` through the sign-in
    pages (password, then the current code of a new authenticator of theirs), in the journey's
    language."""

    def open_signed_in(user, *, phone: bool = False, landing=None):
        person = people.open(user.username, phone=phone, language=language)
        person.sign_in(user, authenticator(user), language=language, landing=landing)
        assert person.page.locator("html").get_attribute("lang") == language
        return person

    return open_signed_in


@pytest.fixture
def meeting_point(db):
    """A meeting point and routes: entering travel makes the packet (and its check-in code)."""
    return travel_seed(today=TODAY())


def stage_of(case: Application) -> str:
    return Application.objects.get(pk=case.pk).stage


def move(person, to: str, step: str) -> None:
    """Press the case page's button that moves the case to `to`."""
    person.submit(f"main form:has(input[name=to][value={to}])")
    person.step(step)


def open_case(person, case: Application, step: str) -> None:
    person.goto(f"/staff/cases/{case.pk}/", step)
    assert case.reference in person.page.locator("main h1").inner_text()


def test_clerk_signs_in_with_the_second_factor_and_screens(vilnius, clerk_vilnius, staff_browser):
    case = ApplicationFactory(mission=vilnius, **VOLUNTEER)
    clerk = staff_browser(clerk_vilnius)
    page = clerk.page
    assert page.url.endswith("/staff/")
    page.locator("main").get_by_role("link", name=case.reference).click()
    clerk.step("case-to-screen")
    assert page.locator("main #screening-recommendation").count() == 1
    move(clerk, "screening", "in-screening")
    assert stage_of(case) == "screening"
    move(clerk, "interview", "sent-to-interview")
    assert stage_of(case) == "interview"


def test_attache_and_consul_record_their_verdicts(
    vilnius, attache_vilnius, consul_vilnius, staff_browser, language
):
    case = ApplicationFactory(mission=vilnius, stage="interview", **VOLUNTEER)
    for user in (attache_vilnius, consul_vilnius):
        member = staff_browser(user)
        member.goto(f"/staff/interviews/cases/{case.pk}/", f"{user.role}-interview")
        page = member.page
        page.locator("#service_verified").check()
        page.locator("#service").fill("Canadian Army")
        page.locator("#rank").fill("Corporal")
        page.locator("#specialty").fill("combat medic")
        page.locator("#evidence_source").fill(EVIDENCE[language])
        page.locator("#recommend").select_option("yes")
        member.submit("main form[action$='/verdict/']")
        member.step(f"{user.role}-verdict-recorded")
        assert page.locator("main").get_by_text(user.username).count() >= 1
    assert sorted(Verdict.objects.filter(application=case).values_list("role", flat=True)) == [
        "attache",
        "consul",
    ]
    open_case(member, case, "consul-case")
    move(member, "visa", "to-visa")
    assert stage_of(case) == "visa"


def test_consul_records_the_visa(vilnius, consul_vilnius, staff_browser, meeting_point):
    case = ApplicationFactory(mission=vilnius, stage="visa", **VOLUNTEER)
    consul = staff_browser(consul_vilnius)
    open_case(consul, case, "case-in-visa")
    consul.goto(f"/staff/cases/{case.pk}/visa/", "visa-form")
    page = consul.page
    today = TODAY()
    page.locator("#status").select_option("issued")
    page.locator("#visa_type").select_option("long_stay")
    page.locator("#applied_on").fill(str(today - datetime.timedelta(days=14)))
    page.locator("#number").fill(VISA_NUMBER)
    page.locator("#valid_from").fill(str(today))
    page.locator("#valid_until").fill(str(today + datetime.timedelta(days=180)))
    consul.submit("main form.stack")
    consul.step("visa-recorded")
    assert Visa.objects.get(application_id=case.pk).number == VISA_NUMBER
    open_case(consul, case, "case-with-visa")
    move(consul, "travel", "to-travel")
    assert stage_of(case) == "travel"


def test_reception_checks_the_volunteer_in_by_code_on_a_phone(
    vilnius, consul_vilnius, reception, staff_browser, meeting_point
):
    case = ApplicationFactory(mission=vilnius, stage="visa", **VOLUNTEER)
    today = TODAY()
    visa_update(application=case, actor=consul_vilnius, status="issued", visa_type="long_stay",
                applied_on=today, number=VISA_NUMBER, valid_from=today,
                valid_until=today + datetime.timedelta(days=180))  # fmt: skip
    application_transition(application=case, to="travel", actor=consul_vilnius)
    code = TravelPacket.objects.get(application_id=case.pk, invalidated_at=None).code_sealed

    desk = staff_browser(reception, phone=True)
    page = desk.page
    assert case.reference in page.locator("#queue-arrivals").inner_text()
    page.locator("#queue-arrivals a.button").click()
    desk.step("checkin-form")
    page.locator("#code").fill(code)
    desk.submit("#checkin-form")
    desk.step("identify")
    assert case.reference in page.locator("main").inner_text()
    desk.submit("main form[action$='/checkin/confirm/']")
    desk.step("checked-in")
    assert stage_of(case) == "arrived"


def test_hq_assigns_a_unit(vilnius, hq, staff_browser):
    case = ApplicationFactory(mission=vilnius, stage="arrived", **VOLUNTEER)
    officer = staff_browser(hq)
    page = officer.page
    page.locator("header nav a[href='/staff/units/']").click()
    officer.step("units")
    row = page.locator("main tr", has=page.get_by_role("link", name=case.reference))
    # The suggestion, named on the page in the reader's language, is confirmed by its code.
    suggested = row.locator("form:has(input[name=unit]) input[name=unit]")
    assert suggested.get_attribute("value") == "canadian-ukrainian-brigade"
    assert "canadian-ukrainian-brigade" not in row.inner_text()
    with page.expect_navigation():
        row.locator("form:has(input[name=unit]) button[type=submit]").click()
    officer.step("unit-confirmed")
    assignment = UnitAssignment.objects.get(application_id=case.pk, is_current=True)
    assert (assignment.unit.code, assignment.overridden) == ("canadian-ukrainian-brigade", False)
    open_case(officer, case, "case-with-unit")
    move(officer, "enlisted", "enlisted")
    assert stage_of(case) == "enlisted"


def test_auditor_finds_who_saw_the_case(vilnius, clerk_vilnius, auditor, staff_browser):
    case = ApplicationFactory(mission=vilnius, **VOLUNTEER)
    clerk = staff_browser(clerk_vilnius)
    open_case(clerk, case, "clerk-opens-case")

    inspector = staff_browser(auditor)
    page = inspector.page
    page.locator("main #audit-case-search").click()
    inspector.step("audit-search")
    page.locator("main #reference").fill(case.reference)
    inspector.submit("main form[action$='/audit/cases/']")
    inspector.step("who-saw-the-case")
    assert str(case.pk) in page.locator("main h1").inner_text()
    trail = page.locator("main table.audit").last.inner_text()
    assert clerk_vilnius.username in trail
    # The search's address opened by hand (a GET where only POST is answered): the 405 page,
    # under the staff header a signed-in member knows, with the way back to their start page.
    inspector.goto("/audit/cases/", "method-not-allowed")
    assert page.locator("main #error-title").count() == 1
    assert page.locator("header nav form[action='/staff/logout/']").count() == 1
    assert page.locator("main #error-back").get_attribute("href") == "/staff/"


LANDING_ROLES = ("clerk", "attache", "consul", "reception", "hq", "auditor", "admin")


def test_each_roles_landing_page(vilnius, people, staff_browser, language):
    """Each role's start page, saved as landing/<language>/<role>.png; the admin also opens
    the Django admin and the API docs, so that axe-core checks them too."""
    ApplicationFactory(mission=vilnius, **VOLUNTEER)
    landing = people.directory.parent / "landing" / language
    for role in LANDING_ROLES:
        admin = role == "admin"
        user = StaffFactory(username=f"{role}-landing", role=role,
                            mission=vilnius if role in ("clerk", "attache", "consul") else None,
                            is_staff=admin, is_superuser=admin)  # fmt: skip
        person = staff_browser(user, landing=landing / f"{role}.png")
        assert person.page.url.endswith("/staff/")
        assert person.page.locator("#workspace-title").count() == 1
    person.page.locator("header nav a[href='/admin/']").click()
    person.step("django-admin")
    # The API's docs are in the API's stable English, as its error bodies are.
    person.goto("/api/v1/docs", "api-docs", ready=".swagger-ui .opblock", catalog_text=False)
