"""Small helpers shared by the interview tests."""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from casestudies.interviews import states as interview_states

REPO = Path(__file__).resolve().parents[2]
TESTDATA = REPO / "tests" / "data" / "images"


def sample_image(relative: str) -> Path:
    path = (TESTDATA / relative).resolve()
    if not path.exists():
        pytest.fail(
            f"Test file missing: looked for {path.relative_to(REPO)} in the repository "
            "(see tests/data/images/README.md)",
            pytrace=False,
        )
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


def path_of(link: str) -> str:
    return link.replace("http://testserver", "")


# Uploads ----------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def real(relative: str) -> SimpleUploadedFile:
    path = sample_image(relative)
    return upload(path.name, path.read_bytes())


def jpeg_bytes(size=(64, 48), mode="RGB", color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format="JPEG", **save)
    return out.getvalue()


def multipart(fields: dict[str, str], files: list[tuple[bytes, bytes]]) -> tuple[bytes, str]:
    """A multipart body written byte by byte: the file names go out exactly as given.

    Django's test client (like a browser) cleans a file name before sending
    it; a hostile client does not. `files` holds (raw Content-Disposition
    filename parameter, content) pairs, e.g. (b'filename="../../x.jpg"', ...)."""
    boundary = f"casebook{secrets.token_hex(8)}".encode()
    body = b""
    for name, value in fields.items():
        body += b"--" + boundary + b"\r\n"
        body += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        body += value.encode() + b"\r\n"
    for filename, content in files:
        body += b"--" + boundary + b"\r\n"
        body += b'Content-Disposition: form-data; name="files"; ' + filename + b"\r\n"
        body += b"Content-Type: image/jpeg\r\n\r\n" + content + b"\r\n"
    body += b"--" + boundary + b"--\r\n"
    return body, f"multipart/form-data; boundary={boundary.decode()}"


# Nothing lost -------------------------------------------------------------------

SAVED_ANSWER = "Schon gespeichert."


def assert_nothing_lost(interview, saved_before) -> None:
    """The answer and photo of the `saved_before` fixture are still there, unchanged."""
    from casestudies.models import Answer, InterviewPhoto

    question, photo = saved_before
    assert Answer.objects.get(question=question).text == SAVED_ANSWER
    assert photo in InterviewPhoto.objects.filter(request=interview)
    photo.refresh_from_db()
    assert photo.file.storage.exists(photo.file.name)
