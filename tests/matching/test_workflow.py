"""Matching in the workflow: on arrival from every channel, on the case page, HQ's queue.

The story of the issue's "Done when": a walk-in recorded by a clerk in Oslo, with the
Russian transliteration of his name and his phone typed the local way, is the same man who
applied on the web form to Vilnius. He is flagged on arrival; the Oslo clerk sees only that
HQ is reviewing a possible duplicate; HQ finds the pair in its queue and confirms it into
one person, both applications kept with their history.
"""

from __future__ import annotations

import datetime
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from enlist.audit.models import AuditEntry, AuditSubject
from enlist.cases.models import Application, Channel, StageChange
from enlist.errors import Conflict, NotPermitted
from enlist.intake.schemas import ApplicationIn
from enlist.intake.services import application_submit
from enlist.jobs.models import Job, JobStatus
from enlist.jobs.worker import Worker
from enlist.matching.models import MatchCandidate, MatchKey, MatchStatus, Person, PersonLink
from enlist.matching.services import (
    application_match,
    application_match_arrived,
    applications_rematch,
    match_confirm,
    match_dismiss,
)
from tests.conftest import sign_in
from tests.factories import application_payload, matching_run

WEB = {
    "given_name": "Oleksandr",
    "family_name": "Kovalenko",
    "given_name_native": "Олександр",
    "family_name_native": "Коваленко",
    "date_of_birth": "1991-03-08",
    "nationality": "UA",
    "residence_country": "UA",
    "email": "oleksandr.kovalenko@example.org",
    "phone": "+380 50 123 4567",
    "passport_number": "FE123456",
}
WALK_IN = {
    "given_name": "Aleksandr",
    "family_name": "Kovalenko",
    "given_name_native": None,
    "family_name_native": None,
    "date_of_birth": "1991-03-08",
    "nationality": "UA",
    "residence_country": "UA",
    "email": "sasha.k.1991@example.net",
    "phone": "050-123-45-67",
    "passport_number": None,
}
STRANGER = {
    "given_name": "Ingrid",
    "family_name": "Solberg",
    "given_name_native": None,
    "family_name_native": None,
    "date_of_birth": "1985-11-30",
    "nationality": "NO",
    "residence_country": "NO",
    "email": "ingrid.solberg@example.no",
    "phone": "+47 912 34 567",
    "passport_number": "NO7654321",
}


def submit(mission, person: dict, *, channel=Channel.WEB, actor=None) -> Application:
    data = ApplicationIn.model_validate(
        application_payload(mission=mission.code, **person), strict=False
    )
    application = application_submit(data=data, channel=channel, actor=actor).application
    matching_run()  # the worker runs the matching job queued with it
    return application


@pytest.fixture
def web_vilnius(vilnius):
    return submit(vilnius, WEB)


@pytest.fixture
def walk_in_oslo(oslo, clerk_oslo, web_vilnius):
    return submit(oslo, WALK_IN, channel=Channel.WALK_IN, actor=clerk_oslo)


def pair_of(a: Application, b: Application) -> MatchCandidate:
    left, right = sorted([a.pk, b.pk], key=str)
    return MatchCandidate.objects.get(left_id=left, right_id=right)


# --- on arrival --------------------------------------------------------------------------


def test_walk_in_with_transliterated_name_and_local_phone_is_flagged_on_arrival(
    web_vilnius, walk_in_oslo
):
    pair = pair_of(web_vilnius, walk_in_oslo)
    assert pair.status == MatchStatus.OPEN
    assert pair.probability >= 0.9
    assert pair.evidence["given_name"]["level"] == "same name or nickname"
    assert pair.evidence["family_name"]["level"] == "exact"
    assert pair.evidence["date_of_birth"]["level"] == "exact"
    assert pair.evidence["phone"]["level"] == "exact"
    assert pair.evidence["email"]["level"] == "disagree"
    assert "passport_number" not in pair.evidence  # missing on one side: no evidence
    # The evidence holds levels and weights, never a value.
    stored = repr(pair.evidence)
    for value in ("Kovalenko", "Oleksandr", "Aleksandr", "4567", "1991", "example"):
        assert value not in stored


