"""Incremental matching: one new record against everything stored."""

from __future__ import annotations

import numpy as np

from enlist.matching import MatchIndex, Record, deduplicate
from enlist.matching.compare import compare
from enlist.matching.encode import encode_records
from enlist.matching.scoring import Model


def test_walk_in_finds_the_web_application_at_another_mission(applicants, kovalenko):
    records, _ = applicants
    index = MatchIndex.build([*records[:1000], kovalenko])
    walk_in = Record(
        id="walk-in",
        given_name="Олександр",
        family_name="Коваленко",
        date_of_birth="17.04.1990",
        phone="067 123 45 67",
        nationality="UKR",
    )
    best = index.query(walk_in, limit=3)
    assert best[0].left == "walk-in" and best[0].right == "web-1"
    assert best[0].probability > 0.99
    assert all(p.probability <= best[0].probability for p in best)


def test_added_record_is_found_by_the_next_query(applicants, kovalenko):
    records, _ = applicants
    index = MatchIndex.build(records[:500])
    assert all(p.right != "web-1" for p in index.query(kovalenko))
    index.add(kovalenko)
    assert len(index) == 501
    found = index.query(Record(id="q", given_name="Sasha", family_name="Kovalenko",
                               email="O.Kovalenko+x@gmail.com"))  # fmt: skip
    assert found[0].right == "web-1"


def test_query_scores_like_batch_with_the_same_model(applicants):
    records, _ = applicants
    batch = deduplicate(records[:800])
    index = MatchIndex.build(records[:800], model=batch.model)
    k = int(np.argmax(batch.probability))
    left, right = int(batch.left[k]), int(batch.right[k])
    found = {p.right: p for p in index.query(records[left], limit=50)}
    assert abs(found[records[right].id].probability - batch.probability[k]) < 1e-9


def test_records_added_one_by_one_score_as_an_index_built_on_all_of_them(applicants):
    records, _ = applicants
    model = Model.default()  # the same model for both: only the term frequencies differ
    built = MatchIndex.build(records[:800], model=model)
    grown = MatchIndex.build(records[:300], model=model)
    for record in records[300:800]:
        grown.add(record)
    assert len(grown) == len(built) == 800
    assert grown.model.tf_total == built.model.tf_total == 800
    assert grown.model.nat_total.tolist() == built.model.nat_total.tolist()
    for record in records[:800:40]:
        expected = built.query(record, limit=20)
        assert expected  # each record finds at least itself
        assert grown.query(record, limit=20) == expected


def test_query_does_not_change_the_index(applicants):
    records, _ = applicants
    index = MatchIndex.build(records[:300])
    first = index.query(records[5], limit=5)
    assert index.query(records[5], limit=5) == first
    assert len(index) == 300


def test_empty_index_answers_nothing(kovalenko):
    index = MatchIndex()
    assert index.query(kovalenko) == []
    index.add(kovalenko)
    assert index.query(kovalenko)[0].right == "web-1"


def test_candidates_share_a_blocking_key(applicants):
    records, _ = applicants
    index = MatchIndex.build(records[:300])
    rows = index.candidates(records[0])
    assert 0 in rows.tolist()
    data = encode_records(records[:1])
    assert compare(data, np.array([0]), data, np.array([0])).levels.shape == (1, 8)


def test_encoding_in_two_processes_gives_the_same_columns(monkeypatch):
    from enlist.matching import encode
    from enlist.matching.synthetic import generate_applicants

    columns = generate_applicants(400, seed=9)
    serial = encode.encode_columns(columns, workers=1)
    monkeypatch.setattr(encode, "PARALLEL_MIN_RECORDS", 100)
    parallel = encode.encode_columns(columns, workers=2)
    for name in encode.COLUMNS:
        left, right = getattr(serial, name), getattr(parallel, name)
        if name in ("passport", "email", "email_local", "phone"):
            vocab = {"passport": "passports", "phone": "phones"}.get(name, "emails")
            left = getattr(serial.vocab, vocab).strings()[left]
            right = getattr(parallel.vocab, vocab).strings()[right]
        assert (left == right).all(), name
