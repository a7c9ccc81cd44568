"""Writes of the travel app: meeting points, routes, checklists, packets and check-in.

HQ keeps the meeting points, routes and checklists; a case entering travel gets a packet
(`packet_on_travel`, registered in apps.py); a changed meeting point is followed by
`packets_regenerate`, which replaces packets and so invalidates their codes and links;
reception checks a volunteer in with the packet's code (`checkin_confirm`).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import SYSTEM, audit_record
from enlist.cases.access import access_application
from enlist.cases.models import Application, StageChange
from enlist.cases.services import application_transition
from enlist.cases.workflow import Stage
from enlist.core.links import link_token, link_value, public_url
from enlist.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from enlist.jobs.mail import mail_send_once
from enlist.jobs.services import job_enqueue
from enlist.missions.models import Country
from enlist.travel.codes import code_new, code_secret, secret_hash
from enlist.travel.instructions import packet_language, packet_pdf
from enlist.travel.models import (
    ChecklistItem,
    ChecklistKind,
    MeetingPoint,
    RouteAdvice,
    SealedVersion,
    TravelPacket,
)
from enlist.travel.selectors import meeting_point_current
from enlist.vault.services import data_key_create

logger = logging.getLogger(__name__)

LINK_PURPOSE = "travel-packet"
LINK_MAX_AGE = datetime.timedelta(days=30)
# The arrival window opens a little after the instructions go out and stays open two weeks.
ARRIVAL_OPENS_AFTER = datetime.timedelta(days=2)
ARRIVAL_WINDOW = datetime.timedelta(days=14)
# A code stays usable for a day after the window closes (late trains), then expires.
CODE_GRACE = datetime.timedelta(days=1)
CHECKIN_ROLES = frozenset({Role.RECEPTION, Role.HQ})


def _require_hq(actor: StaffUser) -> None:
    if actor.staff_role != Role.HQ:
        raise NotPermitted("Only headquarters manages meeting points, routes and checklists.")


def checkin_key() -> bytes:
    """The key that signs check-in codes, derived from SECRET_KEY for this purpose only."""
    return hashlib.sha256(b"enlist.travel.checkin\x00" + settings.SECRET_KEY.encode()).digest()


# --- HQ: meeting points, routes, checklists ----------------------------------------------


def _validity(
    data: dict[str, Any],
) -> tuple[datetime.date | None, datetime.date | None, list[FieldError]]:
    """The validity dates in `data` and what is wrong with them (no error: a first day)."""
    errors = []
    valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
    if not isinstance(valid_from, datetime.date):
        errors.append(FieldError("valid_from", "Give the first day it is valid."))
    if valid_until is not None and not isinstance(valid_until, datetime.date):
        errors.append(FieldError("valid_until", "Give a date, or leave it empty."))
    elif isinstance(valid_from, datetime.date) and valid_until and valid_until < valid_from:
        errors.append(FieldError("valid_until", "The last day comes before the first."))
    return valid_from, valid_until, errors


def _text(data: dict[str, Any], name: str, errors: list[FieldError], *, limit: int = 2000) -> str:
    value = str(data.get(name) or "").strip()
    if not value:
        errors.append(FieldError(name, "This field is required."))
    elif len(value) > limit:
        errors.append(FieldError(name, f"At most {limit} characters."))
    return value


def _coordinates(value: str, errors: list[FieldError]) -> str:
    try:
        lat_text, lon_text = (part.strip() for part in value.split(","))
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        errors.append(FieldError("coordinates", "Write latitude, longitude: 50.4501, 30.5234."))
        return value
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors.append(FieldError("coordinates", "Latitude -90…90, longitude -180…180."))
    return f"{lat_text}, {lon_text}"


Revisioned = TypeVar("Revisioned", bound=SealedVersion)


def _revision_next(model: type[Revisioned], record: Revisioned | None) -> Revisioned:
    """A new record with a data key of its own, or the stored one locked with its revision one
    up (the packets made from the one before then say they are outdated)."""
    if record is None:
        return model(data_key=data_key_create())
    locked = model.objects.select_for_update().get(pk=record.pk)
    locked.revision += 1
    return locked


def revision_save(
    record: SealedVersion,
    *,
    kind: str,
    created: bool,
    actor: StaffUser | None,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
) -> None:
    """Save a version of a meeting point or of route advice (`kind`) and put it on the trail:
    HQ's save, or the seed's (``seed.py``, `actor` None: the system, from the command line)."""
    # The callers have refused a missing first day (`_validity`) before anything is written.
    assert valid_from is not None  # nosec B101
    record.valid_from, record.valid_until = valid_from, valid_until
    record.updated_at = timezone.now()
    record.save()
    detail: dict[str, Any] = {"change": kind, "version": record.revision}
    audit_record(
        actor=actor,
        actor_role=SYSTEM if actor is None else None,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        target=(kind, record.pk),
        detail=detail if actor is not None else detail | {"via": "cli"},
    )


@transaction.atomic
def meeting_point_save(
    *, actor: StaffUser, data: dict[str, Any], meeting_point: MeetingPoint | None = None
) -> MeetingPoint:
    """Create a meeting point, or edit one (its revision grows: its packets are outdated).

    `data`: name, address, coordinates ("lat, lon"), opening_hours, contact_procedure,
    valid_from, valid_until (None: open-ended). HQ only; every change is audited.
    """
    _require_hq(actor)
    errors: list[FieldError] = []
    name = _text(data, "name", errors, limit=120)
    address = _text(data, "address", errors)
    coordinates = _coordinates(_text(data, "coordinates", errors, limit=60), errors)
    opening_hours = _text(data, "opening_hours", errors, limit=200)
    contact = _text(data, "contact_procedure", errors)
    valid_from, valid_until, validity_errors = _validity(data)
    errors += validity_errors
    if errors:
        raise InvalidInput(errors)
    created = meeting_point is None
    meeting_point = _revision_next(MeetingPoint, meeting_point)
    meeting_point.name = name
    meeting_point.address = address
    meeting_point.coordinates = coordinates
    meeting_point.opening_hours = opening_hours
    meeting_point.contact_procedure = contact
    revision_save(
        meeting_point,
        kind="meeting_point",
        created=created,
        actor=actor,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return meeting_point


@transaction.atomic
def route_advice_save(
    *, actor: StaffUser, data: dict[str, Any], route: RouteAdvice | None = None
) -> RouteAdvice:
    """Create or edit route advice; `data["country"]` an ISO code or "" for any country."""
    _require_hq(actor)
    errors: list[FieldError] = []
    country_code = str(data.get("country") or "").strip().upper()
    country = None
    if country_code:
        country = Country.objects.filter(pk=country_code).first()
        if country is None:
            errors.append(FieldError("country", "Choose a country, or none for any country."))
    border = _text(data, "border_crossing", errors)
    transport = _text(data, "transport", errors)
    valid_from, valid_until, validity_errors = _validity(data)
    errors += validity_errors
    if errors:
        raise InvalidInput(errors)
    created = route is None
    route = _revision_next(RouteAdvice, route)
    route.country = country
    route.border_crossing, route.transport = border, transport
    revision_save(
        route,
        kind="route_advice",
        created=created,
        actor=actor,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return route


@transaction.atomic
def checklist_item_save(
    *, actor: StaffUser, data: dict[str, Any], item: ChecklistItem | None = None
) -> ChecklistItem:
    """Create or edit a line of the documents or equipment list (with its translations)."""
    _require_hq(actor)
    errors: list[FieldError] = []
    kind = str(data.get("kind") or "")
    if kind not in ChecklistKind.values:
        errors.append(FieldError("kind", "Choose documents or equipment."))
    name = _text(data, "name", errors, limit=200)
    translations = {
        code: str(text).strip()[:200]
        for code, text in (data.get("translations") or {}).items()
        if code in dict(settings.LANGUAGES) and str(text).strip()
    }
    try:
        position = int(data.get("position") or 0)
    except (TypeError, ValueError):
        errors.append(FieldError("position", "Give a whole number."))
        position = 0
    if errors:
        raise InvalidInput(errors)
    created = item is None
    item = item or ChecklistItem()
    item.kind, item.name, item.translations = kind, name, translations
    item.position, item.is_active = max(position, 0), bool(data.get("is_active", True))
    item.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        target=("checklist_item", item.pk),
        detail={"change": "checklist_item", "kind": kind},
    )
    return item


# --- packets -----------------------------------------------------------------------------


def meeting_point_valid(day: datetime.date) -> MeetingPoint | None:
    """The meeting point valid on `day`; of several, the one valid from the latest date."""
    return meeting_point_current(day)


def departure_country(application: Application) -> str:
    """Where the volunteer sets out from: residence, else nationality."""
    return (application.residence_country or application.nationality_id or "").upper()


def route_for(country: str, day: datetime.date) -> RouteAdvice | None:
    """Advice for `country` valid on `day`, else the advice for any country, else None."""
    valid = RouteAdvice.objects.valid_on(day).order_by("-valid_from", "-updated_at")
    return valid.filter(country_id=country).first() or valid.filter(country__isnull=True).first()


def _arrival_window(
    point: MeetingPoint, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    opens = max(today + ARRIVAL_OPENS_AFTER, point.valid_from)
    closes = opens + ARRIVAL_WINDOW
    if point.valid_until is not None:
        closes = min(closes, point.valid_until)
        opens = min(opens, closes)
    return opens, closes


@dataclass(frozen=True)
class NewPacket:
    packet: TravelPacket
    code: str  # the check-in code, known only now (the database keeps its hash)


def _end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


def _packet_create(
    *, application: Application, actor: StaffUser | None, now: datetime.datetime
) -> NewPacket | None:
    today = now.date()
    point = meeting_point_valid(today)
    if point is None:
        return None
    route = route_for(departure_country(application), today)
    opens, closes = _arrival_window(point, today)
    code = code_new(checkin_key())
    secret = code_secret(code, checkin_key())
    assert secret is not None  # nosec B101  # an invariant, not a check of input
    packet = TravelPacket(
        application=application,
        meeting_point=point,
        meeting_point_revision=point.revision,
        route=route,
        route_revision=route.revision if route else None,
        language=packet_language(application),
        arrival_from=opens,
        arrival_until=closes,
        token_hash=secret_hash(secret),
        token_expires_at=_end_of(closes) + CODE_GRACE,
        created_at=now,
        created_by=actor,
    )
    packet.code_sealed = code
    packet.save()
    # The worker makes the PDF once this commits, then emails the link (travel/jobs.py).
    job_enqueue(kind="travel.packet_pdf", payload={"packet": str(packet.pk)})
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=application,
        detail={"change": "travel_packet", "packet": str(packet.pk)},
    )
    return NewPacket(packet=packet, code=code)


_deferred: ContextVar[bool] = ContextVar("enlist_travel_packets_deferred", default=False)


@contextlib.contextmanager
def packets_deferred() -> Iterator[None]:
    """Within this block cases enter travel without a packet; `packets_regenerate` makes the
    missing ones afterwards. For bulk builds (the demo): most of its cases go on to arrive,
    and a PDF each for cases long past travel would only slow the build down."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def packet_on_travel(application: Application, change: StageChange, actor: StaffUser) -> None:
    """Stage-entry handler: a case entering travel gets its packet in the move's transaction.

    With no valid meeting point no packet is made (the move still happens) and the case
    is counted on HQ's travel page as waiting; `packets_regenerate` makes it once one exists.
    """
    if not _deferred.get():
        packet_create(application=application, actor=actor)