def test_unrelated_applicants_are_not_flagged(vilnius, oslo, web_vilnius):
    submit(oslo, STRANGER)
    assert MatchCandidate.objects.count() == 0


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.EMAIL, Channel.PHONE, Channel.IMPORT])
def test_every_channel_is_matched_on_arrival(vilnius, oslo, hq, web_vilnius, channel):
    actor = None if channel == Channel.WEB else hq
    duplicate = submit(oslo, WALK_IN, channel=channel, actor=actor)
    assert pair_of(web_vilnius, duplicate).status == MatchStatus.OPEN


def test_blocking_keys_are_digests_only(web_vilnius):
    keys = list(MatchKey.objects.filter(application=web_vilnius).values_list("digest", flat=True))
    assert len(keys) >= 8
    assert all(len(bytes(k)) == 32 for k in keys)
    blob = b"".join(bytes(k) for k in keys)
    for value in (b"kovalenko", b"oleksandr", b"1991", b"12345"):
        assert value not in blob.lower()


def test_erasure_deletes_the_blocking_digests(hq, web_vilnius):
    from enlist.cases.erasure import application_shred

    assert MatchKey.objects.filter(application=web_vilnius).exists()
    application_shred(application=web_vilnius, actor=hq, reason="Asked by phone.")
    assert not MatchKey.objects.filter(application=web_vilnius).exists()


def test_candidates_are_bounded(settings, vilnius, oslo):
    settings.ENLIST_MATCH_MAX_CANDIDATES = 3
    for n in range(6):
        submit(vilnius, {**WEB, "email": f"o{n}@example.org", "passport_number": f"FE00000{n}"})
    newest = submit(oslo, WALK_IN)
    pairs = MatchCandidate.objects.filter(right=newest) | MatchCandidate.objects.filter(left=newest)
    assert pairs.count() == 3


def test_a_failure_while_matching_never_loses_the_application_and_is_retried(
    monkeypatch, vilnius, oslo, web_vilnius
):
    import enlist.matching.services as services

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_match_scores", broken)
    application = submit(oslo, WALK_IN)
    assert Application.objects.filter(pk=application.pk).exists()
    assert StageChange.objects.filter(application=application).count() == 1
    job = Job.objects.get(kind="matching.on_arrival", payload={"application": str(application.pk)})
    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert job.last_error.startswith("RuntimeError")
    assert not MatchCandidate.objects.exists()

    monkeypatch.undo()
    later = timezone.now() + datetime.timedelta(hours=1)
    assert Worker(name="test", schedule=False).run_burst(now=later) == 1
    assert pair_of(web_vilnius, application).status == MatchStatus.OPEN


def test_a_submission_queues_its_matching_and_the_worker_flags_the_pair(vilnius, oslo, run_jobs):
    def arrive(mission, person):
        data = ApplicationIn.model_validate(
            application_payload(mission=mission.code, **person), strict=False
        )
        return application_submit(data=data, channel=Channel.WEB).application

    web, walk_in = arrive(vilnius, WEB), arrive(oslo, WALK_IN)

    # In the request: one job per application, holding its id only; no digest, no pair yet.
    jobs = Job.objects.filter(kind="matching.on_arrival").order_by("pk")
    assert [j.payload for j in jobs] == [
        {"application": str(web.pk)},
        {"application": str(walk_in.pk)},
    ]
    assert {j.status for j in jobs} == {JobStatus.PENDING}
    assert not MatchKey.objects.exists() and not MatchCandidate.objects.exists()

    assert run_jobs() == 2
    assert pair_of(web, walk_in).status == MatchStatus.OPEN
    assert set(jobs.values_list("status", flat=True)) == {JobStatus.DONE}


def test_a_matching_job_run_twice_does_no_harm(vilnius, oslo, web_vilnius):
    again = submit(oslo, {**WEB, "given_name": "OLEKSANDR"})  # certain: linked automatically
    pair = pair_of(web_vilnius, again)
    assert pair.status == MatchStatus.LINKED
    keys = sorted(MatchKey.objects.filter(application=again).values_list("digest", flat=True))
    entries = AuditEntry.objects.count()

    # The worker was killed after its commit: the same job runs again, for both of them.
    for application in (again, web_vilnius):
        assert application_match_arrived(application_id=str(application.pk)) == []

    assert MatchCandidate.objects.count() == 1
    assert pair_of(web_vilnius, again).status == MatchStatus.LINKED
    assert PersonLink.objects.count() == 2 and Person.objects.count() == 1
    assert (
        sorted(MatchKey.objects.filter(application=again).values_list("digest", flat=True)) == keys
    )
    assert AuditEntry.objects.count() == entries  # no second automatic link recorded


