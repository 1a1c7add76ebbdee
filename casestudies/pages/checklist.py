"""The pre-publication checklist of a case study (as PublishPress Checklists
gives WordPress editors): what a case study must have before it goes live.

- its own title and summary, not the ones Casebook wrote into the draft of an
  accepted interview (pages.placeholders);
- an outcome: best practice or failure, not "open";
- every image in the body with alt text (or marked decorative) and a credit;
- a failure story: a timeline with at least one dated event.

It knows only the page's content, so it lives with the pages: the
publication guards (pages.guards) ask it at every door, and the editor sees
it as a panel at the top of the page editor (ChecklistPanel)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.panels import Panel

from casestudies.pages import placeholders
from casestudies.pages.outcomes import Outcome


@dataclass(frozen=True)
class Item:
    label: str
    missing: str  # what to do, when it is missing; "" when it is done


def _is_case_study(page) -> bool:
    return all(hasattr(page, field) for field in ("outcome", "summary", "body", "company_id"))


def _company_name(page) -> str:
    company = getattr(page, "company", None) if page.company_id else None
    return company.name if company is not None else ""


def _images(page):
    """(label, image, alt text or None if decorative, credit) of each image in the body."""
    for block in page.body or []:
        if block.block_type == "image":
            value = block.value
            image = value.get("image")
            if image is not None:
                yield image, _alt(image), value.get("credit") or ""
        elif block.block_type == "interview":
            for pair in block.value.get("pairs") or []:
                image = pair.get("photo")
                if image is not None:
                    yield image, _alt(image), pair.get("photo_credit") or ""


def _alt(image) -> str | None:
    if getattr(image, "decorative", False):
        return None
    return (getattr(image, "contextual_alt_text", None) or "").strip()


def _has_dated_event(page) -> bool:
    return any(
        event["date"].is_known
        for block in page.body or []
        if block.block_type == "timeline"
        for event in block.value.get("events") or []
    )


def items(page) -> list[Item]:
    """Every point of the checklist for `page` (the content about to go live), done or not."""
    company = _company_name(page)
    result = [
        Item(
            gettext("Own title"),
            gettext("The title is still the one Casebook wrote into the draft: give the case study its own.")
            if company and placeholders.is_interview_title(page.title, company)
            else "",
        ),
        Item(
            gettext("Own summary"),
            gettext(
                "The summary is still the one Casebook wrote into the draft: write what the story is about."
            )
            if company and placeholders.is_interview_summary(page.summary, company)
            else "",
        ),
        Item(
            gettext("Outcome chosen"),
            gettext("The outcome is still open: choose best practice or failure.")
            if page.outcome in ("", Outcome.OPEN)
            else "",
        ),
    ]
    images = list(_images(page))
    no_alt = [image.title for image, alt, _credit in images if alt == ""]
    no_credit = [image.title for image, _alt_text, credit in images if not credit.strip()]
    result.append(
        Item(
            gettext("Alt text for every image"),
            gettext("These images have no alt text (or are not marked decorative): %(images)s.")
            % {"images": ", ".join(no_alt)}
            if no_alt
            else "",
        )
    )
    result.append(
        Item(
            gettext("Credit for every image"),
            gettext("These images have no credit: %(images)s.") % {"images": ", ".join(no_credit)}
            if no_credit
            else "",
        )
    )
    if page.outcome == Outcome.FAILURE:
        result.append(
            Item(
                gettext("A dated event in the timeline"),
                ""
                if _has_dated_event(page)
                else gettext("A failure story needs a timeline with at least one dated event."),
            )
        )
    return result


def missing(page) -> list[str]:
    """What `page` still lacks before it may go live, in the editor's language; empty when complete."""
    if not _is_case_study(page):
        return []
    return [item.missing for item in items(page) if item.missing]


def refusal(page, at: datetime.datetime | None = None) -> str | None:
    """The checklist as a publication guard: why `page` may not go live yet, or None."""
    gaps = missing(page)
    if not gaps:
        return None
    return gettext("The pre-publication checklist is not complete: %(missing)s") % {"missing": " ".join(gaps)}


class ChecklistPanel(Panel):
    """The checklist at the top of the page editor, for the revision being edited."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("heading", gettext_lazy("Before publishing"))
        super().__init__(*args, **kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "casestudies/admin/checklist_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["items"] = items(page) if _is_case_study(page) else []
            context["complete"] = not any(item.missing for item in context["items"])
            return context
