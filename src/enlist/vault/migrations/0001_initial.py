import uuid

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataKey",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("wrapped", models.BinaryField(max_length=64, null=True)),
                ("kek_version", models.PositiveSmallIntegerField(null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("destroyed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "destruction",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("retention", "Retention period over"),
                            ("request", "Erased at the applicant's request"),
                        ],
                        max_length=12,
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["kek_version"], name="datakey_kek_version")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("destroyed_at__isnull", True),
                                ("kek_version__isnull", False),
                                ("wrapped__isnull", False),
                            ),
                            models.Q(
                                ("destroyed_at__isnull", False),
                                ("kek_version__isnull", True),
                                ("wrapped__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="datakey_live_or_destroyed",
                    )
                ],
            },
        ),
    ]
