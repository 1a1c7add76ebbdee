"""The old name of publish_scheduled, as Wagtail keeps it."""

from blog.management.commands.publish_scheduled import Command  # noqa: F401
