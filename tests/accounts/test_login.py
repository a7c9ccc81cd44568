"""Staff sign-in: password, then a TOTP code (enrolment the first time), lockout, timeouts.

Driven through HTTP like a browser: every step posts the form the page before showed.
"""

from __future__ import annotations

import io
import time
import uuid

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import enlist.settings as enlist_settings
from enlist.accounts.lockout import client_ip
from enlist.accounts.middleware import PUBLIC_URL_NAMES, SESSION_LAST_SEEN, SESSION_STARTED
from enlist.accounts.models import SealedTotpDevice
from enlist.accounts.services import totp_device_add_confirmed
from enlist.accounts.totp import base32_secret, current_code
from enlist.accounts.views import PENDING_KEY
from enlist.core.proxy import parse_networks
from tests.conftest import sign_in

PASSWORD = "correct horse battery staple"  # the factories' password
SVG = '<svg width="'


def code_of(device: SealedTotpDevice, *, steps_ahead: int = 0) -> str:
    """The code the device's app shows now (or `steps_ahead` time steps later)."""
    return current_code(base32_secret(device.secret), at=time.time() + 30 * steps_ahead)


def password_step(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post("/staff/login/", {"username": username, "password": password, **extra})


def is_signed_in(client: Client) -> bool:
    return client.get("/staff/").status_code == 200


@pytest.fixture
def enrolled(clerk_vilnius):
    """The Vilnius clerk with a confirmed authenticator."""
    return totp_device_add_confirmed(user=clerk_vilnius, name="phone")


# --- the whole way in -------------------------------------------------------------------------


def test_first_sign_in_enrols_an_authenticator_by_qr_code_then_reaches_the_cases(
    client, clerk_vilnius, vilnius_case
):
    to_enrol = password_step(client, "clerk-vilnius")
    assert to_enrol.status_code == 302
    assert to_enrol["Location"] == "/staff/login/enrol/"
    assert not is_signed_in(client)  # a right password alone signs nobody in

    page = client.get("/staff/login/enrol/")
    html = page.content.decode()
    assert page.status_code == 200
    (device,) = SealedTotpDevice.objects.filter(user=clerk_vilnius)
    assert not device.confirmed
    assert html.count(SVG) == 1 and "<path d=" in html
    secret = base32_secret(device.secret)
    assert len(secret) == 32
    shown = " ".join(secret[i : i + 4] for i in range(0, 32, 4))
    assert f'<code class="secret">{shown}</code>' in html
    assert page["Cache-Control"].startswith("max-age=0, no-cache, no-store")

    confirmed = client.post("/staff/login/enrol/", {"code": code_of(device)})

    # Signed in; the recovery codes are shown this once, then on to the cases.
    assert confirmed.status_code == 200
    assert confirmed.content.decode().count("<li><code>") == 10
    assert '<a class="button" href="/staff/">' in confirmed.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    cases = client.get("/staff/")
    assert cases.status_code == 200
    assert vilnius_case.reference in cases.content.decode()


def test_enrolment_shows_the_same_secret_until_confirmed(client, clerk_vilnius):
    password_step(client, "clerk-vilnius")
    first = client.get("/staff/login/enrol/").content.decode()
    again = client.get("/staff/login/enrol/").content.decode()

    (device,) = SealedTotpDevice.objects.filter(user=clerk_vilnius)
    assert base32_secret(device.secret)[:4] in first

    def qr_and_secret(html: str) -> str:
        return html[html.index(SVG) : html.index("</code>")]

    assert qr_and_secret(first) == qr_and_secret(again)


def test_a_wrong_enrolment_code_confirms_nothing(client, clerk_vilnius):
    password_step(client, "clerk-vilnius")
    client.get("/staff/login/enrol/")
    (device,) = SealedTotpDevice.objects.filter(user=clerk_vilnius)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    response = client.post("/staff/login/enrol/", {"code": wrong})

    assert response.status_code == 200
    assert "This code does not match." in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not is_signed_in(client)


def test_an_enrolled_user_is_asked_for_a_code_and_signs_in_with_it(client, enrolled):
    to_code = password_step(client, "clerk-vilnius")
    assert to_code["Location"] == "/staff/login/code/"
    page = client.get("/staff/login/code/")
    assert page.status_code == 200
    assert SVG not in page.content.decode()  # the secret is never shown again

    response = client.post("/staff/login/code/", {"code": code_of(enrolled)})

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert is_signed_in(client)


def test_the_code_step_needs_the_password_step_first(client, enrolled):
    response = client.post("/staff/login/code/", {"code": code_of(enrolled)})

    assert response.status_code == 302
    assert response["Location"] == "/staff/login/"
    assert not is_signed_in(client)
    enrolled.refresh_from_db()
    assert enrolled.last_t == -1  # the code was not even tried


def test_a_pending_sign_in_expires_after_five_minutes(client, enrolled):
    password_step(client, "clerk-vilnius")
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": int(time.time()) - 301}
    session.save()

    response = client.post("/staff/login/code/", {"code": code_of(enrolled)})

    assert response["Location"] == "/staff/login/"
    assert not is_signed_in(client)


def test_the_page_asked_for_is_reached_after_both_steps(client, enrolled):
    asked = client.get("/staff/cases/new/")
    assert asked["Location"] == "/staff/login/?next=/staff/cases/new/"

    to_code = password_step(client, "clerk-vilnius", next="/staff/cases/new/")
    assert to_code["Location"] == "/staff/login/code/?next=%2Fstaff%2Fcases%2Fnew%2F"
    done = client.post(to_code["Location"], {"code": code_of(enrolled)})

    assert done["Location"] == "/staff/cases/new/"


def test_a_next_outside_the_site_is_ignored(client, enrolled):
    password_step(client, "clerk-vilnius")

    done = client.post(
        "/staff/login/code/", {"code": code_of(enrolled), "next": "https://phish.example/"}
    )

    assert done["Location"] == "/staff/"


def test_signing_in_renews_the_session_key(client, enrolled):
    client.get("/staff/login/")
    password_step(client, "clerk-vilnius")
    pending_key = client.session.session_key

    client.post("/staff/login/code/", {"code": code_of(enrolled)})

    assert client.session.session_key != pending_key
    assert is_signed_in(client)


# --- codes ------------------------------------------------------------------------------------


def test_a_wrong_code_is_refused(client, enrolled):
    password_step(client, "clerk-vilnius")
    wrong = f"{(int(code_of(enrolled)) + 1) % 1_000_000:06d}"

    response = client.post("/staff/login/code/", {"code": wrong})

    assert response.status_code == 200
    assert "This code is wrong, expired or already used." in response.content.decode()
    assert not is_signed_in(client)
    # Counted like a wrong password, towards the lockout.
    assert AccessAttempt.objects.get(username="clerk-vilnius").failures_since_start == 1


def test_a_code_that_is_not_six_digits_is_refused_without_trying_it(client, enrolled):
    password_step(client, "clerk-vilnius")

    response = client.post("/staff/login/code/", {"code": "12345x"})

    assert "Enter the six digits your authenticator app shows." in response.content.decode()
    assert not is_signed_in(client)
    assert not AccessAttempt.objects.exists()


def test_a_used_code_is_refused_the_second_time(client, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # so only the replay protection can refuse
    code = code_of(enrolled)
    password_step(client, "clerk-vilnius")
    assert client.post("/staff/login/code/", {"code": code}).status_code == 302
    assert is_signed_in(client)
    client.post("/staff/logout/")
    assert not is_signed_in(client)

    password_step(client, "clerk-vilnius")
    replayed = client.post("/staff/login/code/", {"code": code})

    assert replayed.status_code == 200
    assert "already used" in replayed.content.decode()
    assert not is_signed_in(client)
    # The next code of the same app still works.
    fresh = client.post("/staff/login/code/", {"code": code_of(enrolled, steps_ahead=1)})
    assert fresh.status_code == 302
    assert is_signed_in(client)


def test_the_enrolment_code_cannot_be_used_again_to_sign_in(client, clerk_vilnius, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    password_step(client, "clerk-vilnius")
    client.get("/staff/login/enrol/")
    device = SealedTotpDevice.objects.get(user=clerk_vilnius)
    code = code_of(device)
    client.post("/staff/login/enrol/", {"code": code})
    client.post("/staff/logout/")

    password_step(client, "clerk-vilnius")
    response = client.post("/staff/login/code/", {"code": code})

    assert response.status_code == 200
    assert not is_signed_in(client)


# --- lockout ----------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_from_that_address_for_30_minutes(
    client, clerk_vilnius, enrolled
):
    for attempt in range(1, 5):
        response = password_step(client, "clerk-vilnius", "not the password")
        assert response.status_code == 200, attempt
    fifth = password_step(client, "clerk-vilnius", "not the password")

    assert fifth.status_code == 429
    assert "Sign-in locked" in fifth.content.decode()
    assert "the lock lifts after 30 minutes" in fifth.content.decode()
    assert fifth["Content-Security-Policy"] == django_settings.ENLIST_CONTENT_SECURITY_POLICY
    # Now even the right password gets nowhere, from that address...
    right = password_step(client, "clerk-vilnius")
    assert right.status_code == 429
    assert PENDING_KEY not in client.session
    # ...while the same account from another address, and others from this one, are not locked.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert password_step(elsewhere, "clerk-vilnius")["Location"] == "/staff/login/code/"
    assert AccessAttempt.objects.get().failures_since_start == 6

    # An administrator lifts it with django-axes' command.
    out = io.StringIO()
    call_command("axes_reset_username", "clerk-vilnius", stdout=out)
    assert password_step(client, "clerk-vilnius")["Location"] == "/staff/login/code/"


def test_wrong_codes_lock_out_too_and_end_the_pending_sign_in(client, enrolled):
    password_step(client, "clerk-vilnius")
    wrong = f"{(int(code_of(enrolled)) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert client.post("/staff/login/code/", {"code": wrong}).status_code == 200

    fifth = client.post("/staff/login/code/", {"code": wrong})

    assert fifth.status_code == 429
    assert PENDING_KEY not in client.session
    assert not is_signed_in(client)
    assert password_step(client, "clerk-vilnius").status_code == 429


def test_a_full_sign_in_clears_earlier_failures(client, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    for _ in range(4):
        password_step(client, "clerk-vilnius", "not the password")
    password_step(client, "clerk-vilnius")
    client.post("/staff/login/code/", {"code": code_of(enrolled)})

    assert is_signed_in(client)
    assert not AccessAttempt.objects.exists()


def test_client_address_is_taken_from_trusted_proxies_only(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    settings.ENLIST_TRUSTED_PROXY_ADDRESSES = ()
    assert client_ip(request) == "10.0.0.2"
    settings.ENLIST_TRUSTED_PROXY_ADDRESSES = parse_networks(["10.0.0.0/24"], source="test")
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw; 6.6.6.6 is hearsay
    settings.ENLIST_TRUSTED_PROXY_ADDRESSES = parse_networks(
        ["10.0.0.0/24", "203.0.113.9"], source="test"
    )
    assert client_ip(request) == "6.6.6.6"  # two trusted hops: the client is the next one
    settings.ENLIST_TRUSTED_PROXY_ADDRESSES = parse_networks(["192.0.2.1"], source="test")
    assert client_ip(request) == "10.0.0.2"  # the peer is no proxy of ours: headers ignored


# --- sessions ---------------------------------------------------------------------------------


def _age_session(client: Client, *, idle: int = 0, age: int = 0) -> None:
    session = client.session
    now = int(time.time())
    session[SESSION_LAST_SEEN] = now - idle
    session[SESSION_STARTED] = now - age
    session.save()


def test_30_minutes_without_activity_sign_the_session_out(client, clerk_vilnius):
    sign_in(client, clerk_vilnius)
    _age_session(client, idle=31 * 60, age=31 * 60)

    response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=/staff/"
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in login_page


def test_activity_keeps_the_session_alive(client, clerk_vilnius):
    sign_in(client, clerk_vilnius)
    _age_session(client, idle=29 * 60, age=2 * 3600)

    assert client.get("/staff/").status_code == 200
    assert int(time.time()) - client.session[SESSION_LAST_SEEN] < 5


def test_idle_limit_follows_the_setting(client, clerk_vilnius, settings):
    settings.ENLIST_IDLE_MINUTES = 5
    sign_in(client, clerk_vilnius)
    _age_session(client, idle=6 * 60)

    assert client.get("/staff/").status_code == 302


def test_a_session_ends_at_its_maximum_age_however_active(client, clerk_vilnius, settings):
    sign_in(client, clerk_vilnius)
    _age_session(client, idle=10, age=settings.SESSION_COOKIE_AGE + 1)

    response = client.get("/staff/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_session_cookie_ends_with_the_browser():
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert enlist_settings.ENLIST_IDLE_MINUTES == 30


# --- a password alone opens nothing -----------------------------------------------------------


def _sample_path(route: str) -> str:
    for converter, sample in (
        ("<uuid:", str(uuid.UUID(int=0))),
        ("<int:", "1"),
        ("<slug:", "x"),
        ("<str:", "x"),
        ("<path:", "x"),
        ("<", "x"),
    ):
        while converter in route:
            start = route.index(converter)
            route = route[:start] + sample + route[route.index(">", start) + 1 :]
    return route


def staff_paths() -> list[str]:
    """Every page of the URL configuration that is not public (the API has its own tokens);
    the admin's regex routes are represented by its index and one model's list."""
    paths = ["/admin/", "/admin/accounts/staffuser/", "/admin/accounts/passkey/"]

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if route.startswith("^") or route.startswith("api/"):
                continue  # admin (regex routes), API
            if isinstance(pattern, URLResolver):
                if route != "admin/":
                    walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern) and pattern.name not in PUBLIC_URL_NAMES:
                paths.append("/" + _sample_path(prefix + route))

    walk(get_resolver().url_patterns, "")
    return paths


def test_the_staff_pages_are_found_in_the_url_configuration():
    paths = staff_paths()
    assert {"/staff/", "/staff/cases/new/", f"/staff/cases/{uuid.UUID(int=0)}/"} <= set(paths)


@pytest.mark.parametrize("path", staff_paths())
def test_a_password_only_session_reaches_no_staff_page(client, admin_user, path):
    client.force_login(admin_user)  # logged in, no second factor

    for response in (client.get(path), client.post(path, {})):
        assert response.status_code == 302, path
        assert response["Location"].startswith("/staff/login/?next=")


@pytest.mark.parametrize("path", staff_paths())
def test_an_anonymous_visitor_reaches_no_staff_page(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")


def test_the_admin_needs_the_second_factor(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/")["Location"] == "/staff/login/?next=/admin/"

    sign_in(client, admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/staffuser/").status_code == 200


def test_the_admin_has_no_password_form_of_its_own(client, db):
    response = Client().get("/admin/login/?next=/admin/accounts/")

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")
    assert client.get("/staff/login/?next=/admin/").status_code == 200


def test_staff_who_are_not_administrators_are_refused_by_the_admin(client, clerk_vilnius):
    sign_in(client, clerk_vilnius)

    to_login = client.get("/admin/")
    assert to_login["Location"] == "/admin/login/?next=/admin/"
    assert client.get(to_login["Location"]).status_code == 403


def test_the_admin_shows_no_totp_secret(client, admin_user, enrolled):
    sign_in(client, admin_user)

    page = client.get(f"/admin/accounts/staffuser/{enrolled.user.pk}/change/").content.decode()
    assert client.get("/admin/accounts/sealedtotpdevice/").status_code == 404  # not listed

    assert base32_secret(enrolled.secret) not in page
    assert enrolled.secret not in page


def test_a_lost_phone_is_reset_and_the_next_sign_in_enrols_again(client, enrolled):
    sign_in(client, enrolled.user)
    assert is_signed_in(client)

    out = io.StringIO()
    call_command("staff", "otp-reset", "clerk-vilnius", stdout=out)

    assert out.getvalue() == (
        "Removed 1 authenticator(s) of clerk-vilnius: they set up a new one at their next "
        "sign-in.\n"
    )
    assert not SealedTotpDevice.objects.exists()
    assert not is_signed_in(client)  # the session's device is gone: no longer verified
    assert password_step(Client(), "clerk-vilnius")["Location"] == "/staff/login/enrol/"


def test_api_tokens_need_no_second_factor(api_as, hq, vilnius_case):
    """Tokens are issued by an operator from the command line; the API has no sessions."""
    response = api_as(hq).get("/applications")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert not SealedTotpDevice.objects.filter(user=hq).exists()


# --- passwords --------------------------------------------------------------------------------


def test_new_passwords_are_hashed_with_argon2id(settings):
    settings.PASSWORD_HASHERS = enlist_settings.PASSWORD_HASHERS  # not the tests' fast one

    encoded = make_password("violet harbour lantern 42")

    assert encoded.startswith("argon2$argon2id$")
    assert check_password("violet harbour lantern 42", encoded)


def test_an_old_pbkdf2_hash_still_verifies_and_is_upgraded_at_sign_in(settings, clerk_vilnius):
    settings.PASSWORD_HASHERS = enlist_settings.PASSWORD_HASHERS
    clerk_vilnius.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    clerk_vilnius.save()

    password_step(Client(), "clerk-vilnius")

    clerk_vilnius.refresh_from_db()
    assert clerk_vilnius.password.startswith("argon2$")
