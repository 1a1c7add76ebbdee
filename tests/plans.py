"""Reading PostgreSQL's query plans in tests."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet


def sorts_all_rows(queryset: QuerySet) -> bool:
    """Whether PostgreSQL must sort the rows to answer `queryset`, even when
    told to avoid sorting wherever an index gives the order. With a few test
    rows it would sort either way; forbidding it shows whether it can avoid
    it, that is whether an index serves the ordering."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # SET LOCAL: for this test's transaction only.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return "Sort" in plan
