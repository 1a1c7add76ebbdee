"""The workflow step "Letzte Benachrichtigung" (LastNoticeTask), approved by
Editors, appended to the workflow "Redaktionelle Freigabe": a failure case
study about an unanswered request waits there until the contact has had a
last notice and its reply window is over; every other page passes straight
through. Appended after the tasks that exist, whatever they are, so it stays
the last step. Idempotent."""

import django.db.models.deletion
from django.db import migrations, models

WORKFLOW_NAME = "Redaktionelle Freigabe"
TASK_NAME = "Letzte Benachrichtigung"
EDITORS = "Editors"


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    LastNoticeTask = apps.get_model("casestudies", "LastNoticeTask")

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        return
    task_type, _ = ContentType.objects.get_or_create(app_label="casestudies", model="lastnoticetask")
    task = LastNoticeTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = LastNoticeTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        task.groups.add(editors)
    if not WorkflowTask.objects.filter(workflow=workflow, task_id=task.pk).exists():
        last = WorkflowTask.objects.filter(workflow=workflow).aggregate(models.Max("sort_order"))["sort_order__max"]
        WorkflowTask.objects.create(workflow=workflow, task_id=task.pk, sort_order=(last or 0) + 1)


def backwards(apps, schema_editor):
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    LastNoticeTask = apps.get_model("casestudies", "LastNoticeTask")
    task_ids = list(LastNoticeTask.objects.filter(name=TASK_NAME).values_list("pk", flat=True))
    WorkflowTask.objects.filter(task_id__in=task_ids).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0014_contact_log_notice_and_opt_out"),
        ("casestudies", "0003_editorial_roles_and_workflow"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="LastNoticeTask",
            fields=[
                (
                    "task_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="wagtailcore.task",
                    ),
                ),
                (
                    "groups",
                    models.ManyToManyField(
                        help_text="Pages/snippets at this step in a workflow will be moderated or approved by these groups of users",
                        to="auth.group",
                        verbose_name="groups",
                    ),
                ),
            ],
            options={
                "verbose_name": "Last notice before a failure story",
                "verbose_name_plural": "Last notices before failure stories",
            },
            bases=("wagtailcore.task",),
        ),
        migrations.RunPython(forwards, backwards),
    ]
