from celery import current_app as app
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run every periodic job of the beat schedule once, in this process. "
        "For installations without a broker: call it from cron every five minutes."
    )

    def handle(self, *args, **options):
        # The project's Celery app (config.celery), the current one once Django
        # has loaded the settings package; an app does not import the project.
        # A worker imports every app's tasks.py when it starts; this command
        # must do so itself, or the tasks are not registered.
        app.loader.import_default_modules()
        for name, entry in app.conf.beat_schedule.items():
            app.tasks[entry["task"]].apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
            self.stdout.write(f"ran {name}")
