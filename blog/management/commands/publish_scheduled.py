"""Wagtail's `publish_scheduled`, except that a page a publication rule
refuses no longer stops the run (blog.scheduled). The blog app comes before
wagtail in INSTALLED_APPS, so this command is the one that runs."""

from django.utils import timezone
from wagtail.management.commands.publish_scheduled import Command as WagtailCommand
from wagtail.management.commands.publish_scheduled import Page, apps
from wagtail.models import DraftStateMixin

from blog import scheduled


class Command(WagtailCommand):
    def handle(self, *args, **options):
        if options["dryrun"]:
            return super().handle(*args, **options)
        now = timezone.now()
        # 1. Unpublish what expired (as Wagtail does), then 2. publish what is due.
        models = [Page] + [
            model
            for model in apps.get_models()
            if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
        ]
        for model in models:
            for obj in list(model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at")):
                obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
        run = scheduled.publish_due(now)
        for revision, reason in run.refused:
            self.stderr.write(f"Not published: {revision.object_str} (revision {revision.pk}): {reason}")
        return None
