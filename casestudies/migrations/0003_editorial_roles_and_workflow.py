"""Groups Authors and Editors, their permissions, and the moderation workflow
"Redaktionelle Freigabe" (approved by Editors), assigned to the page tree's
root so that every case study (and article) goes live only after an editor
approves it. Idempotent: running it on a database that has some of this
already only adds what is missing."""

from django.db import migrations

from casestudies.migrations import _roles

WORKFLOW_NAME = "Redaktionelle Freigabe"
AUTHORS = "Authors"
EDITORS = "Editors"

# Page permissions granted on the root page, and so on the whole tree.
AUTHOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
# Image library permissions on the root collection.
AUTHOR_IMAGE_PERMISSIONS = ["add_image", "choose_image"]
EDITOR_IMAGE_PERMISSIONS = ["add_image", "change_image", "choose_image"]
# Plain model permissions.
AUTHOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("casestudies", "view_company"),
    ("casestudies", "add_company"),
    ("casestudies", "change_company"),
    ("casestudies", "view_companycontact"),
    ("casestudies", "add_companycontact"),
    ("casestudies", "change_companycontact"),
]
EDITOR_MODEL_PERMISSIONS = AUTHOR_MODEL_PERMISSIONS + [
    ("casestudies", "delete_company"),
    ("casestudies", "delete_companycontact"),
]


def forwards(apps, schema_editor):
    _roles.ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    authors, _ = Group.objects.get_or_create(name=AUTHORS)
    editors, _ = Group.objects.get_or_create(name=EDITORS)

    def permission(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    for group, names in ((authors, AUTHOR_MODEL_PERMISSIONS), (editors, EDITOR_MODEL_PERMISSIONS)):
        group.permissions.add(*(permission(app_label, codename) for app_label, codename in names))

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    if root_page is not None:
        for group, names in ((authors, AUTHOR_PAGE_PERMISSIONS), (editors, EDITOR_PAGE_PERMISSIONS)):
            for codename in names:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission("wagtailcore", codename)
                )

    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for group, names in ((authors, AUTHOR_IMAGE_PERMISSIONS), (editors, EDITOR_IMAGE_PERMISSIONS)):
            for codename in names:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission("wagtailimages", codename)
                )

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME, content_type=task_type, active=True)
    task.groups.add(editors)

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if root_page is not None:
        WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0002_case_study_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Going back leaves the groups and workflow: editors may have changed them.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
