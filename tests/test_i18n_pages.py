"""No untranslated string where a translation exists: every public page, every email to a
volunteer and the travel packet PDF (its text, read back with pypdf) in each of the six
translated languages, and the staff pages in Ukrainian.

What counts as untranslated: the English text of a catalog message (each literal piece
between its placeholders, at least four characters long) found, as whole words, in what a
reader sees (text and the attributes read aloud), when the catalog translates it into
something else. The language switcher is left out: it names every language in its own
language on purpose. A message whose translation keeps the English word (a city, "API")
cannot be told apart and is skipped; proper names and references never are catalog text.
"""

from __future__ import annotations

import datetime
import re
from functools import partial
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, label_for_field
from django.test import Client
from django.utils import formats, timezone, translation

from enlist.accounts.models import ApiToken, Passkey, token_digest
from enlist.accounts.services import security_notice_send
from enlist.audit.models import AlertLevel, ViewAlert
from enlist.core.catalogs import PLURALS, read_catalog
from enlist.errors import InvalidInput
from enlist.intake.forms import ApplicationForm
from enlist.intake.schemas import parse_application_data
from enlist.intake.services import intake_context
from enlist.intake.subject_access import subject_access_send
from enlist.interviews.invitations import (
    applicant_link,
    send_cancellation,
    send_invitation,
    send_reminder,
)
from enlist.interviews.models import (
    AvailabilityException,
    ExceptionKind,
    Interpreter,
    InterviewSettings,
    PanelProfile,
    Venue,
    WeeklyHours,
)
from enlist.jobs.models import DeadJob, JobStatus
from enlist.logistics.models import Unit
from enlist.missions.names import mission_name
from enlist.missions.seed import ADVISORIES
from enlist.travel.services import packet_link
from tests.factories import ApplicationFactory, StaffFactory
from tests.interviews.helpers import interview_for
from tests.travel.conftest import meeting_point, new_packet, pdf_text  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

