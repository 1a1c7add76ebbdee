"""The data migration from interval reminders to named slots keeps what each
request was promised, and what was already sent stays sent."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = ("casestudies", "0012_company_signoff_task")


@pytest.mark.django_db(transaction=True)
def test_interval_policies_become_named_slots():
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("casestudies")
    try:
        executor.migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps
        Company = old.get_model("casestudies", "Company")
        Contact = old.get_model("casestudies", "CompanyContact")
        Request = old.get_model("casestudies", "InterviewRequest")
        Event = old.get_model("casestudies", "ContactEvent")
        company = Company.objects.create(name="Alt AG", slug="alt")
        contact = Contact.objects.create(company=company, name="Dana", email="dana@alt.test", sort_order=0)
        invited = timezone.now() - datetime.timedelta(days=9)

        def make(status, interval, most, used=0):
            return Request.objects.create(
                company=company,
                contact=contact,
                intro="x",
                deadline=datetime.date(2030, 1, 31),
                status=status,
                reminder_interval_days=interval,
                max_reminders=most,
                reminders_sent=used,
                last_contacted_at=invited if status != "draft" else None,
            ).pk

        sent = make("sent", 7, 2, used=1)
        Event.objects.create(request_id=sent, occurred_at=invited, kind="invitation", direction="out")
        off = make("opened", 0, 2)
        draft_default = make("draft", 7, 2)
        draft_custom = make("draft", 5, 3)

        executor = MigrationExecutor(connection)
        executor.migrate(leaf)

        from casestudies.models import InterviewRequest, ReminderSlot

        def policy(pk):
            request = InterviewRequest.objects.get(pk=pk)
            return request.remind_after_days, request.remind_before_deadline_days

        assert policy(sent) == ("7, 14", None)
        assert list(ReminderSlot.objects.filter(request_id=sent).values_list("slot", "outcome")) == [
            ("after-7", "sent")
        ]
        assert InterviewRequest.objects.get(pk=sent).sent_at == invited
        assert policy(off) == ("", None)
        assert policy(draft_default) == ("3, 7", 2)
        assert policy(draft_custom) == ("5, 10, 15", None)
        assert InterviewRequest.objects.get(pk=draft_custom).sent_at is None
    finally:
        MigrationExecutor(connection).migrate(leaf)
