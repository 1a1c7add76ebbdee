"""Page views per page and day: what "most read" is computed from.

Only counts are kept, never who read what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageViewDay(models.Model):
    # Folding a million counters pays per row for every index and for the
    # database's foreign-key check, so neither is here: the fold's upsert
    # checks that the page exists, Django deletes the counts with the page
    # (CASCADE in the ORM), and the unique (day, page) index is the only other
    # one (docs/decisions.md, "Folding page views").
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page views on a day")
        verbose_name_plural = _("page views per day")
        # Day first: "most read" sums a range of days.
        constraints = [
            models.UniqueConstraint(fields=["day", "page"], name="pageview_one_row_per_day_and_page")
        ]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.views}"
