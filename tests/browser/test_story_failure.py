"""The failure path of the story, in Chromium: a request is sent, a phone call
is logged, reminders go out, the deadline passes (the clock is moved), the
failure draft is made from the contact log, the contact gets a last notice,
an editor approves after the reply window, and a reader finds the story with
its timeline. Screenshots of every step land in test-artifacts/screenshots/."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from casestudies.models import CaseStudyPage, InterviewRequest, InterviewStatus, Outcome, OutgoingEmail
from tests.casestudies.factories import CompanyContactFactory, CompanyFactory

from .story import create_interview_request, log_in, make_user, open_admin_action, run_admin_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACT_EMAIL = "presse@funkstille.example"


def run_periodic_jobs() -> None:
    """What cron (or beat) runs every few minutes."""
    call_command("run_periodic_jobs", stdout=io.StringIO())


def emails_to(address: str) -> list[str]:
    return [message.subject for message in mail.outbox if address in message.to]


def test_nobody_answers_and_the_silence_is_published(
    live_server, full_demo, editorial_roles, browser, screenshot, settings, time_machine
):
    base = settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    # The clock jumps weeks ahead below; the people stay logged in.
    settings.SESSION_COOKIE_AGE = 365 * 24 * 3600
    start = timezone.now()
    time_machine.move_to(start, tick=True)
    company = CompanyFactory(name="Funkstille AG", slug="funkstille", headquarters="Montabaur")
    CompanyContactFactory(
        company=company, name="Pressestelle", role="Head of Social Media", email=CONTACT_EMAIL
    )
    make_user("autor", "Authors", author_slug="jan-berger")
    make_user("redakteurin", "Editors")

    # Day 0: the author writes and sends the request.
    author = log_in(browser, base, "autor")
    request_id = create_interview_request(
        author,
        base,
        company="Funkstille AG",
        contact="Pressestelle (Funkstille AG)",
        question_set="Chief Social Media Officer: Standardfragen",
        shot=lambda step: screenshot(step, author.page),
    )
    run_admin_action(author, base, request_id, "Einladung senden", "Einladung senden")
    assert len(emails_to(CONTACT_EMAIL)) == 1

    # Day 2: no reaction; the author calls and logs it.
    time_machine.move_to(start + datetime.timedelta(days=2), tick=True)
    page = author.page
    page.goto(f"{base}/admin/interview_requests/inspect/{request_id}/")
    dialog = open_admin_action(page, "Anruf oder E-Mail protokollieren")
    dialog.locator("#log-channel").select_option(label="Telefon")
    dialog.locator("#log-direction").select_option(label="Ausgehend")
    dialog.locator("#log-kind").select_option(label="Anruf")
    dialog.locator("#log-who").fill("Sekretariat")
    dialog.locator("#log-summary").fill("Anruf beim Head of Social Media.")
    dialog.locator("#log-outcome").fill("Sekretariat: nur per E-Mail erreichbar.")
    dialog.get_by_role("button", name="Anruf oder E-Mail protokollieren").click()
    expect(page.locator(".messages")).to_contain_text("Protokolliert")
    screenshot("call-logged", page)

    # Days 4 and 8: the periodic jobs send the two reminders after sending, once each.
    for day in (4, 4, 8, 8):
        time_machine.move_to(start + datetime.timedelta(days=day, hours=1), tick=True)
        run_periodic_jobs()
    assert len(emails_to(CONTACT_EMAIL)) == 3
    page.goto(f"{base}/admin/interview_requests/inspect/{request_id}/")
    screenshot("reminders-sent", page)

    # Day 16: the deadline (day 14) has passed: the request expires, the owner is told.
    time_machine.move_to(start + datetime.timedelta(days=16), tick=True)
    run_periodic_jobs()
    assert InterviewRequest.objects.get(pk=request_id).status == InterviewStatus.EXPIRED
    assert any("autor@casebook.test" in m.to for m in mail.outbox)

    # The silence becomes a draft failure case study, from the contact log.
    run_admin_action(
        author, base, request_id, "Misserfolgs-Fallstudie anlegen", "Misserfolgs-Fallstudie anlegen"
    )
    screenshot("failure-draft-created", page)
    study = InterviewRequest.objects.get(pk=request_id).case_study
    assert study is not None and not study.live
    assert study.specific.outcome == Outcome.FAILURE

    # No surprises: a last notice with the planned date and a reply window.
    page.goto(f"{base}/admin/interview_requests/inspect/{request_id}/")
    open_admin_action(page, "Letzte Benachrichtigung senden").get_by_role(
        "button", name="Letzte Benachrichtigung senden"
    ).click()
    expect(page.locator(".messages")).to_contain_text(
        "Die Zeitleiste im Entwurf endet jetzt mit der Benachrichtigung"
    )
    assert len(emails_to(CONTACT_EMAIL)) == 4

    # The author submits the draft for review while the window is still open...
    page.goto(f"{base}/admin/pages/{study.pk}/edit/")
    page.locator("#id_title").fill("Funkstille AG: Eine Einladung und dann nichts")
    page.locator(".footer__container .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name=re.compile("Redaktionelle Freigabe|einreichen")).click()
    expect(page.locator(".messages")).to_contain_text(re.compile("eingereicht|submitted"))
    screenshot("submitted-for-review", page)

    # ...and an editor approves it once the reply window is over.
    time_machine.move_to(start + datetime.timedelta(days=26), tick=True)
    editor = log_in(browser, base, "redakteurin")
    editor.page.goto(f"{base}/admin/pages/{study.pk}/edit/")
    editor.page.locator(".footer__container .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    screenshot("editor-reviews", editor.page)
    editor.page.get_by_role("button", name=re.compile(r"^Freigeben( und Veröffentlichen)?$")).click()
    expect(editor.page.locator(".messages")).to_contain_text(re.compile(r"\w"))
    assert CaseStudyPage.objects.get(pk=study.pk).live

    # A reader finds it among the failures and reads the dated timeline.
    reader = browser.new_context(locale="de-DE").new_page()
    reader.goto(f"{base}/fallstudien/?outcome=failure")
    reader.get_by_role("link", name="Funkstille AG: Eine Einladung und dann nichts").click()
    timeline = reader.locator(".timeline")
    expect(timeline).to_contain_text("Sekretariat: nur per E-Mail erreichbar.")
    expect(timeline.get_by_text("Wir erinnern an unsere Fragen.")).to_have_count(2)
    expect(timeline).to_contain_text("Die Frist für unsere Fragen läuft ab.")
    expect(timeline).to_contain_text("Letzte Benachrichtigung: Wir wollen die Fallstudie am")
    expect(reader.locator("main")).not_to_contain_text(CONTACT_EMAIL)
    screenshot("reader", reader)
    reader.context.close()


def test_the_first_address_bounces_and_the_failure_story_counts_only_delivered_emails(
    live_server, full_demo, editorial_roles, browser, screenshot, settings, time_machine
):
    """Issue 15: the invitation bounces (a Postfix DSN reaches the editorial
    mailbox), the request's page says "Nicht zustellbar", no failure story is
    possible; the editor enters another address and sends a new link, which
    goes unanswered; the failure draft counts only the emails that arrived."""
    import string
    from pathlib import Path

    from casestudies.interviews.inbound import service

    base = settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.SESSION_COOKIE_AGE = 365 * 24 * 3600
    start = timezone.now()
    time_machine.move_to(start, tick=True)
    company = CompanyFactory(name="Tote Leitung GmbH", slug="tote-leitung", headquarters="Kassel")
    contact = CompanyContactFactory(company=company, name="Pressestelle", email="alt@tote-leitung.example")
    make_user("autor", "Authors", author_slug="jan-berger")

    author = log_in(browser, base, "autor")
    request_id = create_interview_request(
        author,
        base,
        company="Tote Leitung GmbH",
        contact="Pressestelle (Tote Leitung GmbH)",
        question_set="Chief Social Media Officer: Standardfragen",
        shot=lambda step: None,
    )
    run_admin_action(author, base, request_id, "Einladung senden", "Einladung senden")
    [invitation] = [m for m in mail.outbox if "alt@tote-leitung.example" in m.to]

    # The mail server answers with a DSN: unknown user.
    sample = Path(__file__).resolve().parents[1] / "data" / "mail" / "bounce_postfix_5.1.1.eml"
    dsn = string.Template(sample.read_text()).substitute(
        recipient="alt@tote-leitung.example",
        reply_to=invitation.reply_to[0],
        message_id=invitation.extra_headers["Message-ID"],
    )
    service.file_message(dsn.encode(), source="imap")

    page = author.page
    page.goto(f"{base}/admin/interview_requests/inspect/{request_id}/")
    expect(page.get_by_role("alert").filter(has_text="Nicht zustellbar")).to_be_visible()
    screenshot("bounce-not-deliverable", page)

    # The listing flags it too.
    page.goto(f"{base}/admin/interview_requests/")
    row = page.get_by_role("row").filter(has_text="Tote Leitung GmbH")
    expect(row).to_contain_text("Nicht zustellbar")

    # The editor finds another address: from the request's details to the contact's form.
    page.goto(f"{base}/admin/interview_requests/inspect/{request_id}/")
    page.get_by_role("button", name="Angaben zur Anfrage ein- oder ausblenden").click()
    details = page.locator(".cb-side-panel")
    expect(details).to_contain_text("Nicht zustellbar")
    details.get_by_role("link", name="Pressestelle").click()
    page.get_by_role("textbox", name="E-Mail").fill("presse@tote-leitung.example")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"\w"))
    contact.refresh_from_db()
    assert contact.email == "presse@tote-leitung.example" and not contact.email_undeliverable
    page.goto(f"{base}/admin/interview_requests/")
    expect(page.get_by_role("row").filter(has_text="Tote Leitung GmbH")).not_to_contain_text(
        "Nicht zustellbar"
    )

    # A new link to it arrives, and nobody answers.
    run_admin_action(author, base, request_id, "Neuen Link senden", "Neuen Link senden")
    assert any("presse@tote-leitung.example" in m.to for m in mail.outbox)
    time_machine.move_to(start + datetime.timedelta(days=16), tick=True)
    run_periodic_jobs()
    assert InterviewRequest.objects.get(pk=request_id).status == InterviewStatus.EXPIRED

    run_admin_action(
        author, base, request_id, "Misserfolgs-Fallstudie anlegen", "Misserfolgs-Fallstudie anlegen"
    )
    study = InterviewRequest.objects.get(pk=request_id).case_study
    assert study is not None
    # The bounced invitation is no email that arrived: only those to the new address count
    # (the new link and the reminders that followed it).
    delivered = OutgoingEmail.objects.filter(
        request_id=request_id, to="presse@tote-leitung.example", status=OutgoingEmail.Status.SENT
    ).count()
    assert delivered >= 1
    figure = f"{delivered} zugestellte E-Mail{'s' if delivered > 1 else ''},"
    assert figure in study.specific.summary, study.specific.summary
    page.goto(f"{base}/admin/pages/{study.pk}/edit/")
    screenshot("bounce-failure-draft", page)
