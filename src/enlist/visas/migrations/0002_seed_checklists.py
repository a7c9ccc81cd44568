"""HQ's checklist of documents for each visa type, which consuls extend for their mission."""

from django.db import migrations

CHECKLISTS = {
    "short_stay": [
        "Passport valid at least three months beyond the stay",
        "Passport photograph",
        "Proof of travel medical insurance",
    ],
    "long_stay": [
        "Passport valid at least three months beyond the stay",
        "Passport photograph",
        "Military service documents",
        "Proof of travel medical insurance",
    ],
    "transit": ["Passport", "Onward ticket or route"],
}


def seed_checklists(apps, schema_editor):
    ChecklistItem = apps.get_model("visas", "ChecklistItem")
    if ChecklistItem.objects.exists():
        return
    for visa_type, labels in CHECKLISTS.items():
        for position, label in enumerate(labels):
            ChecklistItem.objects.create(visa_type=visa_type, label=label, position=position)


class Migration(migrations.Migration):
    dependencies = [("visas", "0001_initial")]
    operations = [migrations.RunPython(seed_checklists, migrations.RunPython.noop)]
