"""The Celery app: configuration from Django settings (CELERY_*), tasks
discovered in each installed app's tasks.py, the periodic schedule in code."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

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
    # Interview requests: the outbox sweep sends what its after-commit relay
    # did not (broker down, send failed and is due again).
    "casestudies-relay-pending-emails": {
        "task": "casestudies.tasks.relay_pending_emails",
        "schedule": crontab(minute="*"),
    },
    "casestudies-make-pending-thumbnails": {
        "task": "casestudies.tasks.make_pending_thumbnails",
        "schedule": crontab(minute="*/5"),
    },
    "casestudies-send-due-reminders": {
        "task": "casestudies.tasks.send_due_reminders",
        "schedule": crontab(minute="*/5"),
    },
    "casestudies-expire-overdue-requests": {
        "task": "casestudies.tasks.expire_overdue_requests",
        "schedule": crontab(minute="*/5"),
    },
    # Retention (README: Privacy): what a contact gave us goes when its time is up.
    "casestudies-purge-expired-personal-data": {
        "task": "casestudies.tasks.purge_expired_personal_data",
        "schedule": crontab(hour=3, minute=17),
    },
    # The company's sign-off of a case study: one reminder, then the deadline.
    "casestudies-company-signoff-deadlines": {
        "task": "casestudies.tasks.company_signoff_deadlines",
        "schedule": crontab(minute="*/5"),
    },
}
