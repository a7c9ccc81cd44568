"""Reading one received message (pure: stdlib ``email``, no Django).

``read_message(raw, envelope_sender=..., max_bytes=...)`` says what the message is and what
it holds. Guarantees:

- It never raises on any input: a message it cannot read is ``MALFORMED`` (kept for review),
  one over ``max_bytes`` is ``OVERSIZED`` without being parsed.
- **Never answered** (``answerable`` False): bounces (null envelope sender, MAILER-DAEMON or
  postmaster senders, ``multipart/report`` delivery status notifications), automatic replies
  (``Auto-Submitted`` other than ``no``, ``X-Autoreply``, ``X-Autorespond``, ``Precedence``
  bulk/list/junk, ``List-Id``/``List-Unsubscribe``), our own acknowledgements looping back
  (``X-Enlist-Ack``), oversized and malformed mail, and replies in a known thread (the
  first message of a thread is acknowledged once).
- The body is the text part; an HTML-only message is converted to text (scripts and styles
  dropped, blocks on their own lines). Parts with a file name, or any non-text part, are
  attachments.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

KIND_MESSAGE = "message"
KIND_AUTO_REPLY = "auto_reply"
KIND_BOUNCE = "bounce"
KIND_OVERSIZED = "oversized"
KIND_MALFORMED = "malformed"
ACK_HEADER = "X-Enlist-Ack"
_BOUNCE_LOCALPARTS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "bounce", "bounces"})
_BULK = frozenset({"bulk", "list", "junk"})
_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass
class Attachment:
    name: str
    content_type: str
    content: bytes


@dataclass
class ReadMessage:
    kind: str
    sender: str = ""  # the From address ("" when there is none)
    sender_name: str = ""
    subject: str = ""
    body: str = ""
    message_id: str = ""
    references: list[str] = field(default_factory=list)  # In-Reply-To and References ids
    language: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    problem: str = ""  # why it is malformed

    @property
    def answerable(self) -> bool:
        return self.kind == KIND_MESSAGE and bool(self.sender)


class _Text(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "ul"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Languages an acknowledgement can be written in (settings.LANGUAGES; kept here, no Django).
MAIL_LANGUAGES = ("en", "uk", "es", "pl", "ka", "pt", "fr")
# Short words each Latin-script language uses constantly, and the others rarely.
_COMMON_WORDS = {
    "en": {"hello", "i", "the", "and", "to", "want", "my", "am", "of", "thank", "you", "with",
           "would", "like"},
    "es": {"hola", "quiero", "el", "la", "de", "que", "y", "por", "para", "soy", "gracias",
           "una", "mi", "con"},
    "pl": {"dzień", "dobry", "chcę", "jestem", "się", "nie", "jak", "dziękuję", "i", "w",
           "na", "mam", "z", "do"},
    "pt": {"olá", "quero", "o", "a", "de", "que", "e", "para", "sou", "obrigado", "obrigada",
           "uma", "meu", "com", "não"},
    "fr": {"bonjour", "je", "veux", "le", "la", "de", "et", "pour", "suis", "merci", "une",
           "mon", "avec", "vous"},
}  # fmt: skip
_MARKS = {"pl": "ąćęłńśźż", "pt": "ãõç", "fr": "èêàçœù", "es": "ñ¿¡"}


def guess_language(message: Message, text: str) -> str:
    """One of MAIL_LANGUAGES (those acknowledgements are written in), or "" when unsure."""
    declared = str(message.get("Content-Language", "")).strip().lower()[:2]
    if declared in MAIL_LANGUAGES:
        return declared
    sample = text[:4000].lower()
    if re.search(r"[ა-ჰ]", sample):
        return "ka"
    if re.search(r"[а-яіїєґ]", sample):
        return "uk" if re.search(r"[іїєґ]", sample) or not re.search(r"[ыэъё]", sample) else ""
    words = re.findall(r"[^\W\d_]+", sample)
    scores = {
        code: sum(w in common for w in words) + 2 * any(m in sample for m in _MARKS.get(code, ""))
        for code, common in _COMMON_WORDS.items()
    }
    best = max(scores, key=lambda code: (scores[code], code == "en"))
    runner_up = max(score for code, score in scores.items() if code != best)
    if scores[best] >= 2 and scores[best] > runner_up:
        return best
    return ""


def _is_auto(message: Message) -> bool:
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond") or message.get(ACK_HEADER):
        return True
    if str(message.get("Precedence", "")).strip().lower() in _BULK:
        return True
    return bool(message.get("List-Id") or message.get("List-Unsubscribe"))


def _is_bounce(message: Message, envelope_sender: str | None, sender: str) -> bool:
    if envelope_sender is not None and envelope_sender.strip() in ("", "<>"):
        return True
    if sender.split("@")[0].lower() in _BOUNCE_LOCALPARTS:
        return True
    return message.get_content_type() == "multipart/report"


def _ids(value: str) -> list[str]:
    return _MSGID.findall(value or "")


def _payload(part: Message) -> bytes:
    """A single part's content, transfer-decoded (none: empty)."""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _decoded(part: Message) -> str:
    payload = _payload(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _content(message: Message) -> tuple[str, list[Attachment]]:
    plain, html, attachments = [], [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        disposition = str(part.get("Content-Disposition", "")).lower()
        ctype = part.get_content_type()
        if name or "attachment" in disposition or not ctype.startswith("text/"):
            if ctype.startswith("message/") or ctype == "text/rfc822-headers":
                continue  # a DSN's returned headers: part of the raw message, not a file
            content = _payload(part)
            attachments.append(Attachment(name or "attachment", ctype, content))
        elif ctype == "text/html":
            html.append(_decoded(part))
        else:
            plain.append(_decoded(part))
    body = "\n\n".join(p.strip() for p in plain if p.strip())
    if not body and html:
        body = "\n\n".join(html_to_text(h) for h in html)
    return body, attachments


def read_message(raw: bytes, *, envelope_sender: str | None, max_bytes: int) -> ReadMessage:
    if len(raw) > max_bytes:
        return ReadMessage(kind=KIND_OVERSIZED, problem="over the size limit")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
        name, sender = parseaddr(str(message.get("From", "")))
        sender = sender.strip().lower() if "@" in sender else ""
        if not message.keys() or not sender and not message.get("Subject"):
            return ReadMessage(kind=KIND_MALFORMED, problem="no headers or no sender")
        subject = str(email.header.make_header(email.header.decode_header(
            str(message.get("Subject", ""))))).strip()  # fmt: skip
        body, attachments = _content(message)
        boundary_broken = any(
            type(d).__name__ in ("StartBoundaryNotFoundDefect", "CloseBoundaryNotFoundDefect")
            for d in message.defects
        )
        if boundary_broken and not body:
            return ReadMessage(kind=KIND_MALFORMED, sender=sender, subject=subject,
                               problem="broken MIME structure")  # fmt: skip
        references = _ids(str(message.get("In-Reply-To", ""))) + _ids(
            str(message.get("References", ""))
        )
        kind = KIND_MESSAGE
        if _is_bounce(message, envelope_sender, sender):
            kind = KIND_BOUNCE
        elif _is_auto(message):
            kind = KIND_AUTO_REPLY
        if sender and not getaddresses([sender]):
            sender = ""
        return ReadMessage(
            kind=kind,
            sender=sender,
            sender_name=str(email.header.make_header(email.header.decode_header(name))).strip(),
            subject=subject[:500],
            body=body[:100_000],
            message_id=(_ids(str(message.get("Message-ID", ""))) or [""])[0],
            references=list(dict.fromkeys(references)),
            language=guess_language(message, f"{subject}\n{body}"),
            attachments=attachments,
        )
    except Exception as exc:  # any input: a message we cannot read is kept, never dropped
        return ReadMessage(kind=KIND_MALFORMED, problem=type(exc).__name__)


__all__ = ["ACK_HEADER", "EmailMessage", "ReadMessage", "html_to_text", "read_message"]
