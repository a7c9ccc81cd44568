"""The auditor pages: who may see them, filters, "who saw or changed case X", "what user Y
did", pagination; and that they show no case contents."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from enlist.audit.models import AuditEntry
from enlist.audit.services import audit_record
from tests.audit.conftest import last, sign_in
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_auditor(client, auditor):
    return sign_in(client, auditor)


def shown(response) -> list[int]:
    """The sequence numbers of the entries on the page, in order."""
    import re

    return [int(n) for n in re.findall(r"<tr>\s*<td>(\d+)</td>", response.content.decode())]


@pytest.mark.parametrize("url", ["/audit/", "/audit/cases/8f1f6a52-52d6-4b43-9a0c-6f1c1c2bd001/"])
def test_auditor_sees_the_pages(as_auditor, url):
    assert as_auditor.get(url).status_code == 200


@pytest.mark.parametrize(
    "persona",
    ["clerk_vilnius", "attache_vilnius", "consul_vilnius", "reception", "hq", "admin_user"],
)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/audit/"),
        ("get", "/audit/cases/8f1f6a52-52d6-4b43-9a0c-6f1c1c2bd001/"),
        ("post", "/audit/cases/"),
    ],
)
def test_every_other_role_gets_404(client, request, persona, method, url):
    sign_in(client, request.getfixturevalue(persona))

    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/audit/"),
        ("get", "/audit/cases/8f1f6a52-52d6-4b43-9a0c-6f1c1c2bd001/"),
        ("post", "/audit/cases/"),
    ],
)
def test_anonymous_is_sent_to_sign_in(db, method, url):
    response = getattr(Client(), method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff-login"))


def test_the_trail_is_listed_newest_first_with_who_what_and_detail(as_auditor, vilnius_case):
    response = as_auditor.get("/audit/")

    body = response.content.decode()
    sequences = shown(response)
    assert sequences == sorted(sequences, reverse=True)
    assert sequences[0] == last().sequence
    assert "created" in body
    assert f'href="/audit/cases/{vilnius_case.pk}/"' in body
    # The detail in words, with labels: never raw JSON or codes.
    assert "<dt>channel</dt><dd>Web form</dd>" in body
    assert "&quot;" not in body.split("<tbody>")[1]


def test_the_trail_reads_in_ukrainian_with_labels_not_codes(as_auditor, vilnius_case):
    body = as_auditor.get("/audit/", headers={"accept-language": "uk"}).content.decode()

    assert "<dt>канал</dt><dd>Вебформа</dd>" in body
    assert "Web form" not in body


def test_the_fields_shown_and_the_consent_read_in_words(as_auditor, clerk_vilnius, vilnius_case):
    sign_in(Client(), clerk_vilnius).get(f"/staff/cases/{vilnius_case.pk}/")

    body = as_auditor.get("/audit/", headers={"accept-language": "uk"}).content.decode()

    trail = body.split("<tbody>")[1]
    assert "Дата народження" in trail and "date_of_birth" not in trail
    assert "<dt>згода</dt><dd>підтверджено</dd>" in trail


def test_filter_by_action(as_auditor, clerk_vilnius, vilnius_case):
    sign_in(Client(), clerk_vilnius)

    response = as_auditor.get("/audit/", {"action": "login"})

    logins = AuditEntry.objects.filter(action="login").order_by("-sequence")
    assert shown(response) == [e.sequence for e in logins]
    assert len(shown(response)) == 2  # the clerk's and the auditor's own


def test_what_user_y_did(as_auditor, api_as, clerk_vilnius, hq, vilnius_case):
    api_as(clerk_vilnius).get(f"/applications/{vilnius_case.pk}")
    api_as(hq).get(f"/applications/{vilnius_case.pk}")

    response = as_auditor.get("/audit/", {"actor": "clerk-vilnius"})

    mine = AuditEntry.objects.filter(actor_username="clerk-vilnius").order_by("-sequence")
    assert shown(response) == [e.sequence for e in mine]
    assert {e.action for e in mine} >= {"view"}
    assert "What clerk-vilnius did" in response.content.decode()


def test_filter_by_time_range(as_auditor, db):
    entry = audit_record(actor=None, actor_role="system", action="search", detail={"count": 0})
    today = entry.at.date()
    yesterday = (today - datetime.timedelta(days=1)).isoformat()

    assert entry.sequence in shown(as_auditor.get("/audit/", {"since": today.isoformat()}))
    assert entry.sequence in shown(as_auditor.get("/audit/", {"until": today.isoformat()}))
    assert shown(as_auditor.get("/audit/", {"until": yesterday})) == []
    assert shown(as_auditor.get("/audit/", {"since": today.isoformat(), "until": yesterday})) == []


def test_bad_filters_say_so(as_auditor):
    response = as_auditor.get("/audit/", {"since": "last tuesday", "action": "peek"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a date as YYYY-MM-DD." in body
    assert "Unknown action." in body
    assert shown(response) == []


def test_who_saw_or_changed_case_x_by_its_reference(
    client, as_auditor, api_as, clerk_vilnius, hq, vilnius
):
    case = ApplicationFactory(mission=vilnius)
    other = ApplicationFactory(mission=vilnius)
    api_as(clerk_vilnius).get(f"/applications/{case.pk}")
    api_as(hq).get(f"/applications/{other.pk}")
    api_as(hq).get("/applications")  # a list naming both

    response = as_auditor.post(reverse("audit-case-lookup"), {"reference": case.reference})

    assert response.status_code == 302
    assert response["Location"] == f"/audit/cases/{case.pk}/"
    lookup = last()
    assert (lookup.action, lookup.actor_username, lookup.detail) == (
        "search",
        "auditor",
        {"via": "audit", "count": 1, "page": 1, "ids": [str(case.pk)]},
    )
    page = as_auditor.get(response["Location"])
    about_case = AuditEntry.objects.filter(subjects__application_id=case.pk).order_by("-sequence")
    assert shown(page) == [e.sequence for e in about_case]
    assert [e.action for e in about_case][:3] == ["search", "view_list", "view"]
    assert str(other.pk) not in [e.target_id for e in about_case]


def test_a_reference_in_any_spelling_is_found(as_auditor, vilnius_case):
    spelled = vilnius_case.reference.lower().replace("-", " ")

    response = as_auditor.post(reverse("audit-case-lookup"), {"reference": spelled})

    assert response["Location"] == f"/audit/cases/{vilnius_case.pk}/"


def test_a_name_or_passport_does_not_find_a_case(as_auditor, vilnius_case):
    """Auditors read no case contents: only a reference or id resolves, never a personal value."""
    for term in (vilnius_case.family_name, vilnius_case.passport_number, vilnius_case.email):
        response = as_auditor.post(reverse("audit-case-lookup"), {"reference": term})

        assert response["Location"] == "/audit/?not_found=1"
        assert last().detail == {"via": "audit", "count": 0, "page": 1, "ids": []}
    assert "No case has this reference." in as_auditor.get("/audit/?not_found=1").content.decode()


def test_the_case_page_shows_no_case_contents(as_auditor, clerk_vilnius, vilnius_case):
    sign_in(Client(), clerk_vilnius).get(f"/staff/cases/{vilnius_case.pk}/")

    body = as_auditor.get(f"/audit/cases/{vilnius_case.pk}/").content.decode()

    for value in (
        vilnius_case.family_name,
        vilnius_case.given_name,
        vilnius_case.email,
        vilnius_case.passport_number,
        vilnius_case.reference,
    ):
        assert value not in body
    assert str(vilnius_case.pk) in body


def _link(html: str, rel: str) -> str:
    match = re.search(rf'<a rel="{rel}" id="page-\w+" href="\?([^"]+)"', html)
    assert match, f"no {rel} link"
    return match.group(1).replace("&amp;", "&")


def test_the_trail_is_paged_by_keyset_keeping_the_filters(as_auditor, db):
    for _ in range(60):
        audit_record(actor=None, actor_role="system", action="search", detail={"count": 0})
    searches = list(
        AuditEntry.objects.filter(action="search")
        .order_by("-sequence")
        .values_list("sequence", flat=True)
    )

    first = as_auditor.get("/audit/", {"action": "search"})
    link = _link(first.content.decode(), "next")
    second = as_auditor.get(f"/audit/?{link}")
    back = as_auditor.get(f"/audit/?{_link(second.content.decode(), 'prev')}")

    assert shown(first) == searches[:50]
    assert link == f"action=search&after=a{searches[49]}&page=2"
    assert shown(second) == searches[50:]
    assert 'rel="next"' not in second.content.decode()
    assert shown(back) == searches[:50]
    assert "60 entries" in first.content.decode()


def test_the_trail_counts_up_to_the_cap(as_auditor, db, monkeypatch):
    monkeypatch.setattr("enlist.core.keyset.COUNT_CAP", 5)
    for _ in range(6):
        audit_record(actor=None, actor_role="system", action="search", detail={"count": 0})

    body = as_auditor.get("/audit/", {"action": "search"}).content.decode()

    assert "More than 5 entries" in body
    assert len(shown(as_auditor.get("/audit/", {"action": "search"}))) == 6


def test_a_cursor_that_is_not_one_is_refused_by_name(as_auditor, db):
    response = as_auditor.get("/audit/", {"after": "a12.zz"})

    assert response.status_code == 200
    assert "Not a page of this list." in response.content.decode()
    assert shown(response) == []


def test_the_pages_carry_no_inline_script_or_style(as_auditor, vilnius_case):
    body = as_auditor.get("/audit/").content.decode()

    # scripts only from the site's own static files (the keyboard shortcuts), none inline
    scripts = re.findall(r"<script[^>]*>.*?</script>", body, re.S)
    assert all(re.fullmatch(r'<script src="/static/[\w/.-]+" defer></script>', s) for s in scripts)
    assert body.count("<script") == len(scripts)
    assert "style=" not in body
