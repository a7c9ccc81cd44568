"""Matching in the workflow: on arrival, re-matching everything, and HQ's decisions.

On arrival (``application_match_on_arrival``, called by ``intake.services.application_submit``
inside its transaction, for every channel, queues the job ``matching.on_arrival``; the worker
runs ``application_match_arrived``, which runs ``application_match``):

1. The new application's blocking terms (``matching.keys``: transliterated and phonetic name
   keys with the birth date or year, phone tails, folded emails and passports) are turned into
   keyed digests with the blind-index key (``vault.keyring.blind_indexer``; the "match:" kind
   prefix keeps them apart from the search digests) and stored as ``MatchKey`` rows: no text.
2. Candidates are the applications sharing one of those digests, or one of the exact
   identifier digests the case search already keeps (``cases.LookupDigest``: passport, email,
   phone). A digest shared by more than ``MAX_BLOCK`` applications says little and is skipped;
   at most ``settings.ENLIST_MATCH_MAX_CANDIDATES`` candidates are kept, those sharing the
   most digests first (an exact identifier counts three).
3. The candidates' names, dates and contacts are decrypted in memory only, and scored against
   the new application with the engine's Fellegi-Sunter scoring (``engine.score_pairs``):
   Latin names with Latin names and native with native (when both have them), the best kept.
4. A pair at or above ``settings.ENLIST_MATCH_THRESHOLD`` becomes a ``MatchCandidate`` with the
   probability and the agreement level of each field. A pair HQ already decided is left as it
   was: a dismissal is never proposed again; applications already one person are not paired.

HQ confirms (``match_confirm``: both applications linked to one ``Person``, persons merged
transitively, open pairs inside the person settled with it) or dismisses (``match_dismiss``).
Both are refused on a pair already decided (409) and for any role but HQ (403), and audited
in the same transaction.

Review semantics: the queue holds only the pairs where a person's judgement adds something.
A pair at or above ``ENLIST_MATCH_AUTO_LINK`` whose strong identifiers (passport, email,
phone, date of birth) are all given on both sides and all equal is linked on arrival
without review (status ``linked``), audited as the system's act. HQ undoes a link, automatic
or confirmed, with ``match_unlink`` and a reason (the links and merges it made are reverted,
the pairs it settled reopen and the pair goes back to the queue); the queue and the pair page
show the links with that button.

Learning: every decided pair is a labelled example. ``matching_model_learn`` re-estimates the
weights from them (``scoring.learn_from_decisions``, with its guard) and stores a new
``MatchModel`` version; it runs by ``enlist matching learn`` and automatically after
``ENLIST_MATCH_LEARN_EVERY`` new decisions. Each pair records the version that scored it.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Q
from django.utils import timezone

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.audit.models import AuditAction
from enlist.audit.services import AuditItem, audit_record, audit_records
from enlist.cases.identifiers import application_terms
from enlist.cases.models import Application, LookupDigest
from enlist.cases.need_to_know import REASON_MIN_LENGTH
from enlist.core.bounds import REASON_MAX_LENGTH
from enlist.core.bulk import values_insert
from enlist.errors import Conflict, FieldError, InvalidInput, NotPermitted
from enlist.jobs.services import job_enqueue
from enlist.matching.compare import FIELD_INDEX, FIELDS
from enlist.matching.engine import applications_in_conflict, score_pairs
from enlist.matching.keys import blocking_terms
from enlist.matching.models import (
    MatchCandidate,
    MatchKey,
    MatchModel,
    MatchStatus,
    MatchUndo,
    Person,
    PersonLink,
)
from enlist.matching.persons import PersonGraph
from enlist.matching.records import Record, ScoredPair
from enlist.matching.scoring import Model, learn_from_decisions
from enlist.vault.keyring import blind_indexer

logger = logging.getLogger(__name__)

MAX_BLOCK = 300  # a digest shared by more applications than this finds no candidates
EXACT_KINDS = frozenset({"passport", "email", "phone"})
EXACT_RANK = 3  # an exact identifier shared counts as much as three blocking keys


def _workflow_model() -> Model:
    """The engine's default parameters, with one correction for applications.

    Fellegi-Sunter treats fields as independent given the truth, but a mailbox name is mostly
    built from the person's names ("kevin.cote@..."): two different people with the same
    name share it far more often than two random records (the default u of 1e-5). On the
    demo's 2,000 applications the default flagged namesakes born years apart on that alone
    (p 0.97-0.998); with u = 0.002 they fall below 0.71 and every planted duplicate stays
    at 1.0.
    """
    model = Model.default()
    email = FIELD_INDEX["email"]
    levels = FIELDS[email].levels
    u = model.u[email].copy()
    mailbox = levels.index("same mailbox name")
    u[mailbox] = 0.002
    u[levels.index("disagree")] = 1.0 - u[1:].sum() + u[levels.index("disagree")]
    model.u[email] = u
    return model


_DEFAULT_MODEL = _workflow_model()
_LOADED: dict[int, Model] = {0: _DEFAULT_MODEL}


def model_in_use() -> tuple[int, Model]:
    """The newest ``MatchModel`` version and its parameters (0 and the defaults if none)."""
    latest = MatchModel.objects.order_by("-version").values_list("version", "parameters").first()
    if latest is None:
        return 0, _DEFAULT_MODEL
    version, parameters = latest
    if version not in _LOADED:
        _LOADED[version] = Model.from_parameters(parameters)
    return version, _LOADED[version]


RecordCache = dict[uuid.UUID, list[Record]]


def match_threshold() -> float:
    return float(settings.ENLIST_MATCH_THRESHOLD)


# --- the application as the engine sees it (in memory only) --------------------------------


def application_records(application: Application) -> list[Record]:
    """The application as engine records: one with its Latin names, one with its native-script
    names if it has them. Decrypts; the values never leave this process."""
    born = application.date_of_birth
    common: dict[str, str] = {
        "date_of_birth": born.isoformat() if born else "",
        "nationality": application.nationality_id or "",
        "passport_number": application.passport_number or "",
        "email": application.email or "",
        "phone": application.phone or "",
        "residence_country": application.residence_country or "",
    }
    key = str(application.pk)
    records = [
        Record(
            id=f"{key}:latin",
            given_name=application.given_name or "",
            family_name=application.family_name or "",
            **common,
        )
    ]
    if application.given_name_native or application.family_name_native:
        records.append(
            Record(
                id=f"{key}:native",
                given_name=application.given_name_native or application.given_name or "",
                family_name=application.family_name_native or application.family_name or "",
                **common,
            )
        )
    return records


def _exact_digests(application: Application) -> list[bytes]:
    """The case search's digests of the application's passport, email and phone."""
    indexer = blind_indexer()
    terms = application_terms(
        reference="",
        given_name="",
        family_name="",
        passport_number=application.passport_number,
        email=application.email,
        phone=application.phone,
        phone_region=application.residence_country,
    )
    return sorted({indexer.digest(kind, value) for kind, value in terms if kind in EXACT_KINDS})


def match_digests(records: Sequence[Record]) -> list[bytes]:
    indexer = blind_indexer()
    return sorted({indexer.digest(kind, value) for kind, value in blocking_terms(records)})


def _keys_write(application_id: uuid.UUID, digests: Iterable[bytes]) -> None:
    MatchKey.objects.filter(application_id=application_id).delete()
    MatchKey.objects.bulk_create(MatchKey(application_id=application_id, digest=d) for d in digests)


# --- candidates ------------------------------------------------------------------------------


def _sharing(model: type[MatchKey] | type[LookupDigest], digests: list[bytes], exclude: uuid.UUID):
    """Application ids per usable digest (blocks over MAX_BLOCK dropped), one row per hit.

    One query (the block sizes are a subquery), on the digest index: its cost grows with
    the blocks found, not with the number of applications stored.
    """
    if not digests:
        return []
    usable = (
        model.objects.filter(digest__in=digests)
        .values("digest")
        .annotate(n=Count("pk"))
        .filter(n__lte=MAX_BLOCK)
        .values("digest")
    )
    return list(
        model.objects.filter(digest__in=usable)
        .exclude(application_id=exclude)
        .values_list("application_id", flat=True)
    )


def _candidate_ids(
    application_id: uuid.UUID, digests: list[bytes], exact: list[bytes]
) -> list[uuid.UUID]:
    rank: Counter[uuid.UUID] = Counter()
    for found in _sharing(LookupDigest, exact, application_id):
        rank[found] += EXACT_RANK
    for found in _sharing(MatchKey, digests, application_id):
        rank[found] += 1
    limit = settings.ENLIST_MATCH_MAX_CANDIDATES
    # Most shared digests first; ties by id, so the choice is the same on every run.
    ordered = sorted(rank.items(), key=lambda item: (-item[1], str(item[0])))
    return [found for found, _ in ordered[:limit]]


def _records_of(ids: Sequence[uuid.UUID], cache: RecordCache | None) -> RecordCache:
    found: RecordCache = {}
    missing = [i for i in ids if cache is None or i not in cache]
    if missing:
        for candidate in Application.objects.filter(pk__in=missing):
            if candidate.is_erased:
                continue
            found[candidate.pk] = application_records(candidate)
        if cache is not None:
            cache.update(found)
    if cache is not None:
        found |= {i: cache[i] for i in ids if i in cache}
    return found


def _best_scores(
    new: Sequence[Record], candidates: RecordCache, model: Model
) -> dict[uuid.UUID, ScoredPair]:
    """Each candidate's best pairing of name forms with the new application's: Latin with
    Latin and, when both have them, native with native (the engine transliterates, so a
    Latin-native pairing adds little beyond these two)."""
    records = list(new)
    pairs: list[tuple[int, int]] = []
    owners: list[uuid.UUID] = []
    for candidate_id, variants in candidates.items():
        for k, variant in enumerate(variants[: len(new)]):
            records.append(variant)
            pairs.append((k, len(records) - 1))
            owners.append(candidate_id)
    if not pairs:
        return {}
    best: dict[uuid.UUID, ScoredPair] = {}
    for owner, pair in zip(owners, score_pairs(records, pairs, model=model), strict=True):
        if owner not in best or pair.probability > best[owner].probability:
            best[owner] = pair
    return best


def evidence_of(pair: ScoredPair) -> dict[str, dict[str, Any]]:
    """Per compared field: its agreement level and weight in bits. Never a value."""
    return {
        e.field: {"level": e.level, "weight": round(float(e.weight), 1)}
        for e in pair.evidence
        if e.level != "missing"
    }


def _ordered(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    return (a, b) if str(a) < str(b) else (b, a)


def _person_of(application_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    return dict(
        PersonLink.objects.filter(application_id__in=list(application_ids)).values_list(
            "application_id", "person_id"
        )
    )


STRONG_IDENTIFIERS = ("passport_number", "email", "phone", "date_of_birth")


def auto_link_probability() -> float:
    return float(settings.ENLIST_MATCH_AUTO_LINK)


def is_certain(pair: ScoredPair) -> bool:
    """Beyond review: at or above ``ENLIST_MATCH_AUTO_LINK`` and every strong identifier given
    on both sides and equal (a renewed passport or a second mailbox is for HQ to judge)."""
    if pair.probability < auto_link_probability():
        return False
    levels = {e.field: e.level for e in pair.evidence}
    return all(levels.get(name) == "exact" for name in STRONG_IDENTIFIERS)


def _flag(
    application_id: uuid.UUID, scored: dict[uuid.UUID, ScoredPair], version: int
) -> list[MatchCandidate]:
    """Record the probable pairs in a fixed number of queries, however many there are."""
    threshold = match_threshold()
    probable = {i: p for i, p in scored.items() if p.probability >= threshold}
    existing = {
        (c.right_id if c.left_id == application_id else c.left_id): c
        for c in MatchCandidate.objects.filter(pairs_of(application_id))
    }
    # An open pair re-scored below the threshold (a new threshold or model) was never
    # decided: it leaves the queue. Decided pairs are kept whatever the score.
    stale = [
        c.pk
        for other_id, c in existing.items()
        if other_id in scored and other_id not in probable and c.status == MatchStatus.OPEN
    ]
    if stale:
        MatchCandidate.objects.filter(pk__in=stale, status=MatchStatus.OPEN).delete()
    if not probable:
        return []
    persons = _person_of([application_id, *probable])
    flagged: list[MatchCandidate] = []
    created: list[MatchCandidate] = []
    changed: list[MatchCandidate] = []
    certain: list[MatchCandidate] = []
    for other_id, pair in sorted(probable.items(), key=lambda item: str(item[0])):
        mine, theirs = persons.get(application_id), persons.get(other_id)
        if mine is not None and mine == theirs:
            continue  # already confirmed as one person
        evidence = evidence_of(pair)
        candidate = existing.get(other_id)
        if candidate is None:
            left, right = _ordered(application_id, other_id)
            candidate = MatchCandidate(
                left_id=left,
                right_id=right,
                probability=pair.probability,
                evidence=evidence,
                model_version=version,
            )
            created.append(candidate)
        elif candidate.status != MatchStatus.OPEN:
            continue  # decided: confirmed stays confirmed, dismissed is never proposed again
        elif (candidate.probability, candidate.evidence, candidate.model_version) != (
            pair.probability,
            evidence,
            version,
        ):
            candidate.probability, candidate.evidence = pair.probability, evidence
            candidate.model_version = version
            changed.append(candidate)
        if is_certain(pair):
            certain.append(candidate)
        else:
            flagged.append(candidate)
    MatchCandidate.objects.bulk_create(created)
    if changed:
        MatchCandidate.objects.bulk_update(changed, ["probability", "evidence", "model_version"])
    _auto_link_many(certain, None)
    # Left for review: a certain pair that conflicts across the persons.
    flagged += [c for c in certain if c.status == MatchStatus.OPEN]
    return flagged


def application_match(
    *, application: Application, cache: RecordCache | None = None, write_keys: bool = True
) -> list[MatchCandidate]:
    """Match one application against every stored one; flag probable duplicates.

    Returns the open candidate pairs it is part of after this run (pairs linked automatically,
    see ``is_certain``, are not among them). Decrypts the candidates in memory only. Runs in
    the caller's transaction.
    """
    found = _match_scores(application, cache)
    if found is None:
        return []
    digests, version, scored = found
    if write_keys:
        _keys_write(application.pk, digests)
    return _flag(application.pk, scored, version)


_Scores = tuple[list[bytes], int, dict[uuid.UUID, ScoredPair]]


def _match_scores(application: Application, cache: RecordCache | None) -> _Scores | None:
    """The reading half of a match: the application's blocking digests, the model version and
    its candidates' scores (None for an erased application). Writes nothing."""
    if application.is_erased:
        return None
    records = application_records(application)
    digests = match_digests(records)
    ids = _candidate_ids(application.pk, digests, _exact_digests(application))
    version, model = model_in_use()
    return digests, version, _best_scores(records, _records_of(ids, cache), model)


