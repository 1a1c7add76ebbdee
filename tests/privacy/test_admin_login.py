"""The admin login is throttled (README: Admin login): after the configured
number of wrong passwords for an account, or from an address, the right
password is refused too, with a clear message, until the lock-out time has
passed or an administrator unlocks it. django-axes runs for real here:
through the login forms, on the test database."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "richtig-und-lang-1"
ATTACKER = "203.0.113.9"
LOGINS = {"wagtail": "/admin/login/", "django": "/django-admin/login/"}


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("redakteurin", "r@casebook.test", PASSWORD)


def log_in(client: Client, where: str, password: str, username: str = "redakteurin"):
    return client.post(LOGINS[where], {"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302 and "login" not in response["Location"]


@pytest.mark.parametrize("where", sorted(LOGINS))
def test_after_too_many_wrong_passwords_the_right_one_waits_for_the_lock_out(where, editor, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = Client(REMOTE_ADDR=ATTACKER)
    limit = settings.AXES_FAILURE_LIMIT

    wrong = [log_in(client, where, f"falsch-{n}").status_code for n in range(limit - 1)]
    assert wrong == [200] * (limit - 1)  # the form again, with its error
    log_in(client, where, "falsch-last")
    refused = log_in(client, where, PASSWORD)

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Anmeldung gesperrt" in page
    assert f"{limit}-mal" in page and "auch mit dem richtigen Passwort" in page
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"in {minutes} Minuten" in page
    assert refused["Retry-After"] == str(minutes * 60)
    in_english = Client(REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="en")
    assert "even with the right password" in log_in(in_english, where, PASSWORD).content.decode()
    # Not logged in: the admin still sends to the login.
    assert client.get("/admin/").status_code == 302

    time_machine.move_to(timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1))
    assert logged_in(log_in(client, where, PASSWORD))


def test_the_account_is_locked_from_every_address(editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), "wagtail", "falsch")

    assert log_in(Client(REMOTE_ADDR="192.0.2.50"), "wagtail", PASSWORD).status_code == 429


def test_the_address_is_locked_for_every_account(editor):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, "wagtail", "falsch", username=f"rate-{n}")

    assert log_in(attacker, "django", PASSWORD).status_code == 429
    # The editor at another address is not affected.
    assert logged_in(log_in(Client(REMOTE_ADDR="192.0.2.51"), "wagtail", PASSWORD))


def test_an_administrator_unlocks_an_account(editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), "wagtail", "falsch")
    assert log_in(Client(REMOTE_ADDR="192.0.2.52"), "wagtail", PASSWORD).status_code == 429

    call_command("axes_reset_username", "redakteurin")

    assert logged_in(log_in(Client(REMOTE_ADDR="192.0.2.52"), "wagtail", PASSWORD))


def test_a_successful_login_is_not_recorded(editor):
    from axes.models import AccessAttempt, AccessLog

    log_in(Client(REMOTE_ADDR=ATTACKER), "wagtail", "falsch")
    assert logged_in(log_in(Client(REMOTE_ADDR=ATTACKER), "wagtail", PASSWORD))

    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.exists()  # reset by the success
