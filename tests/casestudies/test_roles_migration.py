import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

pytestmark = pytest.mark.django_db

migration = importlib.import_module("casestudies.migrations.0003_editorial_roles_and_workflow")


def snapshot():
    return (
        sorted(Group.objects.values_list("name", flat=True)),
        GroupPagePermission.objects.count(),
        sorted(Group.objects.get(name="Authors").permissions.values_list("codename", flat=True)),
        Workflow.objects.filter(name="Redaktionelle Freigabe").count(),
        WorkflowTask.objects.count(),
        list(WorkflowPage.objects.values_list("page__depth", "workflow__name")),
    )


def test_the_roles_migration_is_idempotent():
    before = snapshot()
    assert before[3] == 1
    migration.forwards(apps, None)
    assert snapshot() == before


def test_authors_cannot_publish_editors_can():
    authors = set(
        GroupPagePermission.objects.filter(group__name="Authors").values_list(
            "permission__codename", flat=True
        )
    )
    editors = set(
        GroupPagePermission.objects.filter(group__name="Editors").values_list(
            "permission__codename", flat=True
        )
    )
    assert "publish_page" not in authors
    assert {"add_page", "change_page"} <= authors
    assert "publish_page" in editors
