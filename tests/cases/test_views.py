"""The staff pages: case list, case detail and the actions on a case, per role."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application, Document, StageChange
from tests.conftest import sign_in
from tests.factories import ApplicationFactory

PDF = b"%PDF-1.4\n% discharge papers of a volunteer\n1 0 obj << >> endobj\n%%EOF\n"
CASE_LINK = re.compile(r'<a href="/staff/cases/([0-9a-f-]{36})/">(IL-[2-9A-Z]{4}-[2-9A-Z]{2})</a>')


def listed(response) -> set[str]:
    """References of the case rows on a list page."""
    assert response.status_code == 200
    return {reference for _, reference in CASE_LINK.findall(response.content.decode())}


def offered_transitions(response) -> list[str]:
    """Target stages of the transition buttons on a detail page, in page order."""
    return re.findall(r'<input type="hidden" name="to" value="(\w+)">', response.content.decode())


def logged_in(client, user):
    return sign_in(client, user)


def snapshot(application: Application) -> tuple:
    application.refresh_from_db()
    return (
        application.stage,
        application.held_from,
        application.stage_changed_at,
        list(application.history.values_list("from_stage", "to_stage", "actor_id")),
    )


# --- login --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/staff/",
        "/staff/cases/",
        "/staff/cases/new/",
        "/staff/cases/00000000-0000-0000-0000-000000000000/",
    ],
)
def test_staff_pages_require_login(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/staff/login/?next={path}"


def test_anonymous_transition_is_sent_to_login_and_changes_nothing(client, vilnius_case):
    before = snapshot(vilnius_case)

    response = client.post(f"/staff/cases/{vilnius_case.pk}/transition/", {"to": "screening"})

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    assert snapshot(vilnius_case) == before


def test_a_right_password_leads_to_the_second_factor_not_to_the_cases(client, clerk_vilnius):
    response = client.post(
        "/staff/login/",
        {"username": "clerk-vilnius", "password": "correct horse battery staple"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/login/enrol/"
    assert client.get("/staff/cases/")["Location"] == "/staff/login/?next=/staff/cases/"


# --- case list ----------------------------------------------------------------------------


def test_clerk_sees_only_own_missions_cases(client, clerk_vilnius, vilnius_case, oslo_case):
    response = logged_in(client, clerk_vilnius).get("/staff/cases/")

    assert listed(response) == {vilnius_case.reference}
    assert oslo_case.family_name not in response.content.decode()


def test_oslo_clerk_sees_only_oslo_cases(client, clerk_oslo, vilnius_case, oslo_case):
    response = logged_in(client, clerk_oslo).get("/staff/cases/")

    assert listed(response) == {oslo_case.reference}


def test_hq_sees_every_missions_cases(client, hq, vilnius_case, oslo_case):
    response = logged_in(client, hq).get("/staff/cases/")

    assert listed(response) == {vilnius_case.reference, oslo_case.reference}


def test_auditor_sees_no_case_rows_and_is_told_why(client, auditor, vilnius_case, oslo_case):
    response = logged_in(client, auditor).get("/staff/cases/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your role does not give access to case contents." in html
    assert listed(response) == set()
    assert '<table class="cases">' not in html
    assert vilnius_case.reference not in html
    assert oslo_case.reference not in html


def test_reception_list_shows_only_travel_and_arrived_cases(client, reception, vilnius, oslo):
    travelling = ApplicationFactory(mission=vilnius, stage="travel")
    arrived = ApplicationFactory(mission=oslo, stage="arrived")
    ApplicationFactory(mission=vilnius, stage="visa")

    response = logged_in(client, reception).get("/staff/cases/")

    assert listed(response) == {travelling.reference, arrived.reference}


def test_filter_by_stage(client, clerk_vilnius, vilnius):
    ApplicationFactory(mission=vilnius, stage="submitted")
    screening = ApplicationFactory(mission=vilnius, stage="screening")

    response = logged_in(client, clerk_vilnius).get("/staff/cases/", {"stage": "screening"})

    assert listed(response) == {screening.reference}


def test_filter_by_unknown_stage_shows_the_error_and_all_cases(client, clerk_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius)

    response = logged_in(client, clerk_vilnius).get("/staff/cases/", {"stage": "limbo"})

    assert '<li class="error">Unknown stage.</li>' in response.content.decode()
    assert listed(response) == {case.reference}


def test_filter_by_nationality(client, clerk_vilnius, vilnius):
    ApplicationFactory(mission=vilnius, nationality="CA")
    australian = ApplicationFactory(mission=vilnius, nationality="AU", residence_country="AU")

    response = logged_in(client, clerk_vilnius).get("/staff/cases/", {"nationality": "AU"})

    assert listed(response) == {australian.reference}


def test_hq_filters_by_mission(client, hq, vilnius_case, oslo_case):
    response = logged_in(client, hq).get("/staff/cases/", {"mission": "no-oslo"})

    assert listed(response) == {oslo_case.reference}


def test_mission_filter_cannot_widen_a_clerks_scope(client, clerk_vilnius, vilnius_case, oslo_case):
    response = logged_in(client, clerk_vilnius).get("/staff/cases/", {"mission": "no-oslo"})

    assert listed(response) == set()


def test_filter_by_days_waiting(client, clerk_vilnius, vilnius):
    ApplicationFactory(mission=vilnius)
    waiting = ApplicationFactory(mission=vilnius)
    Application.objects.filter(pk=waiting.pk).update(
        stage_changed_at=timezone.now() - timedelta(days=10)
    )

    response = logged_in(client, clerk_vilnius).get("/staff/cases/", {"waiting_days": "7"})

    assert listed(response) == {waiting.reference}


def test_search_is_a_post_and_finds_by_reference(client, clerk_vilnius, vilnius):
    wanted = ApplicationFactory(mission=vilnius)
    ApplicationFactory(mission=vilnius)

    response = logged_in(client, clerk_vilnius).post("/staff/cases/", {"q": wanted.reference})

    assert listed(response) == {wanted.reference}
    assert response.request["REQUEST_METHOD"] == "POST"
    assert response.request.get("QUERY_STRING", "") == ""


def test_search_finds_by_exact_family_name_and_never_puts_it_in_a_url(
    client, clerk_vilnius, vilnius
):
    wanted = ApplicationFactory(mission=vilnius, family_name="Shevchenko")
    ApplicationFactory(mission=vilnius, family_name="Shevchenkova")

    response = logged_in(client, clerk_vilnius).post("/staff/cases/", {"q": "Shevchenko"})

    assert listed(response) == {wanted.reference}
    urls = re.findall(r'(?:href|action)="([^"]*)"', response.content.decode())
    assert urls
    assert [url for url in urls if "Shevchenko" in url] == []
    assert response.request.get("QUERY_STRING", "") == ""


def test_search_does_not_match_a_partial_name(client, clerk_vilnius, vilnius):
    ApplicationFactory(mission=vilnius, family_name="Shevchenko")

    response = logged_in(client, clerk_vilnius).post("/staff/cases/", {"q": "Shevch"})

    assert listed(response) == set()


def test_search_stays_within_the_clerks_mission(client, clerk_vilnius, oslo):
    elsewhere = ApplicationFactory(mission=oslo, family_name="Shevchenko")

    response = logged_in(client, clerk_vilnius).post("/staff/cases/", {"q": elsewhere.reference})

    assert listed(response) == set()


def _pager_link(response, label: str) -> str | None:
    found = re.search(rf'<a href="\?([^"]*)">{label}</a>', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


def test_list_is_paged_by_25_with_cursors(client, hq, vilnius):
    cases = [ApplicationFactory(mission=vilnius) for _ in range(30)]
    everyone = {c.reference for c in cases}
    logged_in(client, hq)

    first = client.get("/staff/cases/")
    second = client.get(f"/staff/cases/?{_pager_link(first, 'Next')}")
    back = client.get(f"/staff/cases/?{_pager_link(second, 'Previous')}")

    assert len(listed(first)) == 25
    assert len(listed(second)) == 5
    assert listed(first) | listed(second) == everyone
    assert listed(back) == listed(first)
    assert "Page 1" in first.content.decode()
    assert "Page 2" in second.content.decode()
    assert _pager_link(second, "Next") is None
    assert _pager_link(first, "Previous") is None
    assert "30 cases" in first.content.decode()


def test_pages_never_skip_or_repeat_cases_submitted_at_the_same_instant(client, hq, vilnius):
    cases = [ApplicationFactory(mission=vilnius) for _ in range(60)]
    Application.objects.update(submitted_at=timezone.now() - timedelta(days=1))
    logged_in(client, hq)
    seen: list[set[str]] = []
    query = ""
    while query is not None:
        response = client.get(f"/staff/cases/?{query}")
        seen.append(listed(response))
        query = _pager_link(response, "Next")

    assert [len(page) for page in seen] == [25, 25, 10]
    assert set().union(*seen) == {c.reference for c in cases}


def test_a_list_over_the_cap_says_more_than(client, hq, vilnius, monkeypatch):
    monkeypatch.setattr("enlist.core.keyset.COUNT_CAP", 3)
    for _ in range(5):
        ApplicationFactory(mission=vilnius)

    response = logged_in(client, hq).get("/staff/cases/")

    assert "More than 3 cases" in response.content.decode()


def test_a_cursor_that_is_not_one_is_a_clear_error(client, hq, vilnius):
    ApplicationFactory(mission=vilnius)

    response = logged_in(client, hq).get("/staff/cases/", {"after": "not-a-cursor"})

    assert response.status_code == 200
    assert "Not a page of this list." in response.content.decode()
    assert len(listed(response)) == 1


def test_pagination_links_keep_the_filters(client, hq, vilnius):
    for _ in range(26):
        ApplicationFactory(mission=vilnius, stage="screening")

    response = logged_in(client, hq).get("/staff/cases/", {"stage": "screening"})

    assert _pager_link(response, "Next").startswith("stage=screening&after=a")


# session, user, the session's OTP device, the user's mission (page header), count, one page of
# cases, countries filter, the user's saved filters
LIST_PAGE_QUERIES = 8 + 4  # + the page's audit entry: head lock, entry, index, head


def test_list_page_query_count_does_not_grow_with_rows(
    client, clerk_vilnius, vilnius, django_assert_num_queries
):
    logged_in(client, clerk_vilnius)
    for _ in range(5):
        ApplicationFactory(mission=vilnius)
    with CaptureQueriesContext(connection) as five:
        assert len(listed(client.get("/staff/cases/"))) == 5
    for _ in range(25):
        ApplicationFactory(mission=vilnius)

    with django_assert_num_queries(LIST_PAGE_QUERIES):
        assert len(listed(client.get("/staff/cases/"))) == 25

    assert len(five.captured_queries) == LIST_PAGE_QUERIES


# --- case detail --------------------------------------------------------------------------


def test_case_of_another_mission_is_404(client, clerk_vilnius, oslo_case):
    response = logged_in(client, clerk_vilnius).get(f"/staff/cases/{oslo_case.pk}/")

    assert response.status_code == 404
    assert oslo_case.family_name not in response.content.decode()


def test_nonexistent_case_is_404(client, hq):
    response = logged_in(client, hq).get(f"/staff/cases/{uuid.uuid4()}/")

    assert response.status_code == 404


def test_auditor_is_asked_for_a_reason_before_a_case(client, auditor, vilnius_case):
    response = logged_in(client, auditor).get(f"/staff/cases/{vilnius_case.pk}/")

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert vilnius_case.family_name not in response.content.decode()


def test_detail_shows_screening_recommendation_and_history(client, clerk_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius)

    response = logged_in(client, clerk_vilnius).get(f"/staff/cases/{case.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Screening recommendation: Needs verified military documents</h2>" in html
    assert '<li class="good">6 years of military service.</li>' in html
    assert '<li class="bad">No verified military document yet.</li>' in html
    assert "<td>— → Submitted</td>" in html
    assert '<span class="muted">applicant</span>' in html
    assert escape(case.email) in html
    assert case.passport_number in html


def test_detail_names_the_country_of_residence_in_the_readers_language(
    client, clerk_vilnius, vilnius
):
    case = ApplicationFactory(mission=vilnius, residence_country="CA")

    response = logged_in(client, clerk_vilnius).get(
        f"/staff/cases/{case.pk}/", headers={"accept-language": "uk"}
    )

    html = response.content.decode()
    assert "<dd>Канада</dd>" in html
    assert "<dd>CA</dd>" not in html


def test_clerk_is_offered_screening_and_withdrawal_on_a_submitted_case(
    client, clerk_vilnius, vilnius_case
):
    response = logged_in(client, clerk_vilnius).get(f"/staff/cases/{vilnius_case.pk}/")

    assert offered_transitions(response) == ["screening", "withdrawn"]


def test_attache_is_offered_the_screening_decisions(client, attache_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="screening")

    response = logged_in(client, attache_vilnius).get(f"/staff/cases/{case.pk}/")

    assert offered_transitions(response) == ["interview", "referred", "rejected", "on_hold"]


def test_consul_is_offered_nothing_on_a_submitted_case(client, consul_vilnius, vilnius_case):
    response = logged_in(client, consul_vilnius).get(f"/staff/cases/{vilnius_case.pk}/")

    assert offered_transitions(response) == []
    assert "<h2>Actions</h2>" not in response.content.decode()


def test_transition_moves_the_case_and_records_history(client, clerk_vilnius, vilnius_case):
    response = logged_in(client, clerk_vilnius).post(
        f"/staff/cases/{vilnius_case.pk}/transition/", {"to": "screening"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{vilnius_case.pk}/"
    vilnius_case.refresh_from_db()
    assert vilnius_case.stage == "screening"
    assert list(
        vilnius_case.history.values_list("from_stage", "to_stage", "actor", "actor_role")
    ) == [
        ("", "submitted", None, "applicant"),
        ("submitted", "screening", clerk_vilnius.pk, "clerk"),
    ]
    page = client.get(response["Location"]).content.decode()
    assert '<li class="success">Moved to Screening.</li>' in page
    assert "<td>Submitted → Screening</td>" in page


def test_transition_with_a_reason_records_it(client, attache_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="screening")

    logged_in(client, attache_vilnius).post(
        f"/staff/cases/{case.pk}/transition/", {"to": "on_hold", "reason": "Awaiting papers"}
    )

    case.refresh_from_db()
    assert (case.stage, case.held_from) == ("on_hold", "screening")
    assert StageChange.objects.filter(application=case).last().reason == "Awaiting papers"


def test_forbidden_transition_is_403_and_changes_nothing(client, clerk_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="screening")
    before = snapshot(case)

    response = logged_in(client, clerk_vilnius).post(
        f"/staff/cases/{case.pk}/transition/", {"to": "rejected", "reason": "No papers"}
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "The role &#x27;clerk&#x27; may not move an application to &#x27;rejected&#x27;." in html
    assert '<h1 id="error-title">Not allowed</h1>' in html
    assert snapshot(case) == before


def test_illegal_transition_shows_the_error_and_changes_nothing(client, hq, vilnius_case):
    before = snapshot(vilnius_case)

    response = logged_in(client, hq).post(
        f"/staff/cases/{vilnius_case.pk}/transition/", {"to": "visa"}, follow=True
    )

    assert response.redirect_chain == [(f"/staff/cases/{vilnius_case.pk}/", 302)]
    message = escape("An application in stage 'submitted' cannot move to 'visa'.")
    assert f'<li class="error">{message}</li>' in response.content.decode()
    assert snapshot(vilnius_case) == before


def test_transition_without_a_required_reason_changes_nothing(client, clerk_vilnius, vilnius_case):
    before = snapshot(vilnius_case)

    response = logged_in(client, clerk_vilnius).post(
        f"/staff/cases/{vilnius_case.pk}/transition/", {"to": "withdrawn"}, follow=True
    )

    message = escape("A reason is required to move to 'withdrawn'.")
    assert f'<li class="error">{message}</li>' in response.content.decode()
    assert snapshot(vilnius_case) == before


def test_transition_on_another_missions_case_is_404_and_changes_nothing(
    client, clerk_vilnius, oslo_case
):
    before = snapshot(oslo_case)

    response = logged_in(client, clerk_vilnius).post(
        f"/staff/cases/{oslo_case.pk}/transition/", {"to": "screening"}
    )

    assert response.status_code == 404
    assert snapshot(oslo_case) == before


def test_transition_needs_post(client, clerk_vilnius, vilnius_case):
    response = logged_in(client, clerk_vilnius).get(
        f"/staff/cases/{vilnius_case.pk}/transition/", {"to": "screening"}
    )

    assert response.status_code == 405
    vilnius_case.refresh_from_db()
    assert vilnius_case.stage == "submitted"


# --- documents ----------------------------------------------------------------------------


def test_uploaded_document_downloads_intact_and_is_encrypted_on_disk(
    client, clerk_vilnius, vilnius_case, settings
):
    logged_in(client, clerk_vilnius)
    upload = SimpleUploadedFile("discharge.pdf", PDF, content_type="application/pdf")

    response = client.post(
        f"/staff/cases/{vilnius_case.pk}/documents/", {"kind": "discharge_papers", "file": upload}
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.application, document.kind, document.size) == (
        vilnius_case,
        "discharge_papers",
        len(PDF),
    )
    assert document.uploaded_by == clerk_vilnius
    download = client.get(f"/staff/cases/{vilnius_case.pk}/documents/{document.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="discharge_papers.pdf"'
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content) == PDF
    files = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert len(files) == 1
    assert "discharge" not in str(files[0])
    assert PDF not in files[0].read_bytes()
    assert b"discharge papers" not in files[0].read_bytes()


def test_upload_of_an_unsupported_type_is_refused_and_nothing_is_stored(
    client, clerk_vilnius, vilnius_case, settings
):
    upload = SimpleUploadedFile("notes.txt", b"plain text", content_type="text/plain")

    response = logged_in(client, clerk_vilnius).post(
        f"/staff/cases/{vilnius_case.pk}/documents/",
        {"kind": "other", "file": upload},
        follow=True,
    )

    assert (
        '<li class="error">The file&#x27;s content is not a PDF, JPEG, PNG, HEIC or WebP file.</li>'
    ) in (response.content.decode())
    assert Document.objects.count() == 0
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_document_of_another_missions_case_is_404(client, clerk_oslo, clerk_vilnius, vilnius_case):
    logged_in(client, clerk_vilnius).post(
        f"/staff/cases/{vilnius_case.pk}/documents/",
        {"kind": "passport", "file": SimpleUploadedFile("p.pdf", PDF, "application/pdf")},
    )
    document = Document.objects.get()

    response = logged_in(client, clerk_oslo).get(
        f"/staff/cases/{vilnius_case.pk}/documents/{document.pk}/"
    )

    assert response.status_code == 404


def test_verifying_a_document_records_who_verified_it(client, clerk_vilnius, vilnius_case):
    logged_in(client, clerk_vilnius)
    client.post(
        f"/staff/cases/{vilnius_case.pk}/documents/",
        {"kind": "military_id", "file": SimpleUploadedFile("id.pdf", PDF, "application/pdf")},
    )
    document = Document.objects.get()
    assert (document.verification, document.verified_by) == ("pending", None)

    response = client.post(
        f"/staff/cases/{vilnius_case.pk}/documents/{document.pk}/verify/",
        {"verification": "verified"},
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.verification == "verified"
    assert document.verified_by == clerk_vilnius
    assert document.verified_at is not None
    page = client.get(f"/staff/cases/{vilnius_case.pk}/").content.decode()
    assert 'Verified <span class="muted">(clerk-vilnius, ' in page


# --- reception ----------------------------------------------------------------------------


def test_reception_sees_a_travel_case_with_minimal_fields(client, reception, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="travel")

    response = logged_in(client, reception).get(f"/staff/cases/{case.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert case.reference in html
    assert case.family_name in html
    assert case.email not in html
    assert escape(case.email) not in html
    assert case.passport_number not in html
    assert case.phone not in html
    assert "Personal data" not in html
    assert "Screening recommendation" not in html
    assert offered_transitions(response) == []  # arrival: the check-in page, with the code


def test_reception_cannot_open_a_case_before_travel(client, reception, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="visa")

    response = logged_in(client, reception).get(f"/staff/cases/{case.pk}/")

    assert response.status_code == 404


def test_reception_cannot_record_an_arrival_without_the_check_in_code(client, reception, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="travel")
    entries = AuditEntry.objects.count()

    response = logged_in(client, reception).post(
        f"/staff/cases/{case.pk}/transition/", {"to": "arrived", "reason": "At the gate."},
        follow=True,
    )  # fmt: skip

    assert response.status_code == 200
    assert "check-in code" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == "travel"
    assert list(case.history.values_list("from_stage", "to_stage")) == [("", "submitted")]
    assert not AuditEntry.objects.filter(action="transition").exists()
    assert AuditEntry.objects.count() > entries  # only the page views


def test_hq_records_an_arrival_without_a_code_as_an_override(client, hq, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="travel")
    staff = logged_in(client, hq)

    refused = staff.post(f"/staff/cases/{case.pk}/transition/", {"to": "arrived"}, follow=True)
    case.refresh_from_db()
    assert case.stage == "travel"
    assert "A reason is required" in refused.content.decode()

    staff.post(
        f"/staff/cases/{case.pk}/transition/", {"to": "arrived", "reason": "Code lost; ID seen."}
    )
    case.refresh_from_db()
    assert case.stage == "arrived"
    change = case.history.last()
    assert (change.to_stage, change.actor_id, change.reason) == (
        "arrived", hq.pk, "Code lost; ID seen."
    )  # fmt: skip
    entry = AuditEntry.objects.filter(action="transition").get()
    assert entry.detail == {
        "from": "travel", "to": "arrived", "reason_given": True, "override": True
    }  # fmt: skip


def test_reception_may_not_upload_documents(client, reception, vilnius, settings):
    case = ApplicationFactory(mission=vilnius, stage="travel")
    upload = SimpleUploadedFile("p.pdf", PDF, content_type="application/pdf")

    response = logged_in(client, reception).post(
        f"/staff/cases/{case.pk}/documents/", {"kind": "passport", "file": upload}
    )

    assert response.status_code == 403
    assert Document.objects.count() == 0
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))
