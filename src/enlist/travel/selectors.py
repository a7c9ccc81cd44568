"""Reads for HQ's travel page: which meeting point is current, how packets stand."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from enlist.cases.models import Application
from enlist.cases.workflow import Stage
from enlist.travel.models import MeetingPoint, TravelPacket


def meeting_point_current(day: datetime.date) -> MeetingPoint | None:
    return MeetingPoint.objects.valid_on(day).order_by("-valid_from", "-updated_at").first()


def packet_counts(*, today: datetime.date) -> dict[str, int]:
    """Counts only (no case is named): current packets, used codes, cases waiting for one,
    and current packets made from an older revision of their meeting point."""
    current = TravelPacket.objects.filter(invalidated_at__isnull=True)
    point = meeting_point_current(today)
    stale = current.filter(application__stage=Stage.TRAVEL)
    if point is not None:
        stale = stale.filter(~Q(meeting_point=point) | Q(meeting_point_revision__lt=point.revision))
    in_travel = Application.objects.filter(stage=Stage.TRAVEL)
    waiting = in_travel.exclude(travel_packets__invalidated_at__isnull=True).count()
    totals = current.aggregate(
        current=Count("pk"), used=Count("pk", filter=Q(token_used_at__isnull=False))
    )
    return {
        "current": totals["current"],
        "used": totals["used"],
        "waiting": waiting,
        "outdated": stale.count(),
    }


def packets_current() -> QuerySet[TravelPacket]:
    """The newest current packets of cases in travel, for HQ's table (ids and dates only)."""
    return (
        TravelPacket.objects.filter(invalidated_at__isnull=True, application__stage=Stage.TRAVEL)
        .select_related("meeting_point")
        .only(
            "id",
            "application_id",
            "created_at",
            "language",
            "arrival_from",
            "arrival_until",
            "meeting_point_revision",
            "link_revoked_at",
            "meeting_point__name",
            "meeting_point__revision",
        )
        .order_by("-created_at", "-pk")
    )