LANGUAGES = sorted(PLURALS)
# Catalog words that are also proper names on every page: the product is called Enlist (the
# staff's "Enlist" button, arrived → enlisted, is a catalog message of the same spelling).
PROPER_NAMES = {"Enlist"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\{?\s*\w+\s*\}?\}")
# Countries whose advisory is its own text, and one that gets the default advisory.
ADVISORY_COUNTRIES = [*sorted(ADVISORIES), "FR"]


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and the attributes screen readers read,
    outside scripts, styles and the language switcher."""

    READ_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0  # depth inside a skipped element

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if (
            self._skip
            or tag in ("script", "style")
            or "lang" in (values.get("class") or "").split()
        ):
            self._skip += 1
            return
        self.parts.extend(v for k, v in attrs if k in self.READ_ATTRIBUTES and v)
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if self._skip:
            self._skip -= 1

    def handle_startendtag(self, tag, attrs):
        if not self._skip:
            self.handle_starttag(tag, attrs)
            if self._skip:
                self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _pieces(text: str) -> list[str]:
    return [
        " ".join(piece.split())
        for piece in PLACEHOLDER.split(text)
        if len(piece.strip()) >= 4 and re.search(r"[A-Za-z]{3}", piece)
    ]


def english_sources(language: str, *, staff: bool) -> dict[str, str]:
    """English piece → its msgid, for every message `language` translates into other words
    (the public ones; with `staff`, every message)."""
    sources: dict[str, str] = {}
    for e in read_catalog(language):
        if e.is_header or not (staff or e.is_public) or not any(e.msgstr.values()):
            continue
        if e.msgctxt == "city":  # a proper name, also in HQ's own texts (route advice)
            continue
        translations = " ".join(" ".join(s.split()) for s in e.msgstr.values())
        for english in filter(None, (e.msgid, e.msgid_plural)):
            for piece in _pieces(english):
                if piece not in translations and piece not in PROPER_NAMES:
                    sources[piece] = e.msgid
    return sources


def untranslated(text: str, sources: dict[str, str]) -> list[str]:
    flat = " ".join(text.split())
    return sorted(
        {
            msgid
            for piece, msgid in sources.items()
            if re.search(rf"(?<![\w]){re.escape(piece)}(?![\w])", flat)
        }
    )


@pytest.fixture(scope="module")
def public_sources():
    return {code: english_sources(code, staff=False) for code in LANGUAGES}


def reader(language: str) -> Client:
    client = Client(headers={"accept-language": language})
    return client


def _page(client: Client, method: str, url: str, data=None) -> str:
    response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 410, 422), (url, response.status_code)
    return response.content.decode()


def _not_found(client: Client) -> str:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    return response.content.decode()


def public_pages(client: Client, *, mission_code: str) -> dict[str, str]:
    """Every public page a volunteer meets, as HTML, read by `client`."""
    pages = {
        "home": _page(client, "get", "/"),
        "choose country": _page(client, "get", "/apply/"),
        "subject access": _page(client, "get", "/my-data/"),
        "subject access sent": _page(
            client, "post", "/my-data/", {"reference": "IL-0000-00", "email": "a@example.org"}
        ),
        "subject access link": _page(client, "get", "/my-data/not-a-token/"),
        "appointment link": _page(client, "get", "/appointment/?t=not-a-token"),
        "packet link": _page(client, "get", "/travel/?t=not-a-token"),
        "public statistics": _page(client, "get", "/statistics/"),
        "not found": _not_found(client),
    }
    for code in ADVISORY_COUNTRIES:
        pages[f"advisory {code}"] = _page(
            client, "post", "/apply/", {"step": "country", "nationality": code}
        )
    pages["form with errors"] = _page(
        client, "post", "/apply/", {"step": "submit", "nationality": "CA", "submission_key": "k"}
    )
    return pages


def _apply(client: Client, *, mission_code: str) -> str:
    """Submits a valid form and follows to the confirmation page."""
    data = {
        "step": "submit",
        "nationality": "CA",
        "submission_key": "a" * 32,
        "given_name": "Oleksandr",
        "family_name": "Kovalenko",
        "date_of_birth": "1990-04-17",
        "residence_country": "CA",
        "email": "o.kovalenko@example.org",
        "mission": mission_code,
        "years": "6",
        "combat_deployments": "1",
        "consent": "on",
        "legal_advisory_acknowledged": "on",
    }
    response = client.post("/apply/", data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------------------- the detector


def test_the_check_finds_english_on_an_english_page(countries, vilnius, public_sources):
    """The detector is not blind: the English pages are full of the pieces it looks for."""
    pages = public_pages(reader("en"), mission_code=vilnius.code)
    found = untranslated(" ".join(visible(html) for html in pages.values()), public_sources["uk"])
    assert len(found) > 40
    assert "Step 1 of 3: your nationality" in found


def test_the_check_ignores_the_language_switcher_and_hidden_code():
    html = (
        '<form class="lang"><option>English</option></form><script>Continue</script>'
        '<p>Продовжити</p><input type="submit" value="Submit application">'
    )
    sources = {"English": "English", "Continue": "Continue", "Submit application": "x"}
    assert untranslated(visible(html), sources) == ["x"]


# ---------------------------------------------------------------------------- public pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_show_no_untranslated_string(language, countries, vilnius, public_sources):
    client = reader(language)
    pages = public_pages(client, mission_code=vilnius.code)
    pages["application received"] = _apply(client, mission_code=vilnius.code)
    found = {
        name: untranslated(visible(html), public_sources[language]) for name, html in pages.items()
    }
    assert {name: msgids for name, msgids in found.items() if msgids} == {}
    for name, html in pages.items():
        assert f'<html lang="{language}">' in html, name


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_advisory_is_in_the_readers_language(language, countries):
    html = reader(language).post("/apply/", {"step": "country", "nationality": "BY"})
    english = ADVISORIES["BY"][1]
    assert english not in html.content.decode()
    assert "Belarus" not in visible(html.content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_application_remembers_the_language_it_was_written_in(language, countries, vilnius):
    from enlist.cases.models import Application

    _apply(reader(language), mission_code=vilnius.code)
    assert Application.objects.get().language == language


def test_the_switcher_offers_all_seven_languages_each_in_its_own_name(db):
    html = Client().get("/").content.decode()
    for code, name in [
        ("en", "English"),
        ("uk", "Українська"),
        ("es", "español"),
        ("pl", "polski"),
        ("ka", "ქართული"),
        ("pt", "Português"),
        ("fr", "français"),
    ]:
        assert f'<option value="{code}" lang="{code}"' in html
        assert name.casefold() in html.casefold()


# ---------------------------------------------------------------------------- emails, packet


def _volunteer(mission, language, **fields):
    return ApplicationFactory(mission=mission, languages=["de", language], **fields)


def _message_text(message) -> str:
    """Subject and every text part of a message the test SMTP server received (HTML as a
    reader sees it); attachments (the .ics, the PDF) are read elsewhere."""
    parts = [str(message["Subject"])]
    for part in message.walk():
        if part.is_attachment() or part.get_content_maintype() != "text":
            continue
        if part.get_content_subtype() == "plain":
            parts.append(part.get_content())
        elif part.get_content_subtype() == "html":
            parts.append(visible(part.get_content()))
    return "\n".join(parts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_emails_to_the_volunteer_show_no_untranslated_string(
    language, vilnius, attache_vilnius, consul_vilnius, public_sources, inbox
):
    application = _volunteer(vilnius, language, stage="interview")
    start = timezone.now() + datetime.timedelta(days=3)
    interview = interview_for(application, attache_vilnius, consul_vilnius, start=start)
    send_invitation(interview.pk)
    send_reminder(interview.pk)
    send_cancellation(interview.pk)
    subject_access_send(application_id=str(application.pk), language=language)
    to_volunteer = inbox.to(application.email)
    assert len(to_volunteer) == 4
    found = {
        str(m["Subject"]): untranslated(_message_text(m), public_sources[language])
        for m in to_volunteer
    }
    assert {s: msgids for s, msgids in found.items() if msgids} == {}


# A first mail in each language, as volunteers write them (the acknowledgement answers in it).
FIRST_MAILS = {
    "uk": "Доброго дня, я хочу приєднатися. Служив у війську шість років.",
    "es": "Hola, quiero ser voluntario. Soy de México y tengo experiencia.",
    "pl": "Dzień dobry, chcę się zgłosić. Jestem byłym żołnierzem.",
    "ka": "გამარჯობა, მინდა მოხალისე ვიყო.",
    "pt": "Olá, quero ser voluntário. Sou português e não tenho medo.",
    "fr": "Bonjour, je veux me porter volontaire. Je suis ancien militaire.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mail_acknowledgement_answers_in_the_senders_language(
    language, countries, vilnius, run_jobs, public_sources, inbox
):
    from enlist.mailin.models import Mailbox, MailDraft
    from enlist.mailin.services import mail_receive

    Mailbox.objects.create(mission=vilnius, address="vilnius@intake.example")
    raw = (
        "From: <volunteer@example.org>\r\nTo: vilnius@intake.example\r\n"
        "Subject: \r\nMessage-ID: <m1@example.org>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + FIRST_MAILS[language] + "\r\n"
    ).encode()
    mail_receive(
        raw=raw,
        recipients=["vilnius@intake.example"],
        envelope_sender="volunteer@example.org",
        via="smtp",
    )
    assert MailDraft.objects.get().language == language
    run_jobs()
    (answer,) = inbox.to("volunteer@example.org")
    assert untranslated(_message_text(answer), public_sources[language]) == []
    with translation.override(language):
        assert answer["Subject"].strip() == translation.gettext("We have received your message")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_appointment_page_is_in_the_volunteers_language(
    language, vilnius, attache_vilnius, consul_vilnius, public_sources
):
    application = _volunteer(vilnius, language, stage="interview")
    start = timezone.now() + datetime.timedelta(days=3)
    interview = interview_for(application, attache_vilnius, consul_vilnius, start=start)
    link = applicant_link(interview).removeprefix("http://testserver")
    html = Client().get(link).content.decode()  # no Accept-Language: the case's language
    assert f'<html lang="{language}">' in html
    assert untranslated(visible(html), public_sources[language]) == []
    assert mission_name(vilnius, language) in visible(html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_travel_packet_email_page_and_pdf_show_no_untranslated_string(
    language,
    new_packet,  # noqa: F811 (the fixture imported above)
    public_sources,
    inbox,
):
    made = new_packet(languages=[language, "en"])
    packet = made.packet
    assert packet.language == language
    (message,) = inbox.to(packet.application.email)
    assert untranslated(_message_text(message), public_sources[language]) == []
    html = Client().get(packet_link(packet).removeprefix("http://testserver")).content.decode()
    assert f'<html lang="{language}">' in html
    assert untranslated(visible(html), public_sources[language]) == []
    text = " ".join(pdf_text(packet).split())
    assert untranslated(text, public_sources[language]) == []
    with translation.override(language):
        heading = translation.gettext("Travel instructions")
        arrival = formats.date_format(packet.arrival_from, "DATE_FORMAT")
    # The font has the script's letters (Georgian included), and dates read as the locale
    # writes them (17 березня 2027 р., 17 de marzo de 2027, …), on the page and on paper.
    assert heading in text
    assert arrival in text
    assert arrival in visible(html)


# ---------------------------------------------------------------------------- staff, in uk


@pytest.fixture
def uk_sources():
    return english_sources("uk", staff=True)


def _staff_pages(client: Client, urls: list[str]) -> dict[str, str]:
    pages = {}
    for url in urls:
        response = client.get(url, headers={"accept-language": "uk"})
        assert response.status_code == 200, (url, response.status_code)
        pages[url] = response.content.decode()
    return pages


def test_staff_sign_in_is_in_ukrainian(db, uk_sources):
    html = Client().get("/staff/login/", headers={"accept-language": "uk"}).content.decode()
    assert untranslated(visible(html), uk_sources) == []


def test_mission_staff_pages_in_ukrainian_show_no_untranslated_string(
    signed_in, countries, vilnius, clerk_vilnius, consul_vilnius, uk_sources
):
    case = ApplicationFactory(mission=vilnius, stage="screening", channel="walk_in")
    pages = {}
    for user, urls in [
        (
            clerk_vilnius,
            ["/staff/", f"/staff/cases/{case.pk}/", "/staff/cases/new/", "/staff/mail/"],
        ),
        (
            consul_vilnius,
            [
                "/staff/interviews/",
                "/staff/interviews/queue/",
                "/staff/interviews/availability/",
                f"/staff/cases/{case.pk}/visa/",
                "/staff/visas/checklists/",
                "/staff/account/security/",
            ],
        ),
    ]:
        pages |= _staff_pages(signed_in(user), urls)
    found = {url: untranslated(visible(html), uk_sources) for url, html in pages.items()}
    assert {url: msgids for url, msgids in found.items() if msgids} == {}
    case_page = visible(pages[f"/staff/cases/{case.pk}/"])
    assert "walk_in" not in case_page and "lt-vilnius" not in case_page


def test_hq_reception_and_auditor_pages_in_ukrainian_show_no_untranslated_string(
    signed_in, countries, vilnius, hq, reception, uk_sources
):
    arrived = ApplicationFactory(mission=vilnius, stage="arrived")
    auditor = StaffFactory(username="auditor", role="auditor", mission=None)
    pages = _staff_pages(
        signed_in(hq),
        [
            "/staff/",
            f"/staff/cases/{arrived.pk}/",
            "/staff/units/",
            "/staff/travel/",
            "/staff/duplicates/",
            "/staff/visas/checklists/",
        ],
    )
    pages |= _staff_pages(signed_in(reception), ["/staff/checkin/"])
    pages |= _staff_pages(signed_in(auditor), ["/audit/", "/audit/alerts/"])
    found = {url: untranslated(visible(html), uk_sources) for url, html in pages.items()}
    assert {url: msgids for url, msgids in found.items() if msgids} == {}


def test_the_admin_index_in_ukrainian_shows_no_untranslated_string(
    signed_in, admin_user, uk_sources
):
    html = _staff_pages(signed_in(admin_user), ["/admin/"])["/admin/"]
    assert untranslated(visible(html), uk_sources) == []


def _admin_names(model, model_admin) -> dict[str, str]:
    """What the admin calls a model's app, the model and each column of its list (the
    primary key's column is "ID" in every language)."""
    names = {
        "app": model._meta.app_config.verbose_name,
        "model": model._meta.verbose_name,
        "models": model._meta.verbose_name_plural,
    }
    for name in model_admin.list_display:
        if name != model._meta.pk.name:
            names[name] = label_for_field(name, model, model_admin)
    return {what: str(label) for what, label in names.items()}


