"""EncryptedField: the one way a personal value reaches the database.

Every personal attribute of a volunteer is declared with this field, so moving to another
key scheme (per-volunteer data keys) changes this module and nothing else. Values are
encrypted on the way in and decrypted on the way out; the column holds only ciphertext.
Filtering on the column is refused: use the blind indexes (``cases.LookupDigest``).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from enlist.vault.keyring import field_cipher

KINDS = ("text", "date", "json")


def _encode(kind: str, value: Any) -> bytes:
    if kind == "text":
        if not isinstance(value, str):
            raise TypeError("EncryptedField(kind='text') takes str")
        return value.encode("utf-8")
    if kind == "date":
        if not isinstance(value, datetime.date):
            raise TypeError("EncryptedField(kind='date') takes datetime.date")
        return value.isoformat().encode("ascii")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode(kind: str, raw: bytes) -> Any:
    if kind == "text":
        return raw.decode("utf-8")
    if kind == "date":
        return datetime.date.fromisoformat(raw.decode("ascii"))
    return json.loads(raw)


class EncryptedField(models.BinaryField):
    description = "Encrypted value (AES-GCM)"

    def __init__(self, *args: Any, kind: str = "text", **kwargs: Any) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.kind != "text":
            kwargs["kind"] = self.kind
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    @property
    def context(self) -> bytes:
        return f"{self.model._meta.label}.{self.name}".encode()

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        token = field_cipher().encrypt(_encode(self.kind, value), context=self.context)
        return super().get_prep_value(token)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return _decode(self.kind, field_cipher().decrypt(bytes(value), context=self.context))

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return ""  # never serialise plaintext (dumpdata, admin history)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted; search it through its blind index, not '{lookup_name}'"
            )
        return super().get_lookup(lookup_name)
