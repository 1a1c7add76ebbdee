"""Page views move to a table keyed by (day, page) without losing a count,
and back again when the migration is reversed."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("blog", "0004_pageviewday_fewer_indexes")
AFTER = ("blog", "0005_pageviewday_day_and_page_as_primary_key")
DAYS = [datetime.date(2026, 3, 1), datetime.date(2026, 3, 2)]


def _counts(apps) -> set[tuple]:
    PageViewDay = apps.get_model("blog", "PageViewDay")
    return set(PageViewDay.objects.values_list("day", "page_id", "views"))


@pytest.mark.django_db(transaction=True)
def test_counts_survive_the_new_primary_key_both_ways():
    page_ids = [101, 102]  # no foreign key in the database: any page id does
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("blog")
    try:
        executor.migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps
        Old = old.get_model("blog", "PageViewDay")
        Old.objects.all().delete()
        Old.objects.bulk_create(
            [
                Old(day=day, page_id=page, views=n + 1)
                for n, (day, page) in enumerate((day, page) for day in DAYS for page in page_ids)
            ]
        )
        expected = _counts(old)

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        new = executor.loader.project_state([AFTER]).apps
        assert _counts(new) == expected
        New = new.get_model("blog", "PageViewDay")
        assert New.objects.get(pk=(DAYS[0], page_ids[1])).views == 2
        with pytest.raises(IntegrityError), transaction.atomic():
            New.objects.create(day=DAYS[0], page_id=page_ids[0], views=9)

        executor = MigrationExecutor(connection)
        executor.migrate([BEFORE])
        assert _counts(executor.loader.project_state([BEFORE]).apps) == expected
    finally:
        MigrationExecutor(connection).migrate(leaf)
