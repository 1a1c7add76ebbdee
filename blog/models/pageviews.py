"""Page views per page and day: what "most read" is computed from.

Only counts are kept, never who read what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageViewDay(models.Model):
    # No index of its own: the unique (page, day) index serves every lookup
    # by page, and one index less makes folding a million counters cheaper.
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page views on a day")
        verbose_name_plural = _("page views per day")
        constraints = [
            models.UniqueConstraint(fields=["page", "day"], name="pageview_one_row_per_page_and_day")
        ]
        indexes = [models.Index(fields=["day", "page"])]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.views}"
