"""The record of each company sign-off (the workflow step that asks for it is
casestudies.signoff.task).

The lifecycle lives in casestudies.signoff.service. A SignOff row is the evidence: which
revision was shown to whom, when they decided, what they approved (a
snapshot of the text) or which parts they flagged. It outlives the workflow
and the revision it points to."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
