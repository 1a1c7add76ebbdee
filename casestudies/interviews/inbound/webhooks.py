"""Incoming mail and delivery events from a mail provider, through
django-anymail's webhooks (/anymail/<provider>/inbound/ and /tracking/).

Anymail checks the shared secret (ANYMAIL_WEBHOOK_SECRET, HTTP basic auth in
the webhook URL) and, where the provider signs its calls, the signature
(e.g. ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY). A call that fails the check is
answered 403 here (anymail itself raises SuspiciousOperation, a 400) and
reaches no receiver. The receivers hand what passed to the same service as
the IMAP fetch."""

from __future__ import annotations

import functools

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import EventType
from django.http import HttpResponseForbidden
from django.urls import URLPattern

from casestudies.interviews.inbound import service
from casestudies.interviews.models import InboundKind

# Providers that tell a soft bounce from a hard one only in their own payload.
_SOFT_TYPES = {"SoftBounce", "Transient", "DnsError", "AutoResponder"}


def on_inbound(sender, event, esp_name: str, **kwargs) -> None:
    """anymail.signals.inbound: a message sent to our inbound address."""
    message = event.message
    if message is None:
        return
    service.file_message(message.as_bytes(), source=esp_name.lower()[:40])


def _kind(event) -> str | None:
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    if event.event_type == EventType.DEFERRED:
        return InboundKind.SOFT_BOUNCE
    if event.event_type == EventType.BOUNCED:
        return InboundKind.SOFT_BOUNCE if esp_event.get("Type") in _SOFT_TYPES else InboundKind.HARD_BOUNCE
    if event.event_type == EventType.REJECTED and event.reject_reason in {"invalid", "bounced"}:
        return InboundKind.HARD_BOUNCE
    if event.event_type in (EventType.COMPLAINED, EventType.UNSUBSCRIBED):
        return InboundKind.COMPLAINT
    return None


def on_tracking(sender, event, esp_name: str, **kwargs) -> None:
    """anymail.signals.tracking: bounces and complaints are filed; the rest is ignored."""
    kind = _kind(event)
    if kind is None or not event.recipient:
        return
    metadata = event.metadata or {}
    service.file_event(
        event_id=str(event.event_id or ""),
        kind=kind,
        recipient=event.recipient,
        source=esp_name.lower()[:40],
        description=str(event.description or event.mta_response or ""),
        outbox_pk=metadata.get("casebook_outbox"),
    )


def _forbidding(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except AnymailWebhookValidationFailure:
            return HttpResponseForbidden("Webhook authentication failed.")

    wrapped.csrf_exempt = True
    return wrapped


# Anymail's own URL patterns, each answering a failed check with 403.
urlpatterns = [
    URLPattern(pattern.pattern, _forbidding(pattern.callback), pattern.default_args, pattern.name)
    for pattern in anymail_urls.urlpatterns
]
app_name = "anymail"