def _same_in_english_and_ukrainian(model, names) -> list[str]:
    """Each of `names()` (what -> label) that reads the same in English and Ukrainian."""
    with translation.override("en"):
        english = names()
    with translation.override("uk"):
        ukrainian = names()
    return [f"{model._meta.label} {what}: {english[what]}"
            for what in english if ukrainian[what] == english[what]]  # fmt: skip


def test_every_admin_name_of_ours_has_a_translation():
    """Each app and model of ours in the admin, and each column of their lists, is named in
    our catalogs: a name Django derives from a class or field is English in every language."""
    same = []
    for model in apps.get_models():
        if model._meta.app_config.name.startswith("enlist.") and admin.site.is_registered(model):
            model_admin = admin.site.get_model_admin(model)
            same += _same_in_english_and_ukrainian(model, partial(_admin_names, model, model_admin))
    assert same == []


def _one_row_of_each_admin_model(admin_user, vilnius) -> list:
    """One row of every model of ours the admin lists, with nothing personal in it."""
    now = timezone.now()
    consul = StaffFactory(username="consul-admin", role="consul", mission=vilnius)
    interpreter = Interpreter.objects.create(mission=vilnius, name="Interpreter A")
    return [
        admin_user,
        vilnius,
        vilnius.country,
        Unit.objects.create(name="Karpaty", code="karpaty", capacity=10),
        ApiToken.objects.create(user=admin_user, digest=token_digest("x"), label="ci-1"),
        Passkey.objects.create(user=admin_user, name="Key A", credential_id=b"1", public_key=b"2"),
        ViewAlert.objects.create(
            user=consul, level=AlertLevel.HARD, hour=now, count=90, threshold=60
        ),
        DeadJob.objects.create(
            kind="mail.send", status=JobStatus.DEAD, run_after=now, attempts=5, max_attempts=5,
            last_error="SMTPError at mail.py:10", created_at=now, finished_at=now,
        ),
        InterviewSettings.objects.create(mission=vilnius),
        Venue.objects.create(mission=vilnius, name="Room 2"),
        interpreter,
        PanelProfile.objects.create(staff=consul, languages=["uk"]),
        WeeklyHours.objects.create(
            mission=vilnius, interpreter=interpreter, weekday=0,
            start=datetime.time(9), end=datetime.time(12),
        ),
        AvailabilityException.objects.create(
            mission=vilnius, staff=consul, date=now.date(), kind=ExceptionKind.ABSENT
        ),
    ]  # fmt: skip


