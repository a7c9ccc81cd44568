"""Every ISO 3166-1 country with the legal advisory its government gave in 2022 (missions/seed.py)."""

from django.db import migrations


def seed_countries(apps, schema_editor):
    from enlist.missions.seed import country_rows

    Country = apps.get_model("missions", "Country")
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        Country(**row) for row in country_rows() if row["code"] not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("missions", "0001_initial")]
    operations = [migrations.RunPython(seed_countries, migrations.RunPython.noop)]
