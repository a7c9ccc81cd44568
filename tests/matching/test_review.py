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
from enlist.cases.gate import grant_open
from enlist.errors import Conflict, InvalidInput, NotPermitted
from enlist.matching.models import (
    MatchCandidate,
    MatchModel,
    MatchStatus,
    MatchUndo,
    Person,
    PersonLink,
)
from enlist.matching.services import (
    match_confirm,
    match_dismiss,
    match_unlink,
    matching_model_learn,
    model_in_use,
    person_of,
)
from tests.conftest import sign_in
from tests.matching.test_workflow import pair_of, submit

UNLINK_REASON = "Different fathers' names on the two passports"

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

    match_unlink(candidate=pair, actor=hq, reason=UNLINK_REASON)
    pair.refresh_from_db()
    assert pair.status == MatchStatus.OPEN and pair.undo == {}
    assert not PersonLink.objects.exists() and not Person.objects.exists()
    assert AuditEntry.objects.filter(target_id=str(pair.pk), detail__change="match_unlink").exists()
    # Undone once: a second undo is refused and changes nothing.
    with pytest.raises(Conflict):
        match_unlink(candidate=pair, actor=hq, reason=UNLINK_REASON)
    pair.refresh_from_db()
    assert pair.status == MatchStatus.OPEN


def test_only_hq_may_undo_an_automatic_link(vilnius, oslo, clerk_oslo):
    first = submit(vilnius, BASE)
    again = submit(oslo, dict(BASE))
    pair = pair_of(first, again)
    assert pair.status == MatchStatus.LINKED
    with pytest.raises(NotPermitted):
        match_unlink(candidate=pair, actor=clerk_oslo, reason=UNLINK_REASON)
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


# --- undoing links ----------------------------------------------------------------------------


def _linked(vilnius, oslo):
    first = submit(vilnius, BASE)
    again = submit(oslo, dict(BASE))
    pair = pair_of(first, again)
    assert pair.status == MatchStatus.LINKED
    return first, again, pair


def test_a_confirmed_pair_is_unlinked_with_a_reason_and_the_pairs_it_settled_reopen(
    vilnius, oslo, hq
):
    # One person three times: each pair shares one identifier and differs in the others.
    renewed = {**BASE, "passport_number": "GT302119", "email": "melnyk.new@example.net"}
    first = submit(vilnius, BASE)
    second = submit(oslo, renewed)
    third = submit(vilnius, {**BASE, "email": renewed["email"], "phone": "+380 50 999 0000"})
    pair, settled, implied = pair_of(first, second), pair_of(second, third), pair_of(first, third)
    match_confirm(candidate=settled, actor=hq)
    match_confirm(candidate=pair, actor=hq)  # settles first~third too
    assert pair_of(first, third).status == MatchStatus.CONFIRMED
    assert person_of(first) == person_of(third)
    # second~third was confirmed first: undoing it now would break first~second's person
    with pytest.raises(Conflict):
        match_unlink(candidate=settled, actor=hq, reason=UNLINK_REASON)

    match_unlink(candidate=pair, actor=hq, reason=UNLINK_REASON)
    pair.refresh_from_db()
    implied.refresh_from_db()
    assert pair.status == MatchStatus.OPEN and pair.decided_by is None
    assert implied.status == MatchStatus.OPEN
    assert person_of(first) is None
    assert person_of(second) == person_of(third) is not None  # the earlier link stays
    undo = MatchUndo.objects.get(candidate=pair)
    assert undo.reason == UNLINK_REASON and undo.undone == MatchStatus.CONFIRMED
    assert undo.actor == hq
    entry = AuditEntry.objects.get(target_id=str(pair.pk), detail__change="match_unlink")
    assert entry.detail["status"] == "confirmed" and entry.detail["count"] == 2
    assert entry.detail["reason_given"] is True
    assert "fathers" not in str(entry.detail)  # the reason is sealed, not audited


def test_unlinking_without_a_reason_is_refused_and_changes_nothing(vilnius, oslo, hq):
    first, again, pair = _linked(vilnius, oslo)
    for reason in ("", "   ", "too short"):
        with pytest.raises(InvalidInput) as refused:
            match_unlink(candidate=pair, actor=hq, reason=reason)
        assert refused.value.errors[0].field == "reason"
    pair.refresh_from_db()
    assert pair.status == MatchStatus.LINKED
    assert person_of(first) == person_of(again) is not None
    assert not MatchUndo.objects.exists()
    assert not AuditEntry.objects.filter(detail__change="match_unlink").exists()


