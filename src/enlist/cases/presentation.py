"""What of a case each role is shown: one builder for the staff pages and the API.

Reception at the meeting point sees only what identifies a volunteer; clerks, attachés,
consuls and HQ see the whole case. Building the dicts here keeps that rule in one place.
"""

from __future__ import annotations

from typing import Any

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import FULL_CASE_ROLES, READ_ONLY_CASE_ROLES, Role
from enlist.cases.hooks import detail_sections
from enlist.cases.models import Application
from enlist.cases.selectors import application_screening
from enlist.cases.workflow import available_transitions
from enlist.vault.retention import is_high_risk


def sees_full_case(role: Role) -> bool:
    return role in FULL_CASE_ROLES


def reads_full_case(role: Role) -> bool:
    """Whether one opened case is shown whole: the full-case roles only. Read-only oversight
    (auditors) gets ids, stages and the trail, never a personal value (``oversight_detail``)."""
    return role in FULL_CASE_ROLES


def oversees_case(role: Role) -> bool:
    return role in READ_ONLY_CASE_ROLES


MASK_STARS = "*****"  # always five: the mask must not tell the name's length


def high_risk(application: Application) -> bool:
    """Nationality whose advisory is prosecuted or warned (vault/retention.py)."""
    return is_high_risk(application.nationality.advisory_status)


def masked_name(given_name: str, family_name: str) -> tuple[str, str]:
    """ "Oleksandr", "Kovalenko" -> "O.", "K*****": enough to tell rows apart on a list."""
    return (f"{given_name[:1]}." if given_name else "", f"{family_name[:1]}{MASK_STARS}")


ERASED = "erased"  # shown for every personal field of an erased (crypto-shredded) case
WITHHELD = "withheld"  # shown to oversight (auditors) for every personal field


def oversight_detail(application: Application) -> dict[str, Any]:
    """What an auditor reads of one case: its id, mission, stage and dates, and the trail of
    who moved it when (roles, stages, missions). No name, reference, contact, document,
    reason or verdict: those are personal values, and oversight does not need them."""
    return {
        "id": str(application.pk),
        "reference": WITHHELD,
        "stage": application.stage,
        "given_name": WITHHELD,
        "family_name": WITHHELD,
        "nationality": application.nationality_id,
        "mission": application.mission.code,
        "channel": application.channel,
        "submitted_at": application.submitted_at,
        "stage_changed_at": application.stage_changed_at,
        "withheld": True,
        "erased": application.is_erased or None,
        **_trail(application, with_reasons=False),
        "transitions": [],
    }


def _full_case_facts(application: Application, role: Role) -> dict[str, Any]:
    """What a row adds for the roles that see the whole case: how and when it came, and
    since when it is in its stage (nothing personal: an erased case keeps them too)."""
    if not sees_full_case(role):
        return {}
    return {
        "channel": application.channel,
        "submitted_at": application.submitted_at,
        "stage_changed_at": application.stage_changed_at,
    }


def _erased_summary(application: Application, *, role: Role) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "id": str(application.pk),
        "reference": ERASED,
        "stage": application.stage,
        "given_name": ERASED,
        "family_name": ERASED,
        "nationality": application.nationality_id,
        "mission": application.mission.code,
        "erased": True,
    }
    return summary | _full_case_facts(application, role)


def _erased_detail(application: Application, *, role: Role) -> dict[str, Any]:
    """An erased case: its non-personal facts and history; its data key no longer exists."""
    detail = _erased_summary(application, role=role)
    detail |= {
        "erased_at": application.data_key.destroyed_at,
        "erasure": application.data_key.destruction,
        "documents": [],
        "transitions": [],
    }
    if reads_full_case(role):
        detail["history"] = [
            {
                "from_stage": h.from_stage or None,
                "to_stage": h.to_stage,
                "actor": h.actor.username if h.actor else None,
                "actor_role": h.actor_role,
                "reason": None,  # sealed with the destroyed key, and cleared
                "at": h.at,
            }
            for h in application.history.select_related("actor")
        ]
    return detail


