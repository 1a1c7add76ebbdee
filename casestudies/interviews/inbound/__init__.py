"""Incoming mail: replies, out-of-office notices, bounces and complaints,
from a mailbox over IMAP (imap) or a provider's webhooks (webhooks), matched
to their request (addresses), classified (classify) and filed on its contact
log (service)."""
