"""A plain Wagtail page, the yardstick of the case study's uncached cost:
a rich-text body and one image, rendered by a minimal template. Bench only
(bench/settings.py installs it); the site has no such page type."""

from django.db import models
from wagtail.fields import RichTextField
from wagtail.models import Page


class ReferencePage(Page):
    body = RichTextField(blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    template = "reference/reference_page.html"
