"""The periodic fetch from the editorial mailbox (IMAP_URL): every message in
IMAP_FOLDER is filed (casestudies.interviews.inbound.service) and then moved
to IMAP_PROCESSED_FOLDER.

Filing comes first and is idempotent by Message-ID, so a fetch that dies
between the two steps files nothing twice: the next run finds the message
filed and only moves it. A message is read with BODY.PEEK (it stays unread
for the people who share the mailbox) and only up to classify.MAX_BYTES."""

from __future__ import annotations

import imaplib
import logging
from urllib.parse import parse_qs, unquote, urlparse

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from casestudies.interviews.inbound import classify, service

logger = logging.getLogger("casebook")

BATCH = 200


def connect(url: str) -> imaplib.IMAP4:
    """imap://user:password@host:143/ (STARTTLS with ?starttls=true) or imaps://…:993/."""
    parsed = urlparse(url)
    timeout = settings.EMAIL_TIMEOUT
    if parsed.scheme == "imaps":
        connection = imaplib.IMAP4_SSL(parsed.hostname, parsed.port or 993, timeout=timeout)
    elif parsed.scheme == "imap":
        connection = imaplib.IMAP4(parsed.hostname, parsed.port or 143, timeout=timeout)
        if parse_qs(parsed.query).get("starttls", ["false"])[0].lower() in {"1", "true", "yes"}:
            connection.starttls()
    else:
        raise ValueError(f"IMAP_URL must start with imap:// or imaps://, not {parsed.scheme}://")
    connection.login(unquote(parsed.username or ""), unquote(parsed.password or ""))
    return connection


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _raw(fetched: list) -> bytes | None:
    for item in fetched or []:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _move(connection: imaplib.IMAP4, uid: bytes, target: str, can_move: bool) -> None:
    if can_move:
        status, _ = connection.uid("MOVE", uid, _quoted(target))
        if status == "OK":
            return
    status, _ = connection.uid("COPY", uid, _quoted(target))
    if status != "OK":
        raise imaplib.IMAP4.error(f"could not copy message {uid!r} to {target}")
    connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
    connection.expunge()


def fetch(url: str | None = None) -> int:
    """File and move every message waiting in the folder; returns how many were moved."""
    url = url if url is not None else settings.IMAP_URL
    if not url:
        return 0
    connection = connect(url)
    moved = 0
    try:
        connection.create(_quoted(settings.IMAP_PROCESSED_FOLDER))  # fails harmlessly if it exists
        status, _ = connection.select(_quoted(settings.IMAP_FOLDER))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open IMAP folder {settings.IMAP_FOLDER}")
        can_move = "MOVE" in connection.capabilities
        status, data = connection.uid("SEARCH", None, "ALL")
        uids = (data[0] or b"").split() if status == "OK" else []
        for uid in uids[:BATCH]:
            status, fetched = connection.uid("FETCH", uid, f"(BODY.PEEK[]<0.{classify.MAX_BYTES}>)")
            raw = _raw(fetched) if status == "OK" else None
            if raw is None:
                logger.warning("IMAP message %s could not be read; left in place", uid)
                continue
            try:
                service.file_message(raw, source="imap")
            except Exception:
                # Left in the folder: the next run tries again, nothing is lost.
                logger.exception("IMAP message %s could not be filed; left in place", uid)
                continue
            _move(connection, uid, settings.IMAP_PROCESSED_FOLDER, can_move)
            moved += 1
    finally:
        try:
            connection.logout()
        except Exception:
            logger.warning("IMAP logout failed", exc_info=True)
    return moved


@shared_task(name="casestudies.tasks.fetch_inbound_mail", ignore_result=True)
def fetch_inbound_mail() -> int:
    """The beat job, asked every minute: one fetch per IMAP_POLL_SECONDS (the
    cache key is also what keeps two beats from fetching at once)."""
    if not settings.IMAP_URL or not cache.add("casebook:inbound:imap", 1, timeout=settings.IMAP_POLL_SECONDS):
        return 0
    return fetch()
