"""Celery: configuration, on-commit queueing, and a real worker against Redis."""

from __future__ import annotations

import datetime

import pytest
from celery.signals import before_task_publish, task_prerun
from django.conf import settings as project_settings
from django.db import transaction
from django.utils import timezone

from blog.tasks import publish_scheduled_pages
from config.celery import app
from tests.processes import run_python
from tests.services import redis_client
from tests.worker import celery_worker, wait_for


def test_celery_speaks_json_only_and_acknowledges_late():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1


def test_every_scheduled_job_goes_to_a_queue_of_its_kind():
    """A job the beat sends without a route would land in the default queue, beside
    the web's quick tasks: a new beat entry must name its queue too."""
    unrouted = sorted(
        entry["task"]
        for entry in app.conf.beat_schedule.values()
        if entry["task"] not in app.conf.task_routes
    )
    assert unrouted == []


def test_the_broker_never_redelivers_a_task_that_is_only_waiting(settings):
    """Redis redelivers an unacknowledged task after the visibility timeout,
    also one a worker holds for its countdown. The longest countdown is a
    relay waiting out another relay's lease, which outlasts any send."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.OUTBOX_SEND_LEASE_SECONDS + 60
    assert 0 < settings.EMAIL_TIMEOUT * 5 < settings.OUTBOX_SEND_LEASE_SECONDS


def test_a_task_lost_with_a_killed_worker_comes_back_within_minutes_after_any_task_could_end():
    # The production settings, as the worker reads them (config.celery).
    conf = app.conf
    visibility = conf.broker_transport_options["visibility_timeout"]
    lease = project_settings.OUTBOX_SEND_LEASE_SECONDS

    assert visibility <= 10 * 60, "minutes, not an hour"
    assert visibility > conf.task_time_limit, "a task still running would be delivered again"
    assert visibility > lease + 60, "a relay waiting out a lease would run twice"
    assert conf.task_time_limit >= project_settings.EMAIL_TIMEOUT * 5, "the slowest send fits in a task"


def test_a_visibility_timeout_shorter_than_a_task_may_run_is_refused_at_start():
    result = run_python(
        ["manage.py", "check"],
        SECRET_KEY="x" * 60,
        REDIS_URL="redis://127.0.0.1:6379/6",
        CELERY_TASK_TIME_LIMIT="600",
        CELERY_VISIBILITY_TIMEOUT="420",
    )
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT must be longer" in result.stderr


def test_tasks_are_discovered_per_app():
    app.loader.import_default_modules()
    assert "blog.tasks.publish_scheduled_pages" in app.tasks


def test_every_scheduled_job_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name


@pytest.fixture
def ran_tasks():
    names: list[str] = []

    def record(sender=None, **kwargs):
        names.append(sender.name)

    task_prerun.connect(record, weak=False)
    yield names
    task_prerun.disconnect(record)


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_rolled_back_transaction_never_runs(ran_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish_scheduled_pages.delay_on_commit()
        raise RuntimeError("roll back")
    assert ran_tasks == []

    with transaction.atomic():
        publish_scheduled_pages.delay_on_commit()
        assert ran_tasks == [], "must wait for the commit"
    assert ran_tasks == ["blog.tasks.publish_scheduled_pages"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_publishes_nothing_to_the_broker(redis_url, settings):
    app.conf.task_always_eager = False
    published: list[str] = []

    def record(sender=None, **kwargs):
        published.append(sender)

    before_task_publish.connect(record, weak=False)
    broker = redis_client()
    broker.delete("periodic")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            publish_scheduled_pages.delay_on_commit()
            raise RuntimeError("roll back")
        assert published == []
        assert broker.llen("periodic") == 0

        with transaction.atomic():
            publish_scheduled_pages.delay_on_commit()
        assert published == ["blog.tasks.publish_scheduled_pages"]
        assert broker.llen("periodic") == 1
    finally:
        before_task_publish.disconnect(record)
        broker.delete("periodic")
        app.conf.task_always_eager = True


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_publishes_a_scheduled_page(redis_url, demo):
    from blog.models import ArticlePage

    article = demo["article"]
    article.title = "Zeitgesteuert veröffentlicht"
    article.save_revision(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1))

    app.conf.task_always_eager = False
    try:
        with celery_worker(redis_url):
            publish_scheduled_pages.delay()
            assert wait_for(
                lambda: ArticlePage.objects.get(pk=article.pk).title == "Zeitgesteuert veröffentlicht"
            ), "the worker did not publish the scheduled revision"
    finally:
        app.conf.task_always_eager = True


@pytest.mark.django_db
def test_run_periodic_jobs_runs_the_beat_schedule_without_a_broker(demo):
    """Installations without Redis run the periodic jobs from cron."""
    from django.core.management import call_command

    from blog.models import ArticlePage

    article = demo["article"]
    article.title = "Per Cron veröffentlicht"
    article.save_revision(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1))
    assert ArticlePage.objects.get(pk=article.pk).title != "Per Cron veröffentlicht"

    call_command("run_periodic_jobs")

    assert ArticlePage.objects.get(pk=article.pk).title == "Per Cron veröffentlicht"


@pytest.mark.django_db(transaction=True)
def test_run_periodic_jobs_works_in_a_process_of_its_own(tmp_path):
    """As cron runs it: nothing has imported the tasks modules beforehand."""
    from tests.processes import run_python
    from tests.worker import test_database_url

    result = run_python(
        ["manage.py", "run_periodic_jobs"],
        SECRET_KEY="casebook-cron-test-" + "k" * 40,
        DATABASE_URL=test_database_url(),
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
    )

    assert result.returncode == 0, result.stderr
    assert "ran casestudies-relay-pending-emails" in result.stdout
