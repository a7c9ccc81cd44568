"""Long pages come a page at a time, with next/previous links (core/templates/core/pager.html)."""

from __future__ import annotations

import re

from django.utils import timezone

from enlist.audit.models import AuditEntry
from enlist.travel.seed import travel_seed
from enlist.travel.services import packet_create
from tests.conftest import sign_in
from tests.factories import ApplicationFactory


def _next(html: str) -> str | None:
    match = re.search(r'<a rel="next" id="page-next" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_travel_packets_are_paged(client, hq, vilnius, monkeypatch):
    monkeypatch.setattr("enlist.travel.views.PACKET_PAGE_SIZE", 2)
    travel_seed(today=timezone.now().date())
    cases = [ApplicationFactory(mission=vilnius, stage="travel") for _ in range(3)]
    for case in cases:
        packet_create(application=case, actor=hq)
    sign_in(client, hq)

    first = client.get("/staff/travel/").content.decode()
    second = client.get(f"/staff/travel/{_next(first)}").content.decode()

    shown = [str(c.pk) for c in cases]
    on_first = [pk for pk in shown if f"/staff/cases/{pk}/" in first]
    on_second = [pk for pk in shown if f"/staff/cases/{pk}/" in second]
    assert len(on_first) == 2 and len(on_second) == 1
    assert set(on_first) | set(on_second) == set(shown)
    assert "Page 1 of 2" in first and 'rel="prev"' in second and _next(second) is None


def test_the_units_queue_is_paged_and_audits_only_the_page(client, hq, vilnius, monkeypatch):
    monkeypatch.setattr("enlist.logistics.views.PAGE_SIZE", 1)
    arrived = [ApplicationFactory(mission=vilnius, stage="arrived") for _ in range(2)]
    sign_in(client, hq)

    first = client.get("/staff/units/").content.decode()
    second = client.get(f"/staff/units/{_next(first)}").content.decode()

    assert sum(f"/staff/cases/{a.pk}/" in first for a in arrived) == 1
    assert sum(f"/staff/cases/{a.pk}/" in second for a in arrived) == 1
    entries = AuditEntry.objects.filter(actor=hq, action="view_list").order_by("sequence")
    assert [len(e.detail["ids"]) for e in entries] == [1, 1]
    assert [e.detail["count"] for e in entries] == [2, 2]


def test_the_interview_queue_is_paged(client, clerk_vilnius, vilnius, monkeypatch):
    monkeypatch.setattr("enlist.interviews.views.QUEUE_PAGE_SIZE", 1)
    waiting = [ApplicationFactory(mission=vilnius, stage="interview") for _ in range(2)]
    sign_in(client, clerk_vilnius)

    first = client.get("/staff/interviews/queue/").content.decode()
    second = client.get(f"/staff/interviews/queue/{_next(first)}").content.decode()

    assert sum(str(a.pk) in first for a in waiting) == 1
    assert sum(str(a.pk) in second for a in waiting) == 1
    assert _next(second) is None
