"""A sensible starting point for the demo and for a fresh installation: one meeting point
and route advice, valid from today. Fictional: real meeting points are entered by HQ.

Written directly (no HQ actor exists yet) and audited as the system.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from enlist.missions.models import Country
from enlist.travel.models import MeetingPoint, RouteAdvice
from enlist.travel.services import revision_save
from enlist.vault.services import data_key_create

MEETING_POINT = {
    "name": "Point West",
    "address": "Reception centre, 12 Example Street, Lviv (side entrance, blue door)",
    "coordinates": "49.8397, 24.0297",
    "opening_hours": "Daily 08:00–20:00",
    "contact_procedure": (
        "Call the duty number you were given one hour before arrival. Say only that you "
        "have an appointment and give your reference."
    ),
}
# (country of departure or None for any, border crossing, transport)
ROUTES = [
    (
        None,
        "Medyka – Shehyni (Poland – Ukraine), on foot or by bus.",
        "Fly to Rzeszów or Kraków; train to Przemyśl; cross at Medyka; train or bus to Lviv.",
    ),
    (
        "LT",
        "Medyka – Shehyni (Poland – Ukraine).",
        "Bus or train from Vilnius to Warsaw, train to Przemyśl, cross on foot, train to Lviv.",
    ),
    (
        "NO",
        "Medyka – Shehyni (Poland – Ukraine).",
        "Fly from Oslo to Rzeszów; bus to Przemyśl; cross on foot; train to Lviv.",
    ),
]


@transaction.atomic
def travel_seed(*, today: datetime.date) -> MeetingPoint:
    """Create the default meeting point and routes unless a valid meeting point exists."""
    existing = MeetingPoint.objects.valid_on(today).first()
    if existing is not None:
        return existing
    point = MeetingPoint(data_key=data_key_create(), **MEETING_POINT)
    revision_save(
        point, kind="meeting_point", created=True, actor=None, valid_from=today, valid_until=None
    )
    known = set(Country.objects.values_list("pk", flat=True))
    for country, border, transport in ROUTES:
        if country is not None and country not in known:
            continue
        route = RouteAdvice(
            data_key=data_key_create(),
            country_id=country,
            border_crossing=border,
            transport=transport,
        )
        revision_save(
            route, kind="route_advice", created=True, actor=None, valid_from=today, valid_until=None
        )
    return point
