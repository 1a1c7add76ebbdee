"""Interview requests: the questions sent to a company contact, the answers and
photos that come back, and the contact log that records every attempt.

Status changes go through casestudies.interviews.states only; the models hold
data and small derived facts, never transitions."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from casestudies import partial_dates
from casestudies.companies.models import Language
from casestudies.partial_dates import DatePrecision


class QuestionSet(ClusterableModel):
    """A reusable template of questions; a series may name it as its standard set."""

    name = models.CharField(_("name"), max_length=200)
    series = models.ForeignKey(
        "blog.Series",
        verbose_name=_("standard set of series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="question_sets",
        help_text=_("New interview requests for a case study in this series start with these questions."),
    )

    panels = [FieldPanel("name"), FieldPanel("series"), InlinePanel("items", label=_("Questions"))]

    class Meta:
        ordering = ["name"]
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")

    def __str__(self) -> str:
        return self.name


class QuestionSetItem(Orderable):
    question_set = ParentalKey(QuestionSet, on_delete=models.CASCADE, related_name="items")
    text = models.TextField(_("question"))
    help_text = models.CharField(_("help text"), max_length=300, blank=True)

    panels = [FieldPanel("text"), FieldPanel("help_text")]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:80]


class InterviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    OPENED = "opened", _("Opened")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def parse_day_list(value: str) -> list[int]:
    """ "3, 7" -> [3, 7]: sorted, without repeats. Raises ValueError on anything else."""
    parts = [part.strip() for part in (value or "").replace(";", ",").split(",")]
    days = sorted({int(part) for part in parts if part})
    if any(day < 1 or day > 365 for day in days):
        raise ValueError(value)
    return days


def validate_day_list(value: str) -> None:
    try:
        parse_day_list(value)
    except ValueError as error:
        raise ValidationError(
            _("Whole numbers of days between 1 and 365, separated by commas, e.g. “3, 7”.")
        ) from error


def _new_public_id() -> str:
    # Names the request in the questionnaire URL after the token was exchanged;
    # it grants nothing on its own (the session must hold a valid token).
    return secrets.token_urlsafe(16)


class InterviewRequest(ClusterableModel):
    company = models.ForeignKey(
        "casestudies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="interview_requests",
    )
    contact = models.ForeignKey(
        "casestudies.CompanyContact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="interview_requests",
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty: the contact's preferred language."),
    )
    case_study = models.ForeignKey(
        "casestudies.CaseStudyPage",
        verbose_name=_("case study"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interview_requests",
        help_text=_(
            "The case study the answers go into. Empty: accepting the answers creates a new draft case study."
        ),
    )
    intro = models.TextField(_("introduction"), help_text=_("Shown to the contact above the questions."))
    deadline = models.DateField(_("deadline"))
    question_set = models.ForeignKey(
        QuestionSet,
        verbose_name=_("start from question set"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A new request without questions of its own gets the questions of this set."),
    )
    photos_wanted = models.PositiveSmallIntegerField(_("photos wanted"), default=0)
    photos_description = models.TextField(
        _("which photos"), blank=True, help_text=_("e.g. a current portrait, the team at work")
    )
    # Reminder policy (casestudies.interviews.reminders): named slots "after-N", N days
    # after the invitation went out, and "before-N", N days before the deadline.
    remind_after_days = models.CharField(
        _("remind after days"),
        max_length=50,
        blank=True,
        default="3, 7",
        validators=[validate_day_list],
        help_text=_("Days after sending, separated by commas, e.g. “3, 7”. Empty: none."),
    )
    remind_before_deadline_days = models.PositiveSmallIntegerField(
        _("remind days before the deadline"),
        null=True,
        blank=True,
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Empty: no reminder before the deadline."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    last_contacted_at = models.DateTimeField(_("last contacted"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterviewStatus.choices,
        default=InterviewStatus.DRAFT,
        editable=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="interview_requests",
    )
    public_id = models.CharField(max_length=32, unique=True, default=_new_public_id, editable=False)
    # Only a SHA-256 hash of the questionnaire token is kept (casestudies.interviews.tokens).
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    token_revoked = models.BooleanField(default=False, editable=False)
    decline_reason = models.TextField(_("reason for declining"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now, editable=False)
    # The last notice before a failure case study about this request goes
    # live (casestudies.publishing.last_notice): when it went out, until when the contact
    # may still answer, and the publication date it announced.
    notice_sent_at = models.DateTimeField(_("last notice sent"), null=True, blank=True, editable=False)
    notice_reply_until = models.DateField(_("reply window until"), null=True, blank=True, editable=False)
    planned_publication = models.DateField(_("planned publication"), null=True, blank=True, editable=False)
    # Incoming mail (casestudies.interviews.inbound): the contact answered by
    # email (the request is no longer silent), or an out-of-office notice
    # named the day they are back (the next reminder waits until after it).
    replied_by_email_at = models.DateTimeField(_("replied by email"), null=True, blank=True, editable=False)
    away_until = models.DateField(_("away until"), null=True, blank=True, editable=False)
    # No reminder of this request falls due before this time; empty: not
    # worked out since its schedule last changed. The reminder scan reads only
    # rows whose time has come (casestudies.interviews.reminders).
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [
        FieldPanel("company"),
        FieldPanel("contact"),
        FieldPanel("language"),
        FieldPanel("case_study"),
        FieldPanel("intro"),
        FieldPanel("deadline"),
        FieldPanel("photos_wanted"),
        FieldPanel("photos_description"),
        FieldPanel("question_set"),
        MultiFieldPanel(
            [FieldPanel("remind_after_days"), FieldPanel("remind_before_deadline_days")],
            heading=_("Reminders"),
        ),
        InlinePanel("questions", label=_("Questions")),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("interview request")
        verbose_name_plural = _("interview requests")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["next_reminder_at"], name="interview_next_reminder"),
            # The admin's listing, newest first: its page is read from the index, not sorted.
            models.Index(fields=["-created_at"], name="interview_newest_first"),
        ]
        # Without it a user sees only the requests they own (authors); editors get it.
        permissions = [("see_all_interviewrequests", _("Can see every interview request"))]

    def __str__(self) -> str:
        contact = self.contact.name if self.contact_id else ""
        company = self.company.name if self.company_id else ""
        return f"{company}: {contact}" if contact else company

    def clean(self):
        super().clean()
        if self.contact_id and self.company_id and self.contact.company_id != self.company_id:
            raise ValidationError({"contact": _("This contact works for another company.")})

    def save(self, *args, **kwargs):
        # Chosen once, when the request is written: a contact who later changes
        # their preference does not get a questionnaire that switches language.
        if not self.language and self.contact_id:
            self.language = self.contact.language
        super().save(*args, **kwargs)

    @property
    def reminder_after_days(self) -> list[int]:
        return parse_day_list(self.remind_after_days)

    def copy_questions_from_set(self) -> int:
        """Give a request without questions those of its question set; returns how many."""
        if not self.question_set_id or self.questions.exists():
            return 0
        items = self.question_set.items.order_by("sort_order", "pk")
        created = InterviewQuestion.objects.bulk_create(
            [
                InterviewQuestion(request=self, text=item.text, help_text=item.help_text, sort_order=order)
                for order, item in enumerate(items)
            ]
        )
        return len(created)


class InterviewQuestion(Orderable):
    request = ParentalKey(InterviewRequest, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    # Set when editors ask for a new answer to this question.
    change_requested = models.BooleanField(default=False, editable=False)

    panels = [FieldPanel("text"), FieldPanel("help_text")]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:80]


class Answer(models.Model):
    question = models.OneToOneField(InterviewQuestion, on_delete=models.CASCADE, related_name="answer")
    text = models.TextField(_("answer"), blank=True)
    is_final = models.BooleanField(_("final"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Which save wrote the text: the questionnaire tab that sent it and that
    # tab's sequence number (see answers.Revision). Empty for saves without.
    revision_tab = models.CharField(max_length=40, blank=True, default="", editable=False)
    revision_seq = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.text[:80]


class AnswerSource(models.TextChoices):
    SUBMISSION = "submission", _("Submitted by the contact")
    EMAIL = "email", _("Taken from an email")


class AnswerRevision(models.Model):
    """An answer's text as it stood when it was submitted (once per
    submission round, and only when it changed) or written by an editor from
    an email; never every autosave. Deleted with the answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField(_("answer"), blank=True)
    # The submission this text belongs to: 1 for the first, 2 after the editors asked again, ...
    round = models.PositiveSmallIntegerField(_("round"))
    source = models.CharField(_("source"), max_length=20, choices=AnswerSource.choices)
    # The editor who took it from an email; empty for the contact's own submission.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inbound = models.ForeignKey(
        "InboundMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="answer_revisions"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("answer revision")
        verbose_name_plural = _("answer revisions")

    def __str__(self) -> str:
        return f"{self.answer_id}:{self.round}"


