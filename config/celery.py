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
    # Incoming mail: replies, out-of-office notices and bounces from the
    # editorial mailbox. Asked every minute; it fetches once per
    # IMAP_POLL_SECONDS, and not at all while IMAP_URL is empty.
    "casestudies-fetch-inbound-mail": {
        "task": "casestudies.tasks.fetch_inbound_mail",
        "schedule": crontab(minute="*"),
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

# Queues by kind of work, so each kind gets its own workers and a slow kind
# cannot hold up another: mail waits on SMTP servers, images use the CPU, the
# periodic sweeps may take long, `default` is everything else. A worker
# started without -Q takes all four (one server); with several, one worker
# command per queue (README, docker/compose.yaml: profile "scaled").
QUEUES = ("default", "mail", "images", "periodic")
app.conf.task_default_queue = "default"
app.conf.task_queues = {name: {"exchange": name, "routing_key": name} for name in QUEUES}
app.conf.task_routes = {
    "casestudies.tasks.relay_email": {"queue": "mail"},
    "casestudies.tasks.relay_pending_emails": {"queue": "mail"},
    "casestudies.tasks.make_photo_thumbnail": {"queue": "images"},
    "casestudies.tasks.make_pending_thumbnails": {"queue": "images"},
    "casestudies.tasks.send_due_reminders": {"queue": "periodic"},
    "casestudies.tasks.expire_overdue_requests": {"queue": "periodic"},
    "casestudies.tasks.company_signoff_deadlines": {"queue": "periodic"},
    # Reading the editorial mailbox waits on a mail server, as sending does.
    "casestudies.tasks.fetch_inbound_mail": {"queue": "mail"},
    "casestudies.tasks.purge_expired_personal_data": {"queue": "periodic"},
    "blog.tasks.flush_page_views": {"queue": "periodic"},
    "blog.tasks.publish_scheduled_pages": {"queue": "periodic"},
}

# Beat is single by construction: a second `celery beat` waits for the first
# one's Redis lock instead of sending the schedule twice (config/beat.py).
app.conf.beat_scheduler = "config.beat:SingleBeatScheduler"
# Ticks at least this often, so the lock (LOCK_SECONDS) is renewed in time.
app.conf.beat_max_loop_interval = 30