def case_summary(application: Application, *, role: Role, opened: bool = False) -> dict[str, Any]:
    """One row of a list (case list, search results, queues, API lists, exports).

    A high-risk applicant's name is masked unless the case is being opened (`opened`: its
    detail, where the opening is checked and recorded).
    """
    if application.is_erased:
        return _erased_summary(application, role=role)
    summary: dict[str, Any] = {
        "id": str(application.pk),
        "reference": application.reference,
        "stage": application.stage,
        "given_name": application.given_name,
        "family_name": application.family_name,
        "nationality": application.nationality_id,
        "mission": application.mission.code,
    }
    if not opened and high_risk(application):
        summary["given_name"], summary["family_name"] = masked_name(
            application.given_name, application.family_name
        )
        summary["masked"] = True
    return summary | _full_case_facts(application, role)


def case_detail(application: Application, *, user: StaffUser) -> dict[str, Any]:
    role = user.staff_role
    if oversees_case(role):
        return oversight_detail(application)
    if application.is_erased:
        return _erased_detail(application, role=role)
    detail = case_summary(application, role=role, opened=True)
    detail["given_name_native"] = application.given_name_native
    detail["family_name_native"] = application.family_name_native
    if not reads_full_case(role):
        detail["transitions"] = _transitions(application, role)
        return detail
    recommendation = application_screening(application=application)
    detail |= {
        "channel": application.channel,
        "submitted_at": application.submitted_at,
        "stage_changed_at": application.stage_changed_at,
        "date_of_birth": application.date_of_birth,
        "residence_country": application.residence_country,
        "email": application.email,
        "phone": application.phone,
        "passport_number": application.passport_number,
        "languages": application.languages,
        "military_experience": application.military_experience,
        "held_from": application.held_from or None,
        "consent_at": application.consent_at,
        "advisory_acknowledged_at": application.advisory_acknowledged_at,
        "screening": {
            "outcome": recommendation.outcome.value,
            "priority": recommendation.priority,
            "reasons": [
                {
                    "code": r.code,
                    "message": r.message,
                    "favourable": r.favourable,
                    "values": r.values,
                }
                for r in recommendation.reasons
            ],
        },
        "documents": [
            {
                "id": str(d.pk),
                "kind": d.kind,
                "content_type": d.content_type,
                "size": d.size,
                "uploaded_at": d.uploaded_at,
                "verification": d.verification,
                "verified_by": d.verified_by.username if d.verified_by else None,
                "verified_at": d.verified_at,
            }
            for d in application.documents.select_related("verified_by")
        ],
        **_trail(application, with_reasons=True),
        "transitions": _transitions(application, role),
    }
    detail |= detail_sections(application, user)
    return detail


def _trail(application: Application, *, with_reasons: bool) -> dict[str, list[dict[str, Any]]]:
    """The case's stage history and transfers; ``with_reasons=False`` withholds their free
    text, which is about the volunteer, from the roles that see only the oversight view."""
    return {
        "history": [
            {
                "from_stage": h.from_stage or None,
                "to_stage": h.to_stage,
                "actor": h.actor.username if h.actor else None,
                "actor_role": h.actor_role,
                "reason": h.reason if with_reasons else None,
                "at": h.at,
            }
            for h in application.history.select_related("actor")
        ],
        "transfers": [
            {
                "from_mission": t.from_mission.code,
                "to_mission": t.to_mission.code,
                "actor": t.actor.username,
                "reason": t.reason if with_reasons else None,
                "at": t.at,
            }
            for t in application.transfers.select_related("from_mission", "to_mission", "actor")
        ],
    }


def _transitions(application: Application, role: Role) -> list[dict[str, Any]]:
    return [
        {"to": target.value, "label": rule.label, "reason_required": rule.reason_required}
        for target, rule in available_transitions(
            current=application.current_stage, role=role, held_from=application.held_from_stage
        )
    ]
