"""Per-volunteer data keys, step 2 of 3: give every existing application its own data key.

Applications written by the first release hold version-1 tokens sealed with the single field
key (which is now the KEK ring, ``ENLIST_FIELD_KEY``). Each gets a fresh data key, wrapped by
the active KEK, and every value of it, of its stage history and of its documents is opened
with the old key and sealed again with the new one, bound to its row. Document files are
re-sealed under new random names; the old files are deleted once the migration commits, so a
failed migration leaves the first-release files as they were.

Nothing to do (and no key needed) on a database without applications.
"""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, transaction

from enlist.vault.envelope import DataKeyCipher, field_context, new_data_key
from enlist.vault.fields import Sealed
from enlist.vault.keyring import key_encryption_keys, legacy_field_cipher
from enlist.vault.storage import EncryptedFileStorage, FileSeal

APPLICATION_FIELDS = (
    "reference",
    "given_name",
    "family_name",
    "given_name_native",
    "family_name_native",
    "date_of_birth",
    "residence_country",
    "email",
    "phone",
    "passport_number",
    "languages",
    "military_experience",
)


def seal_with_data_keys(apps, schema_editor):
    Application = apps.get_model("cases", "Application")
    StageChange = apps.get_model("cases", "StageChange")
    Document = apps.get_model("cases", "Document")
    DataKey = apps.get_model("vault", "DataKey")
    pending = Application.objects.filter(data_key__isnull=True)
    if not pending.exists():
        return
    legacy = legacy_field_cipher()
    keks = key_encryption_keys()
    storage = default_storage
    old_files = []

    for application_id in list(pending.values_list("pk", flat=True)):
        key = new_data_key()
        key_id = uuid.uuid4()
        wrapped = keks.wrap(key, key_id=key_id.bytes)
        DataKey.objects.create(id=key_id, wrapped=wrapped.wrapped, kek_version=wrapped.version)
        cipher = DataKeyCipher(key)

        def reseal(value, label, row, cipher=cipher):
            if value is None:
                return None
            plaintext = legacy.decrypt(value.token, context=label.encode())
            return Sealed(cipher.seal(plaintext, context=field_context(field=label, row=row)))

        row = Application.objects.filter(pk=application_id).values(*APPLICATION_FIELDS).get()
        Application.objects.filter(pk=application_id).update(
            data_key_id=key_id,
            **{
                name: reseal(value, f"cases.Application.{name}", str(application_id))
                for name, value in row.items()
            },
        )
        for change_pk, reason in StageChange.objects.filter(
            application_id=application_id
        ).values_list("pk", "reason"):
            uid = uuid.uuid4()
            StageChange.objects.filter(pk=change_pk).update(
                uid=uid, reason=reseal(reason, "cases.StageChange.reason", str(uid))
            )
        for document_pk, original_name, name in Document.objects.filter(
            application_id=application_id
        ).values_list("pk", "original_name", "file"):
            row_id = str(document_pk)
            changes = {
                "original_name": reseal(original_name, "cases.Document.original_name", row_id)
            }
            if name and storage.exists(name) and isinstance(storage, EncryptedFileStorage):
                with open(storage.path(name), "rb") as handle:
                    plaintext = legacy.decrypt(handle.read(), context=f"file:{name}".encode())
                seal = FileSeal(
                    cipher=cipher, data_key_id=key_id, field="cases.Document.file", row=row_id
                )
                changes["file"] = storage.save_sealed(
                    f"documents/{uuid.uuid4().hex}", ContentFile(plaintext), seal=seal
                )
                old_files.append(name)
            Document.objects.filter(pk=document_pk).update(**changes)

    def delete_old_files():
        for name in old_files:
            storage.delete(name)

    transaction.on_commit(delete_old_files, using=schema_editor.connection.alias)


def refuse_with_data(apps, schema_editor):
    if apps.get_model("cases", "Application").objects.exists():
        raise RuntimeError("Applications sealed with data keys cannot go back to one field key.")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_data_keys"),
        ("vault", "0001_initial"),
    ]

    operations = [migrations.RunPython(seal_with_data_keys, refuse_with_data)]
