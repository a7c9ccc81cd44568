"""Mail at rest: what a volunteer wrote is found nowhere in the database file or the uploads.

A real `enlist` process on its own data directory receives a message (through the same
service the listener and the poller call), with an attachment, and its draft is completed
into an application; then every byte left behind is searched.
"""

from __future__ import annotations

import json

from tests.core.test_serve import run_enlist
from tests.test_no_plaintext_leaks import hits

SENDER = "mail.leak.probe@example.org"
SUBJECT = "Zhytomyrprobe volunteering"
BODY_SECRET = "Kyrylenkoprobe"
FILE_SECRET = "QX9988776"
SECRETS = (SENDER, "Zhytomyrprobe", BODY_SECRET, FILE_SECRET)

SCRIPT = f"""
from django.conf import settings
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
from enlist.missions.models import Mission
from enlist.mailin.models import Mailbox
from enlist.mailin.services import mail_receive
mission = Mission.objects.create(code="lt-vilnius", name="Embassy", country_id="LT",
                                 city="Vilnius", timezone="Europe/Vilnius")
Mailbox.objects.create(mission=mission, address="in@intake.test")
raw = (
    "From: Probe <{SENDER}>\\r\\nTo: in@intake.test\\r\\nSubject: {SUBJECT}\\r\\n"
    "Message-ID: <leak@x>\\r\\nMIME-Version: 1.0\\r\\n"
    'Content-Type: multipart/mixed; boundary="b"\\r\\n\\r\\n--b\\r\\n'
    "Content-Type: text/plain\\r\\n\\r\\nMy name is {BODY_SECRET}.\\r\\n--b\\r\\n"
    "Content-Type: application/pdf\\r\\n"
    'Content-Disposition: attachment; filename="{FILE_SECRET}.pdf"\\r\\n'
    "\\r\\npassport {FILE_SECRET}\\r\\n--b--\\r\\n"
).encode()
received = mail_receive(raw=raw, recipients=["in@intake.test"], envelope_sender="{SENDER}",
                        via="smtp")
assert len(received) == 1 and received[0].acknowledged
"""


def test_received_mail_is_sealed_at_rest(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    run_enlist(data_dir, "migrate", "--verbosity", "0")
    run_enlist(data_dir, "shell", "--verbosity", "0", "-c", SCRIPT)
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    names = {p.relative_to(data_dir).as_posix() for p in files}
    uploads = [n for n in names if n.startswith("uploads/")]
    assert len(uploads) == 2  # the raw message and the attachment, sealed
    database = b"".join(p.read_bytes() for p in files if p.name.startswith("enlist.sqlite3"))
    assert hits(database, "lt-vilnius")  # the scan is real
    leaks = {
        (p.relative_to(data_dir).as_posix(), value): found
        for p in files
        for value in SECRETS
        if (found := hits(p.read_bytes(), value))
    }
    assert leaks == {}, json.dumps({f"{k[0]}: {k[1]}": v for k, v in leaks.items()}, indent=1)
    assert all(value not in name for name in names for value in SECRETS)
