"""Where outgoing mail goes: SMTP, always in production (it refuses to start without it);
in development files readable by their owner only, outside the data directory."""

from __future__ import annotations

import stat

from tests.accounts.test_security_headers import production_env
from tests.core.test_serve import run_enlist, subprocess_env

SEND = (
    "from django.core.mail import send_mail; "
    "send_mail('Your appointment', 'http://127.0.0.1:8000/x', None, ['o.k@example.org'])"
)


def test_production_refuses_to_start_without_smtp(tmp_path):
    env = production_env(tmp_path)
    env.pop("ENLIST_SMTP_HOST", None)

    for command in (["check"], ["worker", "--once"]):
        result = run_enlist(tmp_path, *command, env=env, check=False)
        assert result.returncode == 2
        assert result.stderr == (
            "enlist: configuration error: ENLIST_SMTP_HOST is required in production "
            "(outgoing mail is never written to files)\n"
        )
    assert not (tmp_path.with_name(f"{tmp_path.name}-mail")).exists()
    assert not (tmp_path / "mail").exists()


def test_production_with_smtp_starts(tmp_path):
    result = run_enlist(tmp_path, "check", env=production_env(tmp_path), check=False)
    assert result.returncode == 0, result.stderr


def test_development_mail_files_are_private_and_outside_the_data_dir(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    run_enlist(data_dir, "shell", "-c", SEND)

    mail_dir = tmp_path / "data-mail"
    (message,) = mail_dir.iterdir()
    assert stat.S_IMODE(message.stat().st_mode) == 0o600
    assert stat.S_IMODE(mail_dir.stat().st_mode) == 0o700
    assert "o.k@example.org" in message.read_text()
    # Nothing of the message under the data directory.
    for path in data_dir.rglob("*"):
        assert not path.is_file() or b"o.k@example.org" not in path.read_bytes(), path


def test_a_mail_directory_inside_the_data_dir_is_refused(tmp_path):
    env = subprocess_env(tmp_path)
    env["ENLIST_MAIL_DIR"] = str(tmp_path / "mail")
    result = run_enlist(tmp_path, "shell", "-c", SEND, env=env, check=False)
    assert result.returncode == 2
    assert result.stderr == (
        "enlist: configuration error: ENLIST_MAIL_DIR must lie outside ENLIST_DATA_DIR\n"
    )
    assert not (tmp_path / "mail").exists()


def test_mail_goes_where_enlist_mail_dir_says(tmp_path):
    data_dir, elsewhere = tmp_path / "data", tmp_path / "outbox"
    data_dir.mkdir()
    env = subprocess_env(data_dir)
    env["ENLIST_MAIL_DIR"] = str(elsewhere)
    run_enlist(data_dir, "shell", "-c", SEND, env=env)
    (message,) = elsewhere.iterdir()
    assert stat.S_IMODE(message.stat().st_mode) == 0o600
