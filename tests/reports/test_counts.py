"""The pre-aggregated counts, through the database: kept current by the services' audit
entries, equal to a rebuild from the cases, and the dashboard's figures equal to counting
the cases directly (an independent count written here, not through ``reports/tallies.py``)."""

from __future__ import annotations

import contextlib
import datetime
import math
from collections import Counter
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from enlist.accounts.roles import Role
from enlist.cases.models import Application, Channel, StageChange
from enlist.cases.services import application_transition
from enlist.cases.transfer import application_transfer
from enlist.cases.workflow import TRANSITIONS
from enlist.errors import EnlistError
from enlist.reports import selectors
from enlist.reports.models import PipelineCount
from enlist.reports.selectors import ReportFilters
from enlist.reports.services import pipeline_aggregates_rebuild
from enlist.reports.targets import SERVICE_TARGET_DAYS
from tests.conftest import examples
from tests.factories import MissionFactory, StaffFactory
from tests.reports.helpers import submit_case

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
NATIONALITIES = ["LT", "NO", "BY", "US"]
CHANNELS = [Channel.WEB, Channel.PHONE, Channel.EMAIL, Channel.WALK_IN]


def _stored() -> Counter:
    return Counter(
        {
            (r.measure, r.day, r.mission_id, r.nationality, r.dimension, r.days): r.count
            for r in PipelineCount.objects.all()
        }
    )


_submit = submit_case


def _move(application, choice, hq):
    """One of the moves HQ may make from where the case is (or, for choice 0, a move the
    table refuses: the counts must not change either)."""
    application = Application.objects.get(pk=application.pk)
    current = application.current_stage
    targets = sorted(
        {
            rule.leads_to(current=current, held_from=application.held_from_stage)
            for rule in TRANSITIONS
            if Role.HQ in rule.roles and not rule.guards and current in rule.sources
        }
        - {None}
    )
    target = "enlisted" if choice == 0 or not targets else targets[choice % len(targets)]
    with contextlib.suppress(EnlistError):
        application_transition(application=application, to=target, actor=hq, reason="noted")


submission = st.tuples(
    st.just("submit"),
    st.integers(0, 1),
    st.sampled_from(NATIONALITIES),
    st.sampled_from(CHANNELS),
    st.integers(0, 60),
)
operation = st.one_of(
    submission,
    st.tuples(
        st.just("submit"),
        st.integers(0, 1),
        st.sampled_from(NATIONALITIES),
        st.sampled_from(CHANNELS),
        st.integers(0, 60),
    ),
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(0, 12), st.integers(0, 400)),
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(1, 12), st.integers(0, 100)),
    st.tuples(st.just("transfer"), st.integers(0, 30), st.integers(0, 1), st.integers(0, 50)),
)