# What the check leaves out of an admin page: the search box's icon, whose alt="Search" is
# hard-coded in Django's template; the text an advisory's form edits, stored in English and
# translated where it is shown (docs/adr/0022-translated-reference-data.md); and the
# permissions to pick on a staff user's page, whose names Django stores in English.
_ADMIN_NOT_OURS = re.compile(
    r'<img [^>]*alt="Search">'
    r"|(?s:<textarea [^>]*>.*?</textarea>)"
    r'|(?s:<select [^>]*name="user_permissions".*?</select>)'
)


def _our_admin_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("enlist.") and admin.site.is_registered(model)
    ]


def test_every_admin_list_and_page_of_ours_in_ukrainian_shows_no_untranslated_string(
    signed_in, admin_user, countries, vilnius, uk_sources
):
    """Each list (its rows by their names, its filters, search and actions) and each row's
    page (its fields' labels and help, the breadcrumbs and title) in Ukrainian."""
    rows = _one_row_of_each_admin_model(admin_user, vilnius)
    assert {type(row) for row in rows} >= set(_our_admin_models())
    urls = []
    for row in rows:
        meta = row._meta
        urls.append(f"/admin/{meta.app_label}/{meta.model_name}/")
        urls.append(f"/admin/{meta.app_label}/{meta.model_name}/{row.pk}/change/")
    pages = _staff_pages(signed_in(admin_user), urls)
    found = {url: untranslated(visible(_ADMIN_NOT_OURS.sub("", html)), uk_sources)
             for url, html in pages.items()}  # fmt: skip
    assert {url: msgids for url, msgids in found.items() if msgids} == {}


