"""What an incoming email is: a reply, an automatic (out-of-office) reply, a
bounce (a delivery status notification, RFC 3464), or a complaint (an abuse
report, RFC 5965). Read with the standard library's `email` package
(policy=default), which does not raise on broken MIME but records defects.

Nothing here touches the database; casestudies.interviews.inbound.service
files what this returns."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage, Message
from html.parser import HTMLParser

from casestudies.interviews.models import InboundKind

# Where we stop reading: a bigger message is filed from its beginning.
MAX_BYTES = 5 * 1024 * 1024
MAX_BODY_CHARS = 100_000
MAX_SUMMARY_CHARS = 2_000
MAX_PARTS = 200

_AUTO_SUBJECT = re.compile(
    r"^\s*(automatische antwort|automatic reply|auto[- ]?reply|autoreply|abwesenheit|"
    r"out of (the )?office|ich bin (nicht im büro|abwesend|nicht da)|urlaubs?(abwesenheit|notiz)?\b|"
    r"office closed|away from (the )?office)",
    re.IGNORECASE,
)
# Lines where a mail program starts the quoted message: everything from there on is history.
_QUOTE_START = re.compile(
    r"^\s*(On .{1,300} wrote:|Am .{1,300} schrieb .{1,300}:|-{2,}\s*(Original Message|Ursprüngliche Nachricht"
    r"|Forwarded message|Weitergeleitete Nachricht)\s*-{2,}|_{20,}|(From|Von):\s.+)\s*$",
    re.IGNORECASE,
)
_MONTHS = {
    **{m: i for i, m in enumerate(["januar", "februar", "märz", "april", "mai", "juni", "juli"], 1)},
    **{"august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12, "maerz": 3},
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july"], 1)},
    **{"october": 10, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7},
    **{"aug": 8, "sep": 9, "sept": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12},
}
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.(\s?(\d{4}|\d{2})\b)?")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\.?\s+([A-Za-zäÄ]{3,9})\.?,?(\s+(\d{4}))?\b")
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(st|nd|rd|th)?,?(\s+(\d{4}))?\b")


@dataclass
class Classified:
    kind: str
    sender: str = ""
    subject: str = ""
    body: str = ""
    summary: str = ""
    return_date: datetime.date | None = None
    # A bounce: the address that failed, the status (5.1.1), why, and the
    # Message-IDs of the email(s) that bounced.
    recipient: str = ""
    status: str = ""
    diagnostic: str = ""
    references: list[str] = field(default_factory=list)


def clean(text: str) -> str:
    """Text as the database keeps it: without NUL characters (PostgreSQL refuses them)."""
    return text.replace("\x00", "")


def parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw[:MAX_BYTES], policy=email_policy.default)


def header(message: Message, name: str) -> str:
    """A header as text; a malformed one as its raw characters, never an exception."""
    try:
        value = message.get(name)
    except Exception:
        return ""
    return clean(str(value or "")).strip()[:2000]


class _Text(HTMLParser):
    """HTML to plain text: scripts and styles are dropped, tags become breaks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "head", "title"}:
            self._skip += 1
        elif tag in {"br", "p", "div", "li", "tr", "blockquote"}:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "head", "title"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html[: MAX_BODY_CHARS * 2])
    parser.close()
    return re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts)).strip()


def _content(part: Message) -> str:
    try:
        content = part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
    return content if isinstance(content, str) else ""


