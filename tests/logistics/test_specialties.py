"""The legion's specialties (cases/specialties.py): every one the seeded units want (and the
demo's volunteers state) is on the list, and staff read them in their language; a specialty off
the list stays as entered."""

from __future__ import annotations

import importlib

from django.utils import translation

from enlist.cases.labels import specialty_label, specialty_labels
from enlist.cases.specialties import SPECIALTY_LABELS, specialty_code
from enlist.demo.plan import SPECIALTIES as DEMO_SPECIALTIES
from enlist.logistics.assignment import ScorePart
from enlist.logistics.presentation import part_text
from tests.conftest import sign_in
from tests.factories import ApplicationFactory

SEEDED = importlib.import_module("enlist.logistics.migrations.0004_unit_profiles").PROFILES


def test_specialties_compare_case_and_space_insensitively():
    assert specialty_code("  Combat   MEDIC ") == "combat medic"
    assert specialty_code("") == ""


def test_every_seeded_and_demo_specialty_is_on_the_list():
    seeded = {specialty_code(s) for _, specialties in SEEDED.values() for s in specialties}
    demo = {specialty_code(s) for s in DEMO_SPECIALTIES}

    assert (seeded | demo) - set(SPECIALTY_LABELS) == set()
    assert all(code == specialty_code(code) for code in SPECIALTY_LABELS)  # codes compare as is


def test_a_listed_specialty_reads_in_ukrainian_and_another_stays_as_entered():
    with translation.override("uk"):
        assert specialty_label("Combat medic") == "бойовий медик"
        assert (
            specialty_labels(["anti-tank (ATGM)", "dog handler"])
            == "протитанкіст (ПТРК), dog handler"
        )
        reason = part_text(ScorePart("specialty", 10, "drone operator"))

    assert reason == "потребує спеціальності «оператор БпЛА»"


def test_the_units_page_names_the_specialties_in_ukrainian(client, hq):
    page = sign_in(client, hq).get("/staff/units/", headers={"accept-language": "uk"})

    units = page.content.decode().split("<tbody>")[1].split("</tbody>")[0]  # the units table
    assert "розвідник" in units and "снайпер" in units
    for code in ("reconnaissance", "drone operator", "sniper", "infantry"):
        assert code not in units


def test_the_case_page_names_a_listed_specialty_in_ukrainian_and_keeps_the_rest(
    client, hq, vilnius
):
    experience = {"years": 5, "specialties": ["Combat medic", "снайпер-інструктор"]}
    case = ApplicationFactory(mission=vilnius, stage="arrived", military_experience=experience)

    page = sign_in(client, hq).get(f"/staff/cases/{case.pk}/", headers={"accept-language": "uk"})

    body = page.content.decode()
    assert "бойовий медик, снайпер-інструктор" in body
    assert "Combat medic" not in body
