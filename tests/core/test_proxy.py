"""`enlist serve` in production behind a real reverse proxy, and reached around it.

The proxy is a small stdlib HTTP server in this test that does what nginx does for us: it
terminates the client's connection, appends the client's address to X-Forwarded-For, says
``X-Forwarded-Proto: https`` and forwards to Enlist from its own address (127.0.0.9, the only
one listed in ENLIST_TRUSTED_PROXY_ADDRESSES). Clients come from distinct loopback addresses
(127.0.0.2, 127.0.0.3, ...), so every address seen by the server is a real socket's.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import re
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.core.test_serve import run_enlist, running_server, subprocess_env

PROXY_ADDRESS = "127.0.0.9"
HOST = "enlist.example"
PASSWORD = "correct horse battery staple"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "trailer",
              "proxy-authorization", "proxy-authenticate"}  # fmt: skip


def _proxy_handler(upstream_port: int) -> type[BaseHTTPRequestHandler]:
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            earlier = headers.pop("X-Forwarded-For", None)
            client = self.client_address[0]
            headers["X-Forwarded-For"] = f"{earlier}, {client}" if earlier else client
            headers["X-Forwarded-Proto"] = "https"
            upstream = http.client.HTTPConnection(
                "127.0.0.1", upstream_port, timeout=20, source_address=(PROXY_ADDRESS, 0)
            )
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                content = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            finally:
                upstream.close()

        do_GET = do_POST = _forward

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Proxy


@contextlib.contextmanager
def reverse_proxy(upstream_port: int) -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _proxy_handler(upstream_port))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


class Browser:
    """One client at one loopback address: cookies kept by hand (they are Secure), CSRF."""

    def __init__(self, address: str, port: int) -> None:
        self.address, self.port = address, port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=20, source_address=(self.address, 0)
        )
        sent = {"Host": HOST, **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = "&".join(f"{k}={v.replace(' ', '+')}" for k, v in form.items())
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"https://{HOST}/staff/login/"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie, _, _ = value.partition(";")
                    key, _, val = cookie.partition("=")
                    self.cookies[key.strip()] = val.strip()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        finally:
            connection.close()

    def sign_in(self, password: str, **headers: str) -> int:
        status, _, page = self.request("GET", "/staff/login/", **headers)
        assert status == 200, page[:300]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "username": "clerk", "password": password}
        status, _, _ = self.request("POST", "/staff/login/", form, **headers)
        return status


def _key() -> str:
    return "1:" + base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def production_server(tmp_path):
    """A production `enlist serve`: keys on their own "mount", one trusted proxy address."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    key_dir = tmp_path / "key-mount"
    key_dir.mkdir(mode=0o700)
    env = subprocess_env(data_dir)
    for name in ("FIELD", "INDEX", "AUDIT_SIGNING"):
        path = key_dir / f"{name.lower()}.key"
        path.write_text(_key())
        env[f"ENLIST_{name}_KEY_FILE"] = str(path)
    env.update(
        ENLIST_ENV="production",
        ENLIST_SECRET_KEY=secrets.token_urlsafe(50),
        ENLIST_ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        ENLIST_TRUSTED_PROXY_ADDRESSES=f"{PROXY_ADDRESS}/32",
        ENLIST_SSL_REDIRECT="0",  # so that a request around the proxy reaches the sign-in too
        ENLIST_SMTP_HOST="smtp.enlist.example",  # production sends mail by SMTP only
    )
    run_enlist(data_dir, "migrate", "--verbosity", "0", env=env)
    run_enlist(data_dir, "shell", "-c", CREATE_CLERK, env=env)
    log_path = tmp_path / "serve.log"
    with running_server(data_dir, log_path, env=env, probe="/healthz") as base:
        yield int(base.rsplit(":", 1)[1]), data_dir, env, log_path


CREATE_CLERK = f"""
from enlist.accounts.models import StaffUser
from enlist.missions.models import Mission
mission = Mission.objects.create(code="lt-vilnius", name="Embassy of Ukraine in Lithuania",
                                 country_id="LT", city="Vilnius", timezone="Europe/Vilnius")
StaffUser.objects.create_user(username="clerk", password={PASSWORD!r}, role="clerk",
                              mission=mission)
"""

ATTEMPTS = (
    "from axes.models import AccessAttempt; import json; "
    "print(json.dumps(sorted([a.ip_address, a.failures_since_start] "
    "for a in AccessAttempt.objects.all())))"
)


def test_behind_the_trusted_proxy_lockouts_are_per_real_client_and_hsts_is_sent(
    production_server,
):
    port, data_dir, env, _ = production_server
    with reverse_proxy(port) as proxy_port:
        attacker = Browser("127.0.0.2", proxy_port)
        colleague = Browser("127.0.0.3", proxy_port)
        status, headers, _ = colleague.request("GET", "/staff/login/")
        wrong = [attacker.sign_in("not the password") for _ in range(5)]
        attacker_with_right_password = attacker.sign_in(PASSWORD)
        colleague_status = colleague.sign_in(PASSWORD)

    assert status == 200
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert "secure" in headers["set-cookie"].lower()
    assert wrong == [200, 200, 200, 200, 429]  # the fifth failure locks the pair
    assert attacker_with_right_password == 429
    assert colleague_status == 302  # the right password from another client still signs in
    attempts = json.loads(
        run_enlist(data_dir, "shell", "--verbosity", "0", "-c", ATTEMPTS, env=env).stdout
    )
    assert attempts == [["127.0.0.2", 6]]  # the locked-out try counts too