def test_hq_undoes_an_automatic_link_from_the_queue_page(vilnius, oslo, hq, client):
    first, again, pair = _linked(vilnius, oslo)
    sign_in(client, hq)
    page = client.get("/staff/duplicates/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f"/staff/duplicates/{pair.pk}/unlink/" in text
    assert first.reference in text and again.reference in text

    refused = client.post(f"/staff/duplicates/{pair.pk}/unlink/", {"reason": ""}, follow=True)
    assert "at least 10 characters" in refused.content.decode()
    pair.refresh_from_db()
    assert pair.status == MatchStatus.LINKED

    done = client.post(f"/staff/duplicates/{pair.pk}/unlink/", {"reason": UNLINK_REASON})
    assert done.status_code == 302 and done["Location"] == "/staff/duplicates/"
    pair.refresh_from_db()
    assert pair.status == MatchStatus.OPEN
    assert person_of(first) is None and person_of(again) is None
    assert MatchUndo.objects.get(candidate=pair).reason == UNLINK_REASON
    assert AuditEntry.objects.filter(target_id=str(pair.pk), detail__change="match_unlink").exists()
    # back in the queue, no longer among the links
    text = client.get("/staff/duplicates/").content.decode()
    assert f"/staff/duplicates/{pair.pk}/unlink/" not in text
    assert f"/staff/duplicates/{pair.pk}/" in text


def test_the_pair_page_of_a_confirmed_pair_offers_the_undo(vilnius, oslo, hq, client):
    renewed = {**BASE, "passport_number": "GT302119", "email": "melnyk.new@example.net"}
    pair = pair_of(submit(vilnius, BASE), submit(oslo, renewed))
    match_confirm(candidate=pair, actor=hq)
    sign_in(client, hq)
    # A decided pair's cases are outside HQ's flow: opening them needs a reason first.
    assert client.get(f"/staff/duplicates/{pair.pk}/").status_code == 302
    session = client.session
    for application in (pair.left, pair.right):
        grant_open(user=hq, application=application, reason=UNLINK_REASON, via="web",
                   session=session)  # fmt: skip
    session.save()
    page = client.get(f"/staff/duplicates/{pair.pk}/")
    assert page.status_code == 200
    assert f"/staff/duplicates/{pair.pk}/unlink/" in page.content.decode()


def test_only_hq_may_post_an_unlink(vilnius, oslo, clerk_oslo, client):
    _, _, pair = _linked(vilnius, oslo)
    sign_in(client, clerk_oslo)
    answer = client.post(f"/staff/duplicates/{pair.pk}/unlink/", {"reason": UNLINK_REASON})
    assert answer.status_code == 404
    pair.refresh_from_db()
    assert pair.status == MatchStatus.LINKED


def test_a_chain_whose_ends_conflict_does_not_make_them_one_person(vilnius, oslo, hq):
    """A~B and B~C are each probable; A and C cannot be one person (dates of birth no error
    explains, passports and mailboxes differ). Confirming A~B, then B~C, is refused."""
    a = {**BASE, "date_of_birth": "1990-05-01", "passport_number": "FA700001",
         "phone": "+380 50 700 0001", "email": "ivan.petrenko.a@ukr.net"}  # fmt: skip
    b = {**a, "passport_number": None, "email": "ivan.petrenko.c@ukr.net"}
    c = {**BASE, "date_of_birth": "1971-09-12", "passport_number": "FK900002", "phone": None,
         "email": "ivan.petrenko.c@ukr.net"}  # fmt: skip
    first, middle, last = submit(vilnius, a), submit(oslo, b), submit(vilnius, c)
    ab, bc = pair_of(first, middle), pair_of(middle, last)
    assert ab.status == bc.status == MatchStatus.OPEN
    match_confirm(candidate=ab, actor=hq)
    with pytest.raises(Conflict) as refused:
        match_confirm(candidate=bc, actor=hq)
    assert refused.value.field == "status"
    bc.refresh_from_db()
    assert bc.status == MatchStatus.OPEN
    assert person_of(last) is None
    assert person_of(first) == person_of(middle) is not None
    match_dismiss(candidate=bc, actor=hq)  # HQ's way out: different people
    assert person_of(last) is None