MATCH_ON_ARRIVAL = "matching.on_arrival"  # the job kind, run by matching/jobs.py


def application_match_on_arrival(*, application: Application) -> None:
    """Queue the matching of a new application, in the caller's (intake's) transaction.

    The job exists if and only if the application commits, so no application is left
    unmatched by a crash, and the submitter is not kept waiting for the matching (its
    scoring decrypts up to ``ENLIST_MATCH_MAX_CANDIDATES`` stored applications). The worker
    flags the duplicates (``application_match_arrived``) within moments; until then the case
    shows none. The payload is the application's id only.
    """
    job_enqueue(kind=MATCH_ON_ARRIVAL, payload={"application": str(application.pk)})


def application_match_arrived(*, application_id: uuid.UUID | str) -> list[MatchCandidate]:
    """The job queued on arrival: match the application now; returns its open pairs.

    Idempotent, so a job run twice (its worker killed after the commit) does no harm: the
    blocking digests are rewritten, pairs found again are updated in place (the pair is
    unique), decided pairs stay as they were and an automatic link is not made twice. The
    candidates are read and scored outside the write transaction, so on SQLite the write lock
    is held only for the few rows written; the application's row is locked for those writes,
    so two runs for one application take turns. A failure raises: the worker retries it with
    backoff (``enlist matching rematch`` also catches up). An application deleted or erased
    since is skipped.
    """
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return []
    found = _match_scores(application, None)
    if found is None:
        return []
    digests, version, scored = found
    with transaction.atomic():
        if not Application.objects.select_for_update().filter(pk=application.pk).exists():
            return []
        _keys_write(application.pk, digests)
        return _flag(application.pk, scored, version)


