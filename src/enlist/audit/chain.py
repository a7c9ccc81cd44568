"""The audit trail as a hash chain, and the signed checkpoints that pin it. No Django here.

Each entry is serialised canonically (sorted-key, compact JSON of every stored column but
its own hash) and hashed with SHA-256 together with the hash of the entry before it:

    hash(n) = SHA-256("enlist-audit-v1\\n" + canonical(entry n, prev_hash = hash(n-1)))

so changing, removing, inserting or reordering any entry breaks every link after it. A
chain kept in the same database can still be recomputed end to end by whoever can write to
it; a *checkpoint* (size, head hash, time) signed with an Ed25519 key held outside the
database pins the chain as it was, and `verify_chain` checks every checkpoint too.

`verify_chain` names the first broken entry (its sequence number and why), streaming the
entries so that a long chain never has to fit in memory.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

GENESIS = "0" * 64  # the "previous hash" of entry #1
_ENTRY_DOMAIN = b"enlist-audit-v1\n"
_CHECKPOINT_DOMAIN = b"enlist-audit-checkpoint-v1\n"

# What an entry's detail may say. Ids, stages, counts and field *names* only: never a personal
# value (a name, an email, a passport number, a reason typed by staff). A key outside this list
# is refused, so a new kind of detail is a reviewed decision, not an accident.
DETAIL_KEYS = frozenset(
    {
        "via",  # web | api | cli | audit: the door the action came through
        "fields",  # names of the personal fields shown
        "ids",  # ids of the cases whose names were shown (lists, search results)
        "count",  # how many results or rows in all
        "page",  # which page of them
        "filters",  # list filters: stage, mission code, nationality code, days waiting
        "from",  # stage before a transition
        "to",  # stage after a transition
        "reason_given",  # whether a reason was recorded (the reason itself is personal)
        "document",  # a document's id
        "kind",  # a document's kind (passport, military_id, ...)
        "verification",  # a document's verification state
        "channel",  # how an application arrived (web, phone, ...)
        "mission",  # a mission code
        "stage",  # a stage
        "change",  # what kind of change: staff_add, token_create, role, ...
        "role",  # a staff role
        "old",  # the value before a permission change (role, mission code, flag)
        "new",  # the value after it
        "token",  # an API token's id
        "key",  # which key changed (field, index, audit-signing, ...)
        "version",  # a key version
        "rule",  # the retention rule that erased a case
        "status",  # a record's status (a visa: issued ...; an interview: booked, no_show ...)
        "unit",  # a unit's code (unit assignment)
        "packet",  # a travel packet's id (travel instructions, check-in)
        "interview",  # an interview's id
        "grant",  # the id of a need-to-know grant (its reason is sealed with the case's key)
        "minutes",  # how long a need-to-know grant lasts
        "level",  # a view threshold passed: soft (flagged) or hard (blocked)
        "step",  # subject access: request or download
        "passkey",  # a passkey's public id (uid), when one is added or removed
        "consent",  # how consent stands: confirmed, to_be_confirmed
        "row",  # the spreadsheet row an imported case came from
        "draft",  # a mail draft's id
        "message",  # an inbound mail message's id (never its headers or text)
        "rejected",  # how many rows an import refused
        "job",  # a background job's kind (mail.interview_invitation, retention.run, ...)
        "override",  # a move made by its exception row (travel → arrived without a code)
        "from_mission",  # a transfer: the mission code the case left
        "to_mission",  # a transfer: the mission code it went to
        "transfer",  # a transfer's id
        "cancelled",  # how many interviews a change cancelled
    }
)
_MAX_DEPTH = 3


class DetailError(ValueError):
    """A detail that does not belong in the audit trail (unknown key or unsafe value)."""


def check_detail(detail: Mapping[str, Any]) -> None:
    """Refuse a detail with keys outside DETAIL_KEYS or values JSON cannot carry exactly."""
    unknown = sorted(set(detail) - DETAIL_KEYS)
    if unknown:
        raise DetailError(f"audit detail keys not allowed: {', '.join(unknown)}")
    _check_value(dict(detail), depth=0)


def _check_value(value: Any, *, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise DetailError("audit detail nested too deeply")
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_value(item, depth=depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise DetailError("audit detail keys must be strings")
            _check_value(item, depth=depth + 1)
        return
    # Floats do not survive every database's JSON exactly; dates and ids go in as strings.
    raise DetailError(f"audit detail values must be str, int, bool or None, not {type(value)}")


def utc_iso(moment: datetime.datetime) -> str:
    """The one textual form of a time in the chain: UTC, microseconds, 'Z'."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Entry:
    """The content of one audit entry: everything its hash covers apart from the link."""

    sequence: int
    at: datetime.datetime
    actor_id: int | None
    actor_username: str
    actor_role: str
    action: str
    target_type: str
    target_id: str
    detail: Mapping[str, Any] = field(default_factory=dict)