class ChangeRequest(models.Model):
    """The editors asked again: which questions, after which round, with which message."""

    request = models.ForeignKey(InterviewRequest, on_delete=models.CASCADE, related_name="change_requests")
    questions = models.ManyToManyField(InterviewQuestion, related_name="change_requests", blank=True)
    # The submission round that was reviewed (1: the first submission).
    round = models.PositiveSmallIntegerField(_("round"))
    message = models.TextField(_("Message to the contact"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")

    def __str__(self) -> str:
        return f"{self.request_id}:{self.round}"


class _PrivateStorage(Storage):
    """Whatever STORAGES["private"] names at the moment of use.

    A FileField calls its storage callable once, at import; this proxy makes a
    changed STORAGES setting (tests, per-site configuration) take effect."""

    def __getattribute__(self, name):
        if name.startswith("__") or name == "url":
            return object.__getattribute__(self, name)
        return getattr(storages["private"], name)

    def url(self, name):
        # A FileSystemStorage without base_url falls back to MEDIA_URL: a
        # private file must never get a public address by accident.
        raise ValueError("Private uploads have no URL; editors open them through the admin photo view.")


_PRIVATE_STORAGE = _PrivateStorage()


def _private_storage() -> Storage:
    return _PRIVATE_STORAGE


def _random_photo_name(instance: InterviewPhoto, filename: str) -> str:
    # The uploaded filename is never used: it may hold paths, NUL bytes or HTML.
    return f"interviews/{instance.request.public_id}/{uuid.uuid4().hex}.jpg"


def _random_thumbnail_name(instance: InterviewPhoto, filename: str) -> str:
    return f"interviews/{instance.request.public_id}/thumbs/{uuid.uuid4().hex}.jpg"


class ProcessingState(models.TextChoices):
    PENDING = "pending", _("Pending")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Not reviewed")
    ACCEPTED = "accepted", _("Accepted")
    CHANGES_REQUESTED = "changes_requested", _("Replacement requested")
    REJECTED = "rejected", _("Rejected")


class InterviewPhoto(models.Model):
    request = models.ForeignKey(InterviewRequest, on_delete=models.CASCADE, related_name="photos")
    # Already re-encoded by casestudies.interviews.photos: no metadata but the
    # orientation tag, random name, private. width/height are the upright ones.
    file = models.FileField(_("file"), storage=_private_storage, upload_to=_random_photo_name, max_length=255)
    thumbnail = models.FileField(
        _("thumbnail"), storage=_private_storage, upload_to=_random_thumbnail_name, max_length=255, blank=True
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("photo credit"), max_length=200)
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_text = models.TextField(_("consent text"))
    consent_version = models.CharField(_("consent version"), max_length=20)
    consent_at = models.DateTimeField(_("consent time"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    processing_state = models.CharField(
        _("processing"), max_length=10, choices=ProcessingState.choices, default=ProcessingState.PENDING
    )
    review_state = models.CharField(
        _("review"), max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    # The editor's word on the photo (casestudies.interviews.photo_review): a
    # rejected photo's reason is shown to the contact when changes are requested.
    review_reason = models.TextField(_("reason"), blank=True, default="")
    # Its place among the photos that go into the draft (1, 2, ...); empty:
    # not chosen, and it never becomes an image in the library.
    draft_position = models.PositiveSmallIntegerField(_("position in the draft"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # SHA-256 of the file as the contact sent it: the same file sent again
    # (a reload, a second try) is recognised and not stored twice.
    content_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    # The copy in Wagtail's image library, made when the answers were accepted.
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image in the library"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["request", "content_hash"], name="interview_photo_hash")]
        verbose_name = _("interview photo")
        verbose_name_plural = _("interview photos")

    def __str__(self) -> str:
        return self.caption or f"#{self.pk}"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    FORM = "form", _("Questionnaire")
    IN_PERSON = "in_person", _("In person")
    WEB = "web", _("Web / blog")


class Direction(models.TextChoices):
    OUT = "out", _("Outgoing")
    IN = "in", _("Incoming")


class EventKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")
    CALL = "call", _("Call")
    REPLY = "reply", _("Reply")
    OPENED = "opened", _("Opened")
    SAVED = "saved", _("Saved")
    SUBMITTED = "submitted", _("Submitted")
    DECLINED = "declined", _("Declined")
    NOTE = "note", _("Note")
    STATE_CHANGE = "state_change", _("Status change")
    # Issue 5: emails or letters written by hand, the last notice before a
    # failure case study goes live, and a contact's objection to our emails.
    MESSAGE = "message", _("Message")
    LAST_NOTICE = "last_notice", _("Last notice")
    OPTED_OUT = "opted_out", _("Opted out")
    OPTED_IN = "opted_in", _("Objection taken back")
    # The company's sign-off of the finished case study (casestudies.signoff.service).
    SIGNOFF_REQUESTED = "signoff_requested", _("Sign-off requested")
    SIGNOFF_OPENED = "signoff_opened", _("Sign-off opened")
    SIGNOFF_REMINDER = "signoff_reminder", _("Sign-off reminder")
    SIGNOFF_APPROVED = "signoff_approved", _("Sign-off given")
    SIGNOFF_FLAGGED = "signoff_flagged", _("Sign-off: changes asked for")
    SIGNOFF_OVERDUE = "signoff_overdue", _("Sign-off overdue")
    SIGNOFF_OVERRIDDEN = "signoff_overridden", _("Sign-off overridden")
    # Incoming mail (casestudies.interviews.inbound).
    AUTO_REPLY = "auto_reply", _("Automatic out-of-office notice")
    BOUNCE = "bounce", _("Not delivered")


class ContactEvent(models.Model):
    """One dated entry of the contact log: the source of every timeline."""

    request = models.ForeignKey(InterviewRequest, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    # How much of occurred_at is known. With less than a day, the time still
    # orders the log, but a timeline shows only the month, the year, or
    # "date unknown", never an invented day.
    date_precision = models.CharField(
        _("date known to the"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    who = models.CharField(_("who"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Internal entries never appear in a published timeline.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Written by an editor (a call, a letter, a note), not by the system: its
    # summary is meant to be read, and a timeline shows it as it was written.
    manual = models.BooleanField(_("logged by hand"), default=False, editable=False)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("contact event")
        verbose_name_plural = _("contact events")
        indexes = [
            # When a request first reached a step (interviews/funnel.py, a subquery
            # per listed request) is read from the index alone.
            models.Index(fields=["request", "kind", "occurred_at"], name="contactevent_request_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def date_label(self) -> str:
        """The date as far as it is known, in the active language."""
        return partial_dates.label(timezone.localdate(self.occurred_at), self.date_precision)


class ReminderSlot(models.Model):
    """A planned reminder that came due: sent, or skipped with a reason.

    One row per (request, slot): the unique constraint is what makes two beats
    (or two workers) that run the reminder job at once send one email."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")

    request = models.ForeignKey(InterviewRequest, on_delete=models.CASCADE, related_name="reminder_slots")
    slot = models.CharField(_("slot"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["request", "slot"], name="one_reminder_per_slot")]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.slot}"


class OutgoingEmail(models.Model):
    """The transactional outbox: written with the change that causes it, relayed
    after commit and by the beat sweep, claimed by one relay at a time and
    marked sent once (casestudies.interviews.outbox says what a crash mid-send means)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Claimed by a relay that is sending it; next_attempt_at is when the
        # claim (lease) runs out and another relay may take the row.
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=200, unique=True)
    request = models.ForeignKey(
        InterviewRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    # Bodies with a questionnaire link are emptied once sent: the token lives
    # nowhere in the database after it left.
    contains_secret = models.BooleanField(default=False)
    # Sent as List-Unsubscribe (one click, RFC 8058) with email to a contact.
    unsubscribe_url = models.URLField(max_length=500, blank=True)
    # The request's own reply address (casestudies.interviews.inbound.addresses)
    # on email to its contact: a reply is filed under the request.
    reply_to = models.EmailField(max_length=320, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A bounce that came back for it (casestudies.interviews.inbound): a hard
    # one means it never arrived; a soft one sends it again later.
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce = models.CharField(max_length=4, blank=True, choices=[("hard", "hard"), ("soft", "soft")])

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.key


class InboundKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    HARD_BOUNCE = "hard_bounce", _("Not deliverable")
    SOFT_BOUNCE = "soft_bounce", _("Delivery delayed")
    COMPLAINT = "complaint", _("Complaint or unsubscribe")
    UNMATCHED = "unmatched", _("Not matched to a request")


class ReplyUse(models.TextChoices):
    """What an editor made of a reply by email (the Emails tab says so beside it)."""

    ANSWERS = "answers", _("Taken into answers")
    NOTE = "note", _("Kept as a note")


class InboundMessage(models.Model):
    """One email (or provider event) that came in, filed once: the key is a
    digest of its Message-ID (or the provider's event id), so a fetch that
    runs twice, or a webhook delivered twice, files nothing twice.

    `body` is the whole text for editors only; the contact log's summary holds
    the reply without its quoted history, and a public timeline neither."""

    key = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    request = models.ForeignKey(
        InterviewRequest,
        verbose_name=_("interview request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    source = models.CharField(_("source"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=InboundKind.choices)
    sender = models.CharField(_("from"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("message"), blank=True)
    return_date = models.DateField(_("back on"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # The last use an editor made of a reply, so that the next one sees it was dealt with.
    used_as = models.CharField(_("used as"), max_length=10, choices=ReplyUse.choices, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("incoming email")
        verbose_name_plural = _("incoming emails")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"[:120]


class CalendarFeed(models.Model):
    """An admin user's secret iCalendar address (the editorial calendar's feed,
    casestudies.interviews.admin.calendar_feed). Only the SHA-256 hash of its
    token is kept; a new one replaces it, deleting the row revokes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="casebook_calendar_feed",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of user {self.user_id}"
