"""Signals of the blog."""

from django.dispatch import Signal

# Sent with one email the blog wants delivered: `key` (one email per key),
# `to`, `template` and `template_dir` (<dir>/<template>_subject.txt, .txt,
# .html), `context`, `language` and `contains_secret`. The site's outbox
# (casestudies.interviews.emails) receives it inside the sender's transaction
# and relays the email after commit, so the blog needs no mail code of its own.
email_due = Signal()
