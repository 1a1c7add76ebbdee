"""Reminders as an explicit schedule: named slots N days after sending
("after-3, after-7") and N days before the deadline ("before-2"), each sent or
skipped at most once (ReminderSlot, unique per request and slot).

Existing requests keep what they were promised: every `interval` days at most
`max` times becomes "after-interval, after-2×interval, …", with no reminder
before the deadline; the slots already used are recorded as sent. A draft
still on the old defaults (every 7 days, at most twice) gets the new default
schedule instead. `sent_at` is read from the first invitation in the log."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import casestudies.interviews.models

OLD_DEFAULTS = (7, 2)
NEW_DEFAULTS = ("3, 7", 2)


def forwards(apps, schema_editor):
    InterviewRequest = apps.get_model("casestudies", "InterviewRequest")
    ContactEvent = apps.get_model("casestudies", "ContactEvent")
    ReminderSlot = apps.get_model("casestudies", "ReminderSlot")
    for request in InterviewRequest.objects.all().iterator():
        interval, most = request.reminder_interval_days, request.max_reminders
        if request.status == "draft" and (interval, most) == OLD_DEFAULTS:
            request.remind_after_days, request.remind_before_deadline_days = NEW_DEFAULTS
        else:
            days = [interval * number for number in range(1, most + 1)] if interval else []
            request.remind_after_days = ", ".join(str(day) for day in days)
            request.remind_before_deadline_days = None
            used = days[: request.reminders_sent]
            ReminderSlot.objects.bulk_create(
                [
                    ReminderSlot(
                        request=request,
                        slot=f"after-{day}",
                        outcome="sent",
                        at=request.last_contacted_at or request.updated_at,
                    )
                    for day in used
                ],
                ignore_conflicts=True,
            )
        if request.status != "draft":
            invitation = (
                ContactEvent.objects.filter(request=request, kind="invitation", direction="out")
                .order_by("occurred_at", "pk")
                .first()
            )
            request.sent_at = invitation.occurred_at if invitation else request.status_changed_at
        request.save(update_fields=["remind_after_days", "remind_before_deadline_days", "sent_at"])


def backwards(apps, schema_editor):
    InterviewRequest = apps.get_model("casestudies", "InterviewRequest")
    for request in InterviewRequest.objects.all().iterator():
        days = [int(part) for part in request.remind_after_days.replace(" ", "").split(",") if part]
        request.reminder_interval_days = days[0] if days else 0
        request.max_reminders = len(days)
        request.reminders_sent = request.reminder_slots.filter(outcome="sent").count()
        request.save(update_fields=["reminder_interval_days", "max_reminders", "reminders_sent"])


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0012_company_signoff_task"),
    ]

    operations = [
        migrations.AddField(
            model_name="interviewrequest",
            name="remind_after_days",
            field=models.CharField(
                blank=True,
                default="3, 7",
                help_text="Days after sending, separated by commas, e.g. “3, 7”. Empty: none.",
                max_length=50,
                validators=[casestudies.interviews.models.validate_day_list],
                verbose_name="remind after days",
            ),
        ),
        migrations.AddField(
            model_name="interviewrequest",
            name="remind_before_deadline_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                default=2,
                help_text="Empty: no reminder before the deadline.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(365),
                ],
                verbose_name="remind days before the deadline",
            ),
        ),
        migrations.AddField(
            model_name="interviewrequest",
            name="sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="sent"),
        ),
        migrations.CreateModel(
            name="ReminderSlot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slot", models.CharField(max_length=40, verbose_name="slot")),
                (
                    "outcome",
                    models.CharField(
                        choices=[("sent", "Sent"), ("skipped", "Skipped")], max_length=10, verbose_name="outcome"
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=300, verbose_name="reason")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminder_slots",
                        to="casestudies.interviewrequest",
                    ),
                ),
            ],
            options={
                "verbose_name": "reminder",
                "verbose_name_plural": "reminders",
                "ordering": ["at", "pk"],
                "constraints": [models.UniqueConstraint(fields=("request", "slot"), name="one_reminder_per_slot")],
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="interviewrequest", name="max_reminders"),
        migrations.RemoveField(model_name="interviewrequest", name="reminder_interval_days"),
        migrations.RemoveField(model_name="interviewrequest", name="reminders_sent"),
    ]
