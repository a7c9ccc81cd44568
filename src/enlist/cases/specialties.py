"""The legion's list of military specialties, by code. No Django.

A code is the specialty's English name as `specialty_code` writes it (case and spacing
folded), so what a volunteer wrote in English and what a unit wants compare as they are: the
unit suggestion (`logistics/assignment.py`) matches on codes. The seeded units want specialties
of this list (`logistics/migrations/0004_unit_profiles.py`), and so do the demo's volunteers.

Pages show a listed specialty by its label in the reader's language (`cases/labels.py:
specialty_label`); anything else (a volunteer's own words in any language, a specialty HQ typed
into a unit in the admin) is shown as it was entered.
"""

from __future__ import annotations


def _(text: str) -> str:
    """Marks a label for the translation catalog (makemessages); pages translate it on display."""
    return text


def specialty_code(text: str) -> str:
    """ "Combat  Medic" → "combat medic": specialties compare case- and space-insensitively."""
    return " ".join(text.casefold().split())


SPECIALTY_LABELS = {
    "infantry": _("infantry"),
    "combat medic": _("combat medic"),
    "machine gunner": _("machine gunner"),
    "sniper": _("sniper"),
    "anti-tank (atgm)": _("anti-tank (ATGM)"),
    "mortar": _("mortar"),
    "artillery": _("artillery"),
    "combat engineer": _("combat engineer"),
    "explosive ordnance disposal": _("explosive ordnance disposal"),
    "signals": _("signals"),
    "drone operator": _("drone operator"),
    "reconnaissance": _("reconnaissance"),
    "driver": _("driver"),
    "mechanic": _("mechanic"),
    "logistics": _("logistics"),
    "military police": _("military police"),
    "intelligence": _("intelligence"),
    "air defence": _("air defence"),
    "tank crew": _("tank crew"),
    "cook": _("cook"),
}
