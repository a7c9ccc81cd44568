"""`enlist mail poll` against a real IMAP server: Debian's dovecot on loopback, started here.

The test setup installs dovecot-imapd when it is missing (as root, like
scripts/system-libraries.sh); without root and without dovecot the test is skipped.
"""

from __future__ import annotations

import imaplib
import io
import os
import shutil
import socket
import subprocess
import tempfile
import time
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

import pytest
from django.core.management import call_command

from enlist.mailin.models import InboundMessage, Mailbox, MailDraft
from tests.mailserver import body_text

USER, PASSWORD = "intake", "imap-test-password"
ADDRESS = "vilnius@intake.example"


def _installed() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )


def _dovecot() -> str | None:
    found = _installed()
    if found:
        return found
    if os.geteuid() != 0:
        return None
    subprocess.run(["apt-get", "install", "-y", "dovecot-imapd"], check=False,  # noqa: S607
                   capture_output=True, timeout=600)  # fmt: skip
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def imap_server():
    binary = _dovecot()
    if binary is None:
        pytest.skip("dovecot is not installed and cannot be installed without root")
    # Not pytest's tmp_path: dovecot's own users must traverse it (pytest's is mode 0700).
    root = Path(tempfile.mkdtemp(prefix="enlist-dovecot-"))
    root.chmod(0o755)
    port = _free_port()
    # Dovecot never gives mail access to uid 0: the mailbox belongs to "nobody".
    uid, gid = (65534, 65534) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    (root / "mail").mkdir()
    os.chown(root / "mail", uid, gid) if os.geteuid() == 0 else None
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    config = root / "dovecot.conf"
    config.write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = {min(uid, 500)}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
    )
    process = subprocess.Popen([binary, "-F", "-c", str(config)],  # noqa: S603
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
        pytest.fail(f"dovecot did not start: {log[-2000:]}")
    yield port
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(root, ignore_errors=True)


def _append(port: int, message: EmailMessage | bytes) -> None:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(USER, PASSWORD)
    raw = message if isinstance(message, bytes) else message.as_bytes(policy=SMTP_POLICY)
    client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), raw)
    client.logout()


def _message(subject: str, body: str, sender: str, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ADDRESS
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def test_poll_stores_unseen_mail_once_and_answers_only_the_volunteer(
    imap_server, db, countries, vilnius, monkeypatch, run_jobs, inbox
):
    monkeypatch.setenv("TEST_IMAP_PASSWORD", PASSWORD)
    Mailbox.objects.create(
        mission=vilnius, address=ADDRESS, imap_host="127.0.0.1", imap_port=imap_server,
        imap_ssl=False, imap_user=USER, imap_password_env="TEST_IMAP_PASSWORD",
    )  # fmt: skip
    _append(imap_server, _message("Volunteer", "Hello, I want to join the legion.",
                                  "olena@example.org", Message_ID="<p1@example.org>"))  # fmt: skip
    _append(imap_server, _message("Automatic reply", "Away.", "away@example.org",
                                  Auto_Submitted="auto-replied"))  # fmt: skip
    out = io.StringIO()
    call_command("mail", "poll", stdout=out)
    run_jobs()  # the worker sends the acknowledgement
    assert out.getvalue().strip() == f"{ADDRESS}: 2 fetched, 2 stored"
    assert InboundMessage.objects.filter(via="imap").count() == 2
    assert [r.recipients for r in inbox.received] == [["olena@example.org"]]
    (ack,) = inbox.messages
    assert ack["In-Reply-To"] == "<p1@example.org>"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert "/apply/" in body_text(ack)
    draft = next(d for d in MailDraft.objects.all() if d.subject == "Volunteer")
    assert draft.messages.get().body.strip() == "Hello, I want to join the legion."
    # Seen now: a second poll fetches nothing; a new message is fetched alone.
    out = io.StringIO()
    call_command("mail", "poll", stdout=out)
    assert out.getvalue().strip() == f"{ADDRESS}: 0 fetched, 0 stored"
    client = imaplib.IMAP4("127.0.0.1", imap_server)
    client.login(USER, PASSWORD)
    client.select("INBOX")
    assert len(client.search(None, "ALL")[1][0].split()) == 2  # nothing deleted
    client.logout()
    run_jobs()
    assert len(inbox.messages) == 1


def test_poll_without_the_password_variable_is_a_clear_error(db, vilnius, monkeypatch):
    monkeypatch.delenv("NO_SUCH_PASSWORD", raising=False)
    Mailbox.objects.create(mission=vilnius, address=ADDRESS, imap_host="127.0.0.1",
                           imap_user=USER, imap_password_env="NO_SUCH_PASSWORD")  # fmt: skip
    with pytest.raises(Exception, match=r"\$NO_SUCH_PASSWORD \(or _FILE\) is not set"):
        call_command("mail", "poll")
