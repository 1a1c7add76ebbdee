"""Every kind of email the project sends to a contact carries the opt-out
link in its body and the one-click List-Unsubscribe header (README: Privacy).

The kinds are found from the templates on disk, not from a list kept here:
a new email template that is not registered in casestudies.interviews.emails
fails the first test, and a registered kind for contacts without the link
fails the second."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail

from casestudies.interviews import emails, outbox
from tests.interviews.factories import InterviewRequestFactory

pytestmark = pytest.mark.django_db


def kinds_on_disk() -> set[tuple[str, str]]:
    found = set()
    for config in apps.get_app_configs():
        for subject in Path(config.path, "templates").glob("*/emails/*_subject.txt"):
            folder = subject.parent.relative_to(Path(config.path, "templates")).as_posix()
            found.add((folder, subject.name.removesuffix("_subject.txt")))
    return found


def test_every_email_template_is_a_registered_kind():
    assert kinds_on_disk() == emails.EMAIL_KINDS
    assert not emails.FOR_CONTACTS & emails.FOR_EDITORS


def test_an_unregistered_kind_is_refused():
    with pytest.raises(ValueError, match="EMAIL_KINDS"):
        emails.queue_email(key="x", to="a@b.test", template="surprise", context={}, language="de")


@pytest.mark.parametrize("kind", sorted(emails.FOR_CONTACTS), ids=lambda kind: kind[1])
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_email_to_a_contact_carries_the_opt_out_link(kind, language):
    folder, template = kind
    interview = InterviewRequestFactory()
    email = emails.queue_email(
        key=f"test:{template}",
        to=interview.contact.email,
        template=template,
        template_dir=folder,
        context={"request": interview, "contact": interview.contact, "url": "https://casebook.test/l/"},
        language=language,
        request=interview,
    )
    link = email.unsubscribe_url
    assert link.startswith("http") and "/interview/optout/" in link
    assert link in email.text
    assert f'href="{link}"' in email.html

    outbox.relay_email.apply(args=[email.pk])

    [sent] = mail.outbox
    assert sent.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in sent.body
