"""The issue's acceptance line, done for real: "grep for a submitted passport number, email or
family name in the SQLite file, the uploads folder and the server's log output finds nothing."

A real `enlist serve` on its own data directory takes an application over HTTP; staff find
it by each personal value (search terms travel in bodies), read it, move it, and a document
carrying the passport number is stored. Then every byte the server left behind is searched.
"""

from __future__ import annotations

import json
import re

from tests.core.test_serve import http, run_enlist, running_server

PASSPORT = "QX7319264"
EMAIL = "leak.probe.q7z@example.org"
FAMILY_NAME = "Zabolotnyprobe"
FAMILY_NAME_NATIVE = "Заболотнийпроба"
GIVEN_NAME = "Yaropolkprobe"
SECRETS = (PASSPORT, EMAIL, FAMILY_NAME, FAMILY_NAME_NATIVE, GIVEN_NAME)

APPLICATION = {
    "given_name": GIVEN_NAME,
    "family_name": FAMILY_NAME,
    "given_name_native": "Ярополк",
    "family_name_native": FAMILY_NAME_NATIVE,
    "date_of_birth": "1988-09-30",
    "nationality": "CA",
    "residence_country": "CA",
    "email": EMAIL,
    "passport_number": PASSPORT,
    "mission": "lt-vilnius",
    "languages": ["en", "uk"],
    "military_experience": {"years": 4, "branch": "army", "combat_deployments": 1},
    "consent": True,
    "legal_advisory_acknowledged": True,
}

CREATE_MISSION = (
    "from enlist.missions.models import Mission; Mission.objects.create(code='lt-vilnius', "
    "name='Embassy of Ukraine in Lithuania', country_id='LT', city='Vilnius', "
    "timezone='Europe/Vilnius')"
)

ADD_DOCUMENT = """
from django.core.files.uploadedfile import SimpleUploadedFile
from enlist.accounts.models import StaffUser
from enlist.cases.models import Application
from enlist.cases.services import document_add
content = b"%PDF-1.4\\n" + {content!r}
document_add(
    application=Application.objects.get(pk={application_id!r}),
    kind="passport",
    upload=SimpleUploadedFile({name!r}, content, content_type="application/pdf"),
    actor=StaffUser.objects.get(username="clerk"),
)
"""


def hits(data: bytes, value: str) -> list[str]:
    """The spellings of `value` found in `data`: exact UTF-8, lower, upper, ASCII-insensitive."""
    found = [
        variant
        for variant in dict.fromkeys((value, value.lower(), value.upper(), value.casefold()))
        if variant.encode("utf-8") in data
    ]
    if not found and value.lower().encode("utf-8") in data.lower():
        found.append(f"{value} (ignoring ASCII case)")
    return found


def test_personal_values_appear_in_no_file_and_no_log_line(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log_path = tmp_path / "serve.log"
    with running_server(data_dir, log_path) as base:
        # `enlist serve` migrates the fresh database; staff and mission are set up beside it.
        run_enlist(data_dir, "shell", "--verbosity", "0", "-c", CREATE_MISSION)
        run_enlist(data_dir, "staff", "add", "clerk", "--role", "clerk", "--mission", "lt-vilnius",
                   "--no-password")  # fmt: skip
        token = run_enlist(data_dir, "staff", "token", "clerk").stdout.strip()
        staff = {"Authorization": f"Bearer {token}"}

        created_status, receipt = http(
            "POST", f"{base}/api/v1/applications", APPLICATION, {"Idempotency-Key": "leak-1"}
        )
        refused_status, refused = http(
            "POST", f"{base}/api/v1/applications", {**APPLICATION, "date_of_birth": "2999-01-01"}
        )
        searches = {
            value: http("POST", f"{base}/api/v1/applications/search", {"q": value}, staff)
            for value in SECRETS
        }
        detail_status, detail = http(
            "GET", f"{base}/api/v1/applications/{receipt['id']}", None, staff
        )
        moved_status, moved = http(
            "POST",
            f"{base}/api/v1/applications/{receipt['id']}/transitions",
            {"to": "screening", "reason": f"Checked {FAMILY_NAME} by phone"},
            staff,
        )
        run_enlist(
            data_dir, "shell", "--verbosity", "0", "-c",
            ADD_DOCUMENT.format(
                content=f"passport {PASSPORT} of {FAMILY_NAME} {FAMILY_NAME_NATIVE}".encode(),
                application_id=receipt["id"],
                name=f"{FAMILY_NAME}-{PASSPORT}.pdf",
            ),
        )  # fmt: skip
        with_document_status, with_document = http(
            "GET", f"{base}/api/v1/applications/{receipt['id']}", None, staff
        )

    # The server did what it was asked, so the values did pass through it.
    assert created_status == 201
    assert re.fullmatch(r"IL-[2-9A-Z]{4}-[2-9A-Z]{2}", receipt["reference"])
    assert refused_status == 422
    assert refused["errors"][0]["field"] == "date_of_birth"
    for value, (status, found) in searches.items():
        assert (value, status, [item["id"] for item in found["items"]]) == (
            value,
            200,
            [receipt["id"]],
        )
    assert detail_status == 200
    assert (detail["family_name"], detail["email"], detail["passport_number"]) == (
        FAMILY_NAME,
        EMAIL,
        PASSPORT,
    )
    assert moved_status == 200
    assert moved["stage"] == "screening"
    assert with_document_status == 200
    assert [d["kind"] for d in with_document["documents"]] == ["passport"]

    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    names = {p.relative_to(data_dir).as_posix() for p in files}
    assert "enlist.sqlite3" in names
    uploads = [name for name in names if name.startswith("uploads/")]
    assert len(uploads) == 1
    log = log_path.read_bytes()
    # The log capture is real: it holds the request lines, with opaque paths only.
    assert b"POST /api/v1/applications 201" in log
    assert b"POST /api/v1/applications 422" in log
    assert log.count(b"POST /api/v1/applications/search 200") == len(SECRETS)
    assert f"GET /api/v1/applications/{receipt['id']} 200".encode() in log
    # The scan is real: non-personal values written in clear are found in the database.
    database = b"".join(p.read_bytes() for p in files if p.name.startswith("enlist.sqlite3"))
    assert hits(database, "lt-vilnius")
    assert hits(database, "Embassy of Ukraine in Lithuania")

    leaks = {
        (where, value): found
        for where, data in [
            *((p.relative_to(data_dir).as_posix(), p.read_bytes()) for p in files),
            ("server log", log),
        ]
        for value in SECRETS
        if (found := hits(data, value))
    }
    assert leaks == {}, json.dumps({f"{k[0]}: {k[1]}": v for k, v in leaks.items()}, indent=1)
    assert all(value not in name for name in names for value in SECRETS)


def test_hits_finds_every_spelling():
    data = "x ZABOLOTNYPROBE y заболотнийпроба q leak.PROBE.q7z@example.org".encode()

    assert hits(data, FAMILY_NAME) == [FAMILY_NAME.upper()]
    assert hits(data, EMAIL) == [f"{EMAIL} (ignoring ASCII case)"]
    assert hits(data, FAMILY_NAME_NATIVE) == [FAMILY_NAME_NATIVE.lower()]
    assert hits(data, PASSPORT) == []
