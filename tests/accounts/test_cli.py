"""`enlist staff add` and `enlist staff token`: through call_command, and once for real."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from enlist.accounts.models import ApiToken, StaffUser
from tests.core.test_serve import run_enlist

STRONG = "violet harbour lantern 42"
TOKEN = re.compile(r"enl_[A-Za-z0-9_-]{43}")
ALICE_ENROLS = (
    "At the first sign-in (/staff/login/), alice sets up the second factor: an authenticator "
    "app scans the QR code shown after the password.\n"
)


def staff(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    call_command(
        "staff", *args, stdout=out, **({"stdin": io.StringIO(stdin)} if stdin is not None else {})
    )
    return out.getvalue()


def test_add_clerk_with_password_from_stdin(vilnius):
    output = staff(
        "add", "alice", "--role", "clerk", "--mission", "lt-vilnius", "--password-stdin",
        stdin=f"{STRONG}\n",
    )  # fmt: skip

    assert output == "Created alice (clerk at lt-vilnius).\n" + ALICE_ENROLS
    alice = StaffUser.objects.get(username="alice")
    assert (alice.role, alice.mission, alice.is_staff, alice.is_superuser) == (
        "clerk",
        vilnius,
        False,
        False,
    )
    assert alice.check_password(STRONG)
    assert STRONG not in alice.password


def test_add_hq_without_password_has_an_unusable_one(db):
    output = staff("add", "olena", "--role", "hq", "--no-password")

    assert output == "Created olena (hq).\n"
    olena = StaffUser.objects.get(username="olena")
    assert (olena.role, olena.mission) == ("hq", None)
    assert not olena.has_usable_password()


def test_add_admin_is_django_staff(db):
    staff("add", "root-ops", "--role", "admin", "--no-password")

    admin = StaffUser.objects.get(username="root-ops")
    assert (admin.is_staff, admin.is_superuser) == (True, True)


def test_clerk_without_mission_is_refused(vilnius):
    with pytest.raises(CommandError) as error:
        staff("add", "alice", "--role", "clerk", "--no-password")

    assert str(error.value) == "mission: The role 'clerk' works at one mission."
    assert StaffUser.objects.count() == 0


def test_clerk_with_unknown_mission_is_refused(vilnius):
    with pytest.raises(CommandError) as error:
        staff("add", "alice", "--role", "clerk", "--mission", "xx-atlantis", "--no-password")

    assert str(error.value) == "mission: Unknown mission code."
    assert StaffUser.objects.count() == 0


def test_hq_with_a_mission_is_refused(vilnius):
    with pytest.raises(CommandError) as error:
        staff("add", "olena", "--role", "hq", "--mission", "lt-vilnius", "--no-password")

    assert str(error.value) == "mission: The role 'hq' is not bound to a mission."
    assert StaffUser.objects.count() == 0


def test_unknown_role_is_an_argument_error(vilnius):
    with pytest.raises(CommandError) as error:
        staff("add", "bob", "--role", "general", "--no-password")

    assert str(error.value).startswith("Error: argument --role: invalid choice: 'general'")
    assert StaffUser.objects.count() == 0


def test_weak_password_is_refused(vilnius):
    with pytest.raises(CommandError) as error:
        staff(
            "add", "alice", "--role", "clerk", "--mission", "lt-vilnius", "--password-stdin",
            stdin="password\n",
        )  # fmt: skip

    assert str(error.value) == (
        "password: This password is too short. It must contain at least 12 characters.; "
        "password: This password is too common."
    )
    assert StaffUser.objects.count() == 0


def test_taken_username_is_refused(clerk_vilnius):
    with pytest.raises(CommandError) as error:
        staff("add", "clerk-vilnius", "--role", "hq", "--no-password")

    assert str(error.value) == "username: This username is empty or already taken."
    assert StaffUser.objects.count() == 1
    clerk_vilnius.refresh_from_db()
    assert clerk_vilnius.role == "clerk"


def test_token_works_as_bearer_and_only_its_digest_is_stored(clerk_vilnius, vilnius_case):
    output = staff("token", "clerk-vilnius", "--label", "laptop")

    token = output.strip()
    assert output == f"{token}\n"
    assert TOKEN.fullmatch(token)
    stored = ApiToken.objects.get()
    assert (stored.user, stored.label) == (clerk_vilnius, "laptop")
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(list(ApiToken.objects.values()))
    response = Client().get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [item["reference"] for item in body["items"]] == [vilnius_case.reference]


def test_each_token_call_issues_a_new_token(clerk_vilnius):
    first = staff("token", "clerk-vilnius").strip()
    second = staff("token", "clerk-vilnius").strip()

    assert first != second
    assert ApiToken.objects.filter(user=clerk_vilnius).count() == 2


def test_a_wrong_token_is_refused(clerk_vilnius):
    staff("token", "clerk-vilnius")

    response = Client().get(
        "/api/v1/applications", headers={"Authorization": "Bearer enl_not-a-real-token"}
    )

    assert response.status_code == 401


def test_token_for_unknown_user_is_refused(db):
    with pytest.raises(CommandError) as error:
        staff("token", "nobody")

    assert str(error.value) == "No active staff account named 'nobody'."
    assert ApiToken.objects.count() == 0


def test_token_for_inactive_user_is_refused(clerk_vilnius):
    StaffUser.objects.filter(pk=clerk_vilnius.pk).update(is_active=False)

    with pytest.raises(CommandError):
        staff("token", "clerk-vilnius")

    assert ApiToken.objects.count() == 0


def test_console_script_adds_staff_on_a_fresh_sqlite_database(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    run_enlist(data_dir, "migrate", "--verbosity", "0")
    run_enlist(
        data_dir, "shell", "--verbosity", "0", "-c",
        "from enlist.missions.models import Mission; Mission.objects.create(code='lt-vilnius', "
        "name='Embassy of Ukraine in Lithuania', country_id='LT', city='Vilnius', "
        "timezone='Europe/Vilnius')",
    )  # fmt: skip

    added = run_enlist(
        data_dir, "staff", "add", "alice", "--role", "clerk", "--mission", "lt-vilnius",
        "--password-stdin", stdin=f"{STRONG}\n",
    )  # fmt: skip
    unknown_role = run_enlist(
        data_dir, "staff", "add", "bob", "--role", "general", "--no-password", check=False
    )
    token = run_enlist(data_dir, "staff", "token", "alice")

    assert added.stdout == "Created alice (clerk at lt-vilnius).\n" + ALICE_ENROLS
    assert unknown_role.returncode == 2
    assert "argument --role: invalid choice: 'general'" in unknown_role.stderr
    assert TOKEN.fullmatch(token.stdout.strip())
    with contextlib.closing(sqlite3.connect(data_dir / "enlist.sqlite3")) as connection:
        accounts = connection.execute(
            "SELECT u.username, u.role, m.code FROM accounts_staffuser u "
            "JOIN missions_mission m ON m.id = u.mission_id"
        ).fetchall()
        digests = connection.execute("SELECT digest FROM accounts_apitoken").fetchall()
    assert accounts == [("alice", "clerk", "lt-vilnius")]
    assert digests == [(hashlib.sha256(token.stdout.strip().encode()).hexdigest(),)]


def test_add_without_a_terminal_ends_with_one_line_and_exit_2(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    run_enlist(data_dir, "migrate", "--verbosity", "0")

    result = run_enlist(data_dir, "staff", "add", "carol", "--role", "hq", stdin="", check=False)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "CommandError: No terminal to ask for the password on: give --password-stdin (and the "
        "password on standard input) or --no-password.\n"
    )
    with contextlib.closing(sqlite3.connect(data_dir / "enlist.sqlite3")) as connection:
        assert connection.execute("SELECT count(*) FROM accounts_staffuser").fetchone() == (0,)