def canonical(entry: Entry, prev_hash: str) -> bytes:
    """The exact bytes an entry's hash is computed over."""
    document = {
        "sequence": entry.sequence,
        "at": utc_iso(entry.at),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "detail": entry.detail,
        "prev_hash": prev_hash,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def entry_hash(entry: Entry, prev_hash: str) -> str:
    return hashlib.sha256(_ENTRY_DOMAIN + canonical(entry, prev_hash)).hexdigest()


def entry_subjects(
    *, target_type: str, target_id: str, detail: Mapping[str, Any]
) -> frozenset[str]:
    """The cases an entry concerns: its target if it is a case, and every case id listed.

    The database keeps these in an index table so that "who saw case X" is one indexed
    look-up; verification re-derives them from the hashed content, so the index cannot be
    edited to hide an access either.
    """
    subjects = {str(i) for i in detail.get("ids", ()) or ()}
    if target_type == "application" and target_id:
        subjects.add(target_id)
    return frozenset(subjects)


@dataclass(frozen=True)
class StoredEntry:
    """An entry as read back from storage, with the link and hash stored beside it."""

    entry: Entry
    prev_hash: str
    hash: str
    subjects: frozenset[str] | None = None  # the index rows stored for it; None: not checked


# --- checkpoints -------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short, stable name for a verification key: the start of its SHA-256."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class Checkpoint:
    """The chain pinned at `size` entries: entry #size has hash `head` (GENESIS when 0)."""

    size: int
    head: str
    at: datetime.datetime
    key_id: str
    signature: bytes

    def signed_bytes(self) -> bytes:
        return _checkpoint_payload(self.size, self.head, self.at)

    def to_line(self) -> str:
        """One JSON line for the checkpoint file (and for recording elsewhere)."""
        document = {
            "size": self.size,
            "head": self.head,
            "at": utc_iso(self.at),
            "key": self.key_id,
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_line(cls, line: str) -> Checkpoint:
        """Parse a checkpoint line; ValueError when it is not one."""
        try:
            document = json.loads(line)
            size, head = document["size"], document["head"]
            at = datetime.datetime.fromisoformat(document["at"].replace("Z", "+00:00"))
            signature = base64.b64decode(document["signature"], validate=True)
            key = document["key"]
        except (KeyError, TypeError, AttributeError, binascii.Error, json.JSONDecodeError) as exc:
            raise ValueError(f"not a checkpoint line: {exc}") from None
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError("not a checkpoint line: bad size")
        if not isinstance(head, str) or len(head) != 64 or not isinstance(key, str):
            raise ValueError("not a checkpoint line: bad head or key")
        if at.tzinfo is None:
            raise ValueError("not a checkpoint line: time without a zone")
        return cls(size=size, head=head, at=at, key_id=key, signature=signature)


def _checkpoint_payload(size: int, head: str, at: datetime.datetime) -> bytes:
    document = {"size": size, "head": head, "at": utc_iso(at)}
    return _CHECKPOINT_DOMAIN + json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_sign(
    *, size: int, head: str, at: datetime.datetime, private_key: Ed25519PrivateKey
) -> Checkpoint:
    signature = private_key.sign(_checkpoint_payload(size, head, at))
    return Checkpoint(
        size=size, head=head, at=at, key_id=key_id(private_key.public_key()), signature=signature
    )


def checkpoint_valid(checkpoint: Checkpoint, public_keys: Mapping[str, Ed25519PublicKey]) -> bool:
    """Whether one of the known keys signed exactly this checkpoint."""
    public_key = public_keys.get(checkpoint.key_id)
    if public_key is None:
        return False
    try:
        public_key.verify(checkpoint.signature, checkpoint.signed_bytes())
    except InvalidSignature:
        return False
    return True


# --- verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold: the entry's sequence number and why."""

    sequence: int
    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class VerificationResult:
    entries: int
    checkpoints: int
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify_chain(
    entries: Iterable[StoredEntry],
    checkpoints: Iterable[Checkpoint],
    *,
    public_keys: Mapping[str, Ed25519PublicKey],
    head: tuple[int, str] | None = None,
) -> VerificationResult:
    """Recompute the chain from `entries` (in sequence order) and check it against every
    signed checkpoint and, when given, the stored chain head (size, hash).

    Catches, naming the first broken entry: a field of an entry edited (its hash no longer
    matches), an entry deleted (a gap), an entry inserted (the next one links past it), two
    entries swapped (broken links), the last entries truncated (a checkpoint or the head
    counts more), and the whole chain recomputed after an edit (a signed checkpoint's head
    differs). A checkpoint whose signature does not verify is itself a break.
    """
    pins = sorted(checkpoints, key=lambda c: (c.size, c.at))
    count = len(pins)
    for checkpoint in pins:
        if not checkpoint_valid(checkpoint, public_keys):
            return VerificationResult(
                0,
                count,
                Break(
                    checkpoint.size,
                    f"the checkpoint for entry #{checkpoint.size} of {utc_iso(checkpoint.at)} "
                    "has no valid signature from a known key: the checkpoint file was altered",
                ),
            )
    by_size: dict[int, Checkpoint] = {}
    for checkpoint in pins:
        earlier = by_size.setdefault(checkpoint.size, checkpoint)
        if earlier.head != checkpoint.head:
            reason = (
                f"two signed checkpoints disagree about entry #{checkpoint.size} "
                f"({utc_iso(earlier.at)} and {utc_iso(checkpoint.at)}): the chain was rewritten"
            )
            return VerificationResult(0, count, Break(checkpoint.size, reason))
    genesis_pin = by_size.get(0)
    if genesis_pin is not None and genesis_pin.head != GENESIS:
        return VerificationResult(0, count, Break(0, "the checkpoint of the empty chain is wrong"))

    last_pinned_ok = 0
    expected = 1
    prev_hash = GENESIS
    before_prev: str | None = None  # the hash two entries back, to recognise an insertion
    seen = 0
    for stored in entries:
        entry = stored.entry
        sequence = entry.sequence
        broken = _check_entry(stored, expected, prev_hash, before_prev)
        if broken is not None:
            return VerificationResult(seen, count, broken)
        seen += 1
        pin = by_size.get(sequence)
        if pin is not None:
            if pin.head != stored.hash:
                reason = (
                    f"entry #{sequence} does not match the signed checkpoint of "
                    f"{utc_iso(pin.at)}: the chain up to it was rewritten (the change lies "
                    f"between entries #{last_pinned_ok + 1} and #{sequence})"
                )
                return VerificationResult(seen, count, Break(sequence, reason))
            last_pinned_ok = sequence
        if head is not None and sequence == head[0] and head[1] != stored.hash:
            reason = f"entry #{sequence} does not match the recorded chain head"
            return VerificationResult(seen, count, Break(sequence, reason))
        before_prev, prev_hash = prev_hash, stored.hash
        expected = sequence + 1

    last = expected - 1
    if pins and pins[-1].size > last:
        pin = pins[-1]
        reason = (
            f"entries #{last + 1} to #{pin.size} are missing: the signed checkpoint of "
            f"{utc_iso(pin.at)} counts {pin.size} entries, the chain ends at #{last} (truncated)"
        )
        return VerificationResult(seen, count, Break(last + 1, reason))
    if head is not None and head[0] > last:
        reason = (
            f"entries #{last + 1} to #{head[0]} are missing: the chain head records "
            f"{head[0]} entries, the chain ends at #{last} (truncated)"
        )
        return VerificationResult(seen, count, Break(last + 1, reason))
    return VerificationResult(seen, count)


def _check_entry(
    stored: StoredEntry, expected: int, prev_hash: str, before_prev: str | None
) -> Break | None:
    sequence = stored.entry.sequence
    if sequence > expected:
        where = f"jumps from #{expected - 1} to" if expected > 1 else "starts at"
        return Break(
            expected, f"entry #{expected} is missing: the chain {where} #{sequence} (deleted)"
        )
    if sequence < expected:
        return Break(sequence, f"entry #{sequence} appears twice or out of order")
    if stored.prev_hash != prev_hash:
        if before_prev is not None and stored.prev_hash == before_prev:
            return Break(
                sequence - 1,
                f"entry #{sequence - 1} was inserted: entry #{sequence} links past it "
                f"to entry #{sequence - 2}",
            )
        return Break(
            sequence,
            f"entry #{sequence} does not follow entry #{sequence - 1}: its link to the "
            "previous entry is broken (entries were removed, inserted or reordered)",
        )
    if entry_hash(stored.entry, stored.prev_hash) != stored.hash:
        return Break(
            sequence,
            f"entry #{sequence} was altered: its content no longer matches its hash",
        )
    if stored.subjects is not None:
        derived = entry_subjects(
            target_type=stored.entry.target_type,
            target_id=stored.entry.target_id,
            detail=stored.entry.detail,
        )
        if stored.subjects != derived:
            return Break(
                sequence,
                f"entry #{sequence} was altered: the cases it is indexed under differ from "
                "the cases it names",
            )
    return None
