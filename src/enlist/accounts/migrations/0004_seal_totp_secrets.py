"""Move the authenticator apps out of django-otp's ``otp_totp_totpdevice``, whose ``key``
column held every TOTP secret in clear, into ``SealedTotpDevice`` (the secret sealed by the
vault with a data key of each device's own); then empty that table.

``django_otp.plugins.otp_totp`` is no longer installed, so its table is read with SQL, and
only if this database has it (a database created since has never held a secret in clear).
On SQLite the rows are deleted with ``secure_delete`` on, so the secrets' bytes do not stay in
free pages of the file; on PostgreSQL run ``VACUUM FULL otp_totp_totpdevice`` (or drop the
table) after upgrading: deleted tuples keep their bytes until vacuumed. See
docs/adr/0009-passkeys-and-sealed-totp.md.
"""

import uuid

from django.db import migrations
from django.utils import timezone

from enlist.vault.envelope import DataKeyCipher, field_context, new_data_key
from enlist.vault.fields import Sealed
from enlist.vault.keyring import key_encryption_keys

TABLE = "otp_totp_totpdevice"


def seal_totp_secrets(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE not in connection.introspection.table_names():
        return
    Device = apps.get_model("accounts", "SealedTotpDevice")
    DataKey = apps.get_model("vault", "DataKey")
    quoted = connection.ops.quote_name(TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id, name, confirmed, key, last_t FROM {quoted}")  # noqa: S608
        rows = cursor.fetchall()
    if rows:
        keks = key_encryption_keys()
    for user_id, name, confirmed, key_hex, last_t in rows:
        bytes.fromhex(key_hex)  # a malformed stored key stops the migration, nothing lost
        key = new_data_key()
        key_id = uuid.uuid4()
        wrapped = keks.wrap(key, key_id=key_id.bytes)
        DataKey.objects.create(id=key_id, wrapped=wrapped.wrapped, kek_version=wrapped.version)
        uid = uuid.uuid4()
        token = DataKeyCipher(key).seal(
            key_hex.encode("ascii"),
            context=field_context(field="accounts.SealedTotpDevice.secret", row=str(uid)),
        )
        Device.objects.create(
            user_id=user_id,
            name=name,
            confirmed=confirmed,
            uid=uid,
            data_key_id=key_id,
            secret=Sealed(token),
            last_t=last_t,
            created_at=timezone.now(),
        )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_second_factors_and_sessions"),
        ("vault", "0001_initial"),
    ]

    operations = [migrations.RunPython(seal_totp_secrets, migrations.RunPython.noop)]
