"""Subject access (issue 3, item 7): an applicant's own data by a signed, expiring link."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse

from enlist.audit.models import AuditEntry
from enlist.cases.erasure import application_shred
from enlist.cases.services import application_transition
from enlist.core.links import link_token
from enlist.core.models import Counter
from enlist.intake.subject_access import PURPOSE
from tests.mailserver import body_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    Counter.objects.all().delete()  # the per-address counts live in the shared counters
    yield


def ask(client, run_jobs, *, reference, email):
    """Post the form, then let the worker send what the request queued."""
    response = client.post(reverse("subject-access"), {"reference": reference, "email": email})
    run_jobs()
    return response


def varying(content: bytes) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', "", content.decode())


def link_in(message) -> str:
    [line] = [line for line in body_text(message).splitlines() if "/my-data/" in line]
    return line.strip().split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")


def test_the_form_is_public(client):
    response = client.get(reverse("subject-access"))
    assert response.status_code == 200
    assert 'name="reference"' in response.content.decode()


def test_matching_reference_and_email_send_a_neutral_link_and_the_same_page(
    client, vilnius_case, run_jobs, inbox
):
    wrong = ask(
        client,
        run_jobs,
        reference=vilnius_case.reference,
        email="someone.else@example.org",
    )
    assert inbox.received == []
    right = ask(
        client,
        run_jobs,
        reference=vilnius_case.reference.lower().replace("-", " "),
        email=vilnius_case.email.upper(),
    )

    assert wrong.status_code == right.status_code == 200
    # never tells whether anything matched (beyond per-response tokens)
    assert varying(wrong.content) == varying(right.content)
    [received] = inbox.received
    assert received.recipients == [vilnius_case.email]
    message = received.message
    assert message["To"] == vilnius_case.email
    assert link_in(message).startswith("/my-data/")
    text = f"{message['Subject']} {body_text(message)} {message['From']}".lower()
    for word in ("legion", "military", "ukraine", "army", "enlist", vilnius_case.family_name):
        assert word.lower() not in text
    entries = AuditEntry.objects.filter(action="subject_access").order_by("sequence")
    assert [(e.target_id, e.detail["count"]) for e in entries] == [
        ("", 0),
        (str(vilnius_case.pk), 1),
    ]


def test_the_download_holds_the_applicant_s_data_and_no_staff_identity(
    client, vilnius_case, clerk_vilnius, run_jobs, inbox
):
    application_transition(
        application=vilnius_case, to="screening", actor=clerk_vilnius, reason="Papers complete."
    )
    ask(
        client,
        run_jobs,
        reference=vilnius_case.reference,
        email=vilnius_case.email,
    )
    url = link_in(inbox.to(vilnius_case.email)[0])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    person = data["application"]
    assert (person["reference"], person["family_name"], person["email"]) == (
        vilnius_case.reference,
        vilnius_case.family_name,
        vilnius_case.email,
    )
    assert person["passport_number"] == vilnius_case.passport_number
    assert [(h["to_stage"], h["by_role"], h["reason"]) for h in data["history"]] == [
        ("submitted", "applicant", None),
        ("screening", "clerk", "Papers complete."),
    ]
    assert "clerk-vilnius" not in response.content.decode()
    assert AuditEntry.objects.filter(
        action="subject_access", target_id=str(vilnius_case.pk), detail__step="download"
    ).exists()


def test_an_expired_or_altered_link_is_refused(client, vilnius_case, settings, monkeypatch):
    token = link_token(PURPOSE, {"a": str(vilnius_case.pk)})
    altered = client.get(reverse("subject-access-download", args=[token[:-2] + "xx"]))
    assert altered.status_code == 410
    other_purpose = link_token("interview", {"a": str(vilnius_case.pk)})
    assert client.get(reverse("subject-access-download", args=[other_purpose])).status_code == 410

    hours = settings.ENLIST_SUBJECT_ACCESS_HOURS
    real_loads = signing.loads
    monkeypatch.setattr(
        "enlist.core.links.signing.loads",
        lambda *a, max_age, **k: real_loads(*a, max_age=max_age - timedelta(hours=hours), **k),
    )
    expired = client.get(reverse("subject-access-download", args=[token]))
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()


def test_an_erased_case_says_so(client, vilnius_case, hq):
    token = link_token(PURPOSE, {"a": str(vilnius_case.pk)})
    application_shred(application=vilnius_case, actor=hq, reason="The applicant asked.")

    data = client.get(reverse("subject-access-download", args=[token])).json()

    assert data["erased"] is True
    assert "erased" in data["message"]
    assert "application" not in data


def test_requests_are_rate_limited_per_address(client, settings, vilnius_case):
    settings.ENLIST_SUBJECT_ACCESS_PER_HOUR = 2
    body = {"reference": vilnius_case.reference, "email": "x@example.org"}
    statuses = [client.post(reverse("subject-access"), body).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_rate_limit_is_shared_by_every_process_through_the_database(
    client, settings, vilnius_case
):
    """Every server process reads and counts the same row (core/counters.py); the address is
    stored only as a hash."""
    settings.ENLIST_SUBJECT_ACCESS_PER_HOUR = 2
    body = {"reference": vilnius_case.reference, "email": "x@example.org"}
    first = [
        client.post(reverse("subject-access"), body, REMOTE_ADDR="192.0.2.10").status_code
        for _ in range(2)
    ]
    digest = "enlist:counter:" + hashlib.sha256(b"subject-access:client:192.0.2.10").hexdigest()
    seen_elsewhere = Counter.objects.get(digest=digest).count
    assert not Counter.objects.filter(digest__contains="192.0.2").exists()
    refused = client.post(reverse("subject-access"), body, REMOTE_ADDR="192.0.2.10")
    elsewhere = client.post(reverse("subject-access"), body, REMOTE_ADDR="192.0.2.11")

    assert first == [200, 200]
    assert seen_elsewhere == 2
    assert refused.status_code == 429
    assert elsewhere.status_code == 200  # another client address has its own count


def test_one_applicant_gets_at_most_three_emails_a_day(
    client, settings, vilnius_case, run_jobs, inbox
):
    settings.ENLIST_SUBJECT_ACCESS_PER_HOUR = 100
    for _ in range(5):
        ask(
            client,
            run_jobs,
            reference=vilnius_case.reference,
            email=vilnius_case.email,
        )
    assert len(inbox.to(vilnius_case.email)) == len(inbox.received) == 3
