"""The retention policy (pure): how long each closed case keeps its personal data."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from enlist.cases.workflow import FINAL_STAGES, OPEN_STAGES
from enlist.vault.retention import (
    DEFAULT_RETENTION_DAYS,
    HIGH_RISK_ADVISORIES,
    PolicyError,
    RetentionPolicy,
    is_high_risk,
)

FINAL = sorted(s.value for s in FINAL_STAGES)
NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
POLICY = RetentionPolicy.from_days(DEFAULT_RETENTION_DAYS, final_stages=FINAL)


@pytest.mark.parametrize(
    ("stage", "high_risk", "days"),
    [
        ("rejected", False, 90),
        ("referred", False, 90),
        ("withdrawn", False, 30),
        ("enlisted", False, 30),
        ("rejected", True, 7),
        ("referred", True, 7),
        ("withdrawn", True, 7),
        ("enlisted", True, 7),
    ],
)
def test_the_retention_table(stage, high_risk, days):
    assert POLICY.days(stage=stage, high_risk=high_risk) == days
    entered = NOW - datetime.timedelta(days=days)
    assert POLICY.erase_after(stage=stage, entered_at=entered, high_risk=high_risk) == NOW
    assert POLICY.is_due(stage=stage, entered_at=entered, high_risk=high_risk, now=NOW)
    a_second_later = entered + datetime.timedelta(seconds=1)
    assert not POLICY.is_due(stage=stage, entered_at=a_second_later, high_risk=high_risk, now=NOW)


@pytest.mark.parametrize("stage", sorted(s.value for s in OPEN_STAGES))
@pytest.mark.parametrize("high_risk", [False, True])
def test_open_cases_are_never_due(stage, high_risk):
    long_ago = NOW - datetime.timedelta(days=10_000)
    assert POLICY.days(stage=stage, high_risk=high_risk) is None
    assert not POLICY.is_due(stage=stage, entered_at=long_ago, high_risk=high_risk, now=NOW)


@pytest.mark.parametrize(
    ("advisory", "high_risk"),
    [
        ("prosecuted", True),
        ("warned", True),
        ("discouraged", False),
        ("permitted", False),
        ("individual_decision", False),
        ("unclear", False),
        ("unknown", False),
    ],
)
def test_high_risk_means_prosecuted_or_warned(advisory, high_risk):
    assert is_high_risk(advisory) is high_risk
    assert {"prosecuted", "warned"} == HIGH_RISK_ADVISORIES


def test_high_risk_never_keeps_longer_than_the_stage_itself():
    policy = RetentionPolicy.from_days(
        {"rejected": 90, "referred": 90, "withdrawn": 3, "enlisted": 5, "high_risk": 7},
        final_stages=FINAL,
    )
    assert policy.days(stage="withdrawn", high_risk=True) == 3
    assert policy.days(stage="enlisted", high_risk=True) == 3
    assert policy.days(stage="rejected", high_risk=True) == 3
    assert policy.rule(stage="withdrawn", high_risk=True) == "withdrawn"
    assert policy.rule(stage="rejected", high_risk=True) == "rejected+high_risk"
    assert policy.rule(stage="rejected", high_risk=False) == "rejected"


def test_high_risk_gets_the_shortest_of_all_configured_rules():
    """Even when high_risk is configured longer than some stage's own period."""
    policy = RetentionPolicy.from_days(
        {"rejected": 90, "referred": 60, "withdrawn": 30, "enlisted": 14, "high_risk": 45},
        final_stages=FINAL,
    )
    for stage in FINAL:
        assert policy.days(stage=stage, high_risk=True) == 14
    assert policy.days(stage="rejected", high_risk=False) == 90


def test_cutoffs_list_each_stage_and_its_shorter_high_risk_rule():
    cutoffs = {(c.stage, c.high_risk): c.before for c in POLICY.cutoffs(now=NOW)}
    assert cutoffs == {
        ("enlisted", False): NOW - datetime.timedelta(days=30),
        ("enlisted", True): NOW - datetime.timedelta(days=7),
        ("referred", False): NOW - datetime.timedelta(days=90),
        ("referred", True): NOW - datetime.timedelta(days=7),
        ("rejected", False): NOW - datetime.timedelta(days=90),
        ("rejected", True): NOW - datetime.timedelta(days=7),
        ("withdrawn", False): NOW - datetime.timedelta(days=30),
        ("withdrawn", True): NOW - datetime.timedelta(days=7),
    }


@given(
    stage=st.sampled_from(FINAL),
    high_risk=st.booleans(),
    age=st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=200)),
)
def test_cutoffs_agree_with_is_due(stage, high_risk, age):
    entered = NOW - age
    by_cutoffs = any(
        c.stage == stage and (high_risk or not c.high_risk) and entered <= c.before
        for c in POLICY.cutoffs(now=NOW)
    )
    assert by_cutoffs == POLICY.is_due(
        stage=stage, entered_at=entered, high_risk=high_risk, now=NOW
    )


@pytest.mark.parametrize(
    "days",
    [
        {"rejected": 90, "referred": 90, "withdrawn": 30, "enlisted": 30},  # no high_risk
        {"rejected": 90, "referred": 90, "withdrawn": 30, "high_risk": 7},  # no enlisted
        {**DEFAULT_RETENTION_DAYS, "submitted": 5},  # an open stage
        {**DEFAULT_RETENTION_DAYS, "rejected": -1},
        {**DEFAULT_RETENTION_DAYS, "rejected": "90"},
        {**DEFAULT_RETENTION_DAYS, "rejected": True},
    ],
)
def test_malformed_tables_are_refused(days):
    with pytest.raises(PolicyError):
        RetentionPolicy.from_days(days, final_stages=FINAL)


def test_settings_defaults_are_the_policy_defaults():
    assert settings.ENLIST_RETENTION_DAYS == DEFAULT_RETENTION_DAYS


def _settings_in_a_fresh_process(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.ENLIST_RETENTION_DAYS, sort_keys=True))"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "enlist.settings",
            "ENLIST_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_one_environment_variable_overrides_one_period(tmp_path):
    done = _settings_in_a_fresh_process(
        tmp_path, ENLIST_RETENTION_REJECTED_DAYS="60", ENLIST_RETENTION_HIGH_RISK_DAYS="3"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {**DEFAULT_RETENTION_DAYS, "rejected": 60, "high_risk": 3}


@pytest.mark.parametrize("value", ["ninety", "-1"])
def test_a_malformed_period_stops_the_process(tmp_path, value):
    done = _settings_in_a_fresh_process(tmp_path, ENLIST_RETENTION_WITHDRAWN_DAYS=value)
    assert done.returncode != 0
    assert "ENLIST_RETENTION_WITHDRAWN_DAYS" in done.stderr