def test_forwarded_headers_from_an_untrusted_address_are_ignored(production_server):
    port, data_dir, env, _ = production_server
    spoofer = Browser("127.0.0.5", port)  # straight to the server, around the proxy
    results = [
        spoofer.sign_in(
            "not the password",
            **{"X-Forwarded-For": f"198.51.100.{n}", "X-Forwarded-Proto": "https"},
        )
        for n in range(6)
    ]
    status, headers, _ = spoofer.request(
        "GET", "/staff/login/", **{"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.1.1"}
    )

    # Each try claimed another client: all counted against the real address, and locked.
    assert results == [200, 200, 200, 200, 429, 429]
    attempts = json.loads(
        run_enlist(data_dir, "shell", "--verbosity", "0", "-c", ATTEMPTS, env=env).stdout
    )
    assert attempts == [["127.0.0.5", 6]]
    # "https" from anyone but the proxy is not believed: no HSTS on plain HTTP.
    assert status == 200
    assert "strict-transport-security" not in headers


def test_the_request_log_is_json_lines_without_personal_values(production_server):
    port, _, _, log_path = production_server
    family_name, passport, email = "Logprobenko", "LG5512093", "log.probe.z8@example.org"
    application = {
        "given_name": "Ivan", "family_name": family_name, "date_of_birth": "1990-02-03",
        "nationality": "CA", "residence_country": "CA", "email": email,
        "passport_number": passport, "mission": "lt-vilnius", "languages": ["en"],
        "military_experience": {"years": 3}, "consent": True,
        "legal_advisory_acknowledged": True,
    }  # fmt: skip
    with reverse_proxy(port) as proxy_port:
        client = Browser("127.0.0.4", proxy_port)
        connection = http.client.HTTPConnection(
            "127.0.0.1", proxy_port, timeout=20, source_address=("127.0.0.4", 0)
        )
        connection.request(
            "POST",
            f"/api/v1/applications?family_name={family_name}&email={email}",
            body=json.dumps(application),
            headers={"Host": HOST, "Content-Type": "application/json",
                     "Idempotency-Key": "log-probe-1", "X-Request-ID": "probe-request-0001"},
        )  # fmt: skip
        response = connection.getresponse()
        receipt = json.loads(response.read())
        connection.close()
        missing, _, _ = client.request("GET", f"/my-data/{'t' * 40}/")

    assert response.status == 201, receipt
    assert response.getheader("X-Request-ID") == "probe-request-0001"
    assert missing in (200, 400, 404, 410)
    text = log_path.read_text().splitlines()
    # Besides the one line `enlist serve` prints on stdout, every line is a JSON object.
    assert [line for line in text if not line.startswith("{")] == [
        f"Enlist is serving at http://localhost:{port}/ (staff: /staff/) with 2 worker processes"
    ]
    lines = [json.loads(line) for line in text if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "enlist.requests"]
    created = [line for line in requests if line["method"] == "POST"]
    assert len(created) == 1
    assert set(created[0]) == {"time", "level", "logger", "message", "method", "path",
                               "status", "duration_ms", "request_id"}  # fmt: skip
    assert (created[0]["path"], created[0]["status"], created[0]["request_id"]) == (
        "/api/v1/applications",
        201,
        "probe-request-0001",
    )
    token_lines = [line for line in requests if line["path"].startswith("/my-data/")]
    assert [line["path"] for line in token_lines] == ["/my-data/:token/"]
    log = log_path.read_text()
    for value in (family_name, passport, email, "t" * 40, receipt["reference"]):
        assert value.lower() not in log.lower(), value
    assert {line["logger"] for line in lines} >= {"enlist.requests", "gunicorn.error"}


def test_production_refuses_to_start_with_its_keys_in_the_data_directory(tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "keys").mkdir(parents=True)
    env = subprocess_env(data_dir)
    env.update(ENLIST_ENV="production", ENLIST_SECRET_KEY=secrets.token_urlsafe(50),
               ENLIST_ALLOWED_HOSTS=HOST, ENLIST_INDEX_KEY=_key(),
               ENLIST_AUDIT_SIGNING_KEY=_key(), ENLIST_SMTP_HOST="smtp.enlist.example")  # fmt: skip
    inside = data_dir / "keys" / "field.key"
    inside.write_text(_key())

    beside = run_enlist(data_dir, "serve", env={**env, "ENLIST_FIELD_KEY_FILE": str(inside)},
                        check=False)  # fmt: skip
    missing = run_enlist(data_dir, "serve", env=env, check=False)
    elsewhere = tmp_path / "mount" / "field.key"
    elsewhere.parent.mkdir()
    elsewhere.write_text(_key())
    fine = run_enlist(data_dir, "check", env={**env, "ENLIST_FIELD_KEY_FILE": str(elsewhere)},
                      check=False)  # fmt: skip

    assert beside.returncode != 0
    last = beside.stderr.strip().splitlines()[-1]
    assert last == (
        f"enlist: configuration error: ENLIST_FIELD_KEY_FILE is inside "
        f"{data_dir.resolve()}: keep production keys on a separate mount (or in a KMS), never "
        "with the data or the database they protect"
    )
    assert missing.returncode != 0
    assert (
        missing.stderr.strip()
        .splitlines()[-1]
        .endswith(
            "ENLIST_FIELD_KEY (or ENLIST_FIELD_KEY_FILE) is required in production: keys are never "
            "read from the data directory"
        )
    )
    assert not (data_dir / "enlist.sqlite3").exists()  # refused before touching anything
    assert fine.returncode == 0, fine.stderr
