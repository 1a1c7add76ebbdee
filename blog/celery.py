"""The Celery app: configuration from Django settings (CELERY_*), tasks
discovered in each installed app's tasks.py, the periodic schedule in code."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")

app = Celery("casebook")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one place that says what runs when. Without a broker the same jobs run
# from `manage.py run_periodic_jobs` (see README, cron).
app.conf.beat_schedule = {
    "flush-page-views": {
        "task": "blog.tasks.flush_page_views",
        "schedule": crontab(minute="*/5"),
    },
    "wagtail-publish-scheduled": {
        "task": "blog.tasks.publish_scheduled_pages",
        "schedule": crontab(minute="*/5"),
    },
}
