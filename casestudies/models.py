"""Where Django finds the app's models: each lives in the subpackage it
serves (companies, interviews, pages, publishing, signoff); this module only
imports them so that they register under the one app label "casestudies".
Code imports a model from its own module, never from here."""

from casestudies.companies.models import Company, CompanyContact, Industry, Language
from casestudies.interviews.models import (
    Answer,
    AnswerRevision,
    AnswerSource,
    CalendarFeed,
    ChangeRequest,
    Channel,
    ContactEvent,
    Direction,
    EventKind,
    InboundMessage,
    InterviewPhoto,
    InterviewQuestion,
    InterviewRequest,
    InterviewStatus,
    OutgoingEmail,
    ProcessingState,
    QuestionSet,
    QuestionSetItem,
    ReminderSlot,
    ReviewState,
)
from casestudies.pages.models import CaseStudyIndexPage, CaseStudyPage
from casestudies.pages.outcomes import Outcome
from casestudies.publishing.task import LastNoticeTask
from casestudies.signoff.models import SignOff, SignOffStatus
from casestudies.signoff.task import CompanySignOffTask

__all__ = [
    "CalendarFeed",
    "Answer",
    "AnswerRevision",
    "AnswerSource",
    "CaseStudyIndexPage",
    "CaseStudyPage",
    "ChangeRequest",
    "Channel",
    "Company",
    "CompanyContact",
    "CompanySignOffTask",
    "ContactEvent",
    "Direction",
    "EventKind",
    "Industry",
    "InterviewPhoto",
    "InterviewQuestion",
    "InboundMessage",
    "InterviewRequest",
    "InterviewStatus",
    "Language",
    "LastNoticeTask",
    "OutgoingEmail",
    "Outcome",
    "ProcessingState",
    "QuestionSet",
    "QuestionSetItem",
    "ReminderSlot",
    "ReviewState",
    "SignOff",
    "SignOffStatus",
]
