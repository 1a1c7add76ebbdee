"""Interview permissions: Authors work on their own requests, Editors see and
act on all of them and keep the question sets. Idempotent."""

from django.db import migrations

from casestudies.migrations import _roles

OWN_REQUESTS = [
    ("casestudies", "add_interviewrequest"),
    ("casestudies", "change_interviewrequest"),
    ("casestudies", "view_interviewrequest"),
    ("casestudies", "view_questionset"),
]
ALL_REQUESTS = OWN_REQUESTS + [
    ("casestudies", "see_all_interviewrequests"),
    ("casestudies", "add_questionset"),
    ("casestudies", "change_questionset"),
    ("casestudies", "delete_questionset"),
]


def forwards(apps, schema_editor):
    _roles.grant(apps, "Authors", OWN_REQUESTS)
    _roles.grant(apps, "Editors", ALL_REQUESTS)


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0005_interview_requests")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
