"""Give Wagtail's standard groups the interview permissions: Editors (the
authors) work on their own requests, Moderators (the editors) see all."""

from django.db import migrations

OWN = [
    ("interviewrequest", ["add", "change", "view"]),
    ("questionset", ["add", "change", "view"]),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; we need them now.
    app_config = apps.get_app_config("casestudies")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(codenames):
        return Permission.objects.filter(content_type__app_label="casestudies", codename__in=codenames)

    own = perms([f"{action}_{model}" for model, actions in OWN for action in actions])
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.add(*own)
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.add(*perms(["see_all_interviewrequests", "delete_questionset"]))


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0002_interview_requests"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
