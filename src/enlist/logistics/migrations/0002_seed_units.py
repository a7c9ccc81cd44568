"""The national units named in public reporting (public reporting of February–June 2022)."""

from django.db import migrations


def seed_units(apps, schema_editor):
    from enlist.missions.seed import UNITS

    Unit = apps.get_model("logistics", "Unit")
    for row in UNITS:
        Unit.objects.get_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("logistics", "0001_initial")]
    operations = [migrations.RunPython(seed_units, migrations.RunPython.noop)]
