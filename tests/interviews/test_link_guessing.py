"""A flood of guessed questionnaire links from one network: refused with a
clear page, counted without storing the address, and never at the cost of
the real contact."""

from __future__ import annotations

import datetime
import hashlib
import math

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from blog import client_address
from casestudies.interviews import tokens

from .helpers import path_of, send_and_get_link, token_of

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
ELSEWHERE = "198.51.100.7"


@pytest.fixture
def link(interview, django_capture_on_commit_callbacks) -> str:
    return path_of(send_and_get_link(interview, django_capture_on_commit_callbacks))


def wrong_links(n: int):
    for i in range(n):
        yield f"/interview/{i:043d}/"


def flood(client: Client, n: int) -> list[int]:
    return [client.get(url).status_code for url in wrong_links(n)]


def test_a_flood_of_wrong_links_gets_a_clear_429_page(link, time_machine):
    time_machine.move_to(timezone.now(), tick=False)  # no window ends halfway through the flood
    attacker = Client(REMOTE_ADDR=ATTACKER)
    english = Client(REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="en")

    statuses = flood(attacker, 12)
    refused = attacker.get("/interview/" + "B" * 43 + "/")
    in_english = english.get("/interview/" + "C" * 43 + "/")

    assert statuses == [404] * 10 + [429] * 2
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "<h1>Zu viele Versuche</h1>" in page
    # The wait the page names is the Retry-After header, rounded up to minutes
    # (the window is django-ratelimit's: it may have only seconds left).
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 600
    minutes = math.ceil(wait / 60)
    assert f"Nach {minutes} {'Minute' if minutes == 1 else 'Minuten'}" in page
    # It says what is true: the contact's own link still opens from this network.
    assert "Der Link aus unserer E-Mail öffnet weiterhin" in page
    assert "kein persönlicher Link" not in page
    assert refused["Cache-Control"] == "no-store, private"
    assert refused["Referrer-Policy"] == "no-referrer"
    assert in_english.status_code == 429
    assert "<h1>Too many attempts</h1>" in in_english.content.decode()
    assert "The link in our email still opens" in in_english.content.decode()
    # Another network is not affected.
    assert Client(REMOTE_ADDR=ELSEWHERE).get("/interview/" + "D" * 43 + "/").status_code == 404
    # After the window, wrong links get the plain "does not work" page again.
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=11))
    assert attacker.get("/interview/" + "E" * 43 + "/").status_code == 404


def test_the_real_contact_behind_the_same_address_still_gets_in(link, interview):
    flood(Client(REMOTE_ADDR=ATTACKER), 30)
    contact = Client(REMOTE_ADDR=ATTACKER)

    response = contact.get(link)

    assert response.status_code == 302
    page = contact.get(response["Location"])
    assert page.status_code == 200
    assert interview.company.name in page.content.decode()


def test_the_contacts_own_visits_never_count(link):
    contact = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(30):
        location = contact.get(link)["Location"]
        assert contact.get(location).status_code == 200

    # A mistyped link of theirs now is the first wrong one, not the 31st.
    assert contact.get("/interview/" + token_of(link)[:-1] + "/").status_code == 404


def test_past_the_block_rate_links_from_that_network_wait_but_an_open_questionnaire_goes_on(
    link, monkeypatch
):
    monkeypatch.setattr(tokens, "BLOCK_RATE", "20/h")
    contact = Client(REMOTE_ADDR=ATTACKER)
    questionnaire = contact.get(link)["Location"]
    assert contact.get(questionnaire).status_code == 200

    assert flood(Client(REMOTE_ADDR=ATTACKER), 21)[-1] == 429
    new_browser = Client(REMOTE_ADDR=ATTACKER).get(link)

    # A search that long is not ended by finding a right link ...
    assert new_browser.status_code == 429
    assert "Zu viele Versuche" in new_browser.content.decode()
    assert "auch kein funktionierender" in new_browser.content.decode()
    assert "öffnet weiterhin" not in new_browser.content.decode()
    # ... but the contact who opened it before carries on, even following the link again,
    assert contact.get(questionnaire).status_code == 200
    assert contact.get(link)["Location"] == questionnaire
    # and the link works from anywhere else.
    assert Client(REMOTE_ADDR=ELSEWHERE).get(link).status_code == 302


def everything_in_the_cache() -> str:
    if hasattr(cache, "keys"):  # django-redis: the keys of our prefix, and their values
        return repr([(key, cache.get(key)) for key in cache.keys("*")])
    return repr(list(cache._cache.items()))  # local memory


