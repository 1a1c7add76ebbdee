from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseStudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = _("Case studies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published, task_cancelled

        from casestudies import checks  # noqa: F401 (registers itself)
        from casestudies.interviews.signals import interview_accepted
        from casestudies.pages import drafts as case_study_drafts
        from casestudies.pages.models import CaseStudyPage
        from casestudies.signoff import service as signoffs

        interview_accepted.connect(case_study_drafts.on_interview_accepted, dispatch_uid="casestudies-draft")
        page_published.connect(
            case_study_drafts.on_case_study_published,
            sender=CaseStudyPage,
            dispatch_uid="casestudies-published",
        )
        # Any task state: the receiver looks for a sign-off of this one.
        task_cancelled.connect(signoffs.on_task_cancelled, dispatch_uid="casestudies-signoff-cancelled")