def packets_close_on_leaving(
    application: Application, change: StageChange, actor: StaffUser
) -> None:
    """Stage-entry handler (withdrawn, on hold): a case leaving travel that way loses its
    current packet: its link and check-in code stop working. A case resumed into travel
    gets a new packet (and a new email) from `packet_on_travel`."""
    if change.from_stage != Stage.TRAVEL:
        return
    now = timezone.now()
    for packet in TravelPacket.objects.select_for_update().filter(
        application=application, invalidated_at__isnull=True
    ):
        packet.invalidated_at = now
        packet.token_revoked_at = packet.token_revoked_at or now
        packet.link_revoked_at = packet.link_revoked_at or now
        packet.save(update_fields=["invalidated_at", "token_revoked_at", "link_revoked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            target=application,
            detail={"change": "travel_packet_close", "packet": str(packet.pk)},
        )


@transaction.atomic
def packet_create(*, application: Application, actor: StaffUser | None) -> NewPacket | None:
    """Make the current packet of a case in travel, replacing (invalidating) any earlier one.

    Returns None when no meeting point is valid today.
    """
    now = timezone.now()
    previous = list(
        TravelPacket.objects.select_for_update().filter(
            application=application, invalidated_at__isnull=True
        )
    )
    for old in previous:
        old.invalidated_at = now
        old.token_revoked_at = old.token_revoked_at or now
        old.link_revoked_at = old.link_revoked_at or now
        old.save(update_fields=["invalidated_at", "token_revoked_at", "link_revoked_at"])
    return _packet_create(application=application, actor=actor, now=now)


def packet_is_outdated(packet: TravelPacket, *, today: datetime.date) -> bool:
    """The meeting point or route it was made from changed, or another one is valid now."""
    point = meeting_point_valid(today)
    if point is None or point.pk != packet.meeting_point_id:
        return True
    if packet.meeting_point.revision != packet.meeting_point_revision:
        return True
    route = route_for(departure_country(packet.application), today)
    if (route.pk if route else None) != packet.route_id:
        return True
    return route is not None and route.revision != packet.route_revision


@transaction.atomic
def packets_regenerate(*, actor: StaffUser, everything: bool = False) -> int:
    """New packets for cases in travel whose packet is outdated (or missing; or all).

    Each new packet invalidates the one before it, with its check-in code and its link, and
    is emailed afresh. HQ only. Returns how many packets were made.
    """
    _require_hq(actor)
    today = timezone.now().date()
    if meeting_point_valid(today) is None:
        raise Conflict("No meeting point is valid today: add one first.")
    made = 0
    cases = Application.objects.filter(stage=Stage.TRAVEL).select_related("data_key")
    for application in cases:
        if application.is_erased:
            continue
        current = (
            TravelPacket.objects.filter(application=application, invalidated_at__isnull=True)
            .select_related("meeting_point", "route")
            .first()
        )
        if current is not None:
            current.application = application
            if not everything and not packet_is_outdated(current, today=today):
                continue
        if packet_create(application=application, actor=actor) is not None:
            made += 1
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=None,
        detail={"change": "travel_packets_regenerate", "count": made},
    )
    return made


