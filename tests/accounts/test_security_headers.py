"""Browser-side hardening: CSP and friends on every response, templates that need no inline
script or style (so the CSP can forbid them), no caching of staff pages, and a clean
`enlist check --deploy` under the production settings."""

from __future__ import annotations

import base64
import re
import secrets
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import enlist
from enlist.accounts.services import totp_device_add_confirmed
from tests.conftest import sign_in
from tests.core.test_serve import run_enlist, subprocess_env
from tests.factories import ApplicationFactory

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# A <script> element with code in it: any without a src, except JSON data blocks.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
PACKAGE = Path(enlist.__file__).parent
TEMPLATES = sorted(PACKAGE.glob("**/templates/**/*.html"))
PASSWORD = "correct horse battery staple"  # the factories' password


def inline_code(html: str) -> list[str]:
    """Whatever in `html` the policy would block: inline scripts, styles, handlers."""
    found = []
    for name, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("event handler attribute", EVENT_HANDLER),
        ("javascript URL", JAVASCRIPT_URL),
    ):
        found += [f"{name}: {match.group(0)[:80]}" for match in pattern.finditer(html)]
    return found


def test_the_policy_is_the_one_the_issue_asks_for():
    assert django_settings.ENLIST_CONTENT_SECURITY_POLICY == CSP


def test_inline_code_finds_what_the_policy_would_block():
    html = (
        '<script>alert(1)</script><script src="/static/x.js"></script>'
        '<script type="application/json" id="s">{}</script><p style="color:red">'
        "<style>p{}</style><img src=x onerror=alert(1)><a href='javascript:alert(1)'>"
    )
    assert [finding.split(":")[0] for finding in inline_code(html)] == [
        "inline <script>",
        "style attribute",
        "<style> element",
        "event handler attribute",
        "javascript URL",
    ]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_template_carries_inline_script_or_style(template):
    assert inline_code(template.read_text(encoding="utf-8")) == []


@pytest.fixture
def staff_pages(client, hq, vilnius, clerk_vilnius, admin_user):
    """Paths of the main staff pages, each with the user who sees it, over one full case."""
    case = ApplicationFactory(mission=vilnius, stage="screening")
    sign_in(client, clerk_vilnius).post(
        f"/staff/cases/{case.pk}/documents/",
        {
            "kind": "passport",
            "file": SimpleUploadedFile("p.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        },
    )
    return [
        (hq, "/staff/"),
        (hq, "/staff/?stage=screening"),
        (hq, f"/staff/cases/{case.pk}/"),
        (clerk_vilnius, f"/staff/cases/{case.pk}/"),
        (clerk_vilnius, "/staff/cases/new/"),
        (admin_user, "/admin/"),
        (admin_user, "/admin/accounts/staffuser/"),
        (admin_user, f"/admin/accounts/staffuser/{hq.pk}/change/"),
        (admin_user, "/admin/missions/mission/"),
    ]


def test_staff_pages_send_the_headers_and_carry_no_inline_code(client, staff_pages):
    for user, path in staff_pages:
        response = sign_in(client, user).get(path)
        html = response.content.decode()

        assert response.status_code == 200, path
        assert response["Content-Security-Policy"] == CSP, path
        assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store"), path
        assert_common_headers(response)
        assert inline_code(html) == [], path
        if "/admin/" not in path:
            # Our pages work without script; where one helps (the clerk's live duplicate
            # check, passkeys) it is a file of our own, deferred, never inline.
            scripts = re.findall(r"<script\b[^>]*>", html)
            assert all(re.fullmatch(r'<script src="/static/[\w/.-]+\.js" defer>', tag)
                       for tag in scripts), (path, scripts)  # fmt: skip


def assert_common_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_public_pages_send_the_headers_and_carry_no_inline_code(client, vilnius, hq, clerk_vilnius):
    totp_device_add_confirmed(user=hq, name="phone")
    pages = {
        "home": client.get("/"),
        "nationality": client.get("/apply/"),
        "application form": client.post("/apply/", {"step": "country", "nationality": "CA"}),
        "sign-in": client.get("/staff/login/"),
    }
    client.post("/staff/login/", {"username": "hq", "password": PASSWORD})
    pages["code"] = client.get("/staff/login/code/")
    enrolling = Client()
    enrolling.post("/staff/login/", {"username": "clerk-vilnius", "password": PASSWORD})
    pages["enrolment"] = enrolling.get("/staff/login/enrol/")
    for _ in range(5):
        locked = Client().post("/staff/login/", {"username": "nobody", "password": "wrong"})
    pages["locked"] = locked

    assert {name: page.status_code for name, page in pages.items()} == {
        **dict.fromkeys(pages, 200),
        "locked": 429,
    }
    assert "<svg" in pages["enrolment"].content.decode()
    for page in pages.values():
        assert page["Content-Security-Policy"] == CSP
        assert_common_headers(page)
        assert inline_code(page.content.decode()) == []
        assert "<script" not in page.content.decode()


def test_api_answers_and_errors_carry_the_policy_too(client, db):
    for response in (
        client.get("/api/v1/missions"),
        client.get("/api/v1/applications"),
        client.get("/no-such-page/"),
    ):
        assert response["Content-Security-Policy"] == CSP
        assert response["X-Content-Type-Options"] == "nosniff"


def test_api_docs_load_their_scripts_from_our_own_static_files(client, db):
    response = client.get("/api/v1/docs")
    html = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP
    assert inline_code(html) == []
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources and all(source.startswith("/static/") for source in sources)
    assert "cdn" not in html.lower()


def production_env(data_dir: Path) -> dict[str, str]:
    """The environment of a production server: every secret set, in the README's formats."""

    def key() -> str:
        return "1:" + base64.b64encode(secrets.token_bytes(32)).decode()

    env = subprocess_env(data_dir)
    env.update(
        ENLIST_ENV="production",
        ENLIST_SECRET_KEY=secrets.token_urlsafe(50),
        ENLIST_ALLOWED_HOSTS="enlist.example",
        ENLIST_FIELD_KEY=key(),
        ENLIST_INDEX_KEY=key(),
        ENLIST_AUDIT_SIGNING_KEY=key(),
        ENLIST_SMTP_HOST="smtp.enlist.example",  # production sends mail by SMTP only
    )
    return env


def test_deploy_checks_pass_under_the_production_settings(tmp_path):
    """`enlist check --deploy --fail-level WARNING` with production settings and secrets."""
    env = production_env(tmp_path)

    result = run_enlist(tmp_path, "check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert "WARNING" not in result.stderr


def test_production_sends_hsts_and_secure_cookies(tmp_path):
    env = production_env(tmp_path)
    shown = run_enlist(
        tmp_path, "shell", "--verbosity", "0", "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)",
        env=env,
    )  # fmt: skip

    assert shown.stdout.split() == ["31536000", "True", "True", "True", "True", "True", "True"]
