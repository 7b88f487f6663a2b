"""Writing many demo rows fast. A row is either a model instance or a `Row` holding column
values by attribute name (`account_id`, not `account`), as the services' saves would write
them; only the way they travel to the database differs.

bulk_create sends multi-row INSERTs; on PostgreSQL, parsing those costs more than the rows
themselves (measured on this 2-core machine: about 150 µs a visit through bulk_create, 45 µs
through COPY), and building a model instance for each of two million rows costs as much again.
So the big generators make `Row`s, and on PostgreSQL large batches go by COPY, their ids taken
from the table's sequence first (the rows that point at them need them). Elsewhere (SQLite, the
zero-config demo), and for small batches, each row becomes a model instance and bulk_create
writes it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from types import SimpleNamespace

from django.db import connection, models

BATCH = 5000
COPY_FROM = 2000  # fewer rows than this: bulk_create, whatever the database
COPY_CHUNK = 50_000
NULL = r"\N"
_MISSING = object()


class Row(SimpleNamespace):
    """Column values by attname; attributes that are not columns are the generator's own."""


def save_rows(model: type[models.Model], rows: Sequence) -> None:
    """Insert the rows and set their `id`s."""
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        _bulk_create(model, rows)
        return
    for start in range(0, len(rows), COPY_CHUNK):
        _copy(model, rows[start : start + COPY_CHUNK])


def _bulk_create(model, rows) -> None:
    names = {f.attname for f in model._meta.concrete_fields}

    def instance(row):
        if isinstance(row, models.Model):
            return row
        return model(**{k: v for k, v in vars(row).items() if k in names})

    objs = [instance(r) for r in rows]
    model.objects.bulk_create(objs, batch_size=BATCH)
    for row, obj in zip(rows, objs, strict=True):
        row.id = obj.pk


def _columns(model) -> list[tuple[str, object, object]]:
    """(attname, default, how to write a value) per column."""
    out = []
    for f in model._meta.concrete_fields:
        if isinstance(f, models.JSONField):
            write = _json
        elif isinstance(f, models.BooleanField):
            write = lambda v: "t" if v else "f"  # noqa: E731
        elif isinstance(f, models.DateTimeField):
            write = lambda v: v.isoformat()  # noqa: E731
        else:
            write = None  # str(): numbers, Decimals, dates, times, text
        out.append((f.attname, None if f.primary_key else f.get_default(), write))
    return out


_JSON_TEXT: dict[tuple, str] = {}


def _json(value) -> str:
    """Lists of purposes repeat: each is encoded once."""
    if not isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    key = tuple(value)
    text = _JSON_TEXT.get(key)
    if text is None:
        text = _JSON_TEXT[key] = json.dumps(value, ensure_ascii=False)
    return text


def _copy(model, rows) -> None:
    table, columns = model._meta.db_table, _columns(model)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.id = pk
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            values = []
            for name, default, write in columns:
                value = getattr(row, name, _MISSING)
                if value is _MISSING:
                    value = default
                if value is None:
                    value = NULL
                elif write is not None:
                    value = write(value)
                values.append(value)
            writer.writerow(values)
        buffer.seek(0)
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
        cursor.cursor.copy_expert(
            f"COPY {quote(table)} ({names}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')", buffer
        )
    for row in rows:
        if isinstance(row, models.Model):
            row._state.adding, row._state.db = False, connection.alias
