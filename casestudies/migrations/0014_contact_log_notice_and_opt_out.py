"""The contact log holds the story truthfully (a date known to the day, the
month, the year or not at all; entries written by hand; messages, the last
notice and opt-outs as kinds of their own; the web as a channel), the request
remembers its last notice, a contact may opt out of our emails, a company may
show its responsiveness, and outbox rows carry their List-Unsubscribe URL.

Existing calls, replies and notes were written by editors: they are marked
as logged by hand."""

from django.db import migrations, models


def mark_manual(apps, schema_editor):
    ContactEvent = apps.get_model("casestudies", "ContactEvent")
    ContactEvent.objects.filter(kind__in=["call", "reply", "note"], recorded_by__isnull=False).update(manual=True)


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0013_reminder_policy"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactevent",
            name="date_precision",
            field=models.CharField(
                choices=[("day", "Day"), ("month", "Month"), ("year", "Year"), ("unknown", "Unknown")],
                default="day",
                max_length=10,
                verbose_name="date known to the",
            ),
        ),
        migrations.AddField(
            model_name="contactevent",
            name="manual",
            field=models.BooleanField(default=False, editable=False, verbose_name="logged by hand"),
        ),
        migrations.AlterField(
            model_name="contactevent",
            name="channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("email", "Email"),
                    ("phone", "Phone"),
                    ("letter", "Letter"),
                    ("form", "Questionnaire"),
                    ("in_person", "In person"),
                    ("web", "Web / blog"),
                ],
                max_length=10,
                verbose_name="channel",
            ),
        ),
        migrations.AlterField(
            model_name="contactevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("invitation", "Invitation"),
                    ("reminder", "Reminder"),
                    ("call", "Call"),
                    ("reply", "Reply"),
                    ("opened", "Opened"),
                    ("saved", "Saved"),
                    ("submitted", "Submitted"),
                    ("declined", "Declined"),
                    ("note", "Note"),
                    ("state_change", "Status change"),
                    ("message", "Message"),
                    ("last_notice", "Last notice"),
                    ("opted_out", "Opted out"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="interviewrequest",
            name="notice_reply_until",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="reply window until"),
        ),
        migrations.AddField(
            model_name="interviewrequest",
            name="notice_sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last notice sent"),
        ),
        migrations.AddField(
            model_name="interviewrequest",
            name="planned_publication",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="planned publication"),
        ),
        migrations.AddField(
            model_name="companycontact",
            name="opt_out_reason",
            field=models.TextField(blank=True, editable=False, verbose_name="reason for opting out"),
        ),
        migrations.AddField(
            model_name="companycontact",
            name="opted_out_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="opted out of emails"),
        ),
        migrations.AddField(
            model_name="company",
            name="show_responsiveness",
            field=models.BooleanField(
                default=False,
                help_text="How many interview requests were answered, declined or ignored, and how fast.",
                verbose_name="show responsiveness on the public page",
            ),
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="unsubscribe_url",
            field=models.URLField(blank=True, max_length=500),
        ),
        migrations.RunPython(mark_manual, migrations.RunPython.noop),
    ]
