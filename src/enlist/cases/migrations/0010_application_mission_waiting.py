from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_saved_filters"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["mission", "stage", "stage_changed_at", "id"],
                name="application_mission_waiting",
            ),
        ),
        migrations.RunSQL("ANALYZE cases_application", reverse_sql=migrations.RunSQL.noop),
    ]
