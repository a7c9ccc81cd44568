"""Two HQ officers placing two volunteers in a unit's last place at the same moment: the
unit row lock lets exactly one through. Threads with their own connections: PostgreSQL only
(one connection owns SQLite's in-memory test database, so there the two could only run in
turn, which tests no lock; the SQLite pass reports this test as skipped)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from enlist.errors import Conflict
from enlist.logistics.models import Unit, UnitAssignment
from enlist.logistics.services import unit_assign
from tests.factories import ApplicationFactory, StaffFactory

BELARUSIAN = {"nationality": "BY", "residence_country": "PL", "languages": ["be", "ru"]}


def _assign(case, actor, start, outcomes) -> None:
    try:
        start.wait(timeout=60)
        unit_assign(application=case, unit_code="pahonia", actor=actor, reason="Last place.")
        outcomes.append("assigned")
    except Conflict as exc:
        outcomes.append(exc.message)
    except BaseException as exc:  # noqa: BLE001  (reported by the test)
        outcomes.append(repr(exc))
    finally:
        connections.close_all()


@pytest.mark.postgres_only("two connections racing for one row lock")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("countries")  # before `vilnius`: flushed by an earlier test?
def test_the_last_place_of_a_unit_goes_to_one_volunteer_only(request):
    vilnius = request.getfixturevalue("vilnius")
    # The seeded unit, or (flushed by an earlier transactional test) the same again.
    Unit.objects.update_or_create(
        code="pahonia",
        defaults={"name": "Pahonia regiment", "languages": ["be", "ru"],
                  "nationalities": ["BY"], "capacity": 1},
    )  # fmt: skip
    cases = [ApplicationFactory(mission=vilnius, stage="arrived", **BELARUSIAN) for _ in range(2)]
    officers = [StaffFactory(username=f"hq-{i}", role="hq", mission=None) for i in range(2)]
    outcomes: list[str] = []
    start = threading.Barrier(2)
    threads = [
        threading.Thread(target=_assign, args=(case, officer, start, outcomes))
        for case, officer in zip(cases, officers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["The unit pahonia is full (capacity 1).", "assigned"]
    assert UnitAssignment.objects.filter(unit__code="pahonia", is_current=True).count() == 1
