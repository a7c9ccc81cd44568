"""The trail's codes in words: every kind of change, every target kind and every visa field an
entry names is shown by its translated label, never as the code; a code no table knows yet is
humanised."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone, translation

from enlist.audit.models import AuditAction
from enlist.audit.services import audit_record
from enlist.visas.labels import VISA_FIELD_LABELS
from enlist.visas.services import VISA_FIELDS, visa_update
from enlist.visas.views import VISA_PERSONAL_FIELDS
from enlist.workspace.audit_presentation import (
    CHANGE_LABELS,
    TARGET_LABELS,
    action_label,
    detail_items,
    target_label,
)
from tests.audit.conftest import sign_in
from tests.factories import ApplicationFactory

SOURCE = Path(__file__).resolve().parents[2] / "src" / "enlist"
# Where a kind of change is written: `"change": "x"` in a detail, `change="x"` passed to the
# signal or helper that writes it, or a helper's positional code (`_token_entry(row, "x")`).
CHANGE_WRITTEN = (
    re.compile(r'"change":\s*"([a-z_]+)"'),
    re.compile(r'\bchange="([a-z_]+)"'),
    re.compile(r'_(?:token_entry|applicant_audit)\([^,()]+,\s*"([a-z_]+)"'),
    re.compile(r'_audit_decision\(\s*[^,()]+,\s*[^,()]+,\s*"([a-z_]+)"'),
    re.compile(r'"(token_[a-z]+)"'),
    re.compile(r'"(unit_(?:override|confirm))"'),
    re.compile(r'kind="(meeting_point|route_advice)"'),
)
# Where a target kind is written: `target=("x", key)`.
TARGET_WRITTEN = re.compile(r'target=\(\s*"([a-z_]+)"')


def written(patterns) -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        for pattern in patterns:
            found |= set(pattern.findall(text))
    return found


def test_every_kind_of_change_the_code_writes_has_a_label():
    codes = written(CHANGE_WRITTEN)

    assert len(codes) > 40  # the patterns still find the writers
    assert codes - set(CHANGE_LABELS) == set()


def test_every_target_kind_the_code_writes_has_a_label():
    kinds = written([TARGET_WRITTEN]) | {"application", "staff"}  # audit/services.py: models

    assert kinds - set(TARGET_LABELS) == set()


def test_every_visa_field_a_change_or_a_view_names_has_a_label():
    named = {*VISA_FIELDS, "checklist", *(f.removeprefix("visa.") for f in VISA_PERSONAL_FIELDS)}

    assert named - set(VISA_FIELD_LABELS) == set()


def test_an_unknown_code_is_humanised_not_shown_raw_nor_a_crash():
    with translation.override("uk"):
        change = dict(detail_items({"change": "brand_new.kind_of_change"}))
        view = dict(detail_items({"fields": ["new_field"], "new_key": "x"}))

        assert target_label("new_target_kind") == "new target kind"
        assert action_label("new_action") == "new action"
    assert change == {"зміна": "brand new kind of change"}
    assert view == {"показані поля": "new field", "new key": "x"}


@pytest.mark.django_db
def test_a_visa_change_reads_in_ukrainian_on_the_trail(client, auditor, consul_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="visa")
    today = timezone.localdate()
    visa_update(application=case, actor=consul_vilnius, status="issued", visa_type="long_stay",
                number="UA55120934", valid_until=today, consular_notes="Cleared.")  # fmt: skip
    audit_record(actor=auditor, action=AuditAction.CHANGE, target=("meeting_point", 7),
                 detail={"change": "meeting_point"})  # fmt: skip

    body = sign_in(client, auditor).get("/audit/", headers={"accept-language": "uk"})
    trail = body.content.decode().split("<tbody>")[1]

    assert "<dt>зміна</dt><dd>візу записано</dd>" in trail
    assert "<dt>статус</dt><dd>Видана</dd>" in trail
    assert "Номер візи" in trail and "Нотатки консула" in trail and "Тип візи" in trail
    assert "<dd>пункт збору збережено</dd>" in trail
    assert "пункт збору <code>7</code>" in trail
    for code in ("visa_update", "consular_notes", "visa_type", "issued", "meeting_point"):
        assert code not in trail


@pytest.mark.django_db
def test_the_visa_page_names_its_fields_in_ukrainian(client, consul_vilnius, vilnius):
    case = ApplicationFactory(mission=vilnius, stage="visa")
    visa_update(application=case, actor=consul_vilnius, status="preparing", visa_type="long_stay")

    page = sign_in(client, consul_vilnius).get(
        f"/staff/cases/{case.pk}/visa/", headers={"accept-language": "uk"}
    )

    body = page.content.decode()
    assert '<label for="status">Статус візи</label>' in body
    assert "<dt>Тип візи</dt>" in body and "<dt>Номер візи</dt>" in body
    assert "Visa type" not in body and "Visa status" not in body


def test_a_retention_rule_a_key_and_a_travel_checklist_kind_read_in_ukrainian():
    with translation.override("uk"):
        erased = dict(detail_items({"rule": "rejected+high_risk"}))
        rotated = dict(detail_items({"change": "rotate", "key": "field"}))
        item = dict(detail_items({"change": "checklist_item", "kind": "equipment"}))

    assert erased["правило зберігання"] == "Відхилено, громадянство з високим ризиком"
    assert rotated["ключ"] == "ключі шифрування полів"
    assert item["тип документа"] == "Рекомендоване спорядження"
