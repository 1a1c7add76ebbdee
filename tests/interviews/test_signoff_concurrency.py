"""A sign-off decided twice at once: PostgreSQL only (SQLite ignores row locks)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from casestudies.models import ContactEvent, EventKind, SignOff, SignOffStatus
from casestudies.signoff import service as signoffs

from .signoff_helpers import (
    accepted_case_study,
    current_sign_off,
    editorial_workflow_with_signoff,
    ensure_case_study_index,
    submit,
    user_in,
)
from .test_concurrency import race

pytestmark = pytest.mark.postgres

FLAG = [{"key": "general", "kind": "general", "number": None, "comment": "Bitte nicht."}]


def test_of_ten_concurrent_decisions_exactly_one_counts(postgres, transactional_db):
    ensure_case_study_index()
    editorial_workflow_with_signoff()
    author = user_in("Authors", "autorin")
    interview, page = accepted_case_study(owner=author)
    with transaction.atomic():
        submit(page, author)
    pk = current_sign_off(page).pk
    mail.outbox.clear()

    def decide(index: int):
        sign_off = SignOff.objects.get(pk=pk)
        return signoffs.approve(sign_off) if index % 2 else signoffs.flag(sign_off, FLAG)

    counter = iter(range(10))
    results = race(10, lambda: decide(next(counter)))

    winners = [r for r in results if isinstance(r, SignOff)]
    refused = [r for r in results if isinstance(r, signoffs.DecisionRefused)]
    assert (len(winners), len(refused)) == (1, 9), results
    decided = SignOff.objects.get(pk=pk)
    assert decided.status in (SignOffStatus.APPROVED, SignOffStatus.FLAGGED)
    kinds = (EventKind.SIGNOFF_APPROVED, EventKind.SIGNOFF_FLAGGED)
    assert ContactEvent.objects.filter(request=interview, kind__in=kinds).count() == 1
    assert len([m for m in mail.outbox if m.to == [interview.contact.email]]) == 1