DIGEST_CHUNK = 500  # digests per look-up query (SQLite allows 999 parameters)


def _holders(
    model: type[MatchKey] | type[LookupDigest], digests: set[bytes]
) -> dict[bytes, list[uuid.UUID]]:
    """Application ids per digest, for the usable digests (blocks over MAX_BLOCK dropped)."""
    ordered = sorted(digests)
    found: dict[bytes, list[uuid.UUID]] = {}
    # By hand: the ORM prepares each of the hundreds of thousands of parameters and converts
    # each id through its field; here a digest is bytes and an id one UUID() call.
    meta = model._meta
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    as_uuid = meta.get_field("application").target_field.to_python
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), DIGEST_CHUNK):
            chunk = ordered[start : start + DIGEST_CHUNK]
            cursor.execute(
                "SELECT {}, {} FROM {} WHERE {} IN ({})".format(  # noqa: S608  # nosec B608  # names from model metadata, values bound
                    quote("digest"),
                    quote("application_id"),
                    quote(meta.db_table),
                    quote("digest"),
                    ", ".join(["%s"] * len(chunk)),
                ),
                chunk,
            )
            for digest, application_id in cursor.fetchall():
                found.setdefault(bytes(digest), []).append(as_uuid(application_id))
    return {d: ids for d, ids in found.items() if len(ids) <= MAX_BLOCK}


