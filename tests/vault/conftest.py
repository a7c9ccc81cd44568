"""Fixtures of the vault tests."""

from __future__ import annotations

import pytest

from enlist.missions.models import Country
from enlist.missions.seed import country_rows


@pytest.fixture
def countries():
    """The seeded countries, put back if a transactional test before flushed them."""
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        Country(**row) for row in country_rows() if row["code"] not in existing
    )
