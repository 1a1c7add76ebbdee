"""The task "Freigabe durch das Unternehmen" (company sign-off), active so that
editors can choose it, and reviewed by the Editors group (who may override
after the deadline). It is not put into any workflow: editors add it to
"Redaktionelle Freigabe" in Settings > Workflows, before the editors' approval
(see README, "Company sign-off"), or run `manage.py enable_company_signoff`.
Idempotent."""

from django.db import migrations

TASK_NAME = "Freigabe durch das Unternehmen"
EDITORS = "Editors"


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    CompanySignOffTask = apps.get_model("casestudies", "CompanySignOffTask")

    if CompanySignOffTask.objects.filter(name=TASK_NAME).exists():
        return
    task_type, _ = ContentType.objects.get_or_create(app_label="casestudies", model="companysignofftask")
    task = CompanySignOffTask.objects.create(
        name=TASK_NAME, content_type=task_type, active=True, reply_days=7, reminder_after_days=4
    )
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        task.groups.add(editors)


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0011_company_signoff"),
        ("casestudies", "0003_editorial_roles_and_workflow"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Going back leaves the task: editors may have put it into workflows.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