def body_text(message: EmailMessage) -> str:
    """The message's text: its plain part, or its HTML part as text; never an attachment."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return ""
    text = _content(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return clean(text).replace("\r\n", "\n")[:MAX_BODY_CHARS]


def strip_quoted(text: str) -> str:
    """The new part of a reply: up to where the quoted history starts, without '>' lines."""
    kept = []
    for line in text.splitlines():
        if _QUOTE_START.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()[:MAX_SUMMARY_CHARS]


def is_auto_reply(message: Message) -> bool:
    auto_submitted = header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if header(message, "X-Autoreply") or header(message, "X-Autorespond"):
        return True
    if header(message, "Precedence").lower() in {"auto_reply", "bulk", "junk"}:
        return True
    return bool(_AUTO_SUBJECT.match(header(message, "Subject")))


def _date(year: int | None, month: int, day: int, after: datetime.date) -> datetime.date | None:
    try:
        if year is not None:
            year = year + 2000 if year < 100 else year
            return datetime.date(year, month, day)
        found = datetime.date(after.year, month, day)
        return found if found >= after else datetime.date(after.year + 1, month, day)
    except ValueError:
        return None


def return_date(text: str, received: datetime.date) -> datetime.date | None:
    """The day the sender is back, read from an out-of-office text: the
    latest date it names within a year from `received` (“bis 14.03., ab dem
    15.03. wieder erreichbar” → 15 March). None if it names none."""
    text = text[:4000]
    found = []
    for m in _NUMERIC_DATE.finditer(text):
        found.append(_date(int(m[4]) if m[4] else None, int(m[2]), int(m[1]), received))
    for m in _ISO_DATE.finditer(text):
        found.append(_date(int(m[1]), int(m[2]), int(m[3]), received))
    for m in _DAY_MONTH.finditer(text):
        if (month := _MONTHS.get(m[2].lower())) is not None:
            found.append(_date(int(m[4]) if m[4] else None, month, int(m[1]), received))
    for m in _MONTH_DAY.finditer(text):
        if (month := _MONTHS.get(m[1].lower())) is not None:
            found.append(_date(int(m[5]) if m[5] else None, month, int(m[2]), received))
    window = received + datetime.timedelta(days=366)
    dates = [day for day in found if day is not None and received <= day <= window]
    return max(dates) if dates else None


def _report(message: Message, report_type: str) -> bool:
    return (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type", "")).lower() == report_type
    )


def _original_message_ids(message: Message) -> list[str]:
    ids = []
    for count, part in enumerate(message.walk()):
        if count > MAX_PARTS:
            break
        content_type = part.get_content_type()
        if content_type == "text/rfc822-headers":
            headers = parse(_content(part).encode("utf-8", "replace"))
            ids.append(header(headers, "Message-ID"))
        elif content_type == "message/rfc822":
            payload = part.get_payload()
            original = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(original, Message):
                ids.append(header(original, "Message-ID"))
    return [mid for mid in ids if mid]


def _delivery_status(message: Message) -> tuple[str, str, str, str]:
    """(action, status, recipient, diagnostic) of the first failed recipient of a DSN."""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        if not isinstance(blocks, list):
            # A DSN whose fields did not parse as blocks: read them as headers.
            blocks = [parse(_content(part).replace("\n\n", "\n").encode("utf-8", "replace"))]
        for block in blocks:
            if not isinstance(block, Message):
                continue
            action = header(block, "Action").lower()
            if not action:
                continue
            status = header(block, "Status")
            recipient = header(block, "Final-Recipient") or header(block, "Original-Recipient")
            recipient = recipient.partition(";")[2].strip() or recipient
            return action, status, recipient, header(block, "Diagnostic-Code")
    return "", "", "", ""


def is_hard(action: str, status: str) -> bool:
    """A permanent failure: 5.x.x, except a full mailbox (5.2.2), which may empty again."""
    if action in {"delayed", "relayed", "delivered", "expanded"}:
        return False
    return status.startswith("5") and not status.startswith("5.2.2")


def classify(message: EmailMessage, received: datetime.date) -> Classified:
    sender = header(message, "From")
    subject = header(message, "Subject")[:300]
    if _report(message, "delivery-status"):
        action, status, recipient, diagnostic = _delivery_status(message)
        hard = is_hard(action, status)
        return Classified(
            kind=InboundKind.HARD_BOUNCE if hard else InboundKind.SOFT_BOUNCE,
            sender=sender,
            subject=subject,
            body=body_text(message),
            recipient=recipient[:320],
            status=status[:20],
            diagnostic=diagnostic[:500],
            references=_original_message_ids(message),
        )
    if _report(message, "feedback-report"):
        return Classified(
            kind=InboundKind.COMPLAINT,
            sender=sender,
            subject=subject,
            references=_original_message_ids(message),
        )
    text = body_text(message)
    if is_auto_reply(message):
        return Classified(
            kind=InboundKind.AUTO_REPLY,
            sender=sender,
            subject=subject,
            body=text,
            summary=strip_quoted(text),
            return_date=return_date(f"{subject}\n{text}", received),
        )
    return Classified(
        kind=InboundKind.REPLY, sender=sender, subject=subject, body=text, summary=strip_quoted(text)
    )
