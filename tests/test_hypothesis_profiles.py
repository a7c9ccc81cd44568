"""The two hypothesis profiles of tests/conftest.py, chosen by ENLIST_HYPOTHESIS_PROFILE (or
CI), each loaded in a fresh interpreter so the profile of this run does not decide."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, django
django.setup()
import hypothesis
from tests import conftest
s = hypothesis.settings()
print(json.dumps({"profile": conftest.HYPOTHESIS_PROFILE, "default": s.max_examples,
                  "full_60": conftest.examples(60), "full_12": conftest.examples(12),
                  "derandomize": s.derandomize, "deadline": s.deadline,
                  "print_blob": s.print_blob}))
"""


def _probe(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "ENLIST_HYPOTHESIS_PROFILE")}
    base["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), base.get("PYTHONPATH")]))
    base.setdefault("DJANGO_SETTINGS_MODULE", "enlist.settings")
    return subprocess.run(  # noqa: S603 - this interpreter, a fixed probe
        [sys.executable, "-c", PROBE],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _loaded(**env: str) -> dict:
    done = _probe(**env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "env", [{"ENLIST_HYPOTHESIS_PROFILE": "ci"}, {"CI": "true"}], ids=["named", "on-ci"]
)
def test_ci_runs_every_property_at_full_count_with_random_seeds(env):
    assert _loaded(**env) == {
        "profile": "ci",
        "default": 100,
        "full_60": 60,
        "full_12": 12,
        "derandomize": False,
        "deadline": None,
        "print_blob": True,
    }


def test_quick_local_runs_take_a_tenth_and_at_least_five():
    loaded = _loaded()
    assert (loaded["profile"], loaded["default"], loaded["full_60"], loaded["full_12"]) == (
        "quick",
        10,
        6,
        5,
    )
    assert loaded["derandomize"] is False


def test_an_unknown_profile_is_refused_by_name():
    done = _probe(ENLIST_HYPOTHESIS_PROFILE="thorough")
    assert done.returncode != 0
    assert "ENLIST_HYPOTHESIS_PROFILE must be one of ci, quick, not 'thorough'" in done.stderr
