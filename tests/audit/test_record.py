"""What is recorded, where, and that nothing personal ever is: every view of a case's personal
data (pages, API, downloads), lists and searches, creation, changes, transitions, sign-ins
and permission changes, each in the same transaction as what it records."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from enlist.accounts.models import ApiToken
from enlist.accounts.services import staff_add, staff_token_create
from enlist.audit import services as audit_services
from enlist.audit.chain import DetailError
from enlist.audit.models import AuditEntry, AuditSubject
from enlist.audit.services import audit_record
from enlist.cases.models import StageChange
from enlist.cases.services import application_transition, document_add, document_verify
from enlist.errors import TransitionNotAllowed
from tests.audit.conftest import last, sign_in, trail_dump, verify
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% service record\n1 0 obj << >> endobj\n%%EOF\n"
PASSPORT = "QZ4471902"
EMAIL = "audit.probe.k3v@example.org"
FAMILY_NAME = "Hrushevskyprobe"
GIVEN_NAME = "Taraspr"
NATIVE = "Грушевськийпроба"
REASON_WORDS = "brother-in-law Mykola"


@pytest.fixture
def probe(vilnius):
    """A volunteer whose every personal value is easy to grep for."""
    return ApplicationFactory(
        mission=vilnius,
        given_name=GIVEN_NAME,
        family_name=FAMILY_NAME,
        family_name_native=NATIVE,
        email=EMAIL,
        passport_number=PASSPORT,
    )


def since(entry: AuditEntry | None):
    after = entry.sequence if entry else 0
    return list(AuditEntry.objects.filter(sequence__gt=after).order_by("sequence"))


def upload(application, actor):
    return document_add(
        application=application,
        kind="service_record",
        upload=SimpleUploadedFile("record.pdf", PDF, content_type="application/pdf"),
        actor=actor,
    )


# --- creation, changes, transitions --------------------------------------------------------


def test_a_submission_records_create_by_the_applicant(vilnius):
    application = ApplicationFactory(mission=vilnius)

    entry = last("create")
    assert (entry.actor_id, entry.actor_role, entry.target_type, entry.target_id) == (
        None,
        "applicant",
        "application",
        str(application.pk),
    )
    assert entry.detail == {
        "channel": "web",
        "mission": "lt-vilnius",
        "stage": "submitted",
        "consent": "confirmed",
    }


def test_a_clerk_recording_a_contact_is_the_actor_of_create(clerk_vilnius, payload):
    from enlist.intake.schemas import ApplicationIn
    from enlist.intake.services import application_submit

    data = ApplicationIn.model_validate(payload, strict=False)
    application = application_submit(data=data, channel="phone", actor=clerk_vilnius).application

    entry = last("create")
    assert (entry.actor_id, entry.actor_username, entry.actor_role) == (
        clerk_vilnius.pk,
        "clerk-vilnius",
        "clerk",
    )
    assert (entry.target_id, entry.detail["channel"]) == (str(application.pk), "phone")


def test_a_transition_records_from_and_to_and_whether_a_reason_was_given(
    clerk_vilnius, vilnius_case
):
    application_transition(
        application=vilnius_case, to="withdrawn", actor=clerk_vilnius, reason=REASON_WORDS
    )

    entry = last()
    assert (entry.action, entry.actor_username, entry.target_id) == (
        "transition",
        "clerk-vilnius",
        str(vilnius_case.pk),
    )
    assert entry.detail == {"from": "submitted", "to": "withdrawn", "reason_given": True}
    assert REASON_WORDS not in trail_dump()


def test_a_refused_transition_leaves_no_entry(clerk_vilnius, vilnius_case):
    before = last()

    with pytest.raises(TransitionNotAllowed):
        application_transition(application=vilnius_case, to="enlisted", actor=clerk_vilnius)

    assert since(before) == []


def test_a_transition_rolled_back_takes_its_entry_with_it(clerk_vilnius, vilnius_case):
    before = last()

    with pytest.raises(RuntimeError), transaction.atomic():
        application_transition(application=vilnius_case, to="screening", actor=clerk_vilnius)
        raise RuntimeError("something after it failed")

    assert since(before) == []
    assert StageChange.objects.filter(application=vilnius_case).count() == 1


def test_when_the_entry_cannot_be_written_the_transition_is_not_made(
    clerk_vilnius, vilnius_case, monkeypatch
):
    def broken_head():
        raise DatabaseError("the audit table is unavailable")

    monkeypatch.setattr(audit_services, "_locked_head", broken_head)

    with pytest.raises(DatabaseError):
        application_transition(application=vilnius_case, to="screening", actor=clerk_vilnius)

    vilnius_case.refresh_from_db()
    assert vilnius_case.stage == "submitted"
    assert StageChange.objects.filter(application=vilnius_case).count() == 1


def test_api_transition_refused_records_neither_transition_nor_view(
    api_as, clerk_vilnius, vilnius_case
):
    client = api_as(clerk_vilnius)
    before = last()

    response = client.post(f"/applications/{vilnius_case.pk}/transitions", {"to": "enlisted"})

    assert response.status_code == 409
    assert since(before) == []


def test_api_transition_records_the_move_and_the_view_of_the_case_it_returns(
    api_as, clerk_vilnius, vilnius_case
):
    client = api_as(clerk_vilnius)
    before = last()

    response = client.post(f"/applications/{vilnius_case.pk}/transitions", {"to": "screening"})

    assert response.status_code == 200
    assert [(e.action, e.target_id) for e in since(before)] == [
        ("transition", str(vilnius_case.pk)),
        ("view", str(vilnius_case.pk)),
    ]


def test_documents_added_and_verified_are_changes(clerk_vilnius, attache_vilnius, vilnius_case):
    document = upload(vilnius_case, clerk_vilnius)
    document_verify(document=document, verification="verified", actor=attache_vilnius)

    added, verified = AuditEntry.objects.filter(action="change").order_by("sequence")
    assert (added.actor_username, added.target_id, added.detail) == (
        "clerk-vilnius",
        str(vilnius_case.pk),
        {"change": "document_add", "document": str(document.pk), "kind": "service_record"},
    )
    assert (verified.actor_username, verified.detail) == (
        "attache-vilnius",
        {
            "change": "document_verify",
            "document": str(document.pk),
            "kind": "service_record",
            "verification": "verified",
        },
    )


def test_a_document_refused_leaves_no_entry(clerk_vilnius, vilnius_case):
    from enlist.errors import InvalidInput

    before = last()
    with pytest.raises(InvalidInput):
        document_add(
            application=vilnius_case,
            kind="service_record",
            upload=SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload"),
            actor=clerk_vilnius,
        )

    assert since(before) == []


# --- views of personal data ----------------------------------------------------------------


def test_the_case_page_records_a_view_with_the_fields_shown(client, clerk_vilnius, vilnius_case):
    sign_in(client, clerk_vilnius)
    before = last()

    response = client.get(reverse("case-detail", args=[vilnius_case.pk]))

    assert response.status_code == 200
    [entry] = since(before)
    assert (entry.action, entry.actor_username, entry.target_type, entry.target_id) == (
        "view",
        "clerk-vilnius",
        "application",
        str(vilnius_case.pk),
    )
    assert entry.detail["via"] == "web"
    assert {"family_name", "passport_number", "email", "date_of_birth"} <= set(
        entry.detail["fields"]
    )
    assert list(
        AuditSubject.objects.filter(entry=entry).values_list("application_id", flat=True)
    ) == [vilnius_case.pk]


def test_reception_sees_and_is_recorded_with_fewer_fields(client, reception, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="travel")
    sign_in(client, reception)

    client.get(reverse("case-detail", args=[case.pk]))

    assert last("view").detail == {
        "via": "web",
        "fields": [
            "family_name",
            "family_name_native",
            "given_name",
            "given_name_native",
            "reference",
        ],
    }


def test_a_case_outside_the_scope_is_not_shown_and_not_recorded(client, clerk_oslo, vilnius_case):
    sign_in(client, clerk_oslo)
    before = last()

    response = client.get(reverse("case-detail", args=[vilnius_case.pk]))

    assert response.status_code == 404
    assert since(before) == []


def test_the_api_detail_records_a_view(api_as, hq, vilnius_case):
    client = api_as(hq)
    before = last()

    reason = "Complaint ticket 4411"
    assert client.get(f"/applications/{vilnius_case.pk}", reason=reason).status_code == 200

    opened, entry = since(before)  # HQ has no move of its own here: it gave a reason first
    assert opened.action == "open_with_reason"
    assert (entry.action, entry.actor_username, entry.target_id, entry.detail["via"]) == (
        "view",
        "hq",
        str(vilnius_case.pk),
        "api",
    )


def test_a_document_download_records_a_view_of_that_document(client, clerk_vilnius, vilnius_case):
    document = upload(vilnius_case, clerk_vilnius)
    sign_in(client, clerk_vilnius)
    before = last()

    response = client.get(reverse("case-document", args=[vilnius_case.pk, document.pk]))

    assert response.status_code == 200
    [entry] = since(before)
    assert (entry.action, entry.target_id, entry.detail) == (
        "view",
        str(vilnius_case.pk),
        {"via": "web", "document": str(document.pk), "kind": "service_record"},
    )


def test_the_list_page_records_one_entry_naming_the_cases_shown(client, clerk_vilnius, vilnius):
    cases = [ApplicationFactory(mission=vilnius) for _ in range(3)]
    sign_in(client, clerk_vilnius)
    before = last()

    client.get(reverse("case-list"), {"stage": "submitted"})

    [entry] = since(before)
    assert entry.action == "view_list"
    assert sorted(entry.detail["ids"]) == sorted(str(c.pk) for c in cases)
    assert (entry.detail["count"], entry.detail["page"], entry.detail["filters"]) == (
        3,
        1,
        {"stage": "submitted"},
    )
    assert sorted(
        AuditSubject.objects.filter(entry=entry).values_list("application_id", flat=True)
    ) == sorted(c.pk for c in cases)


def test_an_empty_list_page_records_nothing(client, auditor):
    sign_in(client, auditor)
    before = last()

    client.get(reverse("case-list"))

    assert since(before) == []


def test_a_search_records_the_results_but_never_the_search_text(client, clerk_vilnius, probe):
    sign_in(client, clerk_vilnius)
    before = last()

    client.post(reverse("case-list"), {"q": PASSPORT})
    client.post(reverse("case-list"), {"q": "Nobody Atall"})

    found, nothing = since(before)
    assert (found.action, found.detail) == (
        "search",
        {"via": "web", "count": 1, "page": 1, "ids": [str(probe.pk)]},
    )
    assert (nothing.action, nothing.detail["count"], nothing.detail["ids"]) == ("search", 0, [])
    assert PASSPORT not in trail_dump()


def test_the_api_list_and_search_record_their_pages(api_as, hq, probe):
    client = api_as(hq)
    client.get("/applications")
    before = last()

    client.get("/applications", stage="submitted")
    client.post("/applications/search", {"q": EMAIL})

    listed, searched = since(before)
    assert (listed.action, listed.detail["ids"], listed.detail["via"]) == (
        "view_list",
        [str(probe.pk)],
        "api",
    )
    assert listed.detail["filters"] == {"stage": "submitted"}
    assert (searched.action, searched.detail["ids"], searched.detail["count"]) == (
        "search",
        [str(probe.pk)],
        1,
    )


def test_no_personal_value_of_the_volunteer_ever_reaches_the_trail(
    client, api_as, clerk_vilnius, attache_vilnius, hq, auditor, probe
):
    """Everything staff can do to a case, through every door; then every stored audit row is
    searched for each personal value of the volunteer."""
    sign_in(client, clerk_vilnius)
    document = upload(probe, clerk_vilnius)
    client.get(reverse("case-list"))
    for term in (PASSPORT, EMAIL, FAMILY_NAME, f"{GIVEN_NAME} {FAMILY_NAME}", probe.reference):
        client.post(reverse("case-list"), {"q": term})
        api_as(hq).post("/applications/search", {"q": term})
    client.get(reverse("case-detail", args=[probe.pk]))
    client.get(reverse("case-document", args=[probe.pk, document.pk]))
    client.post(reverse("case-transition", args=[probe.pk]), {"to": "screening"})
    document_verify(document=document, verification="verified", actor=attache_vilnius)
    api = api_as(hq)
    api.get(f"/applications/{probe.pk}", reason=REASON_WORDS)  # need-to-know: sealed, not logged
    api.post(f"/applications/{probe.pk}/transitions", {"to": "on_hold", "reason": REASON_WORDS})
    auditor_client = type(client)()
    sign_in(auditor_client, auditor)
    auditor_client.post(reverse("audit-case-lookup"), {"reference": probe.reference})
    auditor_client.post(reverse("case-detail", args=[probe.pk]), {"reason": REASON_WORDS})
    assert auditor_client.get(reverse("case-detail", args=[probe.pk])).status_code == 200

    dump = trail_dump()

    assert AuditEntry.objects.filter(subjects__application_id=probe.pk).count() >= 20
    for value in (PASSPORT, EMAIL, FAMILY_NAME, GIVEN_NAME, NATIVE, probe.reference, REASON_WORDS):
        assert value.casefold() not in dump.casefold(), value
    assert "1990-04-17" not in dump  # date of birth
    assert verify()[0] == 0


# --- sign-ins and permissions --------------------------------------------------------------


def test_a_sign_in_is_recorded(client, clerk_vilnius):
    before = last()

    client.force_login(clerk_vilnius)

    [entry] = since(before)
    assert (entry.action, entry.actor_id, entry.actor_username, entry.actor_role) == (
        "login",
        clerk_vilnius.pk,
        "clerk-vilnius",
        "clerk",
    )


def test_a_failed_sign_in_records_the_name_tried_but_never_the_password(client, clerk_vilnius):
    before = last()

    client.post(
        reverse("staff-login"), {"username": "clerk-vilnius", "password": "hunter2-wrong-guess"}
    )

    entries = [e for e in since(before) if e.action == "login_failed"]
    assert [(e.actor_id, e.actor_username, e.actor_role) for e in entries] == [
        (None, "clerk-vilnius", "anonymous")
    ]
    assert "hunter2" not in trail_dump()


def test_adding_staff_and_changing_their_role_or_mission_is_recorded(vilnius, oslo):
    user = staff_add(username="new-clerk", role="clerk", mission_code="lt-vilnius")
    created = last()
    user.role, user.mission = "attache", oslo
    user.save()
    changed = last()

    assert (created.action, created.target_type, created.target_id, created.actor_role) == (
        "permission_change",
        "staff",
        str(user.pk),
        "system",
    )
    assert created.detail == {
        "change": "staff_add",
        "new": {
            "role": "clerk",
            "mission": "lt-vilnius",
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
        },
    }
    assert changed.detail == {
        "change": "staff_change",
        "old": {"role": "clerk", "mission": "lt-vilnius"},
        "new": {"role": "attache", "mission": "no-oslo"},
    }


def test_saving_staff_without_a_permission_change_records_nothing(clerk_vilnius):
    before = last()

    clerk_vilnius.first_name = "Ona"
    clerk_vilnius.save()
    clerk_vilnius.last_login = timezone.now()
    clerk_vilnius.save(update_fields=["last_login"])

    assert since(before) == []


def test_deactivating_staff_is_recorded(clerk_vilnius):
    clerk_vilnius.is_active = False
    clerk_vilnius.save(update_fields=["is_active"])

    assert last().detail == {
        "change": "staff_change",
        "old": {"is_active": True},
        "new": {"is_active": False},
    }


def test_tokens_issued_and_revoked_are_recorded(clerk_vilnius):
    staff_token_create(user=clerk_vilnius)
    token = ApiToken.objects.get(user=clerk_vilnius)
    issued = last()
    token.revoked_at = timezone.now()
    token.save()

    assert (issued.action, issued.target_id, issued.detail) == (
        "permission_change",
        str(clerk_vilnius.pk),
        {"change": "token_create", "token": token.pk},
    )
    assert last().detail == {"change": "token_revoke", "token": token.pk}


def test_the_cli_adding_staff_is_recorded(db, vilnius):
    from django.core.management import call_command

    call_command(
        "staff",
        "add",
        "cli-clerk",
        "--role",
        "clerk",
        "--mission",
        "lt-vilnius",
        "--no-password",
        stdout=io.StringIO(),
    )

    entry = last()
    assert (entry.action, entry.actor_role, entry.detail["change"]) == (
        "permission_change",
        "system",
        "staff_add",
    )


def test_a_key_change_can_be_recorded_for_the_vault(db):
    entry = audit_record(
        actor=None, actor_role="system", action="key_change", detail={"key": "field", "version": 2}
    )

    assert (entry.action, entry.target_type, entry.detail) == (
        "key_change",
        "",
        {"key": "field", "version": 2},
    )


# --- the service's own guarantees ----------------------------------------------------------


@pytest.mark.parametrize(
    "detail", [{"name": "Hrushevsky"}, {"q": "AB123"}, {"count": 0.5}, {"reason": "x"}]
)
def test_a_detail_that_could_hold_personal_values_is_refused_and_nothing_written(db, detail):
    before = last()

    with pytest.raises(DetailError):
        audit_record(actor=None, action="search", detail=detail)

    assert since(before) == []


def test_unknown_actions_are_refused(db):
    with pytest.raises(ValueError):
        audit_record(actor=None, action="peek")


def test_entries_are_numbered_and_chained_without_gaps(vilnius):
    for _ in range(3):
        ApplicationFactory(mission=vilnius)

    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in entries] == list(range(1, len(entries) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert verify() == (0, f"intact ({len(entries)} entries, 0 checkpoints)\n")


def test_the_chain_head_is_rebuilt_if_its_row_is_missing(vilnius_case):
    from enlist.audit.models import AuditHead

    count = AuditEntry.objects.count()
    AuditHead.objects.all().delete()

    entry = audit_record(actor=None, actor_role="system", action="search", detail={"count": 0})

    assert entry.sequence == count + 1
    assert verify()[0] == 0
