"""Passkeys end to end, with a software authenticator (tests/accounts/authenticator.py):
enrolment, sign-in, a wrong origin, a replayed assertion, a cloned key, the roles that must
use them, recovery codes, step-up before an erasure and a prosecuted-country reveal, the
session list, and the audit of admin changes under the real user."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enlist.accounts.models import Passkey, RecoveryCode, StaffSession, StaffUser
from enlist.accounts.services import recovery_codes_generate, totp_device_add_confirmed
from enlist.accounts.step_up import SECOND_FACTOR_AT
from enlist.accounts.totp import base32_secret, current_code
from enlist.audit.models import AuditEntry
from enlist.cases.models import Application
from tests.accounts.authenticator import SoftwareAuthenticator, options_in
from tests.conftest import sign_in
from tests.core.test_serve import subprocess_env
from tests.factories import ApplicationFactory
from tests.mailserver import body_text

PASSWORD = "correct horse battery staple"
ORIGIN = "https://enlist.example.org"


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.ENLIST_WEBAUTHN_RP_ID = "enlist.example.org"
    settings.ENLIST_WEBAUTHN_ORIGIN = ORIGIN


def entries(change: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(detail__change=change).order_by("sequence"))


def is_signed_in(client: Client) -> bool:
    return client.get("/staff/").status_code == 200


def enrol(client: Client, key: SoftwareAuthenticator, name: str = "blue key"):
    page = client.get(reverse("account-passkey-new"))
    assert page.status_code == 200
    answer = key.create(options_in(page.content.decode()))
    return client.post(reverse("account-passkey-new"), {"name": name, "credential": answer})


def password_step(client: Client, username: str):
    return client.post("/staff/login/", {"username": username, "password": PASSWORD})


def passkey_step(client: Client, key: SoftwareAuthenticator, **kwargs):
    page = client.get(reverse("staff-login-passkey"))
    assert page.status_code == 200
    answer = key.get(options_in(page.content.decode()), **kwargs)
    return client.post(reverse("staff-login-passkey"), {"credential": answer}), answer


@pytest.fixture
def hq_with_key(client, hq, inbox, run_jobs):
    """HQ (with an email address) signed in, with a passkey enrolled; the client signed out,
    the enrolment's notices sent and cleared."""
    StaffUser.objects.filter(pk=hq.pk).update(email="hq@example.org")
    hq.refresh_from_db()
    key = SoftwareAuthenticator(ORIGIN)
    sign_in(client, hq)
    assert enrol(client, key).status_code == 200
    client.post("/staff/logout/")
    run_jobs()
    inbox.reset()
    return hq, key


def test_hq_enrols_a_passkey_audited_and_notified_and_gets_recovery_codes_once(
    client, hq, inbox, run_jobs
):
    StaffUser.objects.filter(pk=hq.pk).update(email="hq@example.org")
    key = SoftwareAuthenticator(ORIGIN)
    sign_in(client, hq)

    response = enrol(client, key, name="blue key")
    run_jobs()  # the worker sends the notice

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<li><code>") == 10  # the recovery codes, shown this once
    (passkey,) = Passkey.objects.filter(user=hq)
    assert passkey.name == "blue key"
    assert bytes(passkey.credential_id) == key.credentials[0].credential_id
    assert passkey.transports == ["usb"]
    assert passkey.sign_count == 0
    assert RecoveryCode.objects.filter(device__user=hq, used_at__isnull=True).count() == 10
    (added,) = entries("passkey_add")
    assert (added.actor_id, added.target_type, added.target_id) == (hq.pk, "staff", str(hq.pk))
    assert added.detail == {"change": "passkey_add", "passkey": str(passkey.uid)}
    assert len(entries("recovery_codes_new")) == 1
    assert [r.recipients for r in inbox.received] == [["hq@example.org"], ["hq@example.org"]]
    assert {m["Subject"] for m in inbox.messages} == {"Enlist: security notice"}
    assert "A passkey was added" in body_text(inbox.messages[0])
    codes = [line.split("<code>")[1].split("</code>")[0] for line in html.split("<li>")[1:]]
    assert len(codes) == 10
    assert not any(code in body_text(m) for m in inbox.messages for code in codes)
    # The security page lists it; a second enrolment shows no new codes.
    assert "blue key" in client.get(reverse("account-security")).content.decode()
    second = enrol(client, SoftwareAuthenticator(ORIGIN), name="spare")
    assert second.status_code == 302
    assert Passkey.objects.filter(user=hq).count() == 2
    assert RecoveryCode.objects.filter(device__user=hq).count() == 10