def test_the_address_is_counted_as_a_keyed_hash_only(link, settings):
    flood(Client(REMOTE_ADDR=ATTACKER), 3)

    stored = everything_in_the_cache()
    assert stored.count("interview-links") == 0 and "rl:" in stored  # the counters are there
    assert ATTACKER not in stored
    assert hashlib.sha256(ATTACKER.encode()).hexdigest() not in stored
    request = Client(REMOTE_ADDR=ATTACKER).get(link).wsgi_request
    key = client_address.address_key("g", request)
    assert ATTACKER not in key
    settings.SECRET_KEY = "another-secret-key-0123456789-0123456789-0123456789"
    assert client_address.address_key("g", request) != key


def test_a_cache_that_is_down_locks_nobody_out(link, monkeypatch):
    # django-redis with IGNORE_EXCEPTIONS answers None to everything when Redis is gone.
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    attacker = Client(REMOTE_ADDR=ATTACKER)

    assert flood(attacker, 15) == [404] * 15
    assert Client(REMOTE_ADDR=ATTACKER).get(link).status_code == 302


def test_behind_our_proxy_each_client_is_counted_and_a_forged_header_does_not_help(link, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    def via_proxy(client_ip: str, forged: str = "") -> Client:
        header = f"{forged}, {client_ip}" if forged else client_ip
        return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=header)

    attacker_statuses = [
        via_proxy(ATTACKER, forged=f"192.0.2.{n}").get(url).status_code
        for n, url in enumerate(wrong_links(11))
    ]

    assert attacker_statuses[-1] == 429  # a new forged address each time changed nothing
    assert via_proxy(ELSEWHERE).get("/interview/" + "F" * 43 + "/").status_code == 404
    assert via_proxy(ELSEWHERE).get(link).status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(link):
    statuses = [
        Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").get(url).status_code
        for n, url in enumerate(wrong_links(11))
    ]
    assert statuses[-1] == 429


# The sign-off link and the opt-out link: guessed like the questionnaire's, refused alike.

OTHER_LINKS = {
    "signoff": lambda i: f"/interview/freigabe/{i:043d}/",
    "opt-out": lambda i: f"/interview/optout/{i:043d}/",
}


@pytest.mark.parametrize("kind", sorted(OTHER_LINKS))
def test_a_flood_of_wrong_signoff_or_opt_out_links_gets_the_same_pages(kind, interview, time_machine):
    from casestudies.companies import opt_out

    time_machine.move_to(timezone.now(), tick=False)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    wrong = OTHER_LINKS[kind]

    responses = [attacker.get(wrong(i)) for i in range(12)]

    assert [r.status_code for r in responses] == [404] * 10 + [429] * 2
    neutral, refused = responses[0], responses[-1]
    assert "<h1>Zu viele Versuche</h1>" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 600
    for response in (neutral, refused):
        assert response["Cache-Control"] == "no-store, private"
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    in_english = Client(REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="en").get(wrong(99))
    assert "<h1>Too many attempts</h1>" in in_english.content.decode()
    assert "The link in our email still opens" in in_english.content.decode()
    # The real opt-out link still opens for someone behind the same address,
    # another network is not affected, and the window ends.
    right = opt_out.opt_out_url(interview.contact).replace("http://testserver", "")
    right = right[right.index("/interview/") :]
    assert Client(REMOTE_ADDR=ATTACKER).get(right).status_code == 200
    assert Client(REMOTE_ADDR=ELSEWHERE).get(wrong(100)).status_code == 404
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=11))
    assert attacker.get(wrong(101)).status_code == 404


def test_wrong_links_of_every_kind_count_together(interview):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    statuses = [attacker.get(OTHER_LINKS["signoff"](i)).status_code for i in range(4)]
    statuses += [attacker.get(OTHER_LINKS["opt-out"](i)).status_code for i in range(4)]
    statuses += flood(attacker, 4)
    assert statuses == [404] * 10 + [429] * 2


@pytest.fixture
def signed_off_link(case_study_index, django_capture_on_commit_callbacks) -> str:
    from django.core import mail

    from .signoff_helpers import (
        accepted_case_study,
        editorial_workflow_with_signoff,
        signoff_link,
        submit,
        user_in,
    )

    editorial_workflow_with_signoff()
    author = user_in("Authors", "autorin")
    _, page = accepted_case_study(owner=author)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(page, author)
    return path_of(signoff_link())


def test_past_the_block_rate_no_signoff_link_opens_from_that_network(monkeypatch, signed_off_link):
    monkeypatch.setattr(tokens, "BLOCK_RATE", "20/h")
    flood(Client(REMOTE_ADDR=ATTACKER), 21)

    assert Client(REMOTE_ADDR=ATTACKER).get(signed_off_link).status_code == 429
    assert Client(REMOTE_ADDR=ELSEWHERE).get(signed_off_link).status_code == 302
