"""Per-volunteer data keys, step 3 of 3: every application has its key, every history row its uid."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_seal_with_data_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="data_key",
            field=models.OneToOneField(
                help_text=(
                    "This volunteer's data key: every personal field and file is sealed with it."
                ),
                on_delete=django.db.models.deletion.PROTECT,
                related_name="application",
                to="vault.datakey",
            ),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
    ]
