"""The editorial calendar (issue 14, item 9): the month and what is due next,
only for requests and pages the user may see, reminders only as they will
really go, each entry linking to its page; the query count does not grow
with the data; and the per-user iCalendar feed, with its secret address."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casestudies.interviews import reminders
from casestudies.models import CalendarFeed, InterviewStatus, ReminderSlot, SignOff

from .factories import InterviewRequestFactory
from .test_admin import author_user

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/calendar/"


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def author(client):
    user = author_user()
    client.force_login(user)
    return user


def editor_user(username="redakteur"):
    user = author_user(username)
    user.user_permissions.add(Permission.objects.get(codename="see_all_interviewrequests"))
    return user


def waiting(owner, company, deadline_in=10, **kwargs):
    """A request sent two hours ago, still waiting for the contact."""
    kwargs.setdefault("status", InterviewStatus.SENT)
    kwargs.setdefault("sent_at", timezone.now() - datetime.timedelta(hours=2))
    return InterviewRequestFactory(
        owner=owner, deadline=today() + days(deadline_in), contact__company__name=company, **kwargs
    )


def month_of(day: datetime.date) -> str:
    return f"{CALENDAR}?month={day:%Y-%m}"


def case_study_index():
    from wagtail.models import Page

    from blog.models import HomePage
    from tests.casestudies.factories import make_index

    home = HomePage.objects.first() or Page.get_first_root_node().add_child(
        instance=HomePage(title="Start", slug="start")
    )
    return make_index(home)


def cell(html: str, day: datetime.date) -> str:
    """The table cell of `day` in the month view."""
    match = re.search(rf'<td [^>]*data-day="{day:%Y-%m-%d}".*?</td>', html, re.S)
    assert match, f"no cell for {day}"
    return match.group(0)


def test_the_calendar_is_in_the_admin_menu_with_the_month_as_a_table(client, author):
    html = client.get("/admin/").content.decode()
    # The sidebar is drawn from JSON props.
    assert '"/admin/calendar/"' in html and '"Kalender"' in html

    html = client.get(CALENDAR).content.decode()
    assert "<table" in html and '<th scope="col">Montag</th>' in html
    # Today is marked, for eyes and for screen readers.
    assert 'aria-current="date"' in cell(html, today())


def test_an_author_finds_their_deadline_on_its_day_linking_to_the_request(client, author):
    mine = waiting(author, "Meine Frist GmbH", deadline_in=10)
    waiting(author_user("kollegin"), "Fremde Frist AG", deadline_in=10)

    html = client.get(month_of(mine.deadline)).content.decode()

    day = cell(html, mine.deadline)
    assert "Frist der Anfrage: Meine Frist GmbH" in day
    assert reverse("interview_requests:inspect", args=[mine.pk]) in day
    assert "Fremde Frist AG" not in html
    # And among what is due next.
    assert "Fällig als Nächstes" in html


def test_months_are_navigable_and_a_wrong_month_shows_this_one(client, author):
    later = today().replace(day=1) + days(70)
    html = client.get(month_of(later)).content.decode()
    assert f'data-calendar-month="{later:%Y-%m}"' in html
    assert "?month=" in html and 'rel="prev"' in html and 'rel="next"' in html

    html = client.get(f"{CALENDAR}?month=2026-13").content.decode()
    assert f'data-calendar-month="{today():%Y-%m}"' in html


def test_reminders_show_only_as_they_will_go(client, author):
    open_one = waiting(author, "Erinnert GmbH", deadline_in=12, remind_after_days="3, 7")
    answered = waiting(author, "Beantwortet AG", deadline_in=12, remind_after_days="3, 7")
    answered.status = InterviewStatus.SUBMITTED
    answered.save()
    opted_out = waiting(author, "Abgemeldet KG", deadline_in=12, remind_after_days="3, 7")
    opted_out.contact.opted_out_at = timezone.now()
    opted_out.contact.save()

    html = client.get(CALENDAR).content.decode()
    next_list = html.split("data-calendar-next", 1)[1]

    assert next_list.count("Erinnerung geht raus: Erinnert GmbH") == 3  # after-3, after-7, before-2
    assert "Erinnerung geht raus: Beantwortet AG" not in html
    assert "Erinnerung geht raus: Abgemeldet KG" not in html
    assert reverse("interview_requests:inspect", args=[open_one.pk]) in next_list


def test_the_forecast_leaves_out_what_the_reminder_job_would_skip():
    request = waiting(
        author_user(),
        "Lücke GmbH",
        deadline_in=9,
        remind_after_days="3, 6",
        remind_before_deadline_days=2,
    )
    # after-3 already sent; after-6 and before-2 (day 7) are a day apart: the gap skips before-2.
    ReminderSlot.objects.create(request=request, slot="after-3", outcome="sent", at=timezone.now())
    request = type(request).objects.select_related("contact").get(pk=request.pk)

    names = [slot.name for slot in reminders.forecast(request)]

    assert names == ["after-6"]
    planned = [entry.slot.name for entry in reminders.schedule(request) if entry.state == "planned"]
    assert len(planned) == 2  # the schedule plans both; only one will go


def test_sign_offs_and_last_notice_windows_link_to_their_pages(client, author):
    from tests.casestudies.factories import make_case_study

    page = make_case_study(case_study_index(), live=False, title="Freigabe-Fall")
    accepted = InterviewRequestFactory(
        owner=author, status=InterviewStatus.ACCEPTED, contact__company__name="Freigabe AG", case_study=page
    )
    SignOff.objects.create(request=accepted, page=page, revision_number=1, deadline=today() + days(4))
    silent = InterviewRequestFactory(
        owner=author,
        status=InterviewStatus.EXPIRED,
        contact__company__name="Still GmbH",
        status_changed_at=timezone.now() - days(3),
        notice_sent_at=timezone.now() - days(1),
        notice_reply_until=today() + days(5),
    )

    html = client.get(CALENDAR).content.decode()
    next_list = html.split("data-calendar-next", 1)[1]

    assert "Freigabefrist des Unternehmens: Freigabe AG" in next_list
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in next_list
    assert "Antwortfrist der letzten Nachricht endet: Still GmbH" in next_list
    assert reverse("interview_requests:inspect", args=[silent.pk]) in next_list


def test_scheduled_publications_only_of_pages_the_user_may_edit(client, django_user_model):
    from tests.casestudies.factories import make_case_study

    page = make_case_study(case_study_index(), live=False, title="Geplant <b>fett</b>")
    go_live = timezone.now() + days(3)
    page.save_revision(approved_go_live_at=go_live)

    admin = django_user_model.objects.create_superuser("chefin", "chefin@casebook.test", "x")
    client.force_login(admin)
    html = client.get(CALENDAR).content.decode()
    assert "Geplante Veröffentlichung: Geplant &lt;b&gt;fett&lt;/b&gt;" in html
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in html
    assert timezone.localtime(go_live).strftime("%H:%M") in html

    client.force_login(author_user("ohne_seiten"))
    assert "Geplant &lt;b&gt;" not in client.get(CALENDAR).content.decode()


@pytest.mark.parametrize("page", ["calendar", "feed"])
def test_the_query_count_does_not_grow_with_the_data(client, page):
    editor = editor_user()
    client.force_login(editor)
    client.post(reverse("casestudies_calendar_feed"), {"action": "new"})
    token = client.session.get("casebook_calendar_feed_token")
    url = CALENDAR if page == "calendar" else reverse("calendar_feed", kwargs={"token": token})

    def add(n):
        for i in range(n):
            request = waiting(editor, f"Firma {i} {n}", deadline_in=3 + i % 20, remind_after_days="1, 5")
            ReminderSlot.objects.create(request=request, slot="after-1", outcome="sent", at=timezone.now())
            SignOff.objects.create(request=request, revision_number=1, deadline=today() + days(2 + i % 9))

    def count():
        client.get(url)  # warm the caches a first request fills
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    add(2)
    few = count()
    add(12)
    assert count() == few


def test_scheduled_publications_cost_the_same_however_many(client, django_user_model):
    from tests.casestudies.factories import make_case_study

    index = case_study_index()
    client.force_login(django_user_model.objects.create_superuser("chefin", "chefin@casebook.test", "x"))

    def schedule(n):
        for i in range(n):
            page = make_case_study(index, live=False, title=f"Geplant {n}-{i}")
            page.save_revision(approved_go_live_at=timezone.now() + days(1 + i % 5))

    def count():
        client.get(CALENDAR)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(CALENDAR).content.decode()
        return len(queries), html.split("data-calendar-next", 1)[1].count("Geplante Veröffentlichung:")

    schedule(1)
    few, shown = count()
    schedule(6)
    assert count() == (few, shown + 6)


# The feed --------------------------------------------------------------------


def make_feed(client) -> str:
    html = client.post(reverse("casestudies_calendar_feed"), {"action": "new"}, follow=True).content.decode()
    match = re.search(r'id="calendar-feed-url"[^>]*value="([^"]+)"', html)
    assert match, "the new address is shown on the calendar page"
    return urlsplit(match.group(1)).path


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def summaries(cal) -> list[str]:
    return [str(event["SUMMARY"]) for event in cal.walk("VEVENT")]


def test_the_feed_holds_only_what_its_owner_may_see_with_berlin_times(client, author):
    mine = waiting(author, "Meine Firma", deadline_in=8, remind_after_days="3")
    mine.contact.email = "geheim@firma.example"
    mine.contact.save()
    hidden = waiting(author_user("kollegin"), "Fremde Firma", deadline_in=8)

    url = make_feed(client)
    assert CalendarFeed.objects.get(user=author).token_hash not in url  # only the hash is stored
    client.logout()  # a calendar app has no session
    response = client.get(url)
    cal = parse(response)

    assert "Frist der Anfrage: Meine Firma" in summaries(cal)
    assert not any("Fremde Firma" in summary for summary in summaries(cal))
    assert b"geheim@firma.example" not in response.content
    assert mine.contact.name.encode() not in response.content
    [deadline] = [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).startswith("Frist")]
    assert deadline["DTSTART"].dt == mine.deadline  # a date: an all-day event
    assert deadline.get("DTSTART").params.get("VALUE") == "DATE"
    assert str(deadline["URL"]).endswith(reverse("interview_requests:inspect", args=[mine.pk]))
    reminder = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).startswith("Erinnerung"))
    assert reminder["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]

    # The colleague who may see everything finds the hidden request in theirs.
    client.force_login(editor_user())
    editor_url = make_feed(client)
    client.logout()
    assert "Frist der Anfrage: Fremde Firma" in summaries(parse(client.get(editor_url)))
    assert hidden.pk


def test_a_replaced_revoked_or_unknown_address_finds_nothing(client, author):
    waiting(author, "Meine Firma")
    first = make_feed(client)
    second = make_feed(client)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200

    html = client.post(
        reverse("casestudies_calendar_feed"), {"action": "revoke"}, follow=True
    ).content.decode()
    assert "Kalenderadresse erstellen" in html
    assert client.get(second).status_code == 404
    assert client.get(reverse("calendar_feed", kwargs={"token": "x" * 43})).status_code == 404
    assert client.get(reverse("calendar_feed", kwargs={"token": "x" * 500})).status_code == 404


def test_a_user_who_lost_admin_access_gets_nothing_from_the_feed(client, author):
    waiting(author, "Meine Firma")
    url = make_feed(client)
    author.is_active = False
    author.save()
    assert client.get(url).status_code == 404


def test_the_feed_address_is_made_by_post_only(client, author):
    assert client.get(reverse("casestudies_calendar_feed")).status_code == 405
    assert not CalendarFeed.objects.exists()