def _direct_counts(filters: ReportFilters, today: datetime.date) -> dict:
    """The dashboard's figures counted from the cases themselves."""
    cases = Application.objects.all()
    if filters.mission_id is not None:
        cases = cases.filter(mission_id=filters.mission_id)
    if filters.nationality:
        cases = cases.filter(nationality_id=filters.nationality)
    cases = list(cases)
    history = {}
    for change in StageChange.objects.order_by("at", "pk"):
        history.setdefault(change.application_id, []).append(change)

    def in_period(moment):
        return filters.start <= moment.astimezone(datetime.UTC).date() <= filters.end

    submitted = [a for a in cases if in_period(a.submitted_at)]
    intake = Counter((a.submitted_at.astimezone(datetime.UTC).date(), a.channel) for a in submitted)
    reached = Counter(s for a in submitted for s in {c.to_stage for c in history[a.pk]})
    closures = Counter()
    stays: dict[str, list[int]] = {}
    first_monday = filters.start - datetime.timedelta(days=filters.start.weekday())
    for a in cases:
        changes = history[a.pk]
        for before, after in zip(changes, changes[1:], strict=False):
            ended = after.at.astimezone(datetime.UTC).date()
            if after.to_stage in ("referred", "rejected", "withdrawn") and in_period(after.at):
                by = "applicant" if after.actor_role == "applicant" else "staff"
                closures[f"{before.to_stage}>{after.to_stage}:{by}"] += 1
            if first_monday <= ended - datetime.timedelta(days=ended.weekday()) <= filters.end:
                days = int((after.at - before.at).total_seconds() // 86400)
                stays.setdefault(before.to_stage, []).append(days)
    queues = {}
    for a in cases:
        if a.stage in SERVICE_TARGET_DAYS:
            entered = a.stage_changed_at.astimezone(datetime.UTC).date()
            waiting, over = queues.setdefault(a.mission_id, {}).get(a.stage, (0, 0))
            late = (today - entered).days > SERVICE_TARGET_DAYS[a.stage]
            queues[a.mission_id][a.stage] = (waiting + 1, over + late)

    def rank(values, q):
        ordered = sorted(values)
        return ordered[math.ceil(q * len(ordered)) - 1]

    return {
        "intake": intake,
        "reached": reached,
        "nationality": Counter(a.nationality_id for a in submitted),
        "mission": Counter(a.mission_id for a in submitted),
        "closures": closures,
        "durations": {s: (len(v), rank(v, 0.5), rank(v, 0.9)) for s, v in stays.items() if v},
        "queues": queues,
    }


def _dashboard_counts(filters: ReportFilters, today: datetime.date) -> dict:
    by_day = selectors.intake_by_day(filters)
    queues = selectors.queues_over_target(filters, today=today)
    return {
        "intake": Counter(
            {(day, ch): n for day, counts in by_day.items() for ch, n in counts.items() if n}
        ),
        "reached": selectors.funnel(filters),
        "nationality": selectors.by_nationality(filters),
        "mission": selectors.by_mission(filters),
        "closures": selectors.closures(filters),
        "durations": {
            s: (d.stays, d.median, d.p90) for s, d in selectors.stage_durations(filters).items()
        },
        "queues": {
            m: {s: (q.waiting, q.over_target) for s, q in stages.items() if q.waiting}
            for m, stages in queues.items()
        },
    }


@pytest.mark.django_db
@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    submissions=st.lists(submission, min_size=1, max_size=12),
    operations=st.lists(operation, max_size=40),
    window=st.tuples(st.integers(0, 10), st.integers(5, 120)),
    mission_filter=st.sampled_from([None, 0, 1]),
    nationality_filter=st.sampled_from([None, "LT", "BY"]),
)
def test_dashboard_numbers_equal_a_direct_count_over_the_cases(
    submissions, operations, window, mission_filter, nationality_filter
):
    with transaction.atomic():
        missions = [
            MissionFactory(code="lt-vilnius", country_id="LT", timezone="Europe/Vilnius"),
            MissionFactory(code="no-oslo", country_id="NO", timezone="Europe/Oslo"),
        ]
        hq = StaffFactory(username="hq-counts", role="hq", mission=None)
        cases: list[Application] = []
        clock = START
        for op in [*submissions, *operations]:
            if op[0] == "submit":
                _, m, nationality, channel, hours = op
                clock += datetime.timedelta(hours=hours)
                with mock.patch("django.utils.timezone.now", return_value=clock):
                    cases.append(_submit(missions[m], nationality, channel, clock))
            elif cases and op[0] == "move":
                _, index, target, hours = op
                clock += datetime.timedelta(hours=hours)
                with mock.patch("django.utils.timezone.now", return_value=clock):
                    _move(cases[index % len(cases)], target, hq)
            elif cases:
                _, index, m, hours = op
                clock += datetime.timedelta(hours=hours)
                case = Application.objects.get(pk=cases[index % len(cases)].pk)
                with (
                    mock.patch("django.utils.timezone.now", return_value=clock),
                    contextlib.suppress(EnlistError),
                ):
                    application_transfer(
                        application=case, to_mission=missions[m], actor=hq, reason="moved"
                    )
        incremental = _stored()
        pipeline_aggregates_rebuild()
        assert _stored() == incremental

        today = clock.date() + datetime.timedelta(days=3)
        start = START.date() + datetime.timedelta(days=window[0])
        filters = ReportFilters(
            start=start,
            end=start + datetime.timedelta(days=window[1]),
            mission_id=None if mission_filter is None else missions[mission_filter].pk,
            nationality=nationality_filter,
        )
        direct = _direct_counts(filters, today)
        event(f"cases {min(len(cases), 5)}+, changes {min(StageChange.objects.count(), 9)}+")
        event(f"stays counted: {min(sum(d[0] for d in direct['durations'].values()), 5)}+")
        event(f"closures counted: {min(sum(direct['closures'].values()), 3)}+")
        assert _dashboard_counts(filters, today) == direct
        transaction.set_rollback(True)


def test_a_transfer_moves_every_count_to_the_new_mission(vilnius, oslo, hq):
    case = _submit(vilnius, "LT", Channel.WEB, START)
    application_transition(application=case, to="screening", actor=hq)
    everything = ReportFilters(start=START.date(), end=START.date() + datetime.timedelta(days=400))
    at = lambda m: ReportFilters(start=everything.start, end=everything.end, mission_id=m.pk)  # noqa: E731
    assert selectors.funnel(at(vilnius))["screening"] == 1
    application_transfer(application=case, to_mission=oslo, actor=hq, reason="closer to home")
    assert selectors.funnel(at(vilnius)) == Counter()
    assert selectors.funnel(at(oslo)) == Counter({"submitted": 1, "screening": 1})
    assert selectors.by_mission(everything) == Counter({oslo.pk: 1})


