"""Helpers for the data migrations that give groups their permissions."""

from django.contrib.auth.management import create_permissions


def ensure_permissions(apps) -> None:
    # Permissions are normally created after migrate; a fresh database needs
    # them while the data migrations run.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module


def grant(apps, group_name: str, permissions: list[tuple[str, str]]) -> None:
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in permissions
        )
    )
