"""Per-volunteer data keys, step 1 of 3: the columns, nullable while existing rows convert."""

import django.db.models.deletion
from django.db import migrations, models

import enlist.cases.models
import enlist.vault.storage


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("vault", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="data_key",
            field=models.OneToOneField(
                null=True,
                help_text=(
                    "This volunteer's data key: every personal field and file is sealed with it."
                ),
                on_delete=django.db.models.deletion.PROTECT,
                related_name="application",
                to="vault.datakey",
            ),
        ),
        migrations.AddField(
            model_name="stagechange",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="document",
            name="file",
            field=enlist.vault.storage.EncryptedFileField(
                max_length=200, upload_to=enlist.cases.models._document_path
            ),
        ),
        migrations.AlterModelOptions(
            name="application",
            options={"base_manager_name": "objects", "ordering": ["-submitted_at"]},
        ),
    ]
