"""Editors moderate reader comments and keep the authors and series up to
date; authors may pick authors and series for their stories. Idempotent."""

from django.db import migrations

from casestudies.migrations import _roles

AUTHOR_PERMISSIONS = [("blog", "view_author"), ("blog", "view_series")]
EDITOR_PERMISSIONS = [
    ("blog", "view_author"),
    ("blog", "add_author"),
    ("blog", "change_author"),
    ("blog", "view_series"),
    ("blog", "add_series"),
    ("blog", "change_series"),
    ("django_comments", "view_comment"),
    ("django_comments", "change_comment"),
    ("django_comments", "can_moderate"),
]


def forwards(apps, schema_editor):
    _roles.grant(apps, "Authors", AUTHOR_PERMISSIONS)
    _roles.grant(apps, "Editors", EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0003_editorial_roles_and_workflow"),
        ("blog", "0002_page_views"),
        ("django_comments", "0004_add_object_pk_is_removed_index"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
