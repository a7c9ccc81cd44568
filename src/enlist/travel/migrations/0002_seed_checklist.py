"""Seed the documents to carry and the recommended equipment (HQ edits them afterwards)."""

from django.db import migrations

DOCUMENTS = [
    "Passport, valid for at least six more months",
    "Military documents: military ID, discharge papers or service record",
    "Visa, if one was issued to you",
    "These instructions, printed or on your phone",
]
EQUIPMENT = [
    "Military clothing, or parts of it",
    "Boots, already worn in",
    "Helmet",
    "Body armour",
    "First aid kit with a tourniquet",
    "Personal medication for at least two weeks",
]


def seed(apps, schema_editor):
    item = apps.get_model("travel", "ChecklistItem")
    if item.objects.exists():
        return
    rows = [("document", name, i) for i, name in enumerate(DOCUMENTS)]
    rows += [("equipment", name, i) for i, name in enumerate(EQUIPMENT)]
    item.objects.bulk_create(item(kind=k, name=n, position=p) for k, n, p in rows)


class Migration(migrations.Migration):
    dependencies = [("travel", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
