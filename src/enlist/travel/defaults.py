"""What HQ starts from: the documents to carry and the recommended equipment.

The English names are msgids (gettext_noop), so a seeded item shows in the volunteer's
language from the catalogs until HQ writes its own translation. The data migration
``0002_seed_checklist`` copies these lists (a migration must not change when this file does).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

DOCUMENTS = [
    gettext_noop("Passport, valid for at least six more months"),
    gettext_noop("Military documents: military ID, discharge papers or service record"),
    gettext_noop("Visa, if one was issued to you"),
    gettext_noop("These instructions, printed or on your phone"),
]

EQUIPMENT = [
    gettext_noop("Military clothing, or parts of it"),
    gettext_noop("Boots, already worn in"),
    gettext_noop("Helmet"),
    gettext_noop("Body armour"),
    gettext_noop("First aid kit with a tourniquet"),
    gettext_noop("Personal medication for at least two weeks"),
]
