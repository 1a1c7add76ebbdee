"""Scheduled publications in the editorial calendar
(casestudies.interviews.admin.calendar_entries): the revisions Wagtail will
publish at their go-live time (approved_go_live_at, what its
publish_scheduled_pages job reads), of the pages the user may edit and see."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision
from wagtail.permission_policies.pages import PagePermissionPolicy

from casestudies.interviews.admin.calendar_entries import Entry, Source
from casestudies.interviews.admin.visibility import hidden_page_ids


def _scheduled(user, first: datetime.date, last: datetime.date):
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    revisions = list(
        Revision.objects.page_revisions()
        .filter(approved_go_live_at__gte=start, approved_go_live_at__lt=end)
        .only("pk", "object_id", "approved_go_live_at", "object_str")
    )
    if not revisions:
        return
    pages = {
        str(page.pk): page
        for page in PagePermissionPolicy()
        .instances_user_has_any_permission_for(user, {"change", "publish"})
        .filter(pk__in=[int(revision.object_id) for revision in revisions])
        .exclude(pk__in=hidden_page_ids(user))
        .only("pk", "title", "draft_title")
    }
    for revision in revisions:
        page = pages.get(revision.object_id)
        if page is None:
            continue
        yield Entry(
            timezone.localdate(revision.approved_go_live_at),
            "publication",
            gettext("Scheduled publication"),
            revision.object_str or page.draft_title or page.title,
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            f"publication-{page.pk}-{revision.pk}",
            at=revision.approved_go_live_at,
        )


SCHEDULED_PUBLICATIONS = Source("publication", _("Scheduled publications"), _scheduled)
