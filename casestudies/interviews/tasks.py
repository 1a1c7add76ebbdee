"""Beat jobs of the interview workflow that only start a service: reminders
that came due and requests whose deadline passed. Jobs that a service queues
itself live beside it (the outbox relay, photo thumbnails)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from casestudies.interviews import reminders, retention
from casestudies.interviews import states as interview_states


@shared_task(name="casestudies.tasks.send_due_reminders", ignore_result=True)
def send_due_reminders() -> int:
    return reminders.send_due_reminders()


@shared_task(name="casestudies.tasks.expire_overdue_requests", ignore_result=True)
def expire_overdue_requests() -> int:
    return interview_states.expire_overdue()


@shared_task(name="casestudies.tasks.purge_expired_personal_data", ignore_result=True)
def purge_expired_personal_data() -> dict:
    return asdict(retention.purge_expired())
