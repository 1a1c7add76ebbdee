"""Signals of the companies: what other parts of the app may want to know."""

from django.dispatch import Signal

# Sent inside the transaction that records a person's objection to our
# emails, with `contact_ids` (every contact record with their address) and
# `reason`; contact_opted_in when they take it back, with `contact_ids`. The
# interview requests log both on each request of those contacts.
contact_opted_out = Signal()
contact_opted_in = Signal()