def test_signing_in_with_the_passkey(client, hq_with_key):
    hq, key = hq_with_key

    to_passkey = password_step(client, "hq")
    assert to_passkey["Location"] == "/staff/login/passkey/"
    assert not is_signed_in(client)
    response, _ = passkey_step(client, key)

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert is_signed_in(client)
    passkey = Passkey.objects.get(user=hq)
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None
    assert AuditEntry.objects.filter(action="login", actor=hq).count() == 2  # enrol + now


def test_an_assertion_for_another_origin_is_refused(client, hq_with_key):
    hq, key = hq_with_key
    password_step(client, "hq")

    # A look-alike site relayed the challenge: the browser signs for *its* origin.
    response, _ = passkey_step(client, key, origin="https://enlist-example.org")

    assert response.status_code == 400
    assert "This key was not accepted" in response.content.decode()
    assert not is_signed_in(client)
    assert Passkey.objects.get(user=hq).sign_count == 0
    assert AuditEntry.objects.filter(action="login_failed", actor_username="hq").count() == 1


def test_a_replayed_assertion_is_refused(client, hq_with_key):
    hq, key = hq_with_key
    password_step(client, "hq")
    first, answer = passkey_step(client, key)
    assert first.status_code == 302
    client.post("/staff/logout/")

    # Replayed into a new sign-in: the challenge it signed was used up.
    password_step(client, "hq")
    client.get(reverse("staff-login-passkey"))  # a new challenge is issued
    replayed = client.post(reverse("staff-login-passkey"), {"credential": answer})

    assert replayed.status_code == 400
    assert not is_signed_in(client)
    assert Passkey.objects.get(user=hq).sign_count == 1
    # The same answer a second time in a row finds no challenge at all.
    again = client.post(reverse("staff-login-passkey"), {"credential": answer})
    assert again.status_code == 400
    assert not is_signed_in(client)


def test_a_cloned_key_whose_counter_does_not_grow_is_refused(client, hq_with_key):
    hq, key = hq_with_key
    password_step(client, "hq")
    assert passkey_step(client, key, count=5)[0].status_code == 302
    client.post("/staff/logout/")

    password_step(client, "hq")
    response, _ = passkey_step(client, key, count=5)  # fresh challenge, same counter

    assert response.status_code == 400
    assert not is_signed_in(client)
    assert Passkey.objects.get(user=hq).sign_count == 5


def test_another_users_key_signs_nobody_in(client, hq_with_key, consul_vilnius):
    hq, key = hq_with_key
    password_step(client, consul_vilnius.username)
    # The consul has no passkey: the page is the code step; forcing a passkey answer fails.
    assert client.get(reverse("staff-login-passkey"))["Location"].startswith("/staff/login/code/")
    assert not is_signed_in(client)


