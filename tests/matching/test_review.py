"""Through the database: namesakes, renewed passports, automatic links, learning from HQ.

Applications arrive through intake (``application_submit``), are matched on arrival, and HQ
decides through the services; the model in use is the newest ``MatchModel`` version.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command

from enlist.audit.models import AuditEntry
from enlist.errors import Conflict, NotPermitted
from enlist.matching.models import MatchCandidate, MatchModel, MatchStatus, Person, PersonLink
from enlist.matching.services import (
    match_confirm,
    match_dismiss,
    match_unlink,
    matching_model_learn,
    model_in_use,
    person_of,
)
from tests.matching.test_workflow import pair_of, submit

BASE = {
    "given_name": "Oleksandr",
    "family_name": "Melnyk",
    "given_name_native": None,
    "family_name_native": None,
    "date_of_birth": "1984-03-02",
    "nationality": "UA",
    "residence_country": "UA",
    "email": "o.melnyk84@example.org",
    "phone": "+380 67 555 1201",
    "passport_number": "FA104392",
}


def test_namesakes_with_different_birth_dates_and_passports_are_not_flagged(vilnius, oslo):
    first = submit(vilnius, BASE)
    namesake = {**BASE, "date_of_birth": "1979-11-20", "passport_number": "FB873310",
                "email": "oleksandr.melnyk@example.net", "phone": "+380 50 100 2002"}  # fmt: skip
    second = submit(oslo, namesake)
    assert not MatchCandidate.objects.filter(left_id__in=[first.pk, second.pk]).exists()
    assert not MatchCandidate.objects.filter(right_id__in=[first.pk, second.pk]).exists()


def test_renewed_passport_and_new_email_is_queued_for_review_not_linked(vilnius, oslo):
    first = submit(vilnius, BASE)
    renewed = {**BASE, "passport_number": "GT302119", "email": "melnyk.new@example.net"}
    second = submit(oslo, renewed)
    pair = pair_of(first, second)
    assert pair.status == MatchStatus.OPEN  # a person's judgement adds something here
    assert 0.9 <= pair.probability < 0.9999
    assert pair.evidence["passport_number"]["level"] == "disagree"
    assert pair.evidence["passport_number"]["weight"] < 0
    assert pair.evidence["email"]["weight"] < 0
    assert pair.model_version == 0
    assert not PersonLink.objects.exists()


def test_every_strong_identifier_equal_is_linked_without_review_and_undone_by_hq(vilnius, oslo, hq):
    first = submit(vilnius, BASE)
    again = submit(oslo, {**BASE, "given_name": "OLEKSANDR", "phone": "067 555 12 01"})
    pair = pair_of(first, again)
    assert pair.status == MatchStatus.LINKED
    assert pair.decided_by is None
    person = person_of(first)
    assert person is not None and person_of(again) == person
    entry = AuditEntry.objects.filter(target_type="match", target_id=str(pair.pk)).get()
    assert entry.detail["change"] == "match_auto_link" and entry.actor_role == "system"

    match_unlink(candidate=pair, actor=hq)
    pair.refresh_from_db()
    assert pair.status == MatchStatus.OPEN and pair.undo == {}
    assert not PersonLink.objects.exists() and not Person.objects.exists()
    assert AuditEntry.objects.filter(target_id=str(pair.pk), detail__change="match_unlink").exists()
    # Undone once: a second undo is refused and changes nothing.
    with pytest.raises(Conflict):
        match_unlink(candidate=pair, actor=hq)
    pair.refresh_from_db()
    assert pair.status == MatchStatus.OPEN


def test_only_hq_may_undo_an_automatic_link(vilnius, oslo, clerk_oslo):
    first = submit(vilnius, BASE)
    again = submit(oslo, dict(BASE))
    pair = pair_of(first, again)
    assert pair.status == MatchStatus.LINKED
    with pytest.raises(NotPermitted):
        match_unlink(candidate=pair, actor=clerk_oslo)
    pair.refresh_from_db()
    assert pair.status == MatchStatus.LINKED
    assert person_of(first) == person_of(again) is not None


def _open_pairs(vilnius, oslo, count: int) -> list[MatchCandidate]:
    """``count`` queued look-alike pairs: same name and birth date, different contacts."""
    pairs = []
    for k in range(count):
        person = {
            **BASE,
            "date_of_birth": f"19{60 + k}-03-02",
            "passport_number": None,
            "email": f"first.{k}@example.org",
            "phone": f"+380 67 555 {1000 + k}",
        }
        first = submit(vilnius, person)
        second = submit(oslo, {**person, "email": f"second.{k}@example.net", "phone": None})
        pairs.append(pair_of(first, second))
    return pairs


def test_a_burst_of_dismissals_changes_the_weights_only_within_the_guard(
    vilnius, oslo, hq, settings
):
    settings.ENLIST_MATCH_LEARN_EVERY = 12
    pairs = _open_pairs(vilnius, oslo, 12)
    assert {p.status for p in pairs} == {MatchStatus.OPEN}
    version, before = model_in_use()
    assert version == 0
    for pair in pairs:
        match_dismiss(candidate=pair, actor=hq)
    # The twelfth decision triggered learning: a new version, learned from 12 decisions.
    version, after = model_in_use()
    assert version == 1
    row = MatchModel.objects.get(version=1)
    assert row.decisions == 12 and row.created_by == hq
    # Dismissals inform the look-alike class only, and within the guard (one bit per step).
    assert np.allclose(after.weight_table(), before.weight_table())
    shift = np.abs(after.relative_table() - before.relative_table())
    assert shift.max() > 0.01  # they did count
    assert shift.max() <= 2.0 + 1e-9  # r and m each within a factor two
    assert AuditEntry.objects.filter(detail__change="match_model_learn").count() == 1


def test_learning_command_makes_a_version_only_when_there_are_new_decisions(
    vilnius, oslo, hq, settings
):
    settings.ENLIST_MATCH_LEARN_EVERY = 0  # only by the command
    pairs = _open_pairs(vilnius, oslo, 3)
    match_confirm(candidate=pairs[0], actor=hq)
    match_dismiss(candidate=pairs[1], actor=hq)
    out = io.StringIO()
    call_command("matching", "learn", stdout=out)
    assert "version 1" in out.getvalue()
    assert MatchModel.objects.get().decisions == 2
    assert matching_model_learn(actor=None) is None  # nothing new: no version
    assert MatchModel.objects.count() == 1
    # The next arrival is scored with the learned model and says so.
    person = {**BASE, "family_name": "Bondarenko", "passport_number": None}
    first = submit(vilnius, person)
    second = submit(oslo, {**person, "email": "other@example.net"})
    assert pair_of(first, second).model_version == 1


def test_queue_shows_the_model_version_and_every_fields_weight(vilnius, oslo, hq, client):
    from tests.conftest import sign_in

    _open_pairs(vilnius, oslo, 1)
    sign_in(client, hq)
    page = client.get("/staff/duplicates/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "version 0" in text
    assert "bits" in text
