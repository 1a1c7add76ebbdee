"""Where Celery finds the app's tasks: autodiscovery imports `<app>.tasks`.
Each task lives beside the work it runs; task names stay
"casestudies.tasks.*" so that queued messages and the beat schedule survive
a move of the code."""

from casestudies.interviews import outbox, photos  # noqa: F401
from casestudies.interviews import tasks as interview_tasks  # noqa: F401
from casestudies.interviews.inbound import imap as inbound_imap  # noqa: F401
from casestudies.signoff import tasks as signoff_tasks  # noqa: F401
