"""An email backend for the fault tests, used by the web and worker processes
they start (EMAIL_BACKEND=tests.recording_mail.EmailBackend).

Each message is logged as one JSON line to the file $CASEBOOK_MAIL_LOG: first
"sending" (the process took it up), then "delivered" (the mail server would
have accepted it). While the file $CASEBOOK_MAIL_HOLD exists, a send waits
between the two, so a test can kill the process in the middle of a send."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


def message_id(message) -> str:
    return message.extra_headers.get("Message-ID") or message.message()["Message-ID"]


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        log = Path(os.environ["CASEBOOK_MAIL_LOG"])
        hold = Path(os.environ.get("CASEBOOK_MAIL_HOLD", log.with_suffix(".hold")))
        for message in email_messages:
            record = {
                "pid": os.getpid(),
                "message_id": message_id(message),
                "to": list(message.to),
                "subject": message.subject,
            }
            _append(log, {"event": "sending", **record})
            while hold.exists():
                time.sleep(0.02)
            _append(log, {"event": "delivered", **record})
        return len(email_messages)


def _append(path: Path, record: dict) -> None:
    # One write of one line to a file opened for appending: lines from
    # several processes never interleave.
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(record) + "\n")
