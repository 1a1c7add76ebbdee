"""Every text stored anywhere in the database, table by table, for the
erasure and export tests: raw SQL over every table the database has (Django's,
Wagtail's, ours, many-to-many tables, the search index), not a list of
models, so a new table cannot escape. Session data is decoded first."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.sessions.backends.db import SessionStore
from django.db import connection


@dataclass(frozen=True)
class Place:
    table: str
    column: str
    row: str
    text: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column} [{self.row}]: {self.text[:160]!r}"


def _texts(value) -> str | None:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, (dict, list)):  # PostgreSQL hands JSON columns over decoded
        value = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        return None
    try:  # JSON stored as text may escape non-ASCII letters
        decoded = json.loads(value)
    except ValueError:
        return value
    return value + "\n" + json.dumps(decoded, ensure_ascii=False)


def every_text() -> list[Place]:
    places = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor, include_views=False)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (table names from the database itself)
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                key = str(row[0])
                for column, value in zip(columns, row, strict=True):
                    text = _texts(value)
                    if text is None:
                        continue
                    if table == "django_session" and column == "session_data":
                        text += "\n" + json.dumps(
                            SessionStore().decode(value), ensure_ascii=False, default=str
                        )
                    places.append(Place(table, column, key, text))
    return places


def mentions(*needles: str) -> list[Place]:
    wanted = [n.lower() for n in needles if n]
    return [place for place in every_text() if any(n in place.text.lower() for n in wanted)]
