"""Recognising the same volunteer across channels, missions and scripts. Pure Python, no Django.

Modules, in pipeline order:
- ``transliterate``, ``nicknames``, ``normalise``: names in any script to comparable keys;
  dates, phones, emails and passports to normal forms.
- ``encode``: records to integer columns (the form every later stage uses).
- ``blocking``: candidate pairs from several exact keys.
- ``compare``: an agreement level per field per pair.
- ``scoring``: Fellegi-Sunter weights with m/u estimated from the data (EM).
- ``clustering``: clusters without chaining through weak links.
- ``engine``: batch mode; ``index``: incremental mode; ``csvio``: the CSV job of ``enlist dedup``.
- ``synthetic``: a seeded generator of applicant records with known truth.
"""

from enlist.matching.engine import (
    DEFAULT_THRESHOLD,
    BatchResult,
    cluster_records,
    deduplicate,
    score,
    score_pairs,
)
from enlist.matching.index import MatchIndex
from enlist.matching.records import FieldEvidence, Record, ScoredPair
from enlist.matching.scoring import Model

__all__ = [
    "DEFAULT_THRESHOLD",
    "BatchResult",
    "FieldEvidence",
    "MatchIndex",
    "Model",
    "Record",
    "ScoredPair",
    "cluster_records",
    "deduplicate",
    "score",
    "score_pairs",
]
