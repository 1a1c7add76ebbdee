"""Background job of the company sign-off, run by beat."""

from __future__ import annotations

from celery import shared_task

from casestudies.signoff import service as signoffs


@shared_task(name="casestudies.tasks.company_signoff_deadlines", ignore_result=True)
def company_signoff_deadlines() -> int:
    """The company sign-off's one reminder, and noting deadlines that passed."""
    return signoffs.send_due_reminders() + signoffs.mark_overdue()
