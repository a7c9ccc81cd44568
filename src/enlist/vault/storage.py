"""EncryptedFileStorage: the one way an uploaded document reaches the disk.

Files are sealed whole with the owning volunteer's data key; the associated data binds the
field (``app.Model.field``), the owning row's id and the storage name, so a file copied over
another, renamed or moved to another row fails to open (DecryptionError). Names are random
(see ``cases.models``): neither a volunteer's name nor the original file name reaches the disk.

Files are written only through an ``EncryptedFileField`` (``FieldFile.save``), which hands the
storage the row's data key; a bare ``storage.save()`` is refused. Reading through the field
checks the file belongs to that row; a bare ``storage.open(name)`` (tools, tests) finds the
data key from the file's header. The header holds only random ids:

    version 2 (1) | data key id (16) | length (1) | "app.Model.field\\0<row id>" | nonce | sealed
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.fields.files import FieldFile

from enlist.vault.crypto import DecryptionError
from enlist.vault.envelope import TOKEN_VERSION, DataKeyCipher, file_context
from enlist.vault.fields import binding_of


@dataclass(frozen=True)
class FileSeal:
    """What sealing one row's file needs: its data key and what the file is bound to."""

    cipher: DataKeyCipher
    data_key_id: uuid.UUID
    field: str  # "cases.Document.file"
    row: str  # the owning row's id

    @property
    def binding(self) -> bytes:
        return self.field.encode("ascii") + b"\x00" + self.row.encode("ascii")


class _Plaintext(ContentFile):
    """An upload on its way to the disk, with the seal to apply to it."""

    def __init__(self, content: bytes, seal: FileSeal) -> None:
        super().__init__(content)
        self.seal = seal


def _header(seal: FileSeal) -> bytes:
    binding = seal.binding
    if len(binding) > 255:
        raise ValueError("file binding too long")
    return bytes((TOKEN_VERSION,)) + seal.data_key_id.bytes + bytes((len(binding),)) + binding


def _parse(sealed: bytes) -> tuple[uuid.UUID, str, str, bytes]:
    """(data key id, field, row, token) of a sealed file; DecryptionError when malformed."""
    if len(sealed) < 18 or sealed[0] != TOKEN_VERSION:
        raise DecryptionError("not an Enlist sealed file")
    data_key_id = uuid.UUID(bytes=sealed[1:17])
    end = 18 + sealed[17]
    field, _, row = sealed[18:end].partition(b"\x00")
    try:
        return data_key_id, field.decode("ascii"), row.decode("ascii"), sealed[end:]
    except UnicodeDecodeError as exc:
        raise DecryptionError("not an Enlist sealed file") from exc


class EncryptedFileStorage(FileSystemStorage):
    def save_sealed(
        self, name: str, content: File, *, seal: FileSeal, max_length: int | None = None
    ) -> str:
        content.seek(0)
        return self.save(name, _Plaintext(content.read(), seal), max_length=max_length)

    def open_sealed(self, name: str, *, seal: FileSeal | None = None) -> ContentFile:
        """The plaintext of `name`; with `seal`, only if the file belongs to that row."""
        # _open and _save are Django's documented hooks for a storage; the stubs omit them
        with super()._open(name, "rb") as handle:  # type: ignore[misc]
            sealed = handle.read()
        data_key_id, field, row, token = _parse(sealed)
        if seal is not None:
            if (data_key_id, field, row) != (seal.data_key_id, seal.field, seal.row):
                raise DecryptionError("this file belongs to another row")
            cipher = seal.cipher
        else:
            from enlist.vault.models import DataKey

            data_key = DataKey.objects.filter(pk=data_key_id).first()
            if data_key is None:
                raise DecryptionError("the file's data key does not exist")
            cipher = data_key.cipher()
        context = file_context(field=field, row=row, name=name)
        return ContentFile(cipher.open(token, context=context), name=name)

    def _save(self, name: str, content: File) -> str:
        if not isinstance(content, _Plaintext):
            raise ValueError("encrypted files are written through their row's field, not save()")
        seal = content.seal
        token = seal.cipher.seal(
            content.read(), context=file_context(field=seal.field, row=seal.row, name=name)
        )
        saved = super()._save(name, ContentFile(_header(seal) + token))  # type: ignore[misc]
        if saved != name:  # bound to `name`: a file under another name would never open
            self.delete(saved)
            raise FileExistsError(f"storage name {name} was taken while saving")
        return saved

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode:
            raise ValueError("encrypted files are written through save(), not opened for writing")
        return self.open_sealed(name)


class EncryptedFieldFile(FieldFile):
    """A FieldFile that seals and opens with its row's data key (``vault_binding``)."""

    def _seal(self) -> FileSeal:
        instance = self.instance
        binding = binding_of(type(instance))
        data_key = binding.data_key(instance)
        return FileSeal(
            cipher=data_key.cipher(),
            data_key_id=data_key.pk,
            field=f"{instance._meta.label}.{self.field.name}",
            row=binding.row_id(instance),
        )

    def _encrypted_storage(self) -> EncryptedFileStorage:
        if not isinstance(self.storage, EncryptedFileStorage):
            raise TypeError("an EncryptedFileField needs an EncryptedFileStorage")
        return self.storage

    def save(self, name: str, content: File, save: bool = True) -> None:
        name = self.field.generate_filename(self.instance, name)
        self.name = self._encrypted_storage().save_sealed(
            name, content, seal=self._seal(), max_length=self.field.max_length
        )
        setattr(self.instance, self.field.attname, self.name)
        self._committed = True
        if save:
            self.instance.save()

    save.alters_data = True  # type: ignore[attr-defined]

    def _stored_name(self) -> str:
        self._require_file()  # type: ignore[attr-defined]  # FieldFile's own; not in the stubs
        assert self.name is not None  # nosec B101  # _require_file refused a file without one
        return self.name

    def _get_file(self) -> File[Any]:
        name = self._stored_name()
        if getattr(self, "_file", None) is None:
            self._file = self._encrypted_storage().open_sealed(name, seal=self._seal())
        return self._file

    # FieldFile's own setter and deleter of `file` (private, so not in the stubs)
    file = property(_get_file, FieldFile._set_file, FieldFile._del_file)  # type: ignore[attr-defined]

    # FieldFile.open takes only `mode`; the stubs give it File.open's whole signature
    def open(self, mode: str = "rb") -> EncryptedFieldFile:  # type: ignore[override]
        if "w" in mode or "a" in mode:
            raise ValueError("encrypted files are written through save(), not opened for writing")
        name = self._stored_name()
        if getattr(self, "_file", None) is None:
            self.file = self._encrypted_storage().open_sealed(name, seal=self._seal())
        else:
            self.file.open(mode)
        return self


class EncryptedFileField(models.FileField):
    """A FileField whose files are sealed with the row's data key (see module docstring)."""

    attr_class = EncryptedFieldFile