def test_a_refused_move_changes_no_count(vilnius, clerk_vilnius):
    case = _submit(vilnius, "LT", Channel.WEB, START)
    before = _stored()
    with pytest.raises(EnlistError):
        application_transition(application=case, to="enlisted", actor=clerk_vilnius)
    assert _stored() == before


def test_rebuild_command_counts_cases_stored_without_history(vilnius, capsys):
    # A bulk-loaded case may come without history rows: its stage still counts.
    case = _submit(vilnius, "LT", Channel.PHONE, START)
    StageChange.objects.filter(application=case).delete()
    Application.objects.filter(pk=case.pk).update(
        stage="interview", stage_changed_at=START + datetime.timedelta(days=2)
    )
    PipelineCount.objects.all().delete()
    call_command("reports", "rebuild")
    assert "count rows rebuilt" in capsys.readouterr().out
    everything = ReportFilters(start=START.date(), end=START.date() + datetime.timedelta(days=9))
    assert selectors.funnel(everything) == Counter({"submitted": 1, "interview": 1})
    assert selectors.stage_durations(everything)["submitted"].median == 2


def test_counts_roll_back_with_the_change_they_count(vilnius, hq):
    case = _submit(vilnius, "LT", Channel.WEB, START)
    before = _stored()

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        application_transition(application=case, to="screening", actor=hq)
        assert _stored() != before  # counted in the move's own transaction
        raise Undone
    assert _stored() == before


def _batch(mission, tag, nationalities):
    from enlist.intake.schemas import ApplicationIn
    from enlist.intake.services import BatchItem, applications_submit_batch
    from tests.factories import application_payload

    items = []
    for n, nationality in enumerate(nationalities):
        payload = application_payload(mission=mission.code, nationality=nationality)
        payload["email"] = f"batch-{tag}-{n}@example.org"
        data = ApplicationIn.model_validate(payload, strict=False)
        key = f"batch-{tag}-{n}"
        items.append(BatchItem(data=data, idempotency_key=key, body=key.encode()))
    return applications_submit_batch(items=items, channel=Channel.IMPORT, mission=mission)


@pytest.mark.django_db
def test_a_batch_is_counted_once_per_case_in_a_fixed_number_of_statements():
    """An import reaches the trail's listener as one append: every case counted (equal to a
    rebuild), and the counts cost the same statements for 3 cases as for 30."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mission = MissionFactory()
    costs = []
    for size in (3, 30):
        with CaptureQueriesContext(connection) as captured:
            _batch(mission, size, [NATIONALITIES[i % len(NATIONALITIES)] for i in range(size)])
        costs.append(
            sum(
                1
                for q in captured.captured_queries
                if "reports_pipelinecount" in q["sql"] or "cases_stagechange" in q["sql"]
            )
        )
    assert costs[0] == costs[1]
    stored = _stored()
    imports = sum(
        n
        for (measure, _day, mission_id, nationality, channel, _days), n in stored.items()
        if measure == "intake" and mission_id == 0 and nationality == "" and channel == "import"
    )
    assert imports == 33
    pipeline_aggregates_rebuild()
    assert _stored() == stored


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.PHONE, Channel.IMPORT])
def test_a_submission_is_counted_from_the_case_as_written_equal_to_reading_it_back(
    vilnius, clerk_vilnius, channel
):
    """The listener counts a new case from the application its transaction wrote (no read
    back): those facts are exactly what ``case_facts`` reads from the database."""
    from enlist.audit.models import AuditEntry
    from enlist.intake.schemas import ApplicationIn
    from enlist.intake.services import Consent, application_submit
    from enlist.reports.services import _new_case_facts, case_facts
    from tests.factories import application_payload

    data = ApplicationIn.model_validate(application_payload(mission=vilnius.code), strict=False)
    actor = clerk_vilnius if channel == Channel.PHONE else None
    consent = Consent(confirmed=True, recorded_by=actor) if actor else None
    application = application_submit(
        data=data, channel=channel, actor=actor, consent=consent, submitted_at=START
    ).application
    entry = AuditEntry.objects.get(target_type="application", target_id=str(application.pk))
    assert entry.actor_role == ("applicant" if channel == Channel.WEB else
                                "clerk" if actor else "system")  # fmt: skip
    assert _new_case_facts(application, entry.actor_role) == case_facts(application.pk)
    assert _stored() == Counter(pipeline_aggregates_rebuild_counts())


def pipeline_aggregates_rebuild_counts() -> Counter:
    """The counts a rebuild from the stored cases makes (then the stored ones are put back)."""
    before = _stored()
    with transaction.atomic():
        pipeline_aggregates_rebuild()
        rebuilt = _stored()
        transaction.set_rollback(True)
    assert _stored() == before
    return rebuilt
