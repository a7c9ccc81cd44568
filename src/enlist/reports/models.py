"""The reports' pre-aggregated counts and the public statistics' stored snapshots.

Nothing here names a person: counts by day, mission, nationality and stage (what stays in
clear on the application itself), and the disclosure-controlled figures published.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PipelineCount(models.Model):
    """One cell of the pipeline's counts (``reports/tallies.py`` says what each measure
    counts). Kept current by ``reports/services.py: tallies_on_entries`` and rebuilt from the
    cases by ``pipeline_aggregates_rebuild``."""

    measure = models.CharField(max_length=10)
    # Plain columns, not foreign keys: 0 and "" stand for every mission and every nationality
    # (the levels in ``tallies.py``), and the rows are derived: a rebuild makes them again.
    mission_id = models.IntegerField()
    nationality = models.CharField(max_length=2)
    day = models.DateField()
    dimension = models.CharField(max_length=40)
    days = models.PositiveIntegerField(default=0)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # The upsert's conflict target, and every read of one level (mission,
            # nationality): a measure's dimensions over a range of days.
            models.UniqueConstraint(
                fields=["measure", "mission_id", "nationality", "dimension", "day", "days"],
                name="pipelinecount_cell",
            )
        ]
        indexes = [
            # a breakdown by mission (HQ's "cases by mission", the queues): one dimension's
            # rows of every mission, without reading the other dimensions or nationalities
            models.Index(
                fields=["measure", "nationality", "dimension", "mission_id", "day"],
                name="pipelinecount_by_mission",
            ),
            # a breakdown by nationality ("cases by nationality"), the same way
            models.Index(
                fields=["measure", "mission_id", "dimension", "nationality", "day"],
                name="pipelinecount_by_nationality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.day} {self.dimension}: {self.count}"


class PublicSnapshot(models.Model):
    """The public statistics as published: computed at most once a UTC day and served as
    stored, so figures never move between refreshes (``reports/services.py``)."""

    computed_at = models.DateTimeField(default=timezone.now)
    as_of = models.DateField(help_text="The UTC day whose figures these are.")
    figures = models.JSONField(help_text="Disclosure-controlled figures, as published.")

    class Meta:
        ordering = ["-computed_at"]
        constraints = [
            models.UniqueConstraint(fields=["as_of"], name="publicsnapshot_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"public statistics of {self.as_of}"
