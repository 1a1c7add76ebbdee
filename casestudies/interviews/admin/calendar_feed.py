"""The editorial calendar as an iCalendar feed, one secret address per admin
user, for the editor's own calendar app.

The address holds a random token (casestudies.interviews.tokens primitives);
only its hash is stored (CalendarFeed). Making a new one replaces the old,
revoking deletes it; an unknown or revoked token, or one of a user who may
no longer use the admin, finds nothing. The feed is built when it is
fetched, so it holds what its owner may see at that moment, and no more
about a person than the editor needs: what is due and the company's name
(no contact name, address or phone)."""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from casestudies.interviews import tokens
from casestudies.interviews.admin.calendar_entries import Entry, entries_for
from casestudies.interviews.models import CalendarFeed

# What the feed covers: the recent past (so a missed deadline still shows) and what is ahead.
BEHIND = datetime.timedelta(days=60)
AHEAD = datetime.timedelta(days=365)


def new_feed(user) -> str:
    """Give `user` a new secret address (the old one stops working); returns its token."""
    raw = tokens.new_raw_token()
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": tokens.hash_token(raw), "created_at": timezone.now()}
    )
    return raw


def revoke_feed(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def has_feed(user) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()


def owner_of(raw: str):
    """The active admin user whose feed `raw` opens, or None."""
    if not tokens.plausible(raw):
        return None
    token_hash = tokens.hash_token(raw)
    feed = CalendarFeed.objects.filter(token_hash=token_hash).select_related("user").first()
    if feed is None or not tokens.hashes_match(feed.token_hash, token_hash):
        return None
    user = feed.user
    if not user.is_active or not (user.is_superuser or user.has_perm("wagtailadmin.access_admin")):
        return None
    return user


def _event(entry: Entry) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{entry.uid}@casebook")
    event.add("summary", f"{entry.what}: {entry.title}")
    event.add("url", settings.WAGTAILADMIN_BASE_URL + entry.url)
    event.add("dtstamp", timezone.now())
    if entry.at is None:
        # A deadline is a day, not a moment: an all-day event.
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        start = timezone.localtime(entry.at)
        event.add("dtstart", start)
        event.add("dtend", start + datetime.timedelta(minutes=15))
    return event


def feed_for(user) -> bytes:
    """The user's calendar as iCalendar text, in the site's time zone."""
    today = timezone.localdate()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Casebook//Editorial calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", gettext("Casebook editorial calendar"))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    # Ask calendar apps to fetch it hourly: a moved deadline or a revoked right shows soon.
    cal.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for entry in entries_for(user, today - BEHIND, today + AHEAD):
        cal.add_component(_event(entry))
    # The VTIMEZONE of Europe/Berlin for the timed events' TZID.
    cal.add_missing_timezones()
    return cal.to_ical()