@transaction.atomic
def packet_link_revoke(*, packet: TravelPacket, actor: StaffUser) -> TravelPacket:
    """Close the emailed link to a packet (the check-in code stays usable)."""
    if actor.staff_role not in (Role.HQ, Role.CONSUL):
        raise NotPermitted("This role may not revoke instruction links.")
    packet = TravelPacket.objects.select_for_update().get(pk=packet.pk)
    if packet.link_revoked_at is None:
        packet.link_revoked_at = timezone.now()
        packet.save(update_fields=["link_revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=("application", packet.application_id),
        detail={"change": "travel_link_revoke", "packet": str(packet.pk)},
    )
    return packet


# --- the volunteer's link ----------------------------------------------------------------


def packet_link(packet: TravelPacket) -> str:
    """The absolute link to the packet's page; the token rides in the query string, so the
    request log (method and path only) never holds it."""
    return public_url(f"{reverse('travel-packet')}?t={link_token(LINK_PURPOSE, str(packet.pk))}")


def packet_pdf_make(*, packet_id: str) -> bool:
    """Render a packet's PDF (a job: slow, so never in the move's request), store it sealed
    with the volunteer's key, and queue the email. Idempotent: a packet that has its PDF, or
    was replaced meanwhile, is left alone (a second render is thrown away). True if made."""
    packet = (
        TravelPacket.objects.select_related("application", "application__data_key")
        .filter(pk=packet_id, invalidated_at__isnull=True)
        .first()
    )
    if packet is None or packet.pdf or packet.application.is_erased:
        return False
    rendered = ContentFile(packet_pdf(packet, code=packet.code_sealed))
    with transaction.atomic():
        locked = (
            TravelPacket.objects.select_for_update()
            .filter(pk=packet_id, invalidated_at__isnull=True)
            .first()
        )
        if locked is None or locked.pdf:
            return False
        locked.pdf.save("packet.pdf", rendered, save=False)
        try:
            locked.save(update_fields=["pdf"])
        except Exception:
            locked.pdf.delete(save=False)
            raise
        job_enqueue(kind="mail.travel_packet", payload={"packet": str(locked.pk)})
    return True


def packet_email_send(*, packet_id: str) -> bool:
    """The neutral email: no word of legion, military or destination; only the link. Sent
    once per packet (``mail_send_once``); a packet replaced or revoked before the worker got
    to it is not announced (its link would not work). A failure raises: the job retries."""
    packet = (
        TravelPacket.objects.select_related("application", "application__data_key")
        .filter(pk=packet_id, invalidated_at__isnull=True, link_revoked_at__isnull=True)
        .first()
    )
    if packet is None or packet.application.is_erased or not packet.application.email:
        return False
    with translation.override(packet.language):
        subject = gettext("Your appointment information")
        body = gettext(
            "Hello,\n\nThe information about your appointment is ready. Open it with this "
            "personal link:\n\n%(link)s\n\nThe link works for %(days)s days. Please do not "
            "forward this message.\n"
        ) % {"link": packet_link(packet), "days": LINK_MAX_AGE.days}
    message = EmailMessage(subject, body, to=[packet.application.email])
    return mail_send_once(message, key=f"travel_packet:{packet.pk}")


class LinkClosed(Conflict):
    status = 410


def packet_by_link(token: str) -> TravelPacket:
    """The packet behind an emailed link, if the link is genuine, fresh and not revoked.

    Raises LinkInvalid / LinkExpired (core.links) or LinkClosed (revoked, or replaced).
    """
    packet_id = link_value(LINK_PURPOSE, token, max_age=LINK_MAX_AGE)
    packet = (
        TravelPacket.objects.select_related("application", "meeting_point", "route")
        .filter(pk=packet_id)
        .first()
    )
    if packet is None:
        raise LinkClosed(gettext("These instructions are no longer available."))
    if packet.invalidated_at is not None:
        raise LinkClosed(
            gettext("These instructions were replaced. Use the link in the newest message.")
        )
    if packet.link_revoked_at is not None or packet.application.is_erased:
        raise LinkClosed(gettext("These instructions are no longer available."))
    return packet


@transaction.atomic
def packet_open(*, token: str, what: str) -> TravelPacket:
    """The packet for the volunteer's page or PDF; the opening is audited first."""
    packet = packet_by_link(token)
    audit_record(
        actor=None,
        action=AuditAction.VIEW,
        target=("application", packet.application_id),
        detail={"via": "web", "change": what, "packet": str(packet.pk)},
    )
    return packet


# --- check-in ----------------------------------------------------------------------------


class CheckinRefused(Conflict):
    """A code that cannot check anyone in; the message tells reception why."""


REFUSALS = {
    "invalid": _("This code is not valid. Check that it was typed whole, or scan it again."),
    "used": _("This code was already used: the volunteer is checked in."),
    "expired": _("This code has expired. Ask headquarters for new instructions."),
    "revoked": _("This code was revoked. Ask headquarters for new instructions."),
    "replaced": _("This code belongs to instructions that were replaced. Ask for the newest ones."),
}


def _refuse(reason: str) -> CheckinRefused:
    return CheckinRefused(str(REFUSALS[reason]), field="code")


def _packet_for_code(
    *, code: str, actor: StaffUser, for_update: bool = False
) -> tuple[TravelPacket, Application]:
    if actor.staff_role not in CHECKIN_ROLES:
        raise NotPermitted("Only reception and headquarters check volunteers in.")
    secret = code_secret(code, checkin_key())
    if secret is None:
        raise _refuse("invalid")
    packets = TravelPacket.objects.select_related("meeting_point")
    if for_update:
        packets = packets.select_for_update(of=("self",))
    packet = packets.filter(token_hash=secret_hash(secret)).first()
    if packet is None:
        raise _refuse("invalid")
    if packet.token_used_at is not None:
        raise _refuse("used")
    if packet.invalidated_at is not None:
        raise _refuse("replaced")
    if packet.token_revoked_at is not None:
        raise _refuse("revoked")
    if packet.token_expires_at < timezone.now():
        raise _refuse("expired")
    try:
        application = access_application(user=actor, application_id=packet.application_id)
    except NotFound:
        raise _refuse("invalid") from None
    if application.stage != Stage.TRAVEL or application.is_erased:
        raise _refuse("used" if application.stage == Stage.ARRIVED else "invalid")
    return packet, application


@transaction.atomic
def checkin_identify(*, code: str, actor: StaffUser) -> tuple[TravelPacket, Application]:
    """The packet and case a code belongs to, for reception to compare with the person.

    Refuses (CheckinRefused, 409) codes that are mistyped, used, expired, revoked or of a
    replaced packet. Showing the name, reference and passport photo page is audited.
    """
    packet, application = _packet_for_code(code=code, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        target=application,
        detail={
            "via": "web",
            "change": "checkin_identify",
            "packet": str(packet.pk),
            "fields": ["given_name", "family_name", "reference", "documents"],
        },
    )
    return packet, application


def checkin_facts(application: Application) -> dict[str, Any]:
    """The fact the travel → arrived guard reads (``cases.hooks`` provider): the case's
    current packet's check-in code is used up (``checkin_confirm`` does it, in the move's
    transaction, before the move)."""
    used = TravelPacket.objects.filter(
        application_id=application.pk,
        token_used_at__isnull=False,
        invalidated_at__isnull=True,
        token_revoked_at__isnull=True,
    ).exists()
    return {"checked_in_with_code": used}


@transaction.atomic
def checkin_confirm(*, code: str, actor: StaffUser) -> TravelPacket:
    """Identity confirmed: use the code up and move the case travel → arrived.

    The packet row is locked, so a code presented twice at once checks in once.
    """
    packet, application = _packet_for_code(code=code, actor=actor, for_update=True)
    now = timezone.now()
    packet.token_used_at = now
    packet.checked_in_by = actor
    packet.save(update_fields=["token_used_at", "checked_in_by"])
    application_transition(application=application, to=Stage.ARRIVED, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=application,
        detail={"change": "checkin", "packet": str(packet.pk)},
    )
    return packet
