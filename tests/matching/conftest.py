"""Shared data for the matching tests: a small generated applicant set with known truth."""

from __future__ import annotations

import numpy as np
import pytest

from enlist.matching.records import Record
from enlist.matching.synthetic import generated_records


def pairwise_f1(predicted: list[int], truth: list[int]) -> tuple[float, float, float]:
    """Precision, recall and F1 over the pairs of records put (or truly) together."""

    def pairs(labels: np.ndarray) -> int:
        _, counts = np.unique(labels, return_counts=True)
        return int((counts * (counts - 1) // 2).sum())

    pred, true = np.asarray(predicted, dtype=np.int64), np.asarray(truth, dtype=np.int64)
    both = pairs(pred * (true.max() + 1) + true)
    p_pairs, t_pairs = pairs(pred), pairs(true)
    precision = both / p_pairs if p_pairs else 1.0
    recall = both / t_pairs if t_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@pytest.fixture(scope="session")
def applicants() -> tuple[list[Record], list[int]]:
    return generated_records(3000, seed=11)


@pytest.fixture
def kovalenko() -> Record:
    return Record(
        id="web-1",
        given_name="Oleksandr",
        family_name="Kovalenko",
        date_of_birth="1990-04-17",
        nationality="UA",
        passport_number="AB123456",
        email="o.kovalenko@gmail.com",
        phone="+380 67 123 4567",
        city="Kyiv",
    )


@pytest.fixture(scope="session")
def base_result():
    """A fitted batch over 400 generated records, for properties that add records to it."""
    from enlist.matching import deduplicate

    records, truth = generated_records(400, seed=3)
    return deduplicate(records, threshold=0.9), records, truth