def test_roles_that_need_a_passkey_cannot_sign_in_with_a_code_once_enrolled(client, hq_with_key):
    hq, key = hq_with_key
    device = totp_device_add_confirmed(user=hq, name="phone")
    password_step(client, "hq")

    response = client.post(
        reverse("staff-login-code"), {"code": current_code(base32_secret(device.secret))}
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/login/passkey/"
    assert not is_signed_in(client)
    page = client.get(reverse("staff-login-passkey")).content.decode()
    assert "authenticator app instead" not in page


def test_a_clerk_with_a_passkey_may_still_use_the_app(client, clerk_vilnius):
    key = SoftwareAuthenticator(ORIGIN)
    device = totp_device_add_confirmed(user=clerk_vilnius, name="phone")
    sign_in(client, clerk_vilnius)
    enrol(client, key)
    client.post("/staff/logout/")

    assert password_step(client, "clerk-vilnius")["Location"] == "/staff/login/passkey/"
    assert (
        "authenticator app instead" in client.get(reverse("staff-login-passkey")).content.decode()
    )
    response = client.post(
        reverse("staff-login-code"), {"code": current_code(base32_secret(device.secret))}
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert is_signed_in(client)


def test_a_recovery_code_signs_in_once(client, hq_with_key, inbox, run_jobs):
    hq, key = hq_with_key
    codes = recovery_codes_generate(user=hq, actor=hq)
    run_jobs()
    inbox.reset()
    password_step(client, "hq")

    response = client.post(reverse("staff-login-recovery"), {"code": codes[3].upper()})
    run_jobs()  # the worker sends the notice

    assert response.status_code == 302
    assert is_signed_in(client)
    assert RecoveryCode.objects.filter(device__user=hq, used_at__isnull=False).count() == 1
    (used,) = entries("recovery_code_used")
    assert used.actor_id == hq.pk
    assert [r.recipients for r in inbox.received] == [["hq@example.org"]]
    client.post("/staff/logout/")

    password_step(client, "hq")
    again = client.post(reverse("staff-login-recovery"), {"code": codes[3]})

    assert again.status_code == 200
    assert "wrong or was already used" in again.content.decode()
    assert not is_signed_in(client)
    assert RecoveryCode.objects.filter(device__user=hq, used_at__isnull=False).count() == 1


def test_the_recovery_codes_are_stored_hashed(hq):
    codes = recovery_codes_generate(user=hq, actor=hq)
    stored = list(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(stored) == len(set(codes)) == 10
    for code in codes:
        assert all(code not in digest and code.replace("-", "") not in digest for digest in stored)


# --- step-up -------------------------------------------------------------------------------


def _age_second_factor(client: Client, minutes: int) -> None:
    session = client.session
    session[SECOND_FACTOR_AT] = int(time.time()) - minutes * 60
    session.save()


def test_an_erasure_asks_for_a_fresh_second_factor_first(client, hq_with_key, vilnius_case):
    hq, key = hq_with_key
    password_step(client, "hq")
    passkey_step(client, key)
    _age_second_factor(client, 6)  # signed in 6 minutes ago; the limit is 5
    case_url = f"/staff/cases/{vilnius_case.pk}/"

    refused = client.post(
        f"{case_url}erase/",
        {"reason": "Asked by email"},
        HTTP_REFERER=f"http://testserver{case_url}",
    )

    assert refused.status_code == 302
    assert refused["Location"] == f"/staff/login/step-up/?next={case_url.replace('/', '%2F')}"
    assert not Application.objects.get(pk=vilnius_case.pk).is_erased
    assert not AuditEntry.objects.filter(action="erase").exists()

    page = client.get(refused["Location"])
    assert page.status_code == 200
    answer = key.get(options_in(page.content.decode()))
    confirmed = client.post(refused["Location"], {"credential": answer, "next": case_url})
    assert confirmed.status_code == 302 and confirmed["Location"] == case_url
    assert len(entries("step_up")) == 1

    erased = client.post(f"{case_url}erase/", {"reason": "Asked by email"})
    assert erased.status_code == 302
    assert Application.objects.get(pk=vilnius_case.pk).is_erased


def test_step_up_refuses_a_wrong_origin_and_changes_nothing(client, hq_with_key):
    hq, key = hq_with_key
    password_step(client, "hq")
    passkey_step(client, key)
    _age_second_factor(client, 10)
    before = client.session[SECOND_FACTOR_AT]

    page = client.get(reverse("staff-step-up"))
    answer = key.get(options_in(page.content.decode()), origin="https://evil.example")
    response = client.post(reverse("staff-step-up"), {"credential": answer})

    assert response.status_code == 400
    assert client.session[SECOND_FACTOR_AT] == before


def test_a_prosecuted_country_case_is_revealed_only_after_step_up(client, api_as, hq, vilnius):
    case = ApplicationFactory(mission=vilnius, nationality="BY")  # advisory: prosecuted
    sign_in(client, hq)
    _age_second_factor(client, 6)
    url = reverse("case-detail", args=[case.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/step-up/?next=")
    assert not AuditEntry.objects.filter(action__in=["view", "open_with_reason"]).exists()
    # The API cannot step up: a documented 403 naming the field.
    api = api_as(hq).get(f"/applications/{case.pk}", headers={"X-Access-Reason": "Duplicate check"})
    assert api.status_code == 403
    assert api.json()["errors"][0]["field"] == "step_up"
    # A case of another country asks only for the reason.
    other = ApplicationFactory(mission=vilnius, nationality="CA")
    assert client.get(reverse("case-detail", args=[other.pk])).status_code == 200


def test_adding_a_passkey_needs_a_fresh_second_factor(client, hq):
    sign_in(client, hq)
    _age_second_factor(client, 6)

    response = client.get(reverse("account-passkey-new"))

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/step-up/")
    assert not Passkey.objects.exists()


def test_removing_a_passkey_is_audited_and_notified(client, hq_with_key, inbox, run_jobs):
    hq, key = hq_with_key
    password_step(client, "hq")
    passkey_step(client, key)
    passkey = Passkey.objects.get(user=hq)

    response = client.post(reverse("account-passkey-remove"), {"passkey": str(passkey.uid)})
    run_jobs()  # the worker sends the notice

    assert response.status_code == 302
    assert not Passkey.objects.exists()
    (removed,) = entries("passkey_remove")
    assert removed.detail == {"change": "passkey_remove", "passkey": str(passkey.uid)}
    assert [r.recipients for r in inbox.received] == [["hq@example.org"]]


# --- the admin, under the real user --------------------------------------------------------


def test_an_admin_change_is_audited_under_the_administrator(client, admin_user, clerk_vilnius):
    sign_in(client, admin_user)
    url = f"/admin/accounts/staffuser/{clerk_vilnius.pk}/change/"
    form = {
        "username": clerk_vilnius.username,
        "role": "clerk",
        "mission": clerk_vilnius.mission_id,
        "language": "en",
        "is_active": "",  # deactivated
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }

    response = client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    clerk_vilnius.refresh_from_db()
    assert not clerk_vilnius.is_active
    (entry,) = entries("staff_change")
    assert (entry.actor_id, entry.actor_username, entry.actor_role) == (
        admin_user.pk,
        "admin",
        "admin",
    )


def test_an_admin_change_needs_a_fresh_second_factor(client, admin_user, clerk_vilnius):
    sign_in(client, admin_user)
    _age_second_factor(client, 6)
    url = f"/admin/accounts/staffuser/{clerk_vilnius.pk}/change/"

    response = client.post(url, {"username": "renamed", "role": "hq"})

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/step-up/")
    clerk_vilnius.refresh_from_db()
    assert (clerk_vilnius.username, clerk_vilnius.role) == ("clerk-vilnius", "clerk")
    assert not entries("staff_change")


def test_the_command_line_is_still_recorded_as_system(clerk_vilnius):
    clerk_vilnius.role = "attache"
    clerk_vilnius.save()
    (entry,) = entries("staff_change")
    assert (entry.actor_id, entry.actor_role) == (None, "system")


# --- sessions ------------------------------------------------------------------------------


def test_a_user_sees_their_other_sessions_and_ends_one(clerk_vilnius):
    device = totp_device_add_confirmed(user=clerk_vilnius, name="phone")
    laptop = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0")
    phone = Client(
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
        REMOTE_ADDR="192.0.2.44",
    )
    for client, steps in ((laptop, 0), (phone, 1)):
        password_step(client, "clerk-vilnius")
        code = current_code(base32_secret(device.secret), at=time.time() + 30 * steps)
        assert client.post(reverse("staff-login-code"), {"code": code}).status_code == 302
    assert StaffSession.objects.filter(user=clerk_vilnius).count() == 2

    page = laptop.get(reverse("account-security")).content.decode()
    assert "Firefox on Linux" in page and "Safari on iOS" in page and "192.0.2.44" in page
    other = StaffSession.objects.get(device="Safari on iOS")
    assert other.session_key not in page  # pages name a session by its public id only

    response = laptop.post(reverse("account-session-end"), {"session": str(other.uid)})

    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert list(StaffSession.objects.values_list("device", flat=True)) == ["Firefox on Linux"]
    # The current session cannot be ended this way, nor someone else's.
    mine = StaffSession.objects.get()
    assert (
        laptop.post(reverse("account-session-end"), {"session": str(mine.uid)}).status_code == 404
    )
    assert is_signed_in(laptop)


def test_signing_out_removes_the_session_from_the_list(client, clerk_vilnius):
    device = totp_device_add_confirmed(user=clerk_vilnius, name="phone")
    password_step(client, "clerk-vilnius")
    client.post(reverse("staff-login-code"), {"code": current_code(base32_secret(device.secret))})
    assert StaffSession.objects.count() == 1
    client.post("/staff/logout/")
    assert StaffSession.objects.count() == 0


def test_a_session_idle_past_the_limit_is_ended_and_not_listed(clerk_vilnius, settings):
    settings.ENLIST_IDLE_MINUTES = 30
    device = totp_device_add_confirmed(user=clerk_vilnius, name="phone")
    laptop, forgotten = Client(), Client()
    for client, steps in ((laptop, 0), (forgotten, 1)):
        password_step(client, "clerk-vilnius")
        code = current_code(base32_secret(device.secret), at=time.time() + 30 * steps)
        assert client.post(reverse("staff-login-code"), {"code": code}).status_code == 302
    stale = StaffSession.objects.exclude(session_key=laptop.session.session_key).get()
    StaffSession.objects.filter(pk=stale.pk).update(
        last_seen_at=timezone.now() - timedelta(minutes=31)
    )

    page = laptop.get(reverse("account-security")).content.decode()

    assert page.count('name="session"') == 0  # only the current session is left
    assert not StaffSession.objects.filter(pk=stale.pk).exists()
    assert not Session.objects.filter(session_key=stale.session_key).exists()
    assert not is_signed_in(forgotten)


def test_a_clerk_steps_up_with_the_authenticator_app(client, clerk_vilnius):
    device = totp_device_add_confirmed(user=clerk_vilnius, name="phone")
    sign_in(client, clerk_vilnius)
    _age_second_factor(client, 6)
    back = reverse("account-security")

    page = client.get(reverse("staff-step-up"), {"next": back})
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    code = current_code(base32_secret(device.secret), at=time.time() + 30)
    response = client.post(reverse("staff-step-up"), {"code": code, "next": back})

    assert response.status_code == 302 and response["Location"] == back
    assert time.time() - client.session[SECOND_FACTOR_AT] < 5


def test_hq_with_a_passkey_cannot_step_up_with_the_app(client, hq_with_key):
    hq, key = hq_with_key
    device = totp_device_add_confirmed(user=hq, name="phone")
    password_step(client, "hq")
    passkey_step(client, key)
    _age_second_factor(client, 6)
    before = client.session[SECOND_FACTOR_AT]

    page = client.get(reverse("staff-step-up")).content.decode()
    assert 'name="code"' not in page
    code = current_code(base32_secret(device.secret))
    response = client.post(reverse("staff-step-up"), {"code": code})

    assert response.status_code == 400
    assert client.session[SECOND_FACTOR_AT] == before


def test_an_administrator_removes_a_lost_passkey_audited_under_their_name(
    client, hq_with_key, admin_user
):
    hq, key = hq_with_key
    passkey = Passkey.objects.get(user=hq)
    sign_in(client, admin_user)

    response = client.post(f"/admin/accounts/passkey/{passkey.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Passkey.objects.exists()
    (removed,) = entries("passkey_remove")
    assert (removed.actor_id, removed.target_id) == (admin_user.pk, str(hq.pk))


@pytest.mark.parametrize(
    ("rp_id", "starts"),
    [("enlist.example.org", True), ("example.org", True), ("evil.example", False)],
)
def test_the_relying_party_id_must_be_the_public_host_or_above_it(tmp_path, rp_id, starts):
    env = {
        **subprocess_env(tmp_path),
        "ENLIST_PUBLIC_URL": "https://enlist.example.org",
        "ENLIST_WEBAUTHN_RP_ID": rp_id,
    }
    result = subprocess.run(  # noqa: S603  (this interpreter, a fixed statement)
        [sys.executable, "-c", "import enlist.settings as s; print(s.ENLIST_WEBAUTHN_ORIGIN)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if starts:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "https://enlist.example.org"
    else:
        assert result.returncode != 0
        assert "ENLIST_WEBAUTHN_RP_ID must be the host of ENLIST_PUBLIC_URL" in result.stderr
