"""Signals other parts of the site connect to."""

from django.dispatch import Signal

# Sent inside the transaction that accepts an interview request, with
# `request` (the InterviewRequest) and `user`. The case-study pages connect
# here to turn the accepted answers and photos into a draft CaseStudyPage; a
# receiver that raises rolls the acceptance back.
interview_accepted = Signal()

# Sent inside the transaction that records a last notice, with `request`,
# `event` (its ContactEvent) and `user`. The case-study pages connect here so
# that a failure draft's timeline tells of the notice.
last_notice_sent = Signal()

# Sent inside the transaction that files a reply by email from the contact
# (interviews.inbound), with `request`. The state machine connects here: a
# reply to an expired or declined request reopens it; its receiver returns
# True when it did, so the filing tells the owner so in its one email.
replied_by_email = Signal()
