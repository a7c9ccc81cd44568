"""EncryptedField: the one way a personal value reaches the database.

Every personal attribute of a volunteer is declared with this field. Each value is sealed with
*that volunteer's* data key (``vault.envelope``), with the field (``app.Model.field``) and the
row's id bound in as associated data: a ciphertext copied to another row or another column
fails to open (DecryptionError) instead of showing someone else's data.

How it works, for a model that declares ``vault_binding = KeyBinding(...)``:

- Writing: ``pre_save`` seals the attribute's plaintext with the row's data key (a value
  loaded and never read is written back as it was), so
  ``save()``, ``create()`` and ``bulk_create()`` store ciphertext only. ``QuerySet.update()``
  and ``bulk_update()`` have no row to take the key from and are refused (TypeError).
- Reading: the column arrives as an opaque ``Sealed`` token; the descriptor installed on the
  model opens it on first attribute access, with the row's data key, and keeps the plaintext
  on the instance. ``values()``/``values_list()`` therefore give ``Sealed``, never plaintext.
- Filtering on the column is refused: use the blind indexes (``cases.LookupDigest``).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from enlist.vault.envelope import DataKeyCipher, field_context

if TYPE_CHECKING:
    from enlist.vault.models import DataKey

KINDS = ("text", "date", "json")


@dataclass(frozen=True)
class KeyBinding:
    """Where a model's rows find their volunteer's data key, and what names the row.

    ``key`` is an attribute path to the ``vault.DataKey`` (``"data_key"``,
    ``"application.data_key"``); ``row`` an attribute holding an id that is set before the
    first save (a UUID primary key, or a UUID column when the primary key is an integer).
    """

    key: str
    row: str = "pk"

    def data_key(self, instance: models.Model) -> DataKey:
        try:
            data_key = attrgetter(self.key)(instance)
        except models.ObjectDoesNotExist:
            data_key = None
        if data_key is None:
            raise ValueError(f"{instance._meta.label} has no data key ({self.key}) to seal with")
        return data_key

    def cipher(self, instance: models.Model) -> DataKeyCipher:
        return self.data_key(instance).cipher()

    def row_id(self, instance: models.Model) -> str:
        row = getattr(instance, self.row)
        if row is None:
            raise ValueError(f"{instance._meta.label}.{self.row} must be set before sealing")
        return str(row)


def binding_of(model: type[models.Model]) -> KeyBinding:
    binding = getattr(model, "vault_binding", None)
    if not isinstance(binding, KeyBinding):
        raise ImproperlyConfigured(
            f"{model._meta.label} has encrypted fields but no vault_binding = KeyBinding(...)"
        )
    return binding


class Sealed:
    """A value as stored: ciphertext not yet opened. Reveals nothing when printed."""

    __slots__ = ("token",)

    def __init__(self, token: bytes) -> None:
        self.token = token

    def __repr__(self) -> str:
        return f"<Sealed {len(self.token)} bytes>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


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


class EncryptedAttribute(DeferredAttribute):
    """Opens the stored token on first access, with the instance's own data key."""

    field: EncryptedField

    def __get__(self, instance: models.Model | None, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)  # loads a deferred column
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.BinaryField):
    description = "Encrypted value (AES-GCM, the volunteer's data key)"
    descriptor_class = EncryptedAttribute

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

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if not isinstance(getattr(self.model, "vault_binding", None), KeyBinding):
            errors.append(
                checks.Error(
                    "A model with an EncryptedField must declare vault_binding = KeyBinding(...).",
                    obj=self,
                    id="vault.E001",
                )
            )
        return errors

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def _context(self, instance: models.Model) -> bytes:
        return field_context(field=self.label, row=binding_of(type(instance)).row_id(instance))

    def seal(self, instance: models.Model, value: Any) -> Sealed:
        binding = binding_of(type(instance))
        return self.seal_for(binding.cipher(instance), binding.row_id(instance), value)

    def seal_for(self, cipher: DataKeyCipher, row: str, value: Any) -> Sealed:
        """`value` sealed for row `row` of this column without a model instance (bulk
        writers); exactly what ``seal`` stores for an instance whose row id is `row`."""
        context = field_context(field=self.label, row=row)
        return Sealed(cipher.seal(_encode(self.kind, value), context=context))

    def open(self, instance: models.Model, sealed: Sealed) -> Any:
        cipher = binding_of(type(instance)).cipher(instance)
        return _decode(self.kind, cipher.open(sealed.token, context=self._context(instance)))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if self.attname in model_instance.__dict__:
            value = model_instance.__dict__[self.attname]
        else:
            value = getattr(model_instance, self.attname)  # a deferred column: load it
        if value is None or isinstance(value, Sealed):
            return value  # never read since it was loaded: the stored token is still right
        return self.seal(model_instance, value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.token
        raise TypeError(
            f"{self.name} is encrypted with its row's data key: set it on the instance and "
            "save() it; QuerySet.update() and bulk_update() cannot seal values"
        )

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Sealed(bytes(value))

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
