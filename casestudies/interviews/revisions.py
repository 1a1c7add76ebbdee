"""The history of an answer: its text as submitted in each round, or as an
editor took it from an email; and what the editors asked again.

A revision is written only when the text differs from the answer's latest
revision: a resubmission records the answers that were asked again and
changed, not every unchanged answer once more, and never an autosave."""

from __future__ import annotations

from collections.abc import Iterable

from casestudies.interviews.models import (
    Answer,
    AnswerRevision,
    AnswerSource,
    ContactEvent,
    EventKind,
    InboundMessage,
    InterviewRequest,
)


def submitted_rounds(request: InterviewRequest) -> int:
    """How many times the answers were submitted (by the questionnaire or from an email)."""
    return ContactEvent.objects.filter(request=request, kind=EventKind.SUBMITTED).count()


def record(
    answers: Iterable[Answer],
    *,
    round: int,
    source: str,
    user=None,
    inbound: InboundMessage | None = None,
) -> list[AnswerRevision]:
    """Store a revision of each answer whose text is not its latest revision's."""
    answers = [answer for answer in answers if answer.pk]
    latest: dict[int, str] = {}
    for answer_id, text in (
        AnswerRevision.objects.filter(answer__in=answers)
        .order_by("created_at", "pk")
        .values_list("answer_id", "text")
    ):
        latest[answer_id] = text
    new = [
        AnswerRevision(
            answer=answer, text=answer.text, round=round, source=source, recorded_by=user, inbound=inbound
        )
        for answer in answers
        if answer.text.strip() and latest.get(answer.pk) != answer.text
    ]
    return AnswerRevision.objects.bulk_create(new)


def record_submission(request: InterviewRequest) -> list[AnswerRevision]:
    """The contact submitted: each answer whose text changed since its last revision."""
    answers = Answer.objects.filter(question__request=request)
    return record(answers, round=submitted_rounds(request), source=AnswerSource.SUBMISSION)
