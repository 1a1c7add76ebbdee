from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseStudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = _("Case studies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published, task_cancelled

        from blog.signals import email_due
        from casestudies import checks  # noqa: F401 (registers itself)
        from casestudies.companies.signals import contact_opted_in, contact_opted_out
        from casestudies.interviews import contact_log, emails
        from casestudies.interviews import states as interview_states
        from casestudies.interviews.signals import interview_accepted, last_notice_sent, replied_by_email
        from casestudies.pages import drafts as case_study_drafts
        from casestudies.pages import facets as case_study_facets
        from casestudies.pages import guards
        from casestudies.pages.models import CaseStudyPage
        from casestudies.publishing import last_notice
        from casestudies.signoff import service as signoffs

        interview_accepted.connect(case_study_drafts.on_interview_accepted, dispatch_uid="casestudies-draft")
        last_notice_sent.connect(case_study_drafts.on_last_notice_sent, dispatch_uid="casestudies-notice")
        page_published.connect(
            case_study_drafts.on_case_study_published,
            sender=CaseStudyPage,
            dispatch_uid="casestudies-published",
        )
        page_published.connect(
            case_study_facets.case_study_published, sender=CaseStudyPage, dispatch_uid="casestudies-facets"
        )
        replied_by_email.connect(interview_states.on_replied_by_email, dispatch_uid="casestudies-late-reply")
        email_due.connect(emails.on_email_due, dispatch_uid="casestudies-outbox")
        contact_opted_out.connect(contact_log.on_opted_out, dispatch_uid="casestudies-opted-out")
        contact_opted_in.connect(contact_log.on_opted_in, dispatch_uid="casestudies-opted-in")
        # The editorial calendar's dates kept above the interviews.
        from casestudies.interviews.admin import calendar_entries
        from casestudies.pages import calendar as page_calendar
        from casestudies.signoff import today as signoff_today

        calendar_entries.add_source(signoff_today.SIGN_OFF_DEADLINES)
        calendar_entries.add_source(page_calendar.SCHEDULED_PUBLICATIONS)
        # Who may refuse publication, in the order their reasons are shown.
        guards.register(last_notice.refusal)
        guards.register(signoffs.publication_refusal, direct=signoffs.direct_publish_refusal)
        # Any task state: the receiver looks for a sign-off of this one.
        task_cancelled.connect(signoffs.on_task_cancelled, dispatch_uid="casestudies-signoff-cancelled")
        # Incoming mail and delivery events from a provider (django-anymail).
        from anymail.signals import inbound, tracking

        from casestudies.interviews.inbound import webhooks as inbound_webhooks

        inbound.connect(inbound_webhooks.on_inbound, dispatch_uid="casestudies-inbound-mail")
        tracking.connect(inbound_webhooks.on_tracking, dispatch_uid="casestudies-delivery-events")
