"""The company sign-off: a Wagtail workflow task that asks the interviewee to
approve the final text of a case study, and the record of each request.

The task holds its settings (reply window, reminder, who may override); the
lifecycle lives in casestudies.signoff.service. A SignOff row is the evidence: which
revision was shown to whom, when they decided, what they approved (a
snapshot of the text) or which parts they flagged. It outlives the workflow
and the revision it points to."""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState


class CompanySignOffTask(Task):
    """Freigabe durch das Unternehmen: the contact of the page's interview
    approves the text (or flags parts of it) through a personal link."""

    reply_days = models.PositiveSmallIntegerField(
        _("days to reply"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("The contact is asked to decide within this many days."),
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind after days"),
        default=4,
        help_text=_("One reminder this many days after the request if the contact has not decided. 0: none."),
    )
    groups = models.ManyToManyField(
        Group,
        verbose_name=_("editors"),
        related_name="company_signoff_tasks",
        blank=True,
        help_text=_(
            "Members may edit the page while it waits for the company and, once the deadline has "
            "passed without a reply, override the sign-off with a reason."
        ),
    )

    admin_form_fields = Task.admin_form_fields + ["reply_days", "reminder_after_days", "groups"]
    admin_form_widgets = {"groups": forms.CheckboxSelectMultiple}

    class Meta:
        verbose_name = _("Company sign-off")
        verbose_name_plural = _("Company sign-offs")

    def clean(self):
        super().clean()
        if self.reminder_after_days and self.reminder_after_days >= self.reply_days:
            raise ValidationError(
                {"reminder_after_days": _("The reminder must go out before the days to reply are over.")}
            )

    # Wagtail's Task API ---------------------------------------------------------

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        from casestudies.signoff.service import begin

        return begin(self, task_state, user=user)

    def on_action(self, task_state, user, action_name, **kwargs):
        # Approving and flagging belong to the company, through its link; the
        # editors' one action is the override after the deadline.
        if action_name != "override":
            raise PermissionDenied
        from casestudies.signoff.service import override

        override(task_state, user=user, reason=kwargs.get("reason", ""))

    def may_override(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_superuser:
            return True
        cache = user.__dict__.setdefault("_company_signoff_task_checks", {})
        if self.pk not in cache:
            cache[self.pk] = self.groups.filter(id__in=user.groups.all()).exists()
        return cache[self.pk]

    def user_can_access_editor(self, obj, user):
        return self.may_override(user)

    def locked_for_user(self, obj, user):
        # Authors wait while the company reads: an edit now would only ask
        # the company again. Editors may still edit (and so ask again).
        return not self.may_override(user)

    def user_can_lock(self, obj, user):
        return self.may_override(user)

    def get_actions(self, obj, user):
        from casestudies.signoff.service import overdue_sign_off

        if self.may_override(user) and overdue_sign_off(obj) is not None:
            return [("override", _("Override the company sign-off"), True)]
        return []

    def get_form_for_action(self, action):
        if action == "override":
            from casestudies.signoff.forms import OverrideForm

            return OverrideForm
        return super().get_form_for_action(action)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        # Overdue sign-offs wait for an editor: they show on the dashboard.
        if not self.may_override(user):
            return TaskState.objects.none()
        return self.task_states.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            company_sign_off__status=SignOffStatus.PENDING,
            company_sign_off__deadline__lt=timezone.localdate(),
        )

    @classmethod
    def get_description(cls):
        return _(
            "The contact of the page's accepted interview approves the final text through a personal "
            "link, or flags answers and photos with a comment."
        )


class SignOffStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the company")
    APPROVED = "approved", _("Approved by the company")
    FLAGGED = "flagged", _("Changes asked for by the company")
    OVERRIDDEN = "overridden", _("Overridden by an editor")
    SUPERSEDED = "superseded", _("Replaced by a newer request")
    CANCELLED = "cancelled", _("Cancelled")


def _new_public_id() -> str:
    # Names the sign-off in its token-free URL; grants nothing on its own.
    return secrets.token_urlsafe(16)


class SignOff(models.Model):
    request = models.ForeignKey(
        "casestudies.InterviewRequest",
        verbose_name=_("interview request"),
        on_delete=models.CASCADE,
        related_name="sign_offs",
    )
    page = models.ForeignKey(
        "casestudies.CaseStudyPage",
        verbose_name=_("case study"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="sign_offs",
    )
    task_state = models.OneToOneField(
        "wagtailcore.TaskState",
        null=True,
        on_delete=models.SET_NULL,
        related_name="company_sign_off",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("revision"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The revision's number, kept when a purge deletes the revision itself.
    revision_number = models.PositiveBigIntegerField(_("revision number"))
    status = models.CharField(
        _("status"), max_length=12, choices=SignOffStatus.choices, default=SignOffStatus.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    deadline = models.DateField(_("deadline"))
    remind_at = models.DateTimeField(_("reminder due"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("deadline noted as passed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Who decided, as they were named when they did (the contact may change later).
    decided_by = models.CharField(_("decided by"), max_length=300, blank=True)
    decided_by_email = models.EmailField(_("email of the person who decided"), blank=True)
    # What was shown and decided on: the interview's questions and answers,
    # the photos with caption and credit, title, summary and text (JSON), and
    # the SHA-256 of that JSON.
    snapshot = models.JSONField(_("text decided on"), default=dict, blank=True)
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)
    public_id = models.CharField(max_length=32, unique=True, default=_new_public_id, editable=False)
    # Only a SHA-256 hash of the link's token is kept (casestudies.interviews.tokens).
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    token_revoked = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("company sign-off")
        verbose_name_plural = _("company sign-offs")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.page_id or '-'} r{self.revision_number}: {self.get_status_display()}"

    @property
    def is_overdue(self) -> bool:
        return self.status == SignOffStatus.PENDING and self.deadline < timezone.localdate()
