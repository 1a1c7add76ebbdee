"""The texts Casebook writes into a draft made from an accepted interview
(pages.drafts) until an editor writes their own. One place: the drafts write
them and the pre-publication checklist (pages.checklist) recognises them."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


def interview_title(company: str) -> str:
    return gettext("Interview: %(company)s") % {"company": company}


def interview_summary(company: str, role: str = "") -> str:
    return gettext("%(company)s answers our questions.") % {"company": company} + (
        f" ({role})" if role else ""
    )


def _languages() -> list[str]:
    # The drafts are written in the site's language; an editor may have changed it since.
    return [
        settings.LANGUAGE_CODE,
        *(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE),
    ]


def is_interview_title(title: str, company: str) -> bool:
    title = (title or "").strip()
    for language in _languages():
        with translation.override(language):
            if title == interview_title(company):
                return True
    return False


def is_interview_summary(summary: str, company: str) -> bool:
    summary = (summary or "").strip()
    for language in _languages():
        with translation.override(language):
            generated = interview_summary(company)
        # The contact's role follows in brackets when they gave one.
        if summary == generated or (summary.startswith(generated + " (") and summary.endswith(")")):
            return True
    return False