def applications_match_new(
    *, applications: Sequence[Application], cache: RecordCache | None = None
) -> list[MatchCandidate]:
    """Match applications just created (a batch import's chunk) against every stored
    application and each other, in bulk; flag probable duplicates as ``application_match``.

    The same blocking digests (written here for the new applications), candidate ranking and
    bound, scoring (``engine.score_pairs``, Latin with Latin and native with native, the best
    kept), threshold and automatic links as matching one application on arrival, but with one
    digest look-up per few hundred digests and one scoring call for the whole chunk instead
    of a round of queries and a scoring call per application. Block sizes count every holder,
    the other new applications included. `cache` keeps decrypted records between chunks
    (the new applications' are added to it, from the values already in memory). Runs in the
    caller's transaction; returns the open pairs it created.
    """
    live = [a for a in applications if not a.is_erased]
    if not live:
        return []
    records = {a.pk: application_records(a) for a in live}
    digests = {a.pk: match_digests(records[a.pk]) for a in live}
    exact = {a.pk: _exact_digests(a) for a in live}
    values_insert(
        MatchKey,
        ["application_id", "digest"],
        ((i, d) for i, found in digests.items() for d in found),
    )
    key_holders = _holders(MatchKey, {d for found in digests.values() for d in found})
    exact_holders = _holders(LookupDigest, {d for found in exact.values() for d in found})
    limit = settings.ENLIST_MATCH_MAX_CANDIDATES
    pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for application in live:
        rank: Counter[uuid.UUID] = Counter()
        for digest in exact[application.pk]:
            for found in exact_holders.get(digest, ()):
                rank[found] += EXACT_RANK
        for digest in digests[application.pk]:
            for found in key_holders.get(digest, ()):
                rank[found] += 1
        rank.pop(application.pk, None)
        ordered = sorted(rank.items(), key=lambda item: (-item[1], str(item[0])))
        pairs.update((application.pk, found) for found, _ in ordered[:limit])
    # A pair of two new applications is scored once, whichever side found it.
    new_ids = set(records)
    pairs = {(a, b) if b not in new_ids or str(a) < str(b) else (b, a) for a, b in pairs}
    stored = sorted({b for _, b in pairs} - new_ids, key=str)
    others: RecordCache = {}
    for start in range(0, len(stored), DIGEST_CHUNK):
        others |= _records_of(stored[start : start + DIGEST_CHUNK], cache)
    if cache is not None:
        cache.update(records)
    known = records | others
    listed: list[Record] = []
    position: dict[str, int] = {}

    def at(record: Record) -> int:
        if record.id not in position:
            position[record.id] = len(listed)
            listed.append(record)
        return position[record.id]

    index_pairs: list[tuple[int, int]] = []
    owners: list[tuple[uuid.UUID, uuid.UUID]] = []
    for a, b in sorted(pairs, key=lambda pair: (str(pair[0]), str(pair[1]))):
        if b not in known:
            continue  # erased since it was stored
        left, right = known[a], known[b]
        for k in range(min(len(left), len(right))):
            index_pairs.append((at(left[k]), at(right[k])))
            owners.append((a, b))
    if not index_pairs:
        return []
    version, model = model_in_use()
    best: dict[tuple[uuid.UUID, uuid.UUID], ScoredPair] = {}
    for owner, pair in zip(owners, score_pairs(listed, index_pairs, model=model), strict=True):
        if owner not in best or pair.probability > best[owner].probability:
            best[owner] = pair
    threshold = match_threshold()
    probable = {_ordered(*owner): p for owner, p in best.items() if p.probability >= threshold}
    if not probable:
        return []
    lefts = sorted({left for left, _ in probable}, key=str)
    existing = {
        pair
        for start in range(0, len(lefts), DIGEST_CHUNK)
        for pair in MatchCandidate.objects.filter(
            left_id__in=lefts[start : start + DIGEST_CHUNK]
        ).values_list("left_id", "right_id")
    }
    created = [
        MatchCandidate(
            left_id=left,
            right_id=right,
            probability=pair.probability,
            evidence=evidence_of(pair),
            model_version=version,
        )
        for (left, right), pair in sorted(probable.items(), key=lambda item: str(item[0]))
        if (left, right) not in existing
    ]
    MatchCandidate.objects.bulk_create(created, batch_size=500)
    certain = [c for c in created if is_certain(probable[(c.left_id, c.right_id)])]
    _auto_link_many(certain, cache if cache is not None else known)
    return [c for c in created if c.status == MatchStatus.OPEN]