def _form_names(model, field_names) -> dict[str, str]:
    names = {}
    for name in field_names:
        field = model._meta.get_field(name)
        names[name] = str(field.verbose_name)
        if field.help_text:
            names[f"{name} help"] = str(field.help_text)
    return names


def test_every_field_on_an_admin_page_of_ours_has_a_translated_label_and_help(
    rf, admin_user, countries, vilnius
):
    """Each field a row's admin page shows is named (and explained) in our catalogs or
    Django's: a label Django derives from a field's name is English in every language."""
    request = rf.get("/admin/")
    request.user = admin_user
    same = []
    for row in _one_row_of_each_admin_model(admin_user, vilnius):
        model = type(row)
        model_admin = admin.site.get_model_admin(model)
        shown = [
            name
            for name in flatten_fieldsets(model_admin.get_fieldsets(request, row))
            if name != model._meta.pk.name
        ]
        same += _same_in_english_and_ukrainian(model, partial(_form_names, model, shown))
    assert same == []


def test_hq_sees_missions_units_countries_and_languages_by_name_in_ukrainian(
    signed_in, countries, vilnius, hq
):
    """Reference data shown by its code or its stored English name is what the catalog
    check cannot see: the reports' filters, the import form, the units page and the case's
    unit section name each thing in Ukrainian."""
    arrived = ApplicationFactory(
        mission=vilnius, stage="arrived", nationality="BY", languages=["be", "uk"],
        military_experience={"years": 4, "specialties": ["drone operator"]},
    )  # fmt: skip
    client = signed_in(hq)
    client.post(
        f"/staff/cases/{arrived.pk}/unit/",
        {"unit": "pahonia", "next": "case"},
        headers={"accept-language": "uk"},
    )
    pages = _staff_pages(
        client,
        ["/staff/reports/", "/staff/cases/import/", "/staff/units/", f"/staff/cases/{arrived.pk}/"],
    )
    with translation.override("uk"):
        ukrainian = mission_name(vilnius)
    for url, html in pages.items():
        text = visible(html)
        assert vilnius.name not in text, url
        assert "pahonia" not in text and "Pahonia regiment" not in text, url
    assert ukrainian in visible(pages["/staff/reports/"])
    assert ukrainian in visible(pages["/staff/cases/import/"])
    case_page = visible(pages[f"/staff/cases/{arrived.pk}/"])
    assert "білоруська, українська" in case_page and "be, uk" not in case_page
    assert "Lithuania" not in visible(pages["/staff/reports/"])
    units = visible(pages["/staff/units/"])  # Pahonia takes Belarusians speaking be, ru
    assert "Білорусь" in units and "білоруська, російська" in units


