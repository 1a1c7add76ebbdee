"""(day, page) becomes the primary key of the page-view counts, in place of a
surrogate id, its sequence and its index: one index less to write per counter
folded (docs/decisions.md, "Folding page views").

Django does not turn an existing primary key into a composite one, so the
counts move to a new table, which then takes the old one's name; reversible."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COPY = "INSERT INTO {to} (day, page_id, views) SELECT day, page_id, views FROM {source}"
# PostgreSQL keeps the constraint names of the table's first name.
CONSTRAINTS = [
    ("blog_pageviewdaybykey_pkey", "blog_pageviewday_pkey"),
    ("blog_pageviewdaybykey_views_check", "blog_pageviewday_views_check"),
]


def _rename_constraints(schema_editor, pairs) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for old, new in pairs:
        schema_editor.execute(f"ALTER TABLE blog_pageviewday RENAME CONSTRAINT {old} TO {new}")


def name_constraints_after_the_table(apps, schema_editor) -> None:
    _rename_constraints(schema_editor, CONSTRAINTS)


def name_constraints_as_before(apps, schema_editor) -> None:
    _rename_constraints(schema_editor, [(new, old) for old, new in CONSTRAINTS])


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0004_pageviewday_fewer_indexes"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PageViewDayByKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "day", "page", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("day", models.DateField(verbose_name="day")),
                ("views", models.PositiveIntegerField(default=0, verbose_name="views")),
                (
                    "page",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.WAGTAIL_PAGE_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "page views on a day",
                "verbose_name_plural": "page views per day",
            },
        ),
        migrations.RunSQL(
            COPY.format(to="blog_pageviewdaybykey", source="blog_pageviewday"),
            reverse_sql=COPY.format(to="blog_pageviewday", source="blog_pageviewdaybykey"),
        ),
        migrations.DeleteModel(name="PageViewDay"),
        migrations.RenameModel(old_name="PageViewDayByKey", new_name="PageViewDay"),
        migrations.RunPython(name_constraints_after_the_table, name_constraints_as_before),
    ]
