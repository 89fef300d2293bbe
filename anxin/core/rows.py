"""Lean INSERTs for hot write paths: new model instances written with one ``cursor.execute``.

Why: ``Model.save()`` and ``bulk_create`` spend most of their CPU in the ORM's bookkeeping (the
insert compiler, signals, related-object checks), about 0.3-0.5 ms per row; the API intake writes
seven rows per order (docs/benchmarks.md §1, "third pass"). Here the SQL text is built once per
(model, columns, row count) and each value still goes through the field's own ``pre_save`` and
``get_db_prep_save``, the very calls ``save()`` makes: defaults, ``auto_now_add`` times, JSON and
the AES-GCM of ``EncryptedTextField`` come out the same, and so do the rows. A column with a
database default (``db_default``) is left to the database, as the ORM leaves it, and read back.

On PostgreSQL these fixed statements are bound and prepared server-side (``prepared_cursor``):
PostgreSQL parses and plans each one once per connection instead of once per intake. Django's own
cursors bind client-side and never prepare; the settings keep that default for every other query.

Not done here, by design: ``full_clean()`` (callers validate their input first), ``pre_save`` /
``post_save`` signals (no receiver exists for the models written this way; do not use it for models
that get one), and the ``save()`` overrides of the model. Use it only for new rows.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from django.db import NotSupportedError, connections, models
from django.db.backends.utils import CursorWrapper
from django.db.models.expressions import DatabaseDefault

M = TypeVar("M", bound=models.Model)


class _PreparedCursor(psycopg.Cursor[Any]):
    """psycopg's server-side binding cursor, preparing every statement it runs (Django's wrapper
    calls ``execute(sql, params)`` without psycopg's ``prepare`` argument)."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        return super().execute(query, params, **{**kwargs, "prepare": True})


def rows_insert(objs: Sequence[M], *, using: str = "default") -> Sequence[M]:
    """INSERT the new instances ``objs`` (all of one model) in one statement; set their primary
    keys and database-default columns as ``save()`` would, and return them."""
    if not objs:
        return objs
    connection = connections[using]
    meta = type(objs[0])._meta
    first = objs[0]
    fields = [
        field
        for field in meta.concrete_fields
        if not (field.primary_key and getattr(first, field.attname) is None)
        and not isinstance(getattr(first, field.attname), DatabaseDefault)
    ]
    params: list[Any] = []
    for obj in objs:
        params += [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    returning = meta.db_returning_fields  # the auto primary key and db_default columns
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError("rows_insert needs INSERT … RETURNING (PostgreSQL, SQLite ≥ 3.35)")
    sql = _insert_sql(using, meta.db_table, tuple(fields), tuple(returning), len(objs))
    with prepared_cursor(using) as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall() if returning else [()] * len(objs)
    for obj, values in zip(objs, returned, strict=True):  # integers: no converters needed
        for field, value in zip(returning, values, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding, obj._state.db = False, using
    return objs


def row_first_locked(model: type[M], *, column: str, value: Any, using: str = "default") -> M | None:
    """The first row (by primary key) whose ``column`` equals ``value``, locked until the
    transaction ends where the database can (``SELECT … FOR UPDATE``): what
    ``select_for_update().filter(column=value).first()`` sends, as one fixed prepared statement.
    Values are converted as the ORM converts them (decrypted, typed) before the instance is made."""
    connection, meta = connections[using], model._meta
    fields = tuple(meta.concrete_fields)
    sql = _select_sql(
        using, meta.db_table, fields, meta.get_field(column), connection.features.has_select_for_update
    )
    with prepared_cursor(using) as cursor:
        cursor.execute(sql, [value])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for field, stored in zip(fields, row, strict=True):
        col = field.get_col(meta.db_table)
        for convert in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            stored = convert(stored, col, connection)
        values.append(stored)
    return model.from_db(using, [field.attname for field in fields], values)


@functools.lru_cache(maxsize=64)
def _select_sql(
    using: str,
    table: str,
    fields: tuple[models.Field[Any, Any], ...],
    where: models.Field[Any, Any],
    lock: bool,
) -> str:
    quote = connections[using].ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    order = quote(str(fields[0].model._meta.pk.column))
    sql = (
        f"SELECT {columns} FROM {quote(table)} WHERE {quote(str(where.column))} = %s ORDER BY {order} LIMIT 1"
    )
    return sql + (" FOR UPDATE" if lock else "")


@functools.lru_cache(maxsize=64)
def _insert_sql(
    using: str,
    table: str,
    fields: tuple[models.Field[Any, Any], ...],
    returning: tuple[models.Field[Any, Any], ...],
    rows: int,
) -> str:
    """The statement text, built once per shape: quoting and joining cost more than the insert."""
    quote = connections[using].ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {quote(table)} ({columns}) VALUES " + ", ".join([row] * rows)
    returned = ", ".join(quote(str(field.column)) for field in returning)
    return sql + (f" RETURNING {returned}" if returned else "")


@contextmanager
def prepared_cursor(using: str = "default") -> Iterator[CursorWrapper]:
    """A cursor for a hot path's fixed statements: on PostgreSQL bound server-side and prepared
    from the first execution (measured with the rest of this module: PostgreSQL's CPU per intake
    1.87 → 1.47 ms, docs/benchmarks.md §1); elsewhere Django's ordinary cursor. Either way Django's
    wrapper runs each statement, so it is logged, counted (``CaptureQueriesContext``, execute
    wrappers) and its errors are Django's. Prepared statements live per connection: behind a
    connection pooler in transaction mode it needs one that tracks them (PgBouncer ≥ 1.21)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _PreparedCursor(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    # django-stubs type make_cursor's argument as Django's own wrapper; it takes the driver's cursor.
    with wrap(raw) as cursor:  # type: ignore[arg-type]
        yield cursor
