"""The reports' pre-aggregated counts and the public statistics' stored snapshots.

Nothing here names a person: counts by day, mission, nationality and stage (what stays in
clear on the application itself), and the disclosure-controlled figures published.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PipelineCount(models.Model):
    """One cell of the pipeline's counts (``reports/tallies.py`` says what each measure
    counts). Kept current by ``reports/services.py: tallies_on_entry`` and rebuilt from the
    cases by ``pipeline_aggregates_rebuild``."""

    measure = models.CharField(max_length=10)
    day = models.DateField()
    mission = models.ForeignKey("missions.Mission", on_delete=models.PROTECT, related_name="+")
    nationality = models.ForeignKey("missions.Country", on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(max_length=40)
    days = models.PositiveIntegerField(default=0)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # the upsert's conflict target; also HQ's dashboard reads (measure, day range)
            models.UniqueConstraint(
                fields=["measure", "day", "mission", "nationality", "dimension", "days"],
                name="pipelinecount_cell",
            )
        ]
        indexes = [
            # a mission's view: one measure of one mission over a period
            models.Index(fields=["measure", "mission", "day"], name="pipelinecount_mission"),
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
