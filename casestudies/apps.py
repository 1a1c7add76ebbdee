from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseStudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = _("Case studies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published

        from blog.page_cache import invalidate_all

        from . import case_study_drafts
        from .models import CaseStudyPage, Company
        from .signals import interview_accepted

        # A company's name (on every card) and its responsiveness switch show
        # on cached public pages: a change makes them stale at once.
        post_save.connect(invalidate_all, sender=Company, dispatch_uid="page-cache-save-Company")
        post_delete.connect(invalidate_all, sender=Company, dispatch_uid="page-cache-delete-Company")

        interview_accepted.connect(case_study_drafts.on_interview_accepted, dispatch_uid="casestudies-draft")
        page_published.connect(
            case_study_drafts.on_case_study_published,
            sender=CaseStudyPage,
            dispatch_uid="casestudies-published",
        )
