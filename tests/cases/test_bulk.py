"""Bulk actions on the case list: one move per case, each refused on its own with its reason."""

from __future__ import annotations

import re

from enlist.audit.models import AuditEntry
from enlist.cases.models import Application, StageChange
from tests.conftest import sign_in
from tests.factories import ApplicationFactory

BULK = "/staff/cases/bulk/"


def _stage(application) -> str:
    return Application.objects.get(pk=application.pk).stage


def test_a_clerk_moves_the_cases_the_workflow_allows_and_is_told_why_not_for_the_rest(
    client, clerk_vilnius, vilnius
):
    first, second = (ApplicationFactory(mission=vilnius) for _ in range(2))
    at_interview = ApplicationFactory(mission=vilnius, stage="interview")

    response = sign_in(client, clerk_vilnius).post(
        BULK,
        {"action": "move", "to": "screening", "ids": [first.pk, at_interview.pk, second.pk]},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert (_stage(first), _stage(second), _stage(at_interview)) == (
        "screening",
        "screening",
        "interview",
    )
    assert "2 cases moved; 1 refused." in html
    refused = html[html.index('id="bulk-refused"') :]
    assert at_interview.reference in refused
    assert "cannot move to &#x27;screening&#x27;" in refused
    moves = StageChange.objects.filter(to_stage="screening", actor=clerk_vilnius)
    assert sorted(str(c.application_id) for c in moves) == sorted([str(first.pk), str(second.pk)])
    audited = AuditEntry.objects.filter(actor=clerk_vilnius, action="transition")
    assert audited.count() == 2


def test_a_case_of_another_mission_is_not_found_and_not_named(client, clerk_vilnius, vilnius, oslo):
    theirs = ApplicationFactory(mission=oslo)

    html = (
        sign_in(client, clerk_vilnius)
        .post(BULK, {"action": "move", "to": "screening", "ids": [theirs.pk]})
        .content.decode()
    )

    assert _stage(theirs) == "submitted"
    assert "0 cases moved; 1 refused." in html
    assert theirs.reference not in html
    assert "not found" in html


def test_hold_needs_the_role_and_a_reason(client, clerk_vilnius, attache_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="screening")

    refused = sign_in(client, clerk_vilnius).post(
        BULK, {"action": "hold", "ids": [case.pk], "reason": "Waiting for the passport"}
    )
    assert _stage(case) == "screening"
    assert "may not move an application to &#x27;on_hold&#x27;" in refused.content.decode()

    client.logout()
    no_reason = sign_in(client, attache_vilnius).post(BULK, {"action": "hold", "ids": [case.pk]})
    assert _stage(case) == "screening"
    assert "1 refused" in no_reason.content.decode()

    held = client.post(BULK, {"action": "hold", "ids": [case.pk], "reason": "Passport renewal"})
    assert _stage(case) == "on_hold"
    assert "1 case moved; 0 refused." in held.content.decode()


def test_send_to_scheduling_moves_screened_cases_to_interview(client, clerk_vilnius, vilnius):
    screened = [ApplicationFactory(mission=vilnius, stage="screening") for _ in range(3)]

    sign_in(client, clerk_vilnius).post(
        BULK, {"action": "schedule", "ids": [c.pk for c in screened]}
    )

    assert [_stage(c) for c in screened] == ["interview"] * 3


def test_a_malformed_selection_moves_nothing(client, clerk_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius)
    sign_in(client, clerk_vilnius)

    selections = [
        {"action": "move", "to": "screening"},
        {"action": "move", "to": "screening", "ids": [case.pk, case.pk]},
        {"action": "move", "to": "screening", "ids": [case.pk, "x"]},
        {"action": "fly", "ids": [case.pk]},
    ]
    responses, shown = [], []
    for data in selections:  # each refusal read before the next is made
        responses.append(client.post(BULK, data))
        shown.append(_flash(client, responses[-1]))

    assert [r.status_code for r in responses] == [302] * 4
    assert _stage(case) == "submitted"
    assert not StageChange.objects.filter(application=case, to_stage="screening").exists()
    assert shown[:3] == ["Select between 1 and 500 cases, each once."] * 3
    assert shown[3] == "Choose move, hold or send to scheduling."


def test_a_refused_selection_is_told_in_the_readers_language(client, clerk_vilnius, vilnius):
    sign_in(client, clerk_vilnius)
    response = client.post(
        BULK, {"action": "move", "to": "screening"}, headers={"accept-language": "uk"}
    )
    shown = _flash(client, response, language="uk")
    assert shown and "Select" not in shown and "case ids" not in shown


def _flash(client, response, *, language: str = "en") -> str:
    """The message the list shows after a refused bulk action."""
    page = client.get(response.url, headers={"accept-language": language}).content.decode()
    found = re.search(r'<ul class="messages"><li class="error">(.*?)</li>', page, re.S)
    return found.group(1).strip() if found else ""


def test_roles_without_cases_get_the_403_page(client, auditor, vilnius_case):
    response = sign_in(client, auditor).post(
        BULK, {"action": "move", "to": "screening", "ids": [vilnius_case.pk]}
    )

    assert response.status_code == 403
    assert _stage(vilnius_case) == "submitted"


def test_the_list_offers_the_selection_with_labelled_checkboxes(client, clerk_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius)

    html = sign_in(client, clerk_vilnius).get("/staff/cases/").content.decode()

    assert 'id="bulk-form"' in html and 'action="/staff/cases/bulk/"' in html
    assert (
        f'<input type="checkbox" name="ids" value="{case.pk}" form="bulk-form" '
        f'id="select-{case.pk}" aria-label="Select {case.reference}">'
    ) in html
