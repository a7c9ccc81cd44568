"""Inserting many rows of one model in one statement per batch (``executemany``).

``bulk_create`` spends most of its time building SQL: per object and field it walks the
compiler's placeholder and preparation machinery. ``rows_insert`` prepares each value the
way ``Model.save`` and ``bulk_create`` do — ``field.pre_save`` (where an ``EncryptedField``
seals the value with the row's data key) then ``field.get_db_prep_save`` — and sends one
prepared statement with all the rows, which is several times faster for a batch import.
``values_insert`` does the same for narrow index tables (digests, subjects) from plain
tuples, without making a model instance per row.

What they do not do, by design: return database-made primary keys (use them for models
whose key is set before insert, or whose key is not needed back), send signals (neither does
``bulk_create``), or run ``save()`` overrides (models that refuse some saves, such as the
audit trail's, refuse updates only; an insert is what they allow).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.options import Options

_AUTO = {"AutoField", "BigAutoField", "SmallAutoField"}
BATCH = 2000


def _insert_sql(
    meta: Options[Any], fields: Sequence[models.Field], connection: BaseDatabaseWrapper
) -> str:
    quote = connection.ops.quote_name
    return "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608  # names from model metadata, values bound
        quote(meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )


def rows_insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """INSERT ``objs`` (unsaved instances of ``model``) in the caller's transaction."""
    if not objs:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and f.get_internal_type() in _AUTO)
    ]
    sql = _insert_sql(model._meta, fields, connection)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            chunk = objs[start : start + BATCH]
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                    for obj in chunk
                ],
            )
            for obj in chunk:
                obj._state.adding = False
                obj._state.db = connection.alias


def _field(meta: Options[Any], name: str) -> models.Field:
    try:
        field = meta.get_field(name)
    except FieldDoesNotExist:  # a foreign key named by its attribute: entry_id → entry
        field = meta.get_field(name.removesuffix("_id"))
    if not isinstance(field, models.Field):  # a reverse relation has no column to write
        raise ValueError(f"{meta.label}.{name} is not a column")
    return field


def values_insert(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """INSERT plain value tuples into ``model``'s columns ``names`` (field names; a foreign
    key by its ``_id`` attribute), each value prepared by its field. For tables with no
    encrypted field: nothing is sealed here."""
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    fields = [_field(meta, name) for name in names]
    if any(getattr(f, "seal", None) for f in fields):
        raise TypeError("values_insert cannot seal values: use rows_insert")
    preps = [f.get_db_prep_save for f in fields]
    sql = _insert_sql(meta, fields, connection)
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([prep(v, connection) for prep, v in zip(preps, row, strict=True)])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