# ---------------------------------------------------------------------------- invalid forms


class _Errors(HTMLParser):
    """The error messages of a page: each item of its error lists and of its summary."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []
        self._lists: list[bool] = []  # per open <ul> and <div>: does it hold errors
        self._item: list[str] | None = None
        self._label = False  # inside the summary's label of a message that does not name it

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "span" and "error-summary-label" in classes:
            self._label = True
        elif tag in ("ul", "div"):
            inside = bool(self._lists and self._lists[-1])
            self._lists.append(inside or bool({"errorlist", "error-summary"} & set(classes)))
        elif tag == "li" and self._lists and self._lists[-1]:
            self._item = []

    def handle_endtag(self, tag):
        if tag == "span":
            self._label = False
        elif tag == "li" and self._item is not None:
            self.messages.append(" ".join("".join(self._item).split()))
            self._item = None
        elif tag in ("ul", "div") and self._lists:
            self._lists.pop()

    def handle_data(self, data):
        if self._item is not None and not self._label:
            self._item.append(data)


def error_messages(html: str) -> list[str]:
    """Every error message the page shows: beside its field and in the summary (where one
    that does not name its field follows the field's label, cut off here)."""
    parser = _Errors()
    parser.feed(html)
    return parser.messages


# Invalid submissions that, together, make the contract raise every kind of error a form can
# send it: missing fields, too long and too short, patterns, numbers, dates, the address,
# the phone, our own refusals.
INVALID_FORMS = {
    "empty": {},
    "bad values": {
        "given_name": "O" * 101,
        "family_name": "Kovalenko",
        "given_name_native": "Ол\x07ександр",
        "date_of_birth": "1990-02-30",
        "residence_country": "CA",
        "email": "not-an-address",
        "phone": "12",
        "passport_number": "AB#123456",
        "languages": "english, uk",
        "years": "six",
        "combat_deployments": "99",
        "branch": "b" * 65,
        "specialties": ", ".join(["s" * 65] + ["medic"] * 20),
    },
    "more bad values": {
        "given_name": "Oleksandr",
        "family_name": "Kovalenko",
        "date_of_birth": "17/04/1990",
        "residence_country": "CA",
        "email": "o@example.org",
        "passport_number": "AB1",
        "years": "-1",
        "combat_deployments": "2.5",
    },
    "dates": {"date_of_birth": "2999-01-01"},
    "old dates": {"date_of_birth": "1850-01-01"},
    "datetime": {"date_of_birth": "1990-04-17T10:30"},
}


def _invalid_form_errors(client: Client, overrides: dict) -> list[str]:
    data = {"step": "submit", "nationality": "CA", "submission_key": "b" * 32, **overrides}
    response = client.post("/apply/", data)
    assert response.status_code == 422
    return error_messages(response.content.decode())


def test_the_error_reader_finds_each_message_beside_its_field_and_in_the_summary(countries):
    errors = _invalid_form_errors(reader("en"), {"given_name": "x" * 101})
    expected = "“Given name(s), as in your passport” can have at most 100 characters."
    assert errors.count(expected) == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_invalid_form_shows_no_english_message(language, countries, vilnius, public_sources):
    """Each error of an invalid form reads in the reader's language: none is the English one
    (pydantic's or ours), and no catalog text is left in English."""
    english_client, client = reader("en"), reader(language)
    for name, overrides in INVALID_FORMS.items():
        english = _invalid_form_errors(english_client, overrides)
        translated = _invalid_form_errors(client, overrides)
        assert len(translated) == len(english) >= 2, name
        assert set(translated).isdisjoint(english), (name, set(translated) & set(english))
        html = client.post(
            "/apply/",
            {"step": "submit", "nationality": "CA", "submission_key": "c" * 32} | overrides,
        ).content.decode()
        assert untranslated(visible(html), public_sources[language]) == [], name


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("name", "content"), [("record.pdf", PNG), ("record.pdf", b"<html></html>"), ("e.pdf", b"")]
)
def test_a_refused_document_is_explained_in_the_readers_language(
    language, name, content, countries, vilnius, public_sources
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def refused(client):
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        data = {
            "step": "submit", "nationality": "CA", "submission_key": "d" * 32,
            "given_name": "Oleksandr", "family_name": "Kovalenko", "date_of_birth": "1990-04-17",
            "residence_country": "CA", "email": "o.kovalenko@example.org",
            "mission": vilnius.code, "years": "6", "consent": "on",
            "legal_advisory_acknowledged": "on", "document_kind": "service_record",
            "document": upload,
        }  # fmt: skip
        response = client.post("/apply/", data)
        assert response.status_code in (400, 422)
        return response.content.decode()

    english, translated = refused(reader("en")), refused(reader(language))
    assert error_messages(english)
    assert set(error_messages(translated)).isdisjoint(error_messages(english))
    assert untranslated(visible(translated), public_sources[language]) == []


def test_the_invalid_forms_meet_every_kind_of_error_a_form_can_cause(countries, vilnius):
    """The submissions above are not a sample: the contract raises on them each error type a
    form's strings can lead to (the JSON-only ones, wrong types, cannot come from a form)."""
    seen = set()
    for overrides in INVALID_FORMS.values():
        form = ApplicationForm({"nationality": "CA", **overrides})
        assert form.is_valid()
        with translation.override("en"), pytest.raises(InvalidInput) as refused:
            parse_application_data(form.intake_data(), context=intake_context())
        seen |= {e.code for e in refused.value.errors}
    assert seen >= {
        "missing", "string_too_long", "string_too_short", "string_pattern_mismatch",
        "too_long", "int_parsing", "greater_than_equal", "less_than_equal",
        "date_from_datetime_parsing", "date_from_datetime_inexact",
        "value_error", "phone", "control_characters", "future_date", "implausible_date",
        "consent", "advisory",
    }  # fmt: skip


# ---------------------------------------------------------------------------- staff emails


def _staff_mail_text(message) -> str:
    """What a staff member reads in a message; the links to staff pages left out (a path
    such as /staff/…/case/… is an address, not text to translate)."""
    return re.sub(r"https?://\S+", " ", _message_text(message))


def _reads(language, *members):
    """The staff members get an address and read `language`."""
    for member in members:
        member.email = f"{member.username}@staff.example"
        member.language = language
        member.save(update_fields=["email", "language"])


def test_interview_emails_to_the_panel_are_in_each_members_language(
    vilnius, attache_vilnius, consul_vilnius, uk_sources, inbox
):
    _reads("uk", attache_vilnius, consul_vilnius)
    application = _volunteer(vilnius, "es", stage="interview")
    start = timezone.now() + datetime.timedelta(days=3)
    interview = interview_for(application, attache_vilnius, consul_vilnius, start=start)
    send_invitation(interview.pk)
    send_cancellation(interview.pk)
    for member in (attache_vilnius, consul_vilnius):
        received = inbox.to(member.email)
        assert len(received) == 2
        for message in received:
            assert untranslated(_staff_mail_text(message), uk_sources) == []
    with translation.override("uk"):
        booked = translation.gettext("Interview booked: %(when)s").split("%")[0]
    assert received[0]["Subject"].strip().startswith(booked)


def test_a_panel_of_two_languages_gets_one_message_in_each(
    vilnius, attache_vilnius, consul_vilnius, uk_sources, inbox
):
    _reads("en", attache_vilnius)
    _reads("uk", consul_vilnius)
    application = _volunteer(vilnius, "es", stage="interview")
    start = timezone.now() + datetime.timedelta(days=3)
    interview = interview_for(application, attache_vilnius, consul_vilnius, start=start)
    assert send_invitation(interview.pk) == 3  # the applicant's, the panel's in en and in uk
    (to_attache,) = inbox.to(attache_vilnius.email)
    (to_consul,) = inbox.to(consul_vilnius.email)
    assert to_attache is not to_consul
    assert to_attache["Subject"].strip().startswith("Interview booked: ")
    assert untranslated(_staff_mail_text(to_consul), uk_sources) == []
    assert untranslated(_staff_mail_text(to_attache), uk_sources) != []  # English: it is found
    for message in (to_attache, to_consul):  # each calendar entry names the whole panel
        (ics,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        text = ics.get_payload(decode=True).decode()
        unfolded = text.replace("\r\n ", "")
        assert attache_vilnius.email in unfolded and consul_vilnius.email in unfolded


@pytest.mark.parametrize(
    "change",
    ["passkey_add", "passkey_remove", "totp_add", "totp_remove", "recovery_codes_new"]
    + ["recovery_code_used"],
)
def test_security_notices_are_in_the_staff_members_language(
    clerk_vilnius, change, uk_sources, inbox
):

    _reads("uk", clerk_vilnius)
    assert security_notice_send(
        user_id=clerk_vilnius.pk, change=change, at=timezone.now().isoformat()
    )
    (message,) = inbox.to(clerk_vilnius.email)
    assert untranslated(_staff_mail_text(message), uk_sources) == []
    with translation.override("uk"):
        assert message["Subject"].strip() == translation.gettext("Enlist: security notice")


def test_a_staff_member_chooses_the_language_of_their_emails(signed_in, clerk_vilnius, uk_sources):
    client = signed_in(clerk_vilnius)
    page = client.get("/staff/account/security/", headers={"accept-language": "uk"})
    assert 'name="language"' in page.content.decode()
    assert untranslated(visible(page.content.decode()), uk_sources) == []
    response = client.post("/staff/account/language/", {"language": "uk"})
    assert response.status_code == 302
    clerk_vilnius.refresh_from_db()
    assert clerk_vilnius.language == "uk"
    refused = client.post("/staff/account/language/", {"language": "de"})
    assert refused.status_code == 302
    clerk_vilnius.refresh_from_db()
    assert clerk_vilnius.language == "uk"


def test_a_new_staff_member_reads_the_sites_default_language(db, settings):
    assert StaffFactory(username="newcomer", role="hq", mission=None).language == "en"
    settings.LANGUAGE_CODE = "uk"
    assert StaffFactory(username="newcomer2", role="hq", mission=None).language == "uk"
