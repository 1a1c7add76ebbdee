"""Saving a contact's draft answers.

Answers are saved under the request's row lock, so a save that races a
submission either lands before it (and is submitted) or is refused; a final
answer is never changed. On SQLite, which has no row locks, the settings make
every transaction take the database's write lock when it begins.

A page carries the submission round it was made in (how many times the
answers were submitted before): a form from before the last submission,
sent again after the editors asked for changes, is refused instead of
quietly writing the old answers over the questions they reopened.

The questionnaire's script saves each answer on its own as the contact types,
and the network may deliver those saves in any order. Each carries a
Revision: an id of the browser tab and a number that grows with every save
from it. A save older than the one that wrote the stored text, from the same
tab, is stale and changes nothing; so the newest text wins, not the last to
arrive. Saves from another tab, or without a revision (no script), apply.

A submission carries the full text of every answer the page shows, and is
refused when another tab changed one of them since (submit_as_shown): the
contact submits what they see, after seeing the other tab's text."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext

from casestudies import rows
from casestudies.interviews import contact_log, statuses
from casestudies.interviews import states as interview_states
from casestudies.interviews.models import (
    Answer,
    Channel,
    ContactEvent,
    Direction,
    EventKind,
    InboundMessage,
    InterviewRequest,
    InterviewStatus,
)

# One "saved" entry in the contact log per this interval, however often autosave fires.
SAVED_EVENT_INTERVAL = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Revision:
    tab: str
    seq: int

    TAB = re.compile(r"[A-Za-z0-9_-]{1,40}")
    MAX_SEQ = 2**53  # what a browser's numbers count up to exactly

    @classmethod
    def from_post(cls, data) -> Revision | None:
        """The revision a questionnaire form or autosave carries, or None."""
        tab, seq = data.get("revision_tab", ""), data.get("revision_seq", "")
        if not (cls.TAB.fullmatch(tab) and seq.isdigit() and 0 < int(seq) <= cls.MAX_SEQ):
            return None
        return cls(tab, int(seq))

    def is_older_than(self, answer: Answer) -> bool:
        return answer.revision_tab == self.tab and answer.revision_seq >= self.seq


class AnswersLocked(Exception):
    def __init__(self):
        super().__init__(gettext("These answers can no longer be changed."))


class AnswersStale(Exception):
    """The form was made before the answers were last submitted."""


class AnswersChangedElsewhere(Exception):
    """Another tab or window changed answers after this page showed them."""

    def __init__(self, question_ids: set[int]):
        super().__init__(f"answers changed elsewhere: {sorted(question_ids)}")
        self.question_ids = question_ids


def submission_round(interview: InterviewRequest) -> int:
    return ContactEvent.objects.filter(request=interview, kind=EventKind.SUBMITTED).count()


def unanswered_question_ids(interview: InterviewRequest) -> set[int]:
    answered = {
        question_id
        for question_id, text in Answer.objects.filter(question__request=interview).values_list(
            "question_id", "text"
        )
        if text.strip()
    }
    return set(interview.questions.values_list("pk", flat=True)) - answered


def editable_question_ids(interview: InterviewRequest) -> set[int]:
    if interview.status not in statuses.EDITABLE and not interview_states.late_answer_welcome(interview):
        return set()
    final = set(
        Answer.objects.filter(question__request=interview, is_final=True).values_list(
            "question_id", flat=True
        )
    )
    return {pk for pk in interview.questions.values_list("pk", flat=True) if pk not in final}


def save_answers(
    interview: InterviewRequest,
    texts: dict[int, str],
    revision: Revision | None = None,
    *,
    page_round: int | None = None,
) -> int:
    """Store the given draft texts (question id -> text); returns how many changed.

    Raises AnswersLocked when the request or one of the answers is final, and
    AnswersStale when `page_round` (the page's submission round) is not the current one."""
    with transaction.atomic():
        locked = rows.lock(InterviewRequest, interview.pk)
        if locked.status not in statuses.EDITABLE:
            raise AnswersLocked()
        if page_round is not None and page_round != submission_round(locked):
            raise AnswersStale()
        editable = editable_question_ids(locked)
        if any(question_id not in editable for question_id in texts):
            raise AnswersLocked()
        if locked.status in (InterviewStatus.OPENED, InterviewStatus.CHANGES_REQUESTED):
            interview_states.start_answering(locked)
        existing = {a.question_id: a for a in Answer.objects.filter(question_id__in=texts)}
        changed = 0
        tab, seq = (revision.tab, revision.seq) if revision else ("", 0)
        for question_id, text in texts.items():
            answer = existing.get(question_id) or Answer(question_id=question_id)
            if answer.pk and revision and revision.is_older_than(answer):
                continue  # a newer save from the same tab is stored already
            if answer.pk and (answer.text, answer.revision_tab, answer.revision_seq) == (text, tab, seq):
                continue
            if not answer.pk or answer.text != text:
                changed += 1
            answer.text, answer.revision_tab, answer.revision_seq = text, tab, seq
            answer.save()
        if changed:
            _log_saved(locked)
    interview.status = locked.status
    return changed


def submit_as_shown(interview: InterviewRequest, shown: dict[int, str]) -> None:
    """Submit the answers if each one in `shown` (question id -> the text the
    contact's page shows, sent with the submission) is the stored text.

    The check and the submission run in one transaction under the request's
    row lock, which every save takes too: no save from another tab can land
    between them. Raises AnswersChangedElsewhere (nothing submitted) with the
    questions whose stored text is not the one the page shows."""
    with transaction.atomic():
        rows.lock(InterviewRequest, interview.pk)
        stored = dict(Answer.objects.filter(question_id__in=shown).values_list("question_id", "text"))
        differ = {question_id for question_id, text in shown.items() if stored.get(question_id, "") != text}
        if differ:
            raise AnswersChangedElsewhere(differ)
        interview_states.submit(interview)


def enter_from_email(
    interview: InterviewRequest,
    texts: dict[int, str],
    *,
    user,
    message: InboundMessage,
    note: str = "",
    submit: bool = False,
) -> int:
    """An editor turns a reply by email into answers (question id -> text;
    empty ones are left alone) and/or an internal note on the contact log;
    with `submit`, the answers are submitted on the contact's behalf (the
    contact's confirmation email shows them what was entered). Returns how
    many answers changed. Raises ActionRefused unless the request waits for
    answers."""
    texts = {question_id: text.strip() for question_id, text in texts.items() if text.strip()}
    with transaction.atomic():
        locked = interview_states.lock(interview)
        if locked.status not in statuses.AWAITING_CONTACT:
            raise interview_states.ActionRefused(
                gettext("Answers can only be entered while the request waits for them.")
            )
        if locked.status == InterviewStatus.SENT and (texts or submit):
            interview_states.answering_by_email(locked, user=user)
        try:
            changed = save_answers(locked, texts) if texts else 0
        except AnswersLocked as locked_answers:
            raise interview_states.ActionRefused(
                gettext("One of these answers is final already; ask for changes first.")
            ) from locked_answers
        received = formats.date_format(timezone.localtime(message.received_at), "SHORT_DATETIME_FORMAT")
        if note.strip() or changed:
            contact_log.record(
                request=locked,
                channel=Channel.EMAIL,
                direction=Direction.IN,
                kind=EventKind.NOTE,
                user=user,
                internal=True,
                summary=note.strip()
                or gettext("Answers taken from the reply by email of %(date)s.") % {"date": received},
            )
        if submit:
            interview_states.submit(locked)
    interview.refresh_from_db()
    return changed


def _log_saved(interview: InterviewRequest) -> None:
    now = timezone.now()
    recent = ContactEvent.objects.filter(
        request=interview, kind=EventKind.SAVED, occurred_at__gte=now - SAVED_EVENT_INTERVAL
    ).exists()
    if not recent:
        contact_log.record(
            request=interview,
            occurred_at=now,
            channel=Channel.FORM,
            direction=Direction.IN,
            kind=EventKind.SAVED,
            who=interview.contact.name,
            internal=True,
            summary=gettext("Answers saved"),
        )