def test_a_matching_job_for_an_application_gone_since_does_nothing(vilnius):
    missing = uuid.uuid4()
    assert application_match_arrived(application_id=str(missing)) == []
    assert not MatchKey.objects.exists()


# --- the done-when story -------------------------------------------------------------------


NEUTRAL = "Possible duplicate under review by headquarters."


def test_walk_in_flagged_seen_neutrally_queued_and_confirmed_into_one_person(
    client, vilnius, oslo, clerk_oslo, hq, web_vilnius, walk_in_oslo
):
    pair = pair_of(web_vilnius, walk_in_oslo)

    # The Oslo clerk sees that HQ is looking, and nothing about the Vilnius application.
    page = sign_in(client, clerk_oslo).get(f"/staff/cases/{walk_in_oslo.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert NEUTRAL in html
    for leak in (web_vilnius.reference, str(web_vilnius.pk), "lt-vilnius", "Vilnius", str(pair.pk)):
        assert leak not in html
    assert f"/staff/duplicates/{pair.pk}" not in html

    # HQ's queue lists the pair; the comparison shows both cases side by side.
    client.logout()
    sign_in(client, hq)
    queue = client.get("/staff/duplicates/")
    assert queue.status_code == 200
    assert f"/staff/duplicates/{pair.pk}/" in queue.content.decode()
    compared = client.get(f"/staff/duplicates/{pair.pk}/").content.decode()
    assert web_vilnius.reference in compared and walk_in_oslo.reference in compared
    assert "Oleksandr" in compared and "Aleksandr" in compared

    response = client.post(f"/staff/duplicates/{pair.pk}/confirm/")
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == MatchStatus.CONFIRMED and pair.decided_by == hq
    links = PersonLink.objects.filter(application__in=[web_vilnius, walk_in_oslo])
    assert links.count() == 2
    assert len({link.person_id for link in links}) == 1
    # Both applications are kept, each with its own history.
    for application in (web_vilnius, walk_in_oslo):
        assert Application.objects.filter(pk=application.pk).exists()
        assert [c.to_stage for c in StageChange.objects.filter(application=application)] == [
            "submitted"
        ]
    # Out of the open pairs; among the recent links, with its undo.
    open_pairs, _, links_shown = (
        client.get("/staff/duplicates/").content.decode().partition('id="links"')
    )
    assert f"/staff/duplicates/{pair.pk}/" not in open_pairs
    assert f"/staff/duplicates/{pair.pk}/unlink/" in links_shown


def test_staff_see_matches_inside_their_scope_with_score_evidence_and_link(
    client, vilnius, clerk_vilnius, web_vilnius
):
    second = submit(vilnius, WALK_IN, channel=Channel.WALK_IN, actor=clerk_vilnius)
    html = sign_in(client, clerk_vilnius).get(f"/staff/cases/{second.pk}/").content.decode()
    assert f"/staff/cases/{web_vilnius.pk}/" in html
    assert "same name (transliteration or nickname)" in html
    assert "%" in html
    assert NEUTRAL not in html


def test_the_other_side_sees_the_same_neutral_message(
    client, clerk_vilnius, web_vilnius, walk_in_oslo
):
    html = sign_in(client, clerk_vilnius).get(f"/staff/cases/{web_vilnius.pk}/").content.decode()
    assert NEUTRAL in html
    assert walk_in_oslo.reference not in html and "no-oslo" not in html


def test_a_case_without_matches_shows_no_section(client, clerk_vilnius, web_vilnius):
    html = sign_in(client, clerk_vilnius).get(f"/staff/cases/{web_vilnius.pk}/").content.decode()
    assert "possible-duplicates" not in html


@pytest.mark.parametrize("persona", ["clerk_vilnius", "clerk_oslo", "attache_vilnius", "auditor"])
def test_the_queue_is_hq_only(request, client, persona, web_vilnius, walk_in_oslo):
    pair = pair_of(web_vilnius, walk_in_oslo)
    sign_in(client, request.getfixturevalue(persona))
    assert client.get("/staff/duplicates/").status_code == 404
    assert client.get(f"/staff/duplicates/{pair.pk}/").status_code == 404
    assert client.post(f"/staff/duplicates/{pair.pk}/confirm/").status_code == 404
    assert client.post(f"/staff/duplicates/{pair.pk}/dismiss/").status_code == 404
    pair.refresh_from_db()
    assert pair.status == MatchStatus.OPEN


def test_queue_is_highest_probability_first(vilnius, oslo, hq, web_vilnius, walk_in_oslo):
    from enlist.matching.selectors import match_queue

    # Names and birth date only: flagged, with less evidence than the shared phone.
    submit(oslo, {**WALK_IN, "phone": None, "email": "other@example.net"})
    pairs = list(match_queue(user=hq))
    assert len(pairs) == 3
    probabilities = [p.probability for p in pairs]
    assert probabilities == sorted(probabilities, reverse=True)
    assert probabilities[0] > probabilities[-1]
    assert pairs[0] == pair_of(web_vilnius, walk_in_oslo)


# --- decisions -----------------------------------------------------------------------------


def test_only_hq_decides(clerk_oslo, web_vilnius, walk_in_oslo):
    pair = pair_of(web_vilnius, walk_in_oslo)
    with pytest.raises(NotPermitted):
        match_confirm(candidate=pair, actor=clerk_oslo)
    with pytest.raises(NotPermitted):
        match_dismiss(candidate=pair, actor=clerk_oslo)
    pair.refresh_from_db()
    assert pair.status == MatchStatus.OPEN
    assert not PersonLink.objects.exists()


def test_a_decided_pair_cannot_be_decided_again(hq, web_vilnius, walk_in_oslo):
    pair = pair_of(web_vilnius, walk_in_oslo)
    match_dismiss(candidate=pair, actor=hq)
    entries = AuditEntry.objects.count()
    with pytest.raises(Conflict, match="already dismissed"):
        match_confirm(candidate=pair_of(web_vilnius, walk_in_oslo), actor=hq)
    with pytest.raises(Conflict, match="already dismissed"):
        match_dismiss(candidate=pair_of(web_vilnius, walk_in_oslo), actor=hq)
    assert pair_of(web_vilnius, walk_in_oslo).status == MatchStatus.DISMISSED
    assert not PersonLink.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_dismissed_pair_is_never_proposed_again(oslo, hq, web_vilnius, walk_in_oslo):
    pair = pair_of(web_vilnius, walk_in_oslo)
    match_dismiss(candidate=pair, actor=hq)
    applications_rematch()
    application_match(application=walk_in_oslo)
    application_match(application=web_vilnius)
    assert MatchCandidate.objects.count() == 1
    assert pair_of(web_vilnius, walk_in_oslo).status == MatchStatus.DISMISSED
    from enlist.matching.selectors import match_queue

    assert list(match_queue(user=hq)) == []


def test_confirmation_settles_the_open_pairs_inside_the_person(
    vilnius, oslo, hq, web_vilnius, walk_in_oslo
):
    # A third application of the same man: three pairs, all open.
    third = submit(oslo, {**WALK_IN, "email": "third@example.net", "phone": "+380 67 000 1122"})
    assert MatchCandidate.objects.filter(status=MatchStatus.OPEN).count() == 3
    match_confirm(candidate=pair_of(web_vilnius, walk_in_oslo), actor=hq)
    person = PersonLink.objects.get(application=web_vilnius).person
    assert MatchCandidate.objects.filter(status=MatchStatus.OPEN).count() == 2
    match_confirm(candidate=pair_of(walk_in_oslo, third), actor=hq)
    # The first person's id is stable, and the pair (first, third) is settled with it.
    assert set(PersonLink.objects.values_list("person_id", flat=True)) == {person.pk}
    assert PersonLink.objects.count() == 3
    assert pair_of(web_vilnius, third).status == MatchStatus.CONFIRMED
    assert not MatchCandidate.objects.filter(status=MatchStatus.OPEN).exists()
    assert AuditEntry.objects.order_by("-sequence").first().detail["count"] == 2


def test_joining_two_confirmed_persons_merges_them(vilnius, oslo, hq):
    a1 = submit(vilnius, WEB)
    a2 = submit(oslo, WALK_IN)
    b1 = submit(vilnius, {**WEB, "email": "b1@example.org", "passport_number": "FE999999",
                          "phone": "+380 67 111 2233"})  # fmt: skip
    b2 = submit(oslo, {**WALK_IN, "email": "b2@example.net", "phone": "+380 67 111 2233"})
    match_confirm(candidate=pair_of(a1, a2), actor=hq)
    match_confirm(candidate=pair_of(b1, b2), actor=hq)
    assert Person.objects.count() == 2
    older = PersonLink.objects.get(application=a1).person
    match_confirm(candidate=pair_of(a2, b2), actor=hq)
    assert set(PersonLink.objects.values_list("person_id", flat=True)) == {older.pk}
    younger = Person.objects.exclude(pk=older.pk).get()
    assert younger.merged_into_id == older.pk


def test_once_one_person_a_rematch_proposes_no_pair_between_them(hq, web_vilnius, walk_in_oslo):
    pair = pair_of(web_vilnius, walk_in_oslo)
    match_confirm(candidate=pair, actor=hq)
    MatchCandidate.objects.all().delete()
    assert application_match(application=walk_in_oslo) == []
    assert MatchCandidate.objects.count() == 0


# --- audit ---------------------------------------------------------------------------------


def test_queue_views_and_decisions_are_audited(client, hq, web_vilnius, walk_in_oslo):
    pair = pair_of(web_vilnius, walk_in_oslo)
    ids = sorted([str(web_vilnius.pk), str(walk_in_oslo.pk)])
    sign_in(client, hq)
    start = AuditEntry.objects.order_by("-sequence").first().sequence

    client.get("/staff/duplicates/")
    listed = AuditEntry.objects.get(sequence=start + 1)
    assert listed.action == "view_list" and sorted(listed.detail["ids"]) == ids

    client.get(f"/staff/duplicates/{pair.pk}/")
    views = AuditEntry.objects.filter(sequence__gt=start + 1, action="view")
    assert sorted(e.target_id for e in views) == ids

    client.post(f"/staff/duplicates/{pair.pk}/dismiss/")
    decision = AuditEntry.objects.order_by("-sequence").first()
    assert decision.action == "change"
    assert decision.actor == hq
    assert decision.target_type == "match" and decision.target_id == str(pair.pk)
    assert decision.detail == {
        "via": "web",
        "change": "match_dismiss",
        "ids": [str(pair.left_id), str(pair.right_id)],
        "count": 1,
    }
    # "Who saw or changed case X" finds the decision under both cases.
    for application_id in ids:
        assert AuditSubject.objects.filter(entry=decision, application_id=application_id).exists()


def test_confirm_of_a_stale_pair_on_the_page_says_why(client, hq, web_vilnius, walk_in_oslo):
    pair = pair_of(web_vilnius, walk_in_oslo)
    match_confirm(candidate=pair, actor=hq)
    sign_in(client, hq)
    response = client.post(f"/staff/duplicates/{pair.pk}/dismiss/", follow=True)
    assert "already confirmed" in response.content.decode()
    assert pair_of(web_vilnius, walk_in_oslo).status == MatchStatus.CONFIRMED


# --- API -----------------------------------------------------------------------------------


def test_api_case_detail_has_the_matching_section(
    api_as, clerk_oslo, clerk_vilnius, web_vilnius, walk_in_oslo
):
    oslo_view = api_as(clerk_oslo).get(f"/applications/{walk_in_oslo.pk}").json()
    assert oslo_view["matching"] == {
        "person": None,
        "matches": [],
        "under_review_by_headquarters": True,
    }
    raw = json.dumps(oslo_view)
    assert str(web_vilnius.pk) not in raw and "lt-vilnius" not in raw


def test_api_case_detail_shows_in_scope_matches(api_as, hq, web_vilnius, walk_in_oslo):
    body = api_as(hq).get(f"/applications/{walk_in_oslo.pk}").json()
    (match,) = body["matching"]["matches"]
    assert match["id"] == str(web_vilnius.pk)
    assert match["mission"] == "lt-vilnius"
    assert match["status"] == "open"
    assert match["probability"] >= 0.9
    assert {"field": "phone", "level": "exact"} in [
        {"field": e["field"], "level": e["level"]} for e in match["evidence"]
    ]
    assert body["matching"]["under_review_by_headquarters"] is False


def test_api_queue_pair_and_decisions(api_as, hq, web_vilnius, walk_in_oslo):
    client = api_as(hq)
    queue = client.get("/duplicates").json()
    assert queue["count"] == 1
    (item,) = queue["items"]
    assert {item["left"]["id"], item["right"]["id"]} == {str(web_vilnius.pk), str(walk_in_oslo.pk)}
    detail = client.get(f"/duplicates/{item['id']}").json()
    assert {detail["left_case"]["reference"], detail["right_case"]["reference"]} == {
        web_vilnius.reference,
        walk_in_oslo.reference,
    }
    confirmed = client.post(f"/duplicates/{item['id']}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    person = confirmed.json()["person"]
    again = client.post(f"/duplicates/{item['id']}/dismiss")
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "status"
    assert client.get("/duplicates").json()["count"] == 0
    # decided: the case has left HQ's queue, so reading it needs a reason (need-to-know)
    body = client.get(f"/applications/{web_vilnius.pk}", reason="Checking the merge").json()
    assert body["matching"]["person"] == person
    assert body["matching"]["matches"][0]["status"] == "confirmed"


@pytest.mark.parametrize("persona", ["clerk_vilnius", "clerk_oslo", "auditor", "reception"])
def test_api_queue_is_hq_only(request, api_as, persona, web_vilnius, walk_in_oslo):
    pair = pair_of(web_vilnius, walk_in_oslo)
    client = api_as(request.getfixturevalue(persona))
    assert client.get("/duplicates").status_code == 404
    assert client.get(f"/duplicates/{pair.pk}").status_code == 404
    assert client.post(f"/duplicates/{pair.pk}/confirm").status_code == 404
    assert client.post(f"/duplicates/{pair.pk}/dismiss").status_code == 404
    assert pair_of(web_vilnius, walk_in_oslo).status == MatchStatus.OPEN


# --- rematch -------------------------------------------------------------------------------


def test_rematch_command_finds_pairs_missed_on_arrival(monkeypatch, vilnius, oslo, hq):
    import enlist.matching.services as services

    monkeypatch.setattr(services, "application_match_on_arrival", lambda **kw: None)
    monkeypatch.setattr("enlist.intake.services.application_match_on_arrival", lambda **kw: None)
    a = submit(vilnius, WEB)
    b = submit(oslo, WALK_IN)
    submit(oslo, STRANGER)
    assert MatchCandidate.objects.count() == 0
    out = io.StringIO()
    call_command("matching", "rematch", "--no-progress", stdout=out)
    assert "Matched 3 applications" in out.getvalue()
    assert "1 pairs await" in out.getvalue()
    assert pair_of(a, b).status == MatchStatus.OPEN
    assert AuditEntry.objects.order_by("-sequence").first().detail["change"] == "match_rematch"


def test_an_open_pair_rescored_below_a_new_threshold_leaves_the_queue(
    settings, hq, web_vilnius, walk_in_oslo
):
    settings.ENLIST_MATCH_THRESHOLD = 0.999999999999
    applications_rematch()
    assert not MatchCandidate.objects.exists()


def test_a_decided_pair_stays_whatever_the_new_threshold(settings, hq, web_vilnius, walk_in_oslo):
    match_dismiss(candidate=pair_of(web_vilnius, walk_in_oslo), actor=hq)
    settings.ENLIST_MATCH_THRESHOLD = 0.999999999999
    applications_rematch()
    assert pair_of(web_vilnius, walk_in_oslo).status == MatchStatus.DISMISSED


def test_namesakes_sharing_only_a_name_built_mailbox_are_not_flagged(vilnius, oslo):
    submit(vilnius, {**STRANGER, "email": "ingrid.solberg@example.no"})
    submit(oslo, {**STRANGER, "email": "ingrid.solberg@example.com", "date_of_birth": "1962-02-14",
                  "phone": "+47 400 00 000", "passport_number": None})  # fmt: skip
    assert MatchCandidate.objects.count() == 0


def test_end_to_end_web_form_api_then_walk_in_page_then_hq_api(
    client, api_as, vilnius, oslo, clerk_oslo, hq, run_jobs
):
    # The volunteer applies on the web (the public API the form's partners use) to Vilnius...
    body = application_payload(mission=vilnius.code, **WEB)
    created = api_as().post("/applications", body)
    assert created.status_code == 201
    web_id = created.json()["id"]
    # ...then walks into Oslo, where a clerk records him through the staff page.
    form = {
        "submission_key": "walk-in-1",
        "channel": "walk_in",
        "nationality": "UA",
        "given_name": "Aleksandr",
        "family_name": "Kovalenko",
        "date_of_birth": "1991-03-08",
        "residence_country": "UA",
        "email": "sasha.k.1991@example.net",
        "phone": "050-123-45-67",
        "mission": oslo.code,
        "languages": "uk, en",
        "years": "4",
        "combat_deployments": "0",
        "legal_advisory_acknowledged": "on",
        "consent": "on",
    }
    recorded = sign_in(client, clerk_oslo).post("/staff/cases/new/", form)
    assert recorded.status_code == 302
    walk_in = Application.objects.get(mission=oslo)
    # Until the worker has matched them the case shows no match; then it does.
    assert NEUTRAL not in client.get(recorded["Location"]).content.decode()
    assert run_jobs() == 2  # the two matching jobs queued on arrival
    page = client.get(recorded["Location"]).content.decode()
    assert NEUTRAL in page and "lt-vilnius" not in page and web_id not in page

    queue = api_as(hq).get("/duplicates").json()
    (item,) = queue["items"]
    assert {item["left"]["id"], item["right"]["id"]} == {web_id, str(walk_in.pk)}
    confirmed = api_as(hq).post(f"/duplicates/{item['id']}/confirm").json()
    persons = set(
        PersonLink.objects.filter(application_id__in=[web_id, walk_in.pk]).values_list(
            "person_id", flat=True
        )
    )
    assert persons == {uuid.UUID(confirmed["person"])}
    assert Application.objects.filter(pk__in=[web_id, walk_in.pk]).count() == 2


def test_a_pair_is_not_shown_to_hq_whose_case_views_are_blocked(
    client, api_as, hq, web_vilnius, walk_in_oslo
):
    """Security suite (need-to-know, cases/gate.py): the pair page opens two cases, so it
    counts two case views and is refused while HQ's views are blocked (hard limit)."""
    from django.utils import timezone

    from enlist.audit.models import CaseViewCount, ViewAlert

    pair = pair_of(web_vilnius, walk_in_oslo)
    sign_in(client, hq)
    assert client.get(f"/staff/duplicates/{pair.pk}/").status_code == 200
    assert sum(CaseViewCount.objects.filter(user=hq).values_list("count", flat=True)) == 2
    ViewAlert.objects.create(user=hq, level="hard", hour=timezone.now(), count=99, threshold=40)
    page = client.get(f"/staff/duplicates/{pair.pk}/")
    assert page.status_code == 403
    assert WEB["passport_number"] not in page.content.decode()
    refused = api_as(hq).get(f"/duplicates/{pair.pk}")
    assert refused.status_code == 403
    assert WEB["passport_number"] not in refused.content.decode()


def test_an_open_pair_s_cases_are_in_hq_s_flow_a_decided_pair_s_need_a_reason(
    client, api_as, hq, web_vilnius, walk_in_oslo
):
    """Need-to-know (cases/gate.py): the review queue is HQ's task, so its cases open
    without a reason; once the pair is decided, they are outside HQ's flow again."""
    pair = pair_of(web_vilnius, walk_in_oslo)
    api = api_as(hq)
    assert api.get(f"/applications/{web_vilnius.pk}").status_code == 200
    assert api.get(f"/duplicates/{pair.pk}").status_code == 200
    match_dismiss(candidate=pair, actor=hq, via="api")
    assert api.get(f"/applications/{web_vilnius.pk}").status_code == 428
    refused = api.get(f"/duplicates/{pair.pk}")
    assert refused.status_code == 428
    assert WEB["passport_number"] not in refused.content.decode()
    assert api.get(f"/duplicates/{pair.pk}", reason="Checking a dismissed pair").status_code == 200
    sign_in(client, hq)
    page = client.get(f"/staff/duplicates/{pair.pk}/")
    assert page.status_code == 302
    assert page["Location"] in {f"/staff/cases/{c.pk}/" for c in (web_vilnius, walk_in_oslo)}
