"""Nationalities and preferred specialties of the seeded units, for the unit suggestion."""

from django.db import migrations

PROFILES = {
    "pahonia": (["BY"], ["infantry", "reconnaissance", "drone operator"]),
    "georgian-legion": (["GE"], ["infantry", "combat medic", "sniper"]),
    "canadian-ukrainian-brigade": (["CA"], ["infantry", "combat medic", "combat engineer"]),
    "dudayev-battalion": ([], ["infantry", "machine gunner", "sniper"]),
    "sheikh-mansur-battalion": ([], ["infantry", "anti-tank (ATGM)", "mortar"]),
    "freedom-of-russia-legion": (["RU"], ["infantry", "artillery", "signals"]),
}


def profile_units(apps, schema_editor):
    Unit = apps.get_model("logistics", "Unit")
    for code, (nationalities, specialties) in PROFILES.items():
        Unit.objects.filter(code=code, nationalities=[], specialties=[]).update(
            nationalities=nationalities, specialties=specialties
        )


class Migration(migrations.Migration):
    dependencies = [("logistics", "0003_unit_profile_and_assignment")]
    operations = [migrations.RunPython(profile_units, migrations.RunPython.noop)]
