"""Page views per page and day: what "most read" is computed from.

Only counts are kept, never who read what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageViewDay(models.Model):
    # Folding a million counters pays per row for every index, a surrogate
    # key's sequence and the database's foreign-key check, so none is here:
    # (day, page) is the primary key and the only index, the fold's upsert
    # checks that the page exists, and Django deletes the counts with the page
    # (CASCADE in the ORM) (docs/decisions.md, "Folding page views").
    # Day first: counters arrive a day at a time, "most read" sums a range of days.
    pk = models.CompositePrimaryKey("day", "page")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page views on a day")
        verbose_name_plural = _("page views per day")

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.views}"