def applications_rematch(*, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Rewrite every live application's blocking digests, then match each against all.

    Decided pairs stay decided. Returns (applications matched, open pairs afterwards).
    `progress` is called with the number of applications done in each step (two per case).
    """
    ids = list(
        Application.objects.filter(data_key__destroyed_at__isnull=True)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    cache: RecordCache = {}
    for start in range(0, len(ids), 200):
        chunk = ids[start : start + 200]
        with transaction.atomic():
            for application in Application.objects.filter(pk__in=chunk):
                records = cache[application.pk] = application_records(application)
                _keys_write(application.pk, match_digests(records))
        if progress:
            progress(len(chunk))
    for start in range(0, len(ids), 200):
        chunk = ids[start : start + 200]
        with transaction.atomic():
            for application in Application.objects.filter(pk__in=chunk):
                application_match(application=application, cache=cache, write_keys=False)
        if progress:
            progress(len(chunk))
    return len(ids), MatchCandidate.objects.filter(status=MatchStatus.OPEN).count()


# --- HQ's decisions --------------------------------------------------------------------------


def _check_hq(actor: StaffUser) -> None:
    if actor.staff_role != Role.HQ:
        raise NotPermitted("Only headquarters may decide on possible duplicates.")


def _locked_open(candidate: MatchCandidate) -> MatchCandidate:
    locked = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != MatchStatus.OPEN:
        raise Conflict(
            f"This pair was already {locked.status} "
            f"({locked.decided_at:%Y-%m-%d %H:%M} UTC); nothing was changed.",
            field="status",
        )
    return locked


def _root(person: Person) -> Person:
    while person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def _audit_decision(
    candidate: MatchCandidate,
    actor: StaffUser,
    change: str,
    via: str,
    count: int = 1,
    **more: object,
) -> None:
    """`count`: the pairs this decision settled (a confirmation also settles the open pairs
    between applications it made one person; an unlink reopens them); `more`: what this kind
    of decision adds to the entry."""
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        target=("match", candidate.pk),
        detail={
            "via": via,
            "change": change,
            "ids": [str(i) for i in candidate.application_ids],
            "count": count,
            **more,
        },
    )


def _persons_conflict(graph: PersonGraph, candidate: MatchCandidate, records: RecordCache) -> bool:
    """Whether linking the pair would make one person of two applications in conflict
    (``engine.in_conflict``: dates of birth no error explains, a strong identifier that
    differs and none equal), across the persons the two already belong to: the chain
    A~B, B~C does not join A and C when they cannot be one person. `records`: the members'
    records, decrypted (``_member_records``)."""
    left, right = graph.members(candidate.left_id), graph.members(candidate.right_id)
    if left & right:
        return False  # already one person
    pairs = [(a, b) for a in sorted(left, key=str) for b in sorted(right, key=str)]
    return applications_in_conflict(
        [(records[a][0], records[b][0]) for a, b in pairs if a in records and b in records]
    )


def _member_records(graph: PersonGraph, cache: RecordCache | None) -> RecordCache:
    """The records of every application the graph holds (the ones in `cache` not read again:
    a batch has them decrypted), in a query per few hundred."""
    ids = sorted(graph.every_member(), key=str)
    found: RecordCache = {}
    for start in range(0, len(ids), DIGEST_CHUNK):
        found |= _records_of(ids[start : start + DIGEST_CHUNK], cache)
    return found


def _decide(candidate: MatchCandidate, status: MatchStatus, actor: StaffUser) -> None:
    candidate.status = status
    candidate.decided_at = timezone.now()
    candidate.decided_by = actor
    candidate.save(update_fields=["status", "decided_at", "decided_by"])


@transaction.atomic
def match_confirm(*, candidate: MatchCandidate, actor: StaffUser, via: str = "web") -> Person:
    """HQ: the two applications are one person. Links both to one ``Person`` (merging any
    persons either already had); every application and its history stay as they are.

    NotPermitted (403) for any role but HQ; Conflict (409) if the pair was already decided.
    """
    _check_hq(actor)
    locked = _locked_open(candidate)
    graph = PersonGraph(locked.application_ids)
    if _persons_conflict(graph, locked, _member_records(graph, None)):
        raise Conflict(
            "One of these applications, or of the applications already linked to either, "
            "cannot be the same person as one on the other side (dates of birth no error "
            "explains and a different identifier); dismiss the pair or unlink first. "
            "Nothing was changed.",
            field="status",
        )
    person_id, undo = graph.link(locked.application_ids, actor)
    graph.save()
    _decide(locked, MatchStatus.CONFIRMED, actor)
    # Open pairs inside the person now are answered by this confirmation too.
    members = sorted(graph.members(locked.left_id), key=str)
    implied_pairs = MatchCandidate.objects.filter(
        status=MatchStatus.OPEN, left_id__in=members, right_id__in=members
    )
    undo["settled"] = [str(pk) for pk in implied_pairs.values_list("pk", flat=True)]
    implied = implied_pairs.update(
        status=MatchStatus.CONFIRMED, decided_at=locked.decided_at, decided_by=actor
    )
    locked.undo = undo
    locked.save(update_fields=["undo"])
    _audit_decision(locked, actor, "match_confirm", via, count=1 + implied)
    candidate.status, candidate.decided_at = locked.status, locked.decided_at
    _maybe_learn(actor, via)
    return Person.objects.get(pk=person_id)


@transaction.atomic
def match_dismiss(
    *, candidate: MatchCandidate, actor: StaffUser, via: str = "web"
) -> MatchCandidate:
    """HQ: two different people. The pair is remembered and never proposed again.

    NotPermitted (403) for any role but HQ; Conflict (409) if the pair was already decided.
    """
    _check_hq(actor)
    locked = _locked_open(candidate)
    _decide(locked, MatchStatus.DISMISSED, actor)
    _audit_decision(locked, actor, "match_dismiss", via)
    candidate.status, candidate.decided_at = locked.status, locked.decided_at
    _maybe_learn(actor, via)
    return locked


def _auto_link_many(candidates: Sequence[MatchCandidate], cache: RecordCache | None) -> None:
    """Link certain pairs without review: the system's act, audited, undoable, one after
    another as if each were decided alone, in a fixed number of queries (``PersonGraph``).
    A pair in conflict across the persons (``_persons_conflict``) stays open, for HQ to see.
    `cache`: decrypted records the caller already holds."""
    ids = [c.pk for c in candidates]
    still_open: set[uuid.UUID] = set()
    for start in range(0, len(ids), DIGEST_CHUNK):
        still_open.update(
            MatchCandidate.objects.select_for_update()
            .filter(pk__in=ids[start : start + DIGEST_CHUNK], status=MatchStatus.OPEN)
            .values_list("pk", flat=True)
        )
    todo = [c for c in candidates if c.pk in still_open]
    if not todo:
        return
    graph = PersonGraph(a for c in todo for a in c.application_ids)
    records = _member_records(graph, cache)
    now = timezone.now()
    linked: list[MatchCandidate] = []
    for candidate in todo:
        if _persons_conflict(graph, candidate, records):
            continue
        _, candidate.undo = graph.link(candidate.application_ids, None)
        candidate.status, candidate.decided_at, candidate.decided_by = (
            MatchStatus.LINKED,
            now,
            None,
        )
        linked.append(candidate)
    graph.save()
    MatchCandidate.objects.bulk_update(
        linked, ["status", "decided_at", "decided_by", "undo"], batch_size=DIGEST_CHUNK
    )
    audit_records(
        [
            AuditItem(
                actor=None,
                actor_role="system",
                action=AuditAction.CHANGE,
                target=("match", c.pk),
                detail={
                    "via": "auto",
                    "change": "match_auto_link",
                    "ids": [str(i) for i in c.application_ids],
                    "version": c.model_version,
                },
            )
            for c in linked
        ]
    )


UNDOABLE = (MatchStatus.LINKED, MatchStatus.CONFIRMED)


def _reason_checked(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise InvalidInput(
            [FieldError("reason", f"Give a reason of at least {REASON_MIN_LENGTH} characters.")]
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput([FieldError("reason", f"At most {REASON_MAX_LENGTH} characters.")])
    return reason


def can_unlink(candidate: MatchCandidate) -> bool:
    """Whether the pair is a link that ``match_unlink`` can undo (its undo record is kept)."""
    return candidate.status in UNDOABLE and bool((candidate.undo or {}).get("person"))


@transaction.atomic
def match_unlink(
    *, candidate: MatchCandidate, actor: StaffUser, reason: str, via: str = "web"
) -> MatchCandidate:
    """HQ: undo a link, automatic or confirmed. The links it created are removed, the persons
    it merged are separated again (each with the applications it had), the open pairs it
    settled are open again, and the pair goes back to the queue for a person's decision.
    The reason is kept sealed (``MatchUndo``); the audit entry says one was given, never the
    text.

    NotPermitted (403) for any role but HQ; InvalidInput (422, field ``reason``) without a
    reason of ``REASON_MIN_LENGTH`` characters; Conflict (409) if the pair is not a link, was
    already undone, or later links were built on this one's person (undo those first).
    Nothing changes when it refuses.
    """
    _check_hq(actor)
    reason = _reason_checked(reason)
    locked = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    if not can_unlink(locked):
        raise Conflict("Only a linked or confirmed pair can be unlinked.", field="status")
    undo = locked.undo
    survivor = undo["person"]
    members = undo.get("members")
    now = sorted(
        str(a)
        for a in PersonLink.objects.select_for_update()
        .filter(person_id=survivor)
        .values_list("application_id", flat=True)
    )
    later = Person.objects.filter(pk=survivor, merged_into__isnull=False).exists()
    if later or (members is not None and now != members):
        raise Conflict(
            "Later links were made to this person; undo those first. Nothing was changed.",
            field="status",
        )
    created = undo.get("created", [])
    PersonLink.objects.filter(application_id__in=created, person_id=survivor).delete()
    for person_id, moved in undo.get("absorbed", {}).items():
        Person.objects.filter(pk=person_id, merged_into_id=survivor).update(merged_into=None)
        PersonLink.objects.filter(application_id__in=moved, person_id=survivor).update(
            person_id=person_id
        )
    orphan = not PersonLink.objects.filter(person_id=survivor).exists()
    if orphan and not Person.objects.filter(merged_into_id=survivor).exists():
        Person.objects.filter(pk=survivor).delete()
    reopened = MatchCandidate.objects.filter(
        pk__in=undo.get("settled", []), status=MatchStatus.CONFIRMED
    ).update(status=MatchStatus.OPEN, decided_at=None, decided_by=None)
    record = MatchUndo(
        candidate=locked, application_id=locked.left_id, undone=locked.status, actor=actor,
        reason=reason,
    )  # fmt: skip
    record.save()
    locked.status = MatchStatus.OPEN
    locked.decided_at = None
    locked.decided_by = None
    locked.undo = {}
    locked.save(update_fields=["status", "decided_at", "decided_by", "undo"])
    _audit_decision(
        locked,
        actor,
        "match_unlink",
        via,
        count=1 + reopened,
        status=record.undone,  # what was undone: linked or confirmed
        reason_given=True,  # sealed in MatchUndo, found by the pair and the time
    )
    candidate.status, candidate.decided_at = locked.status, locked.decided_at
    candidate.undo = {}
    return locked


# --- learning from HQ's decisions -------------------------------------------------------------


def _level_rows(candidates: Iterable[dict[str, Any]]) -> np.ndarray:
    """Stored evidence as engine levels (pairs x fields); a field not stored was missing."""
    rows = []
    for evidence in candidates:
        row = []
        for f in FIELDS:
            level = (evidence.get(f.name) or {}).get("level", "missing")
            row.append(f.levels.index(level) if level in f.levels else 0)
        rows.append(row)
    return np.array(rows, dtype=np.int64).reshape(-1, len(FIELDS))


def _human_decisions():
    return MatchCandidate.objects.filter(
        status__in=[MatchStatus.CONFIRMED, MatchStatus.DISMISSED], decided_by__isnull=False
    )


@transaction.atomic
def matching_model_learn(
    *, actor: StaffUser | None, via: str = "cli", force: bool = False
) -> MatchModel | None:
    """Re-estimate the weights from HQ's confirmed and dismissed pairs; a new version.

    Confirmed pairs re-estimate m, dismissed pairs r (``scoring.learn_from_decisions``); the
    guard is ``ENLIST_MATCH_LEARN_STRENGTH`` (the current model counts as that many
    decisions) and at most one bit of change per weight and step. Returns None, changing
    nothing, when no decision is new since the model in use (unless ``force``). Audited.
    """
    MatchModel.objects.select_for_update().order_by("-version").first()
    version, model = model_in_use()
    latest = MatchModel.objects.filter(version=version).first()
    decided = _human_decisions()
    total = decided.count()
    if not force and total <= (latest.decisions if latest else 0):
        return None
    confirmed = _level_rows(
        decided.filter(status=MatchStatus.CONFIRMED).values_list("evidence", flat=True)
    )
    dismissed = _level_rows(
        decided.filter(status=MatchStatus.DISMISSED).values_list("evidence", flat=True)
    )
    learned = learn_from_decisions(
        _DEFAULT_MODEL,
        confirmed,
        dismissed,
        strength=float(settings.ENLIST_MATCH_LEARN_STRENGTH),
    )
    # Each step starts from the defaults with every decision so far, and may move at most
    # one bit from the model in use: the guard holds across steps too.
    learned = _bounded(model, learned)
    row = MatchModel.objects.create(
        version=version + 1,
        parameters=learned.parameters(),
        decisions=total,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        actor_role=None if actor is not None else "system",
        action=AuditAction.CHANGE,
        target=("match_model", row.pk),
        detail={"via": via, "change": "match_model_learn", "version": row.version, "count": total},
    )
    return row


def _bounded(current: Model, learned: Model, max_shift: float = 1.0) -> Model:
    """``learned`` with every m and r within a factor 2**max_shift of ``current``."""

    def clip(new: list[np.ndarray], old: list[np.ndarray]) -> list[np.ndarray]:
        factor = 2.0**max_shift
        return [np.clip(n, o / factor, o * factor) for n, o in zip(new, old, strict=True)]

    return Model(
        m=clip(learned.m, current.m),
        u=[v.copy() for v in current.u],
        r=clip(learned.r, current.r),
        prior=current.prior,
        relative_prior=current.relative_prior,
    )


def _maybe_learn(actor: StaffUser, via: str) -> None:
    """After ``ENLIST_MATCH_LEARN_EVERY`` new decisions, a new model version (same transaction)."""
    every = int(settings.ENLIST_MATCH_LEARN_EVERY)
    if every <= 0:
        return
    latest = MatchModel.objects.order_by("-version").values_list("decisions", flat=True).first()
    if _human_decisions().count() - (latest or 0) >= every:
        matching_model_learn(actor=actor, via=via)


def person_of(application: Application) -> Person | None:
    """The person HQ linked the application to (after merges), if any."""
    link = PersonLink.objects.filter(application=application).select_related("person").first()
    return _root(link.person) if link else None


def pairs_of(application_id: uuid.UUID) -> Q:
    """The candidate pairs an application is part of, on either side."""
    return Q(left_id=application_id) | Q(right_id=application_id)
