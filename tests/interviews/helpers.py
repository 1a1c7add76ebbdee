"""Small helpers shared by the interview tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

from casestudies import interview_states

TESTDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata" / "images"


def sample_image(relative: str) -> Path:
    path = (TESTDATA / relative).resolve()
    if not path.exists():
        pytest.fail(f"Test file missing: looked for {path} (see ../shared/testdata/README.md)", pytrace=False)
    return path


def link_in(message) -> str:
    match = re.search(r"https?://\S+/interview/[^/\s]+/", message.body)
    assert match, f"no questionnaire link in: {message.body}"
    return match.group(0)


def send_and_get_link(interview, capture) -> str:
    """Send `interview` (running the after-commit relay) and return the invitation link."""
    before = len(mail.outbox)
    with capture(execute=True):
        interview_states.send(interview, user=interview.owner)
    assert len(mail.outbox) == before + 1
    return link_in(mail.outbox[-1])


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]
