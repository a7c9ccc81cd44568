"""Live checks while a clerk records a contact: is this volunteer already in my scope?

``contact_check`` answers, for the values typed so far, with the cases in the clerk's scope
that have the same passport, email or phone (the case search's blind-index digests, no
plaintext compared), and the probable duplicates the matching engine finds (the keyed
blocking digests of ``matching.keys`` for candidates, then ``engine.score_pairs`` on the
candidates decrypted in memory). Every check is audited as a search naming the cases shown,
never the values typed. High-risk names come masked (``case_summary``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse

from enlist.accounts.models import StaffUser
from enlist.audit.services import audit_cases_shown
from enlist.cases.access import applications_in_scope
from enlist.cases.models import Application, LookupDigest
from enlist.cases.presentation import case_summary
from enlist.matching.engine import score_pairs
from enlist.matching.models import MatchKey
from enlist.matching.records import Record
from enlist.matching.services import application_records, match_digests, match_threshold
from enlist.vault.keyring import blind_indexer
from enlist.vault.normalise import normalise_email, normalise_passport, normalise_phone

CHECK_FIELDS = (
    "given_name", "family_name", "given_name_native", "family_name_native", "date_of_birth",
    "nationality", "residence_country", "email", "phone", "passport_number",
)  # fmt: skip
MAX_VALUE = 254
MAX_SHOWN = 10
MAX_CANDIDATES = 50


def _exact_terms(values: dict[str, str]) -> dict[bytes, str]:
    indexer = blind_indexer()
    terms: dict[bytes, str] = {}
    if values.get("passport_number"):
        terms[indexer.digest("passport", normalise_passport(values["passport_number"]))] = (
            "passport"
        )
    if values.get("email") and "@" in values["email"]:
        terms[indexer.digest("email", normalise_email(values["email"]))] = "email"
    phone = values.get("phone", "")
    if sum(c.isdigit() for c in phone) >= 6:
        region = values.get("residence_country") or None
        normalised = normalise_phone(phone, region=region)
        if normalised:
            terms[indexer.digest("phone", normalised)] = "phone"
    return terms


def _record(values: dict[str, str], *, native: bool = False) -> Record:
    given = values.get("given_name_native" if native else "given_name", "")
    family = values.get("family_name_native" if native else "family_name", "")
    return Record(
        id="typed:native" if native else "typed",
        given_name=given,
        family_name=family,
        date_of_birth=values.get("date_of_birth", ""),
        nationality=values.get("nationality", "").upper(),
        passport_number=values.get("passport_number", ""),
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        residence_country=values.get("residence_country", "").upper(),
    )


def contact_check(*, user: StaffUser, values: dict[str, Any]) -> dict[str, Any]:
    """{"same": [case + "fields" it shares], "probable": [case + "probability"]}."""
    clean = {k: str(values.get(k) or "").strip()[:MAX_VALUE] for k in CHECK_FIELDS}
    scope = applications_in_scope(user=user).filter(data_key__destroyed_at__isnull=True)
    exact = _exact_terms(clean)
    shared: dict[uuid.UUID, set[str]] = {}
    if exact:
        in_scope = scope.values("pk")
        for app_id, digest in LookupDigest.objects.filter(
            digest__in=list(exact), application_id__in=in_scope
        ).values_list("application_id", "digest"):
            shared.setdefault(app_id, set()).add(exact[bytes(digest)])
    probable: dict[uuid.UUID, float] = {}
    if clean["family_name"] and (clean["given_name"] or clean["date_of_birth"]):
        typed = [_record(clean)]
        if clean["family_name_native"]:
            typed.append(_record(clean, native=True))
        digests = match_digests(typed)
        candidate_ids = list(
            MatchKey.objects.filter(digest__in=digests, application_id__in=scope.values("pk"))
            .values_list("application_id", flat=True)
            .distinct()[:MAX_CANDIDATES]
        )
        probable = _probable(typed, candidate_ids)
    ids = list(dict.fromkeys([*shared, *sorted(probable, key=lambda i: -probable[i])]))[:MAX_SHOWN]
    cases = {a.pk: a for a in scope.filter(pk__in=ids).select_related("mission", "nationality")}
    shown = [i for i in ids if i in cases]
    audit_cases_shown(actor=user, ids=shown, count=len(shown), page=1, via="web", search=True)
    result: dict[str, Any] = {"same": [], "probable": []}
    for app_id in shown:
        row = case_summary(cases[app_id], role=user.staff_role)
        keep = ("id", "reference", "given_name", "family_name", "stage", "mission", "masked")
        row = {k: row[k] for k in keep if k in row}
        row["url"] = reverse("case-detail", args=[app_id])
        if app_id in shared:
            result["same"].append({**row, "fields": sorted(shared[app_id])})
        elif app_id in probable:
            result["probable"].append({**row, "probability": round(probable[app_id], 3)})
    return result


def _probable(typed: list[Record], candidate_ids: list[uuid.UUID]) -> dict[uuid.UUID, float]:
    records: list[Record] = list(typed)
    owners: list[uuid.UUID | None] = [None] * len(typed)
    for application in Application.objects.filter(pk__in=candidate_ids):
        for record in application_records(application):
            records.append(record)
            owners.append(application.pk)
    pairs = [(t, k) for t in range(len(typed)) for k in range(len(typed), len(records))]
    best: dict[uuid.UUID, float] = {}
    for (_, k), scored in zip(pairs, score_pairs(records, pairs) if pairs else [], strict=True):
        owner = owners[k]
        if owner is not None:
            best[owner] = max(best.get(owner, 0.0), scored.probability)
    threshold = min(match_threshold(), 0.8)  # while typing: warn a little earlier
    return {i: p for i, p in best.items() if p >= threshold}
